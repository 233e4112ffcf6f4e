#include "util/Yaml.h"

#include "util/Json.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ha::yaml {

namespace {
std::string location(const std::string& file, const YAML::Mark& m) {
    if (m.line < 0) return file;
    return file + ":" + std::to_string(m.line + 1);
}
}  // namespace

YAML::Node loadText(const std::string& text, const std::string& name) {
    try {
        YAML::Node n = YAML::Load(text);
        if (n.IsNull()) return YAML::Node(YAML::NodeType::Map);
        return n;
    } catch (const YAML::ParserException& e) {
        throw YamlError(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                        ": invalid YAML: " + e.msg);
    } catch (const YAML::Exception& e) {
        throw YamlError(name + ": invalid YAML: " + e.msg);
    }
}

YAML::Node loadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw YamlError(path + ": cannot read: " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    return loadText(buf.str(), path);
}

namespace {
// A missing key yields an invalid node that cannot even be assigned to: swap in an empty map.
YAML::Node mapOrEmpty(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) return YAML::Node(YAML::NodeType::Map);
    return node;
}
}  // namespace

Section::Section(YAML::Node node, std::string file, std::string path)
    : node_(mapOrEmpty(node)), file_(std::move(file)), path_(std::move(path)) {
    if (!node_.IsMap()) {
        fail(node_, (path_.empty() ? std::string("the document") : "'" + path_ + "'") + " must be a mapping");
    }
}

std::string Section::where(const YAML::Node& n) const { return location(file_, n.Mark()); }

std::string Section::qualified(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void Section::fail(const YAML::Node& at, const std::string& message) const {
    throw YamlError(where(at) + ": " + message);
}

std::vector<std::string> Section::keys() const {
    std::vector<std::string> out;
    for (const auto& kv : node_) out.push_back(kv.first.as<std::string>());
    return out;
}

void Section::allowOnly(std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : node_) {
        const auto key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            fail(kv.first, "unknown key '" + qualified(key) + "' (expected one of: " + list + ")");
        }
    }
}

bool Section::has(const std::string& key) const {
    const YAML::Node n = node_[key];
    return n.IsDefined() && !n.IsNull();
}

YAML::Node Section::node(const std::string& key) const { return node_[key]; }

std::optional<std::string> Section::string(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = node_[key];
    if (!n.IsScalar()) fail(n, "'" + qualified(key) + "' must be a string");
    return n.Scalar();
}

std::optional<int64_t> Section::integer(const std::string& key, int64_t min, int64_t max) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = node_[key];
    const std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
    if (!n.IsScalar()) fail(n, "'" + qualified(key) + "' must be an integer" + range);
    const std::string& s = n.Scalar();
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE || v < min || v > max) {
        fail(n, "'" + qualified(key) + "' must be an integer" + range + " (got '" + s + "')");
    }
    return v;
}

std::optional<double> Section::number(const std::string& key, double min, double max) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = node_[key];
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || errno == ERANGE || !(v >= min && v <= max)) {
        std::ostringstream range;
        range << min << " and " << max;
        fail(n, "'" + qualified(key) + "' must be a number between " + range.str() + " (got '" + s + "')");
    }
    return v;
}

std::optional<bool> Section::boolean(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = node_[key];
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail(n, "'" + qualified(key) + "' must be true or false");
}

std::optional<std::vector<std::string>> Section::strings(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = node_[key];
    if (!n.IsSequence()) fail(n, "'" + qualified(key) + "' must be a list of strings");
    std::vector<std::string> out;
    for (const auto& item : n) {
        if (!item.IsScalar()) fail(item, "'" + qualified(key) + "' must contain only strings");
        out.push_back(item.Scalar());
    }
    return out;
}

Section Section::section(const std::string& key) const {
    return Section(node_[key], file_, qualified(key));
}

namespace {
json::Var scalarToJson(const YAML::Node& n) {
    const std::string& s = n.Scalar();
    if (n.Tag() == "!") return s;  // quoted: always a string
    if (s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty()) return json::Var();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0' && errno == 0) return static_cast<Poco::Int64>(i);
    errno = 0;
    const double d = std::strtod(s.c_str(), &end);
    if (*end == '\0' && errno == 0 && s.find_first_of("0123456789") != std::string::npos) return d;
    return s;
}

json::Var toVar(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Scalar:
            return scalarToJson(n);
        case YAML::NodeType::Sequence: {
            auto a = json::array();
            for (const auto& item : n) a->add(toVar(item));
            return a;
        }
        case YAML::NodeType::Map: {
            auto o = json::object();
            for (const auto& kv : n) o->set(kv.first.Scalar(), toVar(kv.second));
            return o;
        }
        default:
            return json::Var();
    }
}
}  // namespace

std::string toJson(const YAML::Node& node) { return json::stringify(toVar(node)); }

}  // namespace ha::yaml
