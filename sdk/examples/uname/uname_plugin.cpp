// Example plugin: capability "uname.info" reports the host name, kernel and architecture.
// It uses the SDK's optional C++ helper; only the C ABI crosses into the host.
#include <homelab_assistant/plugin.hpp>

#include <cstdio>
#include <string>
#include <sys/utsname.h>

namespace {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

class UnameTools {
public:
    UnameTools(const Host& host, const std::string& /*config_json*/) { host.log(HA_LOG_INFO, "uname example ready"); }

    std::vector<ToolSpec> tools() const {
        ToolSpec info;
        info.name = "uname.info";
        info.description = "Host name, operating system, kernel release and machine architecture of the server.";
        return {info};
    }

    std::string invoke(const std::string& name, const Call& call) {
        if (name != "uname.info") throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
        call.throwIfExpired();
        utsname u{};
        if (::uname(&u) != 0) throw Error(HA_ERR_UNAVAILABLE, "uname() failed");
        return "{\"hostname\":" + jsonString(u.nodename) + ",\"system\":" + jsonString(u.sysname) +
               ",\"kernel\":" + jsonString(u.release) + ",\"machine\":" + jsonString(u.machine) + "}";
    }
};

// No settings: an empty object is all it accepts.
const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "example-uname",
                                          "uname example", "1.0.0", "Host name and kernel (SDK example).",
                                          R"({"type":"object","properties":{},"additionalProperties":false})"};

}  // namespace

HA_DEFINE_TOOLS_PLUGIN(UnameTools, kDescriptor)
