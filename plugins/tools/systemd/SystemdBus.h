// A read-only client of systemd's D-Bus API (org.freedesktop.systemd1) over sd-bus. Every
// message goes out through one function that refuses any method not on a short allowlist of
// read-only calls (ListUnits, ListUnitFiles, GetUnit, Properties.Get/GetAll), so nothing here can
// start, stop, reset or reconfigure anything. Every call is bounded by a deadline: the
// connection is driven by hand (sd_bus_process/sd_bus_wait) instead of sd-bus's own blocking
// calls, whose authentication timeout is 90 s. Not thread-safe: one instance per call.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

struct sd_bus;
struct sd_bus_message;

namespace ha_plugins::systemd {

// One row of Manager.ListUnits.
struct BusUnit {
    std::string name;
    std::string description;
    std::string loadState;
    std::string activeState;
    std::string subState;
    std::string objectPath;
};

// A D-Bus property value: the basic types and string arrays; other types are left out.
using PropertyValue = std::variant<std::monostate, std::string, int64_t, uint64_t, double, bool, std::vector<std::string>>;
using Properties = std::map<std::string, PropertyValue>;

std::string propertyString(const Properties& p, const std::string& key);
uint64_t propertyUnsigned(const Properties& p, const std::string& key);
int64_t propertySigned(const Properties& p, const std::string& key);
bool propertyPresent(const Properties& p, const std::string& key);

class SystemdBus {
public:
    // Nothing is sent until the first call; deadlineNs is CLOCK_MONOTONIC, as in ha_call.
    SystemdBus(std::string address, uint64_t deadlineNs);
    ~SystemdBus();
    SystemdBus(const SystemdBus&) = delete;
    SystemdBus& operator=(const SystemdBus&) = delete;

    // The allowlist: whether `member` of `interface` may ever be sent.
    static bool permits(std::string_view interface, std::string_view member);

    std::vector<BusUnit> listUnits();
    // Object path of a loaded unit (aliases resolve), or nullopt when none is loaded by that name.
    std::optional<std::string> getUnit(const std::string& name);
    // Every installed unit file: (file name, enablement state).
    std::vector<std::pair<std::string, std::string>> listUnitFiles();
    Properties getAll(const std::string& path, const std::string& interface);
    // One property of each object, pipelined; a missing or failed one is monostate.
    std::vector<PropertyValue> getMany(const std::vector<std::string>& paths, const std::string& interface,
                                       const std::string& property);
    // All properties of an interface for each object, pipelined.
    std::vector<Properties> getAllMany(const std::vector<std::string>& paths, const std::string& interface);
    PropertyValue get(const std::string& path, const std::string& interface, const std::string& property);

    // A method call to systemd, built here and sent only through send(): refused with
    // HA_ERR_DENIED, before connecting, unless permits(interface, member). Exposed for tests.
    struct Request {
        std::string path;
        std::string interface;
        std::string member;
        std::vector<std::string> stringArgs;  // appended as "s" arguments, in order
    };
    struct Unref {
        void operator()(sd_bus_message* m) const noexcept;
    };
    using Reply = std::unique_ptr<sd_bus_message, Unref>;
    // Sends the requests at once and waits for every reply (or the deadline). A reply that is a
    // D-Bus error is returned as nullptr with its error name in errorNames (same index).
    std::vector<Reply> send(const std::vector<Request>& requests, std::vector<std::string>* errorNames = nullptr);

    const std::string& address() const { return address_; }

    // One call's outcome while its reply is awaited (public for the sd-bus callback only).
    struct Pending {
        Reply reply;
        std::string errorName;
        bool done = false;
        size_t* remaining = nullptr;
    };

private:
    static constexpr size_t kInFlight = 64;
    void connect();
    void sendWindow(const std::vector<Request>& requests, std::vector<Pending>& pending, size_t first, size_t last);

    std::string address_;
    uint64_t deadlineNs_;
    sd_bus* bus_ = nullptr;
};

}  // namespace ha_plugins::systemd
