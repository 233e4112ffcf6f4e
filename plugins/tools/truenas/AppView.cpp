#include "tools/truenas/AppView.h"

#include "common/PluginConfig.h"

#include <homelab_assistant/plugin.hpp>

#include <map>

namespace ha_plugins::truenas {

ObjectPtr reduceApps(const Var& appList, const std::string& only, const ViewContext& context) {
    const auto list = arrayOf(appList);
    if (!list) throw homelab_assistant::Error(HA_ERR_UNAVAILABLE, "app.query did not return a list");
    Poco::JSON::Array::Ptr apps = new Poco::JSON::Array;
    std::map<std::string, int64_t> counts;
    int64_t upgrades = 0, matched = 0;
    for (size_t i = 0; i < list->size(); ++i) {
        const auto a = objectOf(list->get(static_cast<unsigned>(i)));
        if (!a) continue;
        const std::string name = text(a, "name", text(a, "id", "?"));
        if (!only.empty() && name != only) continue;
        ++matched;
        const std::string state = text(a, "state", "UNKNOWN");
        ++counts[state];
        const bool upgrade = flag(a, "upgrade_available");
        if (upgrade) ++upgrades;
        auto out = newObject();
        out->set("name", name);
        out->set("state", state);
        if (auto v = optionalText(a, "version")) out->set("version", *v);
        if (auto v = optionalText(a, "human_version")) out->set("app_version", *v);
        out->set("upgrade_available", upgrade);
        if (upgrade) {
            if (auto v = optionalText(a, "latest_version")) out->set("latest_version", *v);
        }
        out->set("image_updates_available", flag(a, "image_updates_available"));
        out->set("custom", flag(a, "custom_app"));
        if (auto workloads = childObject(a, "active_workloads")) {
            auto containers = newObject();
            std::map<std::string, int64_t> states;
            int64_t total = 0;
            if (auto details = childArray(workloads, "container_details")) {
                for (size_t c = 0; c < details->size(); ++c) {
                    const auto d = objectOf(details->get(static_cast<unsigned>(c)));
                    if (!d) continue;
                    ++total;
                    ++states[text(d, "state", "unknown")];
                }
            }
            containers->set("total", total);
            containers->set("running", states["running"]);
            auto byState = newObject();
            for (const auto& [s, n] : states) {
                if (n > 0) byState->set(s, n);
            }
            containers->set("states", byState);
            out->set("containers", containers);
        }
        if (apps->size() < context.maxItems) apps->add(out);
    }
    if (!only.empty() && matched == 0) {
        throw homelab_assistant::Error(HA_ERR_NOT_FOUND, "TrueNAS has no app named '" + only + "'");
    }
    auto countObject = newObject();
    for (const auto& [state, n] : counts) countObject->set(state, n);
    auto out = newObject();
    out->set("apps", apps);
    out->set("counts", countObject);
    out->set("upgrades_available", upgrades);
    out->set("truncated", matched > static_cast<int64_t>(apps->size()));
    return out;
}

}  // namespace ha_plugins::truenas
