#include "tools/SchemaValidator.h"

#include <cmath>
#include <set>

namespace ha::schema {

namespace {

const std::set<std::string> kTypes = {"object", "string", "integer", "number", "boolean", "array", "null"};
const std::set<std::string> kKeywords = {"type", "properties", "required", "additionalProperties", "enum",
                                         "minimum", "maximum", "minLength", "maxLength", "items",
                                         "minItems", "maxItems", "description", "title", "default",
                                         "examples", "$schema", "writeOnly"};

std::optional<std::string> checkNode(const json::Object::Ptr& s, const std::string& path, int depth) {
    if (depth > 8) return path + ": schema nested too deeply";
    for (const auto& [key, value] : *s) {
        if (!kKeywords.count(key)) return path + ": unsupported keyword '" + key + "'";
    }
    if (s->has("type")) {
        const json::Var t = s->get("type");
        if (t.isString()) {
            if (!kTypes.count(t.extract<std::string>())) return path + ": unknown type '" + t.extract<std::string>() + "'";
        } else if (auto a = json::asArray(t)) {
            if (a->size() == 0) return path + ": empty type list";
            for (size_t i = 0; i < a->size(); ++i) {
                if (!a->get(i).isString() || !kTypes.count(a->get(i).extract<std::string>())) return path + ": bad type list";
            }
        } else {
            return path + ": 'type' must be a string or a list of strings";
        }
    }
    if (s->has("properties")) {
        auto props = json::getObject(s, "properties");
        if (!props) return path + ": 'properties' must be an object";
        for (const auto& [name, sub] : *props) {
            auto subObj = json::asObject(sub);
            if (!subObj) return path + ".properties." + name + ": must be a schema object";
            if (auto e = checkNode(subObj, path + ".properties." + name, depth + 1)) return e;
        }
    }
    if (s->has("required")) {
        auto req = json::getArray(s, "required");
        if (!req) return path + ": 'required' must be a list of property names";
        for (size_t i = 0; i < req->size(); ++i) {
            if (!req->get(i).isString()) return path + ": 'required' must be a list of property names";
        }
    }
    if (s->has("additionalProperties") && !s->get("additionalProperties").isBoolean()) {
        return path + ": 'additionalProperties' must be true or false";
    }
    if (s->has("enum") && !json::getArray(s, "enum")) return path + ": 'enum' must be a list";
    for (const char* k : {"minimum", "maximum"}) {
        if (s->has(k) && !json::getNumber(s, k)) return path + ": '" + k + "' must be a number";
    }
    for (const char* k : {"minLength", "maxLength", "minItems", "maxItems"}) {
        if (s->has(k) && (!json::getInt(s, k) || *json::getInt(s, k) < 0)) return path + ": '" + k + "' must be a non-negative integer";
    }
    if (s->has("items")) {
        auto items = json::getObject(s, "items");
        if (!items) return path + ": 'items' must be a schema object";
        if (auto e = checkNode(items, path + ".items", depth + 1)) return e;
    }
    return std::nullopt;
}

std::string typeOf(const json::Var& v) {
    if (v.isEmpty()) return "null";
    if (v.isBoolean()) return "boolean";
    if (v.isString()) return "string";
    if (v.isInteger()) return "integer";
    if (v.isNumeric()) return "number";
    if (json::isObject(v)) return "object";
    if (json::isArray(v)) return "array";
    return "unknown";
}

bool typeMatches(const std::string& actual, const std::string& wanted, const json::Var& v) {
    if (actual == wanted) return true;
    if (wanted == "number" && actual == "integer") return true;
    // 3.0 is an integer in JSON Schema.
    if (wanted == "integer" && actual == "number") {
        const double d = v.convert<double>();
        return std::isfinite(d) && std::floor(d) == d;
    }
    return false;
}

std::optional<std::string> validateNode(const json::Var& v, const json::Object::Ptr& s, const std::string& path) {
    const std::string actual = typeOf(v);
    if (s->has("type")) {
        const json::Var t = s->get("type");
        bool ok = false;
        std::string wanted;
        if (t.isString()) {
            wanted = t.extract<std::string>();
            ok = typeMatches(actual, wanted, v);
        } else if (auto a = json::asArray(t)) {
            for (size_t i = 0; i < a->size(); ++i) {
                if (!a->get(i).isString()) continue;  // checkNode refuses such a list; never trusted here
                const std::string w = a->get(i).extract<std::string>();
                wanted += (wanted.empty() ? "" : " or ") + w;
                ok = ok || typeMatches(actual, w, v);
            }
        }
        if (!ok) return path + ": expected " + wanted + ", got " + actual;
    }
    if (auto e = json::getArray(s, "enum")) {
        const std::string text = json::stringify(v);
        bool found = false;
        for (size_t i = 0; i < e->size() && !found; ++i) found = json::stringify(e->get(i)) == text;
        if (!found) return path + ": must be one of " + json::stringify(e);
    }
    if (v.isNumeric() && !v.isBoolean()) {
        const double d = v.convert<double>();
        if (auto m = json::getNumber(s, "minimum"); m && d < *m) return path + ": must be >= " + json::stringify(*m);
        if (auto m = json::getNumber(s, "maximum"); m && d > *m) return path + ": must be <= " + json::stringify(*m);
    }
    if (v.isString()) {
        const std::string& str = v.extract<std::string>();
        size_t chars = 0;
        for (unsigned char c : str) chars += (c & 0xC0) != 0x80;
        if (auto m = json::getInt(s, "minLength"); m && static_cast<int64_t>(chars) < *m) return path + ": too short";
        if (auto m = json::getInt(s, "maxLength"); m && static_cast<int64_t>(chars) > *m) return path + ": too long (max " + std::to_string(*m) + " characters)";
    }
    if (auto a = json::asArray(v)) {
        if (auto m = json::getInt(s, "minItems"); m && static_cast<int64_t>(a->size()) < *m) return path + ": too few items";
        if (auto m = json::getInt(s, "maxItems"); m && static_cast<int64_t>(a->size()) > *m) return path + ": too many items";
        if (auto items = json::getObject(s, "items")) {
            for (size_t i = 0; i < a->size(); ++i) {
                if (auto err = validateNode(a->get(i), items, path + "[" + std::to_string(i) + "]")) return err;
            }
        }
    }
    if (auto o = json::asObject(v)) {
        auto props = json::getObject(s, "properties");
        if (auto req = json::getArray(s, "required")) {
            for (size_t i = 0; i < req->size(); ++i) {
                if (!req->get(i).isString()) continue;
                const std::string name = req->get(i).extract<std::string>();
                if (!o->has(name)) return path + ": missing required property '" + name + "'";
            }
        }
        const bool closed = s->has("additionalProperties") && s->get("additionalProperties").isBoolean() &&
                            !s->get("additionalProperties").extract<bool>();
        for (const auto& [name, value] : *o) {
            auto sub = props ? json::getObject(props, name) : json::Object::Ptr();
            if (sub) {
                if (auto err = validateNode(value, sub, path + "." + name)) return err;
            } else if (closed) {
                return path + ": unexpected property '" + name + "'";
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> checkToolSchema(const json::Object::Ptr& schema) {
    if (!schema) return std::string("input schema must be a JSON object");
    if (json::getString(schema, "type") != std::optional<std::string>("object")) {
        return std::string("input schema must have \"type\": \"object\"");
    }
    return checkNode(schema, "$", 0);
}

std::optional<std::string> validate(const json::Var& value, const json::Object::Ptr& schema) {
    return validateNode(value, schema, "$");
}

std::vector<std::string> secretValues(const json::Var& value, const json::Object::Ptr& schema) {
    std::vector<std::string> out;
    if (!schema) return out;
    if (json::getBool(schema, "writeOnly").value_or(false) && value.isString()) {
        out.push_back(value.extract<std::string>());
        return out;
    }
    if (auto o = json::asObject(value)) {
        auto props = json::getObject(schema, "properties");
        for (const auto& [name, member] : *o) {
            auto sub = props ? json::getObject(props, name) : json::Object::Ptr();
            for (auto& s : secretValues(member, sub)) out.push_back(std::move(s));
        }
    } else if (auto a = json::asArray(value)) {
        auto items = json::getObject(schema, "items");
        for (size_t i = 0; i < a->size(); ++i) {
            for (auto& s : secretValues(a->get(i), items)) out.push_back(std::move(s));
        }
    }
    return out;
}

}  // namespace ha::schema
