// What FindingsReader and MatchesReader share: a plugin's output read as events in one checked
// pass (common/JsonText's readJsonEvents), refused unless it is one JSON object. Each reader
// keeps what it needs at the depths it knows.
#pragma once

#include "common/JsonText.h"

#include <string>
#include <string_view>

namespace ha::plugin {

class OutputEvents : public ha_plugins::JsonEvents {
public:
    // Reads `output`, what `function`() returned, into `events`. False with `error` set ("checks()
    // returned invalid JSON: ...") when it is empty, not an object, or refused by the check
    // (syntax, UTF-8, a NUL byte, more than 64 levels).
    static bool read(const std::string& function, std::string_view output, OutputEvents& events, std::string& error);

protected:
    // Stops the reading when `refused` (the output itself is an array or a scalar); else true.
    bool unlessNotAnObject(bool refused) {
        notAnObject_ = notAnObject_ || refused;
        return !refused;
    }

    int depth_ = 0;  // containers open around the current event: 1 inside the output object

private:
    bool notAnObject_ = false;
};

}  // namespace ha::plugin
