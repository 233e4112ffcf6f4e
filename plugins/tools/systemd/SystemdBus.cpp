#include "tools/systemd/SystemdBus.h"

#include <homelab_assistant/plugin.hpp>

#include <systemd/sd-bus.h>

#include <array>
#include <cerrno>
#include <algorithm>
#include <cstring>

namespace ha_plugins::systemd {

using homelab_assistant::Error;

namespace {

constexpr const char* kDestination = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";

struct Allowed {
    std::string_view interface;
    std::string_view member;
};

// Read-only calls, and nothing else, ever leave this plugin. Not here on purpose: LoadUnit (it
// loads a unit into the manager), Subscribe, every Start/Stop/Restart/Kill/Reset/Set/Enable.
constexpr std::array<Allowed, 5> kAllowlist{{
    {kManager, "ListUnits"},
    {kManager, "ListUnitFiles"},
    {kManager, "GetUnit"},
    {kProperties, "Get"},
    {kProperties, "GetAll"},
}};

std::string errnoText(int negativeErrno) { return std::strerror(-negativeErrno); }

// Error names that mean the connection, not the request, failed.
bool connectionError(const std::string& name) {
    return name == "org.freedesktop.DBus.Error.NoReply" || name == "org.freedesktop.DBus.Error.Timeout" ||
           name == "org.freedesktop.DBus.Error.Disconnected";
}

int onReply(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* p = static_cast<SystemdBus::Pending*>(userdata);
    if (p->done) return 0;
    p->done = true;
    --*p->remaining;
    if (sd_bus_message_is_method_error(m, nullptr)) {
        const sd_bus_error* e = sd_bus_message_get_error(m);
        p->errorName = e != nullptr && e->name != nullptr ? e->name : "unknown error";
    } else {
        p->reply.reset(sd_bus_message_ref(m));
    }
    return 0;
}

void check(int r, const std::string& what) {
    if (r < 0) throw Error(HA_ERR_INTERNAL, "malformed reply from systemd (" + what + "): " + errnoText(r));
}

// Reads the variant at the read position into a PropertyValue (skips types it does not keep).
PropertyValue readVariant(sd_bus_message* m) {
    char type = 0;
    const char* contents = nullptr;
    check(sd_bus_message_peek_type(m, &type, &contents), "peek");
    if (type != SD_BUS_TYPE_VARIANT || contents == nullptr) {
        check(sd_bus_message_skip(m, nullptr), "skip");
        return {};
    }
    const std::string sig = contents;
    check(sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, contents), "enter variant");
    PropertyValue value;
    if (sig == "s" || sig == "o" || sig == "g") {
        const char* s = nullptr;
        check(sd_bus_message_read_basic(m, sig[0], &s), "string");
        value = std::string(s != nullptr ? s : "");
    } else if (sig == "b") {
        int b = 0;
        check(sd_bus_message_read_basic(m, 'b', &b), "bool");
        value = b != 0;
    } else if (sig == "y") {
        uint8_t v = 0;
        check(sd_bus_message_read_basic(m, 'y', &v), "byte");
        value = static_cast<uint64_t>(v);
    } else if (sig == "q") {
        uint16_t v = 0;
        check(sd_bus_message_read_basic(m, 'q', &v), "uint16");
        value = static_cast<uint64_t>(v);
    } else if (sig == "u") {
        uint32_t v = 0;
        check(sd_bus_message_read_basic(m, 'u', &v), "uint32");
        value = static_cast<uint64_t>(v);
    } else if (sig == "t") {
        uint64_t v = 0;
        check(sd_bus_message_read_basic(m, 't', &v), "uint64");
        value = v;
    } else if (sig == "n") {
        int16_t v = 0;
        check(sd_bus_message_read_basic(m, 'n', &v), "int16");
        value = static_cast<int64_t>(v);
    } else if (sig == "i") {
        int32_t v = 0;
        check(sd_bus_message_read_basic(m, 'i', &v), "int32");
        value = static_cast<int64_t>(v);
    } else if (sig == "x") {
        int64_t v = 0;
        check(sd_bus_message_read_basic(m, 'x', &v), "int64");
        value = v;
    } else if (sig == "d") {
        double v = 0;
        check(sd_bus_message_read_basic(m, 'd', &v), "double");
        value = v;
    } else if (sig == "as") {
        char** strv = nullptr;
        check(sd_bus_message_read_strv(m, &strv), "string array");
        std::vector<std::string> list;
        for (char** s = strv; s != nullptr && *s != nullptr; ++s) {
            list.emplace_back(*s);
            free(*s);
        }
        free(strv);
        value = std::move(list);
    } else {
        check(sd_bus_message_skip(m, contents), "skip");
    }
    check(sd_bus_message_exit_container(m), "exit variant");
    return value;
}

Properties readProperties(sd_bus_message* m) {
    Properties out;
    check(sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}"), "enter a{sv}");
    int r = 0;
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
        const char* name = nullptr;
        check(sd_bus_message_read_basic(m, 's', &name), "property name");
        std::string key = name != nullptr ? name : "";
        out[key] = readVariant(m);
        check(sd_bus_message_exit_container(m), "exit entry");
    }
    check(r, "dict entry");
    check(sd_bus_message_exit_container(m), "exit a{sv}");
    return out;
}

}  // namespace

std::string propertyString(const Properties& p, const std::string& key) {
    auto it = p.find(key);
    if (it == p.end()) return "";
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
    return "";
}

uint64_t propertyUnsigned(const Properties& p, const std::string& key) {
    auto it = p.find(key);
    if (it == p.end()) return 0;
    if (const auto* u = std::get_if<uint64_t>(&it->second)) return *u;
    if (const auto* i = std::get_if<int64_t>(&it->second)) return *i > 0 ? static_cast<uint64_t>(*i) : 0;
    return 0;
}

int64_t propertySigned(const Properties& p, const std::string& key) {
    auto it = p.find(key);
    if (it == p.end()) return 0;
    if (const auto* i = std::get_if<int64_t>(&it->second)) return *i;
    if (const auto* u = std::get_if<uint64_t>(&it->second)) return static_cast<int64_t>(*u);
    return 0;
}

bool propertyPresent(const Properties& p, const std::string& key) {
    auto it = p.find(key);
    return it != p.end() && !std::holds_alternative<std::monostate>(it->second);
}

void SystemdBus::Unref::operator()(sd_bus_message* m) const noexcept { sd_bus_message_unref(m); }

SystemdBus::SystemdBus(std::string address, uint64_t deadlineNs) : address_(std::move(address)), deadlineNs_(deadlineNs) {}

SystemdBus::~SystemdBus() {
    // Never flush: sd_bus_flush waits for the authentication with sd-bus's own 90 s timeout. All
    // replies this plugin waits for have arrived, or their deadline has passed.
    if (bus_ != nullptr) {
        sd_bus_close(bus_);
        sd_bus_unref(bus_);
    }
}

bool SystemdBus::permits(std::string_view interface, std::string_view member) {
    for (const Allowed& a : kAllowlist) {
        if (a.interface == interface && a.member == member) return true;
    }
    return false;
}

void SystemdBus::connect() {
    if (bus_ != nullptr) return;
    sd_bus* bus = nullptr;
    int r = sd_bus_new(&bus);
    if (r < 0) throw Error(HA_ERR_INTERNAL, "cannot create a D-Bus connection: " + errnoText(r));
    r = sd_bus_set_address(bus, address_.c_str());
    if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
    if (r >= 0) r = sd_bus_negotiate_fds(bus, 0);
    if (r >= 0) r = sd_bus_start(bus);
    if (r < 0) {
        sd_bus_unref(bus);
        throw Error(HA_ERR_UNAVAILABLE, "the system bus is unavailable at " + address_ + ": " + errnoText(r));
    }
    bus_ = bus;
}

void SystemdBus::sendWindow(const std::vector<Request>& requests, std::vector<Pending>& pending, size_t first,
                            size_t last) {
    size_t remaining = last - first;
    std::vector<sd_bus_slot*> slots(requests.size(), nullptr);
    const auto releaseSlots = [&] {
        for (sd_bus_slot*& slot : slots) slot = sd_bus_slot_unref(slot);
    };
    for (size_t i = first; i < last; ++i) {
        const Request& q = requests[i];
        pending[i].remaining = &remaining;
        sd_bus_message* m = nullptr;
        int r = sd_bus_message_new_method_call(bus_, &m, kDestination, q.path.c_str(), q.interface.c_str(), q.member.c_str());
        for (size_t a = 0; r >= 0 && a < q.stringArgs.size(); ++a) r = sd_bus_message_append_basic(m, 's', q.stringArgs[a].c_str());
        const uint64_t now = homelab_assistant::monotonicNowNs();
        const uint64_t timeoutUsec = deadlineNs_ > now ? (deadlineNs_ - now) / 1000 + 1 : 1;
        if (r >= 0) r = sd_bus_call_async(bus_, &slots[i], m, &onReply, &pending[i], timeoutUsec);
        sd_bus_message_unref(m);
        if (r < 0) {
            releaseSlots();
            throw Error(HA_ERR_UNAVAILABLE, "cannot send to the system bus at " + address_ + ": " + errnoText(r));
        }
    }
    // Drive the connection (authentication, Hello, the calls) until every reply is in.
    while (remaining > 0) {
        int r = sd_bus_process(bus_, nullptr);
        if (r < 0) {
            releaseSlots();
            throw Error(HA_ERR_UNAVAILABLE, "the system bus at " + address_ + " failed: " + errnoText(r));
        }
        if (r > 0) continue;
        const uint64_t now = homelab_assistant::monotonicNowNs();
        if (now >= deadlineNs_) {
            releaseSlots();
            throw Error(HA_ERR_TIMEOUT, "the system bus at " + address_ + " did not answer in time");
        }
        r = sd_bus_wait(bus_, (deadlineNs_ - now) / 1000 + 1);
        if (r < 0 && r != -EINTR) {
            releaseSlots();
            throw Error(HA_ERR_UNAVAILABLE, "the system bus at " + address_ + " failed: " + errnoText(r));
        }
    }
    releaseSlots();
}

std::vector<SystemdBus::Reply> SystemdBus::send(const std::vector<Request>& requests, std::vector<std::string>* errorNames) {
    for (const Request& q : requests) {
        if (!permits(q.interface, q.member)) {
            throw Error(HA_ERR_DENIED, "refused to send " + q.interface + "." + q.member + ": not a read-only call");
        }
    }
    if (homelab_assistant::monotonicNowNs() >= deadlineNs_) throw Error(HA_ERR_TIMEOUT, "deadline exceeded");
    connect();

    std::vector<Pending> pending(requests.size());
    // At most kInFlight calls wait for replies at any time: the system bus refuses more
    // outstanding replies per connection (max_replies_per_connection) with LimitsExceeded.
    for (size_t first = 0; first < requests.size(); first += kInFlight) {
        sendWindow(requests, pending, first, std::min(requests.size(), first + kInFlight));
    }
    std::vector<Reply> replies;
    replies.reserve(pending.size());
    if (errorNames != nullptr) errorNames->assign(pending.size(), "");
    for (size_t i = 0; i < pending.size(); ++i) {
        if (connectionError(pending[i].errorName)) {
            const bool timeout = pending[i].errorName == "org.freedesktop.DBus.Error.Timeout";
            throw Error(timeout ? HA_ERR_TIMEOUT : HA_ERR_UNAVAILABLE,
                        "the system bus at " + address_ + " did not answer (" + pending[i].errorName + ")");
        }
        if (pending[i].errorName == "org.freedesktop.DBus.Error.AccessDenied") {
            throw Error(HA_ERR_DENIED, "systemd refused " + requests[i].interface + "." + requests[i].member + " (access denied)");
        }
        if (errorNames != nullptr) (*errorNames)[i] = pending[i].errorName;
        replies.push_back(std::move(pending[i].reply));
    }
    return replies;
}

std::vector<BusUnit> SystemdBus::listUnits() {
    std::vector<std::string> errors;
    auto replies = send({{kManagerPath, kManager, "ListUnits", {}}}, &errors);
    if (!replies[0]) throw Error(HA_ERR_UNAVAILABLE, "systemd did not list its units: " + errors[0]);
    sd_bus_message* m = replies[0].get();
    std::vector<BusUnit> units;
    check(sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(ssssssouso)"), "enter unit list");
    const char *name = nullptr, *description = nullptr, *load = nullptr, *active = nullptr, *sub = nullptr,
               *following = nullptr, *path = nullptr, *jobType = nullptr, *jobPath = nullptr;
    uint32_t jobId = 0;
    int r = 0;
    while ((r = sd_bus_message_read(m, "(ssssssouso)", &name, &description, &load, &active, &sub, &following, &path,
                                    &jobId, &jobType, &jobPath)) > 0) {
        units.push_back({name, description, load, active, sub, path});
    }
    check(r, "unit list");
    return units;
}

std::optional<std::string> SystemdBus::getUnit(const std::string& name) {
    std::vector<std::string> errors;
    auto replies = send({{kManagerPath, kManager, "GetUnit", {name}}}, &errors);
    if (!replies[0]) {
        if (errors[0] == "org.freedesktop.systemd1.NoSuchUnit") return std::nullopt;
        throw Error(errors[0] == "org.freedesktop.DBus.Error.InvalidArgs" ? HA_ERR_INVALID_ARGUMENT : HA_ERR_UNAVAILABLE,
                    "systemd could not look up " + name + ": " + errors[0]);
    }
    const char* path = nullptr;
    check(sd_bus_message_read_basic(replies[0].get(), 'o', &path), "unit path");
    return std::string(path != nullptr ? path : "");
}

std::vector<std::pair<std::string, std::string>> SystemdBus::listUnitFiles() {
    std::vector<std::string> errors;
    auto replies = send({{kManagerPath, kManager, "ListUnitFiles", {}}}, &errors);
    if (!replies[0]) throw Error(HA_ERR_UNAVAILABLE, "systemd did not list its unit files: " + errors[0]);
    sd_bus_message* m = replies[0].get();
    std::vector<std::pair<std::string, std::string>> files;
    check(sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(ss)"), "enter unit files");
    const char *path = nullptr, *state = nullptr;
    int r = 0;
    while ((r = sd_bus_message_read(m, "(ss)", &path, &state)) > 0) {
        std::string file = path != nullptr ? path : "";
        const size_t slash = file.rfind('/');
        files.emplace_back(slash == std::string::npos ? file : file.substr(slash + 1), state != nullptr ? state : "");
    }
    check(r, "unit files");
    return files;
}

Properties SystemdBus::getAll(const std::string& path, const std::string& interface) {
    return getAllMany({path}, interface).front();
}

std::vector<Properties> SystemdBus::getAllMany(const std::vector<std::string>& paths, const std::string& interface) {
    std::vector<Request> requests;
    for (const auto& p : paths) requests.push_back({p, kProperties, "GetAll", {interface}});
    auto replies = send(requests);
    std::vector<Properties> out;
    for (auto& reply : replies) out.push_back(reply ? readProperties(reply.get()) : Properties{});
    return out;
}

PropertyValue SystemdBus::get(const std::string& path, const std::string& interface, const std::string& property) {
    return getMany({path}, interface, property).front();
}

std::vector<PropertyValue> SystemdBus::getMany(const std::vector<std::string>& paths, const std::string& interface,
                                               const std::string& property) {
    std::vector<Request> requests;
    for (const auto& p : paths) requests.push_back({p, kProperties, "Get", {interface, property}});
    auto replies = send(requests);
    std::vector<PropertyValue> out;
    for (auto& reply : replies) out.push_back(reply ? readVariant(reply.get()) : PropertyValue{});
    return out;
}

}  // namespace ha_plugins::systemd
