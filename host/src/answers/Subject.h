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

    json::Object::Ptr toJson() const;
};

}  // namespace ha
