// What a request hands down to every plugin call it makes: its id (for log correlation), whether
// the caller gave up, and where streamed text goes. Cheap to copy.
#pragma once

#include "util/CancelToken.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ha {

struct CallContext {
    std::string requestId;
    std::shared_ptr<const CancelToken> cancel;  // null: never cancelled
    // Receives text fragments as a provider produces them; empty when the caller does not stream.
    // Called on a plugin call thread, never after the call returned.
    std::function<void(std::string_view)> onText;

    bool cancelled() const { return cancel && cancel->cancelled(); }
};

}  // namespace ha
