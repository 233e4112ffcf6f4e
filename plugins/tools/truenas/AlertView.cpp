#include "tools/truenas/AlertView.h"

#include "common/PluginConfig.h"

#include <homelab_assistant/plugin.hpp>

#include <algorithm>
#include <vector>

namespace ha_plugins::truenas {

namespace {

const char* const kLevels[] = {"INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"};

// The class template with its args filled in, for alerts whose formatted text is null.
std::string fillTemplate(const std::string& tmpl, const ObjectPtr& args) {
    std::string out;
    for (size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '%' || i + 1 >= tmpl.size()) {
            out += tmpl[i];
            continue;
        }
        if (tmpl[i + 1] == '%') {
            out += '%';
            ++i;
            continue;
        }
        if (tmpl[i + 1] == '(') {
            const size_t close = tmpl.find(')', i + 2);
            if (close != std::string::npos && close + 1 < tmpl.size()) {
                const std::string key = tmpl.substr(i + 2, close - i - 2);
                std::string value = "?";
                if (args && args->has(key) && !args->get(key).isEmpty()) {
                    const Var v = args->get(key);
                    value = v.isString() ? v.extract<std::string>() : v.convert<std::string>();
                }
                out += value;
                i = close + 1;  // skips the conversion letter (s, d, ...)
                continue;
            }
        }
        out += tmpl[i];
    }
    return out;
}

}  // namespace

int alertLevelRank(const std::string& level) {
    for (int i = 0; i < 7; ++i) {
        if (level == kLevels[i]) return i + 1;
    }
    return 0;
}

std::string alertSeverity(const std::string& level) {
    const int rank = alertLevelRank(level);
    if (rank >= alertLevelRank("ERROR")) return "critical";
    if (rank == alertLevelRank("WARNING")) return "warning";
    return "info";
}

ObjectPtr reduceAlerts(const Var& alertList, const AlertQuery& query, const ViewContext& context) {
    const auto list = arrayOf(alertList);
    if (!list) throw homelab_assistant::Error(HA_ERR_UNAVAILABLE, "alert.list did not return a list");
    struct Item {
        int rank;
        int64_t since;
        ObjectPtr json;
    };
    std::vector<Item> items;
    int64_t active = 0, dismissed = 0;
    auto byLevel = newObject();
    const int minRank = std::max(1, alertLevelRank(query.minLevel));
    for (size_t i = 0; i < list->size(); ++i) {
        const auto a = objectOf(list->get(static_cast<unsigned>(i)));
        if (!a) continue;
        const std::string level = text(a, "level", "INFO");
        const bool isDismissed = flag(a, "dismissed");
        if (isDismissed) {
            ++dismissed;
        } else {
            ++active;
            byLevel->set(level, (byLevel->has(level) ? byLevel->getValue<int64_t>(level) : 0) + 1);
        }
        const int rank = alertLevelRank(level);
        if ((isDismissed && !query.includeDismissed) || rank < minRank) continue;
        std::string message;
        if (auto formatted = optionalText(a, "formatted")) {
            message = plainText(*formatted, 400);
        } else {
            message = plainText(fillTemplate(text(a, "text"), childObject(a, "args")), 400);
        }
        auto out = newObject();
        out->set("level", level);
        out->set("severity", alertSeverity(level));
        out->set("klass", text(a, "klass"));
        out->set("message", message);
        out->set("dismissed", isDismissed);
        const auto since = dateMsOf(a, "datetime");
        if (since) {
            out->set("since", isoUtc(*since));
            out->set("age_seconds", std::max<int64_t>(0, (context.nowMs - *since) / 1000));
        }
        if (auto last = dateMsOf(a, "last_occurrence")) out->set("last_seen", isoUtc(*last));
        items.push_back({rank, since.value_or(0), out});
    }
    // Most severe first, then the newest (alert.list sorts by level, class title, date).
    std::stable_sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
        return x.rank != y.rank ? x.rank > y.rank : x.since > y.since;
    });
    Poco::JSON::Array::Ptr shown = new Poco::JSON::Array;
    for (size_t i = 0; i < items.size() && i < context.maxItems; ++i) shown->add(items[i].json);
    auto result = newObject();
    result->set("active", active);
    result->set("dismissed", dismissed);
    result->set("by_level", byLevel);
    result->set("alerts", shown);
    result->set("shown", static_cast<int64_t>(shown->size()));
    result->set("truncated", items.size() > context.maxItems);
    return result;
}

}  // namespace ha_plugins::truenas
