#include "answers/Subject.h"

namespace ha {

json::Object::Ptr Subject::toJson() const {
    auto o = json::object();
    o->set("plugin", plugin);
    o->set("capability", capability);
    o->set("arguments", arguments ? arguments : json::object());
    o->set("data", data ? data : json::object());
    return o;
}

size_t Subject::textBytes() const { return measuredBytes > 0 ? measuredBytes : json::stringify(toJson()).size(); }

}  // namespace ha
