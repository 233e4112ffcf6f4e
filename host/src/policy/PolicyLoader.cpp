#include "policy/PolicyLoader.h"

#include "util/Yaml.h"

#include <Poco/Path.h>

namespace ha {

namespace {

bool validPattern(const std::string& p) {
    if (p.empty() || p.size() > 128) return false;
    for (char c : p) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '*' || c == '?';
        if (!ok) return false;
    }
    return true;
}

std::vector<PolicyRule> readRules(const yaml::Section& root, const std::string& key, const std::string& shortName) {
    std::vector<PolicyRule> rules;
    if (!root.has(key)) return rules;
    const YAML::Node list = root.node(key);
    if (!list.IsSequence()) root.fail(list, "'" + key + "' must be a list of capability patterns");
    for (const YAML::Node& item : list) {
        if (!item.IsScalar() || !validPattern(item.Scalar())) {
            root.fail(item, "invalid pattern in '" + key +
                                "': use lowercase capability names with '*' or '?' wildcards, e.g. \"disk.*\"");
        }
        rules.push_back({item.Scalar(), shortName + ":" + std::to_string(item.Mark().line + 1)});
    }
    return rules;
}

Policy build(const YAML::Node& doc, const std::string& name) {
    const yaml::Section root(doc, name, "");
    root.allowOnly({"version", "default", "allow", "deny"});
    if (auto v = root.integer("version", 1, 1); !v && root.has("version")) root.fail(root.node("version"), "unsupported policy version");
    if (auto d = root.string("default"); d && *d != "deny") {
        root.fail(root.node("default"), "'default' can only be 'deny': capabilities are allowed one rule at a time");
    }
    const std::string shortName = Poco::Path(name).getFileName();
    return Policy(readRules(root, "allow", shortName), readRules(root, "deny", shortName), name);
}

}  // namespace

Policy PolicyLoader::loadFile(const std::string& path) {
    try {
        return build(yaml::loadFile(path), path);
    } catch (const yaml::YamlError& e) {
        throw PolicyError(e.what());
    }
}

Policy PolicyLoader::loadText(const std::string& text, const std::string& name) {
    try {
        return build(yaml::loadText(text, name), name);
    } catch (const yaml::YamlError& e) {
        throw PolicyError(e.what());
    }
}

}  // namespace ha
