#include "plugin/PluginLoader.h"

#include "plugin/PluginTool.h"
#include "tools/SchemaValidator.h"
#include "util/Json.h"
#include "util/Text.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace ha::plugin {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("plugins"); }

// Bounded read of a plugin-provided C string: NULL or longer than max is an error.
bool readString(const char* s, size_t max, std::string& out) {
    if (s == nullptr) return false;
    const void* nul = std::memchr(s, '\0', max + 1);
    if (nul == nullptr) return false;
    out.assign(s, static_cast<const char*>(nul));
    return true;
}

bool validId(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    if (!std::isalnum(static_cast<unsigned char>(id[0])) || std::isupper(static_cast<unsigned char>(id[0]))) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    });
}

// "<segment>.<segment>[...]", segments [a-z][a-z0-9_]*, <= 64 bytes.
bool validCapability(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    bool segmentStart = true;
    int dots = 0;
    for (char c : name) {
        if (c == '.') {
            if (segmentStart) return false;
            segmentStart = true;
            ++dots;
        } else if (segmentStart) {
            if (c < 'a' || c > 'z') return false;
            segmentStart = false;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return !segmentStart && dots >= 1;
}

std::string modeString(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// Only files nobody else can swap under us: regular, owned by root or by us, not group/world-writable.
std::string checkFileTrust(const std::string& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        return "is group- or world-writable (mode " + modeString(st.st_mode) + "); refusing to load it";
    }
    if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
        return "is owned by uid " + std::to_string(st.st_uid) + ", not by root or the service user; refusing to load it";
    }
    return "";
}

std::vector<std::string> listSharedObjects(const std::string& dir) {
    std::vector<std::string> files;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return files;
    while (dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0 && name[0] != '.') files.push_back(name);
    }
    ::closedir(d);
    std::sort(files.begin(), files.end());
    return files;
}

std::string effectName(uint32_t e) {
    return e == HA_EFFECT_READ_ONLY ? "read-only" : "mutating";
}

}  // namespace

PluginLoader::PluginLoader(LoaderOptions options) : options_(std::move(options)) {}

std::string PluginLoader::hostAbiVersion() { return std::to_string(HA_ABI_MAJOR) + "." + std::to_string(HA_ABI_MINOR); }

std::string PluginLoader::functionNameOf(const std::string& capability) {
    std::string f = capability;
    std::replace(f.begin(), f.end(), '.', '_');
    return f;
}

LoadResult PluginLoader::loadAll() const {
    LoadResult result;
    const std::string& dir = options_.directory;
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        logger().warning("plugin directory " + dir + " does not exist: no plugins loaded");
        return result;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        logger().error("plugin directory " + dir + " is group- or world-writable (mode " + modeString(st.st_mode) +
                       "): refusing to load any plugin from it");
        result.reports.push_back({dir, "", false, "directory is group- or world-writable"});
        return result;
    }
    for (const std::string& file : listSharedObjects(dir)) {
        PluginReport report;
        report.file = file;
        const std::string error = loadOne(file, result, report);
        if (error.empty()) {
            report.loaded = true;
            logger().information("plugin " + file + " loaded: " + report.message);
        } else {
            report.message = error;
            logger().error("plugin " + file + " refused: " + error);
        }
        result.reports.push_back(std::move(report));
    }
    return result;
}

std::string PluginLoader::loadOne(const std::string& file, LoadResult& result, PluginReport& report) const {
    const std::string path = options_.directory + "/" + file;
    if (std::string trust = checkFileTrust(path); !trust.empty()) return trust;

    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* err = ::dlerror();
        return std::string("cannot be loaded: ") + (err ? err : "unknown dlopen error");
    }
    // From here on the library stays mapped for the life of the process (never dlclose).
    const auto* entry = static_cast<const ha_plugin_entry*>(::dlsym(handle, HA_ENTRY_SYMBOL_NAME));
    if (entry == nullptr) return "does not export " HA_ENTRY_SYMBOL_NAME;

    if (entry->struct_size < HA_SIZE_THROUGH(ha_plugin_entry, abi_minor)) {
        return "entry struct is " + std::to_string(entry->struct_size) + " bytes: not a Homelab Assistant plugin";
    }
    const std::string hostAbi = std::to_string(HA_ABI_MAJOR) + "." + std::to_string(HA_ABI_MINOR);
    const std::string pluginAbi = std::to_string(entry->abi_major) + "." + std::to_string(entry->abi_minor);
    if (entry->abi_major != HA_ABI_MAJOR) return "built for ABI " + pluginAbi + ", host provides ABI " + hostAbi;
    if (entry->struct_size < HA_SIZE_THROUGH(ha_plugin_entry, get_interface)) {
        return "entry struct is " + std::to_string(entry->struct_size) + " bytes, ABI " + hostAbi + " needs at least " +
               std::to_string(HA_SIZE_THROUGH(ha_plugin_entry, get_interface));
    }
    if (!entry->descriptor || !entry->create || !entry->destroy || !entry->get_interface) {
        return "entry has a NULL descriptor or function";
    }

    const ha_plugin_descriptor* d = entry->descriptor;
    if (d->struct_size < HA_SIZE_THROUGH(ha_plugin_descriptor, description)) {
        return "descriptor is " + std::to_string(d->struct_size) + " bytes, ABI " + hostAbi + " needs at least " +
               std::to_string(HA_SIZE_THROUGH(ha_plugin_descriptor, description));
    }
    PluginIdentity id;
    id.file = path;
    id.kinds = d->kinds;
    id.abiMajor = entry->abi_major;
    id.abiMinor = entry->abi_minor;
    if (!readString(d->id, 64, id.id) || !validId(id.id)) {
        return "descriptor id is missing or invalid (expected [a-z0-9][a-z0-9_.-]{0,63})";
    }
    report.id = id.id;
    if (!readString(d->name, 256, id.name) || !readString(d->version, 64, id.version) ||
        !readString(d->description, 1024, id.description)) {
        return "descriptor name, version or description is missing or too long";
    }
    if (d->kinds == 0 || (d->kinds & ~(HA_KIND_TOOLS | HA_KIND_PROVIDER)) != 0) {
        return "descriptor kinds " + std::to_string(d->kinds) + " is empty or has unknown bits";
    }
    for (const auto& p : result.plugins) {
        if (p->identity().id == id.id) return "plugin id '" + id.id + "' is already provided by " + p->identity().file;
    }

    auto plugin = std::make_shared<LoadedPlugin>(id, entry, options_.redactor, options_.limits);
    const std::string settings = options_.settingsFor ? options_.settingsFor(id) : "{}";
    if (std::string err = plugin->create(settings, Deadline::after(options_.createTimeout)); !err.empty()) return err;
    if (std::string err = plugin->bindInterfaces(); !err.empty()) return err;

    std::vector<std::shared_ptr<Tool>> tools;
    if (const ha_tools_v1* t = plugin->tools()) {
        const uint32_t count = t->count(plugin->instance());
        if (count > 64) return "offers " + std::to_string(count) + " capabilities (at most 64)";
        std::set<std::string> names;
        for (const auto& existing : result.tools) names.insert(existing->info().capability);
        for (uint32_t i = 0; i < count; ++i) {
            const ha_tool_info* ti = t->get(plugin->instance(), i);
            const std::string where = "capability #" + std::to_string(i);
            if (ti == nullptr) return where + ": get() returned NULL";
            if (ti->struct_size < HA_SIZE_THROUGH(ha_tool_info, input_schema)) return where + ": ha_tool_info too short";
            ToolInfo info;
            info.pluginId = id.id;
            if (!readString(ti->name, 64, info.capability) || !validCapability(info.capability)) {
                return where + ": invalid name (expected lowercase \"group.action\", at most 64 bytes)";
            }
            const std::string named = "capability '" + info.capability + "'";
            if (names.count(info.capability)) return named + " is already provided by another plugin";
            names.insert(info.capability);
            if (!readString(ti->description, 2048, info.description) || info.description.empty()) {
                return named + ": description is missing or longer than 2048 bytes";
            }
            if (!readString(ti->input_schema, 64 * 1024, info.inputSchema)) return named + ": input_schema is missing or too long";
            try {
                info.inputSchemaObject = json::parseObject(info.inputSchema);
            } catch (const json::JsonError& e) {
                return named + ": input_schema is not a JSON object: " + e.what();
            }
            if (auto err = schema::checkToolSchema(info.inputSchemaObject)) return named + ": input_schema: " + *err;
            if (ti->effect != HA_EFFECT_READ_ONLY && ti->effect != HA_EFFECT_MUTATING) {
                logger().warning("plugin " + file + ": " + named + " declares unknown effect " +
                                 std::to_string(ti->effect) + "; treating it as mutating");
            }
            info.effect = ti->effect == HA_EFFECT_READ_ONLY ? Effect::ReadOnly : Effect::Mutating;
            if (ti->timeout_ms > 600000) return named + ": timeout_ms above 600000";
            info.timeout = std::chrono::milliseconds(ti->timeout_ms);
            info.function = functionNameOf(info.capability);
            tools.push_back(std::make_shared<PluginTool>(plugin, std::move(info)));
        }
    }

    report.message = id.id + " " + id.version + " (ABI " + pluginAbi + ")";
    if (!tools.empty()) {
        report.message += ", capabilities:";
        for (const auto& tool : tools) {
            report.message += " " + tool->info().capability + "[" +
                              effectName(tool->info().effect == Effect::ReadOnly ? HA_EFFECT_READ_ONLY : HA_EFFECT_MUTATING) + "]";
        }
    }
    if (plugin->provider()) report.message += ", LLM provider";
    result.tools.insert(result.tools.end(), tools.begin(), tools.end());
    result.plugins.push_back(std::move(plugin));
    return "";
}

}  // namespace ha::plugin
