// One deterministic health finding of a plugin's checks (answers.h): "pool hadeg is DEGRADED".
#pragma once

#include "util/Json.h"

#include <optional>
#include <string>

namespace ha {

enum class Severity { Ok = 0, Warning = 1, Critical = 2 };

const char* toString(Severity severity);
std::optional<Severity> severityFrom(const std::string& name);

struct Finding {
    std::string plugin;
    Severity severity = Severity::Ok;
    std::string check;    // stable rule id "<group>.<name>"
    std::string subject;  // what it is about: "/mnt/tank", "nginx"
    std::string message;  // one sentence
    json::Var evidence;   // an object (often verbatim text, as the plugin wrote it), or empty

    bool problem() const { return severity != Severity::Ok; }
    json::Object::Ptr toJson() const;
};

}  // namespace ha
