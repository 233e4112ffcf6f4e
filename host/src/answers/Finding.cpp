#include "answers/Finding.h"

namespace ha {

const char* toString(Severity severity) {
    switch (severity) {
        case Severity::Ok: return "ok";
        case Severity::Warning: return "warning";
        case Severity::Critical: return "critical";
    }
    return "warning";
}

std::optional<Severity> severityFrom(const std::string& name) {
    if (name == "ok") return Severity::Ok;
    if (name == "warning") return Severity::Warning;
    if (name == "critical") return Severity::Critical;
    return std::nullopt;
}

json::Object::Ptr Finding::toJson() const {
    auto o = json::object();
    o->set("plugin", plugin);
    o->set("severity", std::string(toString(severity)));
    o->set("check", check);
    o->set("subject", subject);
    o->set("message", message);
    if (!evidence.isEmpty()) o->set("evidence", evidence);
    return o;
}

}  // namespace ha
