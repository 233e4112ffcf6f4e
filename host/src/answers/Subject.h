// What the previous answer of a conversation was about, so that a follow-up ("and the second
// one?", "what about its memory?") can be understood. data is opaque to the host: only the
// plugin named in `plugin` reads it.
#pragma once

#include "util/Json.h"

#include <string>

namespace ha {

struct Subject {
    std::string plugin;
    std::string capability;
    json::Object::Ptr arguments;  // never null
    json::Object::Ptr data;       // never null
    // The size of toJson()'s text, as measured where the subject was made from texts already at
    // hand (0: not measured, textBytes() writes it): the conversation store counts every turn.
    size_t measuredBytes = 0;

    json::Object::Ptr toJson() const;
    size_t textBytes() const;
};

}  // namespace ha
