#include "plugin/PluginLoader.h"

#include "plugin/PluginAnswers.h"
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
#include <map>
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

std::string hostAbi() { return std::to_string(HA_ABI_MAJOR) + "." + std::to_string(HA_ABI_MINOR); }

std::string groupOf(const std::string& capability) { return capability.substr(0, capability.find('.')); }

// Maps the library and finds its entry. From here on the library stays mapped for the life of
// the process (never dlclose: code of it may still run on an abandoned call thread).
const ha_plugin_entry* openLibrary(const std::string& path, std::string& error) {
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* err = ::dlerror();
        error = std::string("cannot be loaded: ") + (err ? err : "unknown dlopen error");
        return nullptr;
    }
    const auto* entry = static_cast<const ha_plugin_entry*>(::dlsym(handle, HA_ENTRY_SYMBOL_NAME));
    if (entry == nullptr) error = "does not export " HA_ENTRY_SYMBOL_NAME;
    return entry;
}

// The entry struct: size, ABI major, mandatory members.
std::string checkEntry(const ha_plugin_entry* entry) {
    if (!HA_STRUCT_HAS(entry, ha_plugin_entry, abi_minor)) {
        return "entry struct is " + std::to_string(entry->struct_size) + " bytes: not a Homelab Assistant plugin";
    }
    const std::string pluginAbi = std::to_string(entry->abi_major) + "." + std::to_string(entry->abi_minor);
    if (entry->abi_major != HA_ABI_MAJOR) return "built for ABI " + pluginAbi + ", host provides ABI " + hostAbi();
    if (!HA_STRUCT_HAS(entry, ha_plugin_entry, get_interface)) {
        return "entry struct is " + std::to_string(entry->struct_size) + " bytes, ABI " + hostAbi() +
               " needs at least " + std::to_string(HA_SIZE_THROUGH(ha_plugin_entry, get_interface));
    }
    if (!entry->descriptor || !entry->create || !entry->destroy || !entry->get_interface) {
        return "entry has a NULL descriptor or function";
    }
    return "";
}

// The descriptor, read with bounds: id, names, kinds and (ABI 1.1) the settings schema.
std::string readIdentity(const ha_plugin_entry* entry, const std::string& path, PluginIdentity& id) {
    const ha_plugin_descriptor* d = entry->descriptor;
    if (!HA_STRUCT_HAS(d, ha_plugin_descriptor, description)) {
        return "descriptor is " + std::to_string(d->struct_size) + " bytes, ABI " + hostAbi() + " needs at least " +
               std::to_string(HA_SIZE_THROUGH(ha_plugin_descriptor, description));
    }
    id.file = path;
    id.kinds = d->kinds;
    id.abiMajor = entry->abi_major;
    id.abiMinor = entry->abi_minor;
    if (!readString(d->id, 64, id.id) || !validId(id.id)) {
        return "descriptor id is missing or invalid (expected [a-z0-9][a-z0-9_.-]{0,63})";
    }
    if (!readString(d->name, 256, id.name) || !readString(d->version, 64, id.version) ||
        !readString(d->description, 1024, id.description)) {
        return "descriptor name, version or description is missing or too long";
    }
    if (d->kinds == 0 || (d->kinds & ~(HA_KIND_TOOLS | HA_KIND_PROVIDER)) != 0) {
        return "descriptor kinds " + std::to_string(d->kinds) + " is empty or has unknown bits";
    }
    if (HA_STRUCT_HAS(d, ha_plugin_descriptor, settings_schema) && d->settings_schema != nullptr) {
        if (!readString(d->settings_schema, 64 * 1024, id.settingsSchema)) return "settings_schema is longer than 64 KiB";
        try {
            if (auto err = schema::checkToolSchema(json::parseObject(id.settingsSchema))) return "settings_schema: " + *err;
        } catch (const json::JsonError& e) {
            return std::string("settings_schema is not a JSON object: ") + e.what();
        }
    }
    return "";
}

// Every capability the tools interface lists, validated; names unique within the plugin.
std::string readCapabilities(LoadedPlugin& plugin, std::vector<ToolInfo>& out) {
    const ha_tools_v1* t = plugin.tools();
    if (t == nullptr) return "";
    const uint32_t count = t->count(plugin.instance());
    if (count > 64) return "offers " + std::to_string(count) + " capabilities (at most 64)";
    for (uint32_t i = 0; i < count; ++i) {
        const ha_tool_info* ti = t->get(plugin.instance(), i);
        const std::string where = "capability #" + std::to_string(i);
        if (ti == nullptr) return where + ": get() returned NULL";
        if (!HA_STRUCT_HAS(ti, ha_tool_info, input_schema)) return where + ": ha_tool_info too short";
        ToolInfo info;
        info.pluginId = plugin.identity().id;
        if (!readString(ti->name, 64, info.capability) || !validCapability(info.capability)) {
            return where + ": invalid name (expected lowercase \"group.action\", at most 64 bytes)";
        }
        const std::string named = "capability '" + info.capability + "'";
        for (const ToolInfo& earlier : out) {
            if (earlier.capability == info.capability) return named + " is listed twice";
        }
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
            logger().warning("plugin " + plugin.identity().id + ": " + named + " declares unknown effect " +
                             std::to_string(ti->effect) + "; treating it as mutating");
        }
        info.effect = ti->effect == HA_EFFECT_READ_ONLY ? Effect::ReadOnly : Effect::Mutating;
        if (ti->timeout_ms > 600000) return named + ": timeout_ms above 600000";
        info.timeout = std::chrono::milliseconds(ti->timeout_ms);
        const uint32_t flags = HA_STRUCT_HAS(ti, ha_tool_info, flags) ? ti->flags : 0;
        info.instant = (flags & HA_CAPABILITY_INSTANT) != 0;
        info.fromMemory = !info.instant && (flags & HA_CAPABILITY_FROM_MEMORY) != 0;
        info.function = PluginLoader::functionNameOf(info.capability);
        out.push_back(std::move(info));
    }
    return "";
}

// Keys whose values are credentials even when a plugin's schema forgets to say so.
bool namesACredential(std::string key) {
    key = text::toLower(key);
    for (const char* word : {"api_key", "apikey", "password", "passwd", "secret", "token", "credential"}) {
        if (key.find(word) != std::string::npos) return true;
    }
    return false;
}

void collectNamedSecrets(const json::Var& value, std::vector<std::string>& out) {
    if (auto o = json::asObject(value)) {
        for (const auto& [key, member] : *o) {
            if (member.isString() && namesACredential(key)) out.push_back(member.extract<std::string>());
            collectNamedSecrets(member, out);
        }
    } else if (auto a = json::asArray(value)) {
        for (size_t i = 0; i < a->size(); ++i) collectNamedSecrets(a->get(i), out);
    }
}

std::string summaryOf(const LoadedPlugin& plugin, const std::vector<ToolInfo>& capabilities, bool answers,
                      const std::string& answersError) {
    const PluginIdentity& id = plugin.identity();
    std::string message = id.id + " " + id.version + " (ABI " + std::to_string(id.abiMajor) + "." +
                          std::to_string(id.abiMinor) + ")";
    if (!capabilities.empty()) {
        message += ", capabilities:";
        for (const ToolInfo& info : capabilities) {
            message += " " + info.capability + (info.effect == Effect::ReadOnly ? "[read-only]" : "[mutating]");
        }
    }
    if (answers) message += ", answers";
    if (!answersError.empty()) message += " (answers interface unusable: " + answersError + ")";
    if (plugin.provider()) message += ", LLM provider";
    return message;
}

}  // namespace

PluginLoader::PluginLoader(LoaderOptions options) : options_(std::move(options)) {}

bool LoadResult::anySettingsRejected() const {
    return std::any_of(reports.begin(), reports.end(), [](const PluginReport& r) { return r.settingsRejected; });
}

std::string PluginLoader::hostAbiVersion() { return hostAbi(); }

std::string PluginLoader::functionNameOf(const std::string& capability) {
    std::string f = capability;
    std::replace(f.begin(), f.end(), '.', '_');
    return f;
}

std::string PluginLoader::groupOfId(const std::string& id) {
    std::string g = id;
    std::replace_if(g.begin(), g.end(), [](char c) { return c == '-' || c == '.'; }, '_');
    return g;
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
        result.reports.push_back({dir, "", false, "directory is group- or world-writable", false});
        return result;
    }
    std::vector<Candidate> candidates;
    for (const std::string& file : listSharedObjects(dir)) {
        PluginReport report;
        report.file = file;
        std::optional<Candidate> candidate = loadOne(file, candidates, report);
        if (candidate) {
            candidate->report = result.reports.size();
            candidates.push_back(std::move(*candidate));
        } else {
            logger().error("plugin " + file + " refused: " + report.message);
        }
        result.reports.push_back(std::move(report));
    }
    refuseGroupIntruders(candidates, result);
    refuseFunctionCollisions(candidates, result);
    accept(candidates, result);
    return result;
}

std::optional<PluginLoader::Candidate> PluginLoader::loadOne(const std::string& file,
                                                             const std::vector<Candidate>& loaded,
                                                             PluginReport& report) const {
    const auto refuse = [&](std::string why) -> std::optional<Candidate> {
        report.message = std::move(why);
        return std::nullopt;
    };
    const std::string path = options_.directory + "/" + file;
    if (std::string trust = checkFileTrust(path); !trust.empty()) return refuse(trust);
    std::string error;
    const ha_plugin_entry* entry = openLibrary(path, error);
    if (entry == nullptr) return refuse(error);
    if (error = checkEntry(entry); !error.empty()) return refuse(error);

    PluginIdentity id;
    if (error = readIdentity(entry, path, id); !error.empty()) return refuse(error);
    report.id = id.id;
    for (const Candidate& c : loaded) {
        if (c.plugin->identity().id == id.id) {
            return refuse("plugin id '" + id.id + "' is already provided by " + c.plugin->identity().file);
        }
    }
    std::string settings = options_.settingsFor ? options_.settingsFor(id) : "{}";
    if (error = checkSettings(id, settings); !error.empty()) {
        report.settingsRejected = true;
        return refuse(error);
    }

    Candidate c;
    c.plugin = std::make_shared<LoadedPlugin>(id, entry, options_.redactor, options_.limits);
    if (error = c.plugin->create(settings, Deadline::after(options_.createTimeout)); !error.empty()) return refuse(error);
    if (error = c.plugin->bindInterfaces(); !error.empty()) return refuse(error);
    if (error = readCapabilities(*c.plugin, c.capabilities); !error.empty()) return refuse(error);
    if (c.plugin->answers() != nullptr) {
        c.answers = PluginAnswers::bind(c.plugin, options_.answersTimeout, c.answersError);
        if (!c.answersError.empty()) logger().warning("plugin " + file + ": answers interface unusable: " + c.answersError);
    }
    return c;
}

std::string PluginLoader::checkSettings(const PluginIdentity& identity, std::string& settings) const {
    const std::string where = "settings (plugins.settings." + identity.id + ")";
    json::Object::Ptr object;
    try {
        object = json::parseObject(settings.empty() ? "{}" : settings);
    } catch (const json::JsonError& e) {
        return where + " are not a JSON object: " + e.what();
    }
    std::vector<std::string> secrets;
    collectNamedSecrets(object, secrets);
    if (!identity.settingsSchema.empty()) {
        const json::Object::Ptr schemaObject = json::parseObject(identity.settingsSchema);
        if (auto problem = schema::validate(object, schemaObject)) return where + ": " + *problem;
        for (auto& s : schema::secretValues(object, schemaObject)) secrets.push_back(std::move(s));
    }
    if (options_.redactor != nullptr) options_.redactor->addSecrets(secrets);
    return "";
}

// A group belongs to the plugin named like it, else to the first plugin (in file order) using
// it; a plugin with a capability in a group it does not own is refused as a whole. Repeated
// until stable, because refusing a plugin can free a group for the next one.
void PluginLoader::refuseGroupIntruders(std::vector<Candidate>& candidates, LoadResult& result) const {
    for (bool changed = true; changed;) {
        changed = false;
        std::map<std::string, const Candidate*> owner;
        for (const Candidate& c : candidates) owner.emplace(groupOfId(c.plugin->identity().id), &c);
        for (const Candidate& c : candidates) {
            for (const ToolInfo& info : c.capabilities) owner.emplace(groupOf(info.capability), &c);
        }
        for (auto it = candidates.begin(); it != candidates.end() && !changed; ++it) {
            for (const ToolInfo& info : it->capabilities) {
                const Candidate* o = owner.at(groupOf(info.capability));
                if (o == &*it) continue;
                PluginReport& report = result.reports[it->report];
                report.message = "capability '" + info.capability + "' is in group '" + groupOf(info.capability) +
                                 "', which belongs to plugin '" + o->plugin->identity().id + "' (" +
                                 result.reports[o->report].file + ")";
                logger().error("plugin " + report.file + " refused: " + report.message);
                candidates.erase(it);
                changed = true;
                break;
            }
        }
    }
}

void PluginLoader::refuseFunctionCollisions(std::vector<Candidate>& candidates, LoadResult& result) const {
    std::map<std::string, std::string> functions;  // function name -> capability that has it
    for (auto it = candidates.begin(); it != candidates.end();) {
        std::string clash;
        for (const ToolInfo& info : it->capabilities) {
            auto f = functions.find(info.function);
            if (f != functions.end() && f->second != info.capability) {
                clash = "capability '" + info.capability + "' would reach a model as function '" + info.function +
                        "', which capability '" + f->second + "' already uses";
                break;
            }
        }
        if (clash.empty()) {
            for (const ToolInfo& info : it->capabilities) functions.emplace(info.function, info.capability);
            ++it;
            continue;
        }
        PluginReport& report = result.reports[it->report];
        report.message = clash;
        logger().error("plugin " + report.file + " refused: " + clash);
        it = candidates.erase(it);
    }
}

void PluginLoader::accept(std::vector<Candidate>& candidates, LoadResult& result) const {
    for (Candidate& c : candidates) {
        PluginReport& report = result.reports[c.report];
        report.loaded = true;
        report.message = summaryOf(*c.plugin, c.capabilities, c.answers != nullptr, c.answersError);
        logger().information("plugin " + report.file + " loaded: " + report.message);
        for (ToolInfo& info : c.capabilities) result.tools.push_back(std::make_shared<PluginTool>(c.plugin, std::move(info)));
        if (c.answers) result.answerers.push_back(c.answers);
        result.plugins.push_back(c.plugin);
    }
}

}  // namespace ha::plugin
