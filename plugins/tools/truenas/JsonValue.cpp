#include "tools/truenas/JsonValue.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Parser.h>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace ha_plugins::truenas {

ObjectPtr objectOf(const Var& v) {
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    return nullptr;
}

ArrayPtr arrayOf(const Var& v) {
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) return v.extract<Poco::JSON::Array::Ptr>();
    return nullptr;
}

ObjectPtr childObject(const ObjectPtr& o, const std::string& key) { return o && o->has(key) ? objectOf(o->get(key)) : nullptr; }

ArrayPtr childArray(const ObjectPtr& o, const std::string& key) { return o && o->has(key) ? arrayOf(o->get(key)) : nullptr; }

std::optional<std::string> optionalText(const ObjectPtr& o, const std::string& key) {
    if (!o || !o->has(key)) return std::nullopt;
    const Var v = o->get(key);
    if (!v.isString()) return std::nullopt;
    return v.extract<std::string>();
}

std::string text(const ObjectPtr& o, const std::string& key, const std::string& fallback) {
    return optionalText(o, key).value_or(fallback);
}

bool flag(const ObjectPtr& o, const std::string& key, bool fallback) {
    if (!o || !o->has(key)) return fallback;
    const Var v = o->get(key);
    return v.isBoolean() ? v.extract<bool>() : fallback;
}

std::optional<double> number(const ObjectPtr& o, const std::string& key) {
    if (!o || !o->has(key)) return std::nullopt;
    const Var v = o->get(key);
    if (v.isEmpty() || v.isBoolean() || !v.isNumeric()) return std::nullopt;
    const double d = v.convert<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return d;
}

std::optional<int64_t> integer(const ObjectPtr& o, const std::string& key) {
    const auto d = number(o, key);
    if (!d || *d < -9.2e18 || *d > 9.2e18) return std::nullopt;
    return static_cast<int64_t>(std::llround(*d));
}

std::optional<int64_t> dateMs(const Var& v) {
    if (v.isEmpty()) return std::nullopt;
    if (auto o = objectOf(v)) {
        const auto ms = number(o, "$date");
        if (!ms) return std::nullopt;
        return static_cast<int64_t>(std::llround(*ms));
    }
    if (!v.isBoolean() && v.isNumeric()) return static_cast<int64_t>(std::llround(v.convert<double>()));
    return std::nullopt;
}

std::optional<int64_t> dateMsOf(const ObjectPtr& o, const std::string& key) {
    if (!o || !o->has(key)) return std::nullopt;
    return dateMs(o->get(key));
}

std::string isoUtc(int64_t ms) {
    const time_t seconds = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

Var parseJson(const std::string& json, const std::string& what) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(json);
    } catch (const Poco::Exception& e) {
        throw homelab_assistant::Error(HA_ERR_UNAVAILABLE, what + " is not valid JSON: " + e.message());
    }
}

std::string plainText(std::string_view html, size_t maxChars) {
    std::string out;
    out.reserve(html.size());
    bool space = false;
    const auto put = [&](char c) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = !out.empty();
            return;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    };
    for (size_t i = 0; i < html.size(); ++i) {
        const char c = html[i];
        if (c == '<') {
            const size_t end = html.find('>', i);
            if (end == std::string_view::npos) break;
            const std::string_view tag = html.substr(i + 1, end - i - 1);
            // Line and list breaks become a separator so that "healthy:<ul><li>Disk" reads well.
            if (tag == "br" || tag == "br/" || tag == "li") put(' ');
            i = end;
        } else if (c == '&') {
            static const std::pair<std::string_view, char> entities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&nbsp;", ' '}};
            bool matched = false;
            for (const auto& [name, ch] : entities) {
                if (html.substr(i, name.size()) == name) {
                    put(ch);
                    i += name.size() - 1;
                    matched = true;
                    break;
                }
            }
            if (!matched) put(c);
        } else {
            put(c);
        }
    }
    if (out.size() > maxChars) {
        size_t cut = maxChars;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
        out += "…";
    }
    return out;
}

}  // namespace ha_plugins::truenas
