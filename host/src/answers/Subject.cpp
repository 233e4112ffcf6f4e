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

}  // namespace ha
