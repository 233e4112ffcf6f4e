#include "tools/truenas/SystemView.h"

#include "common/PluginConfig.h"
#include "tools/truenas/StorageView.h"

#include <homelab_assistant/plugin.hpp>

namespace ha_plugins::truenas {

std::string shortVersion(const std::string& version) {
    for (const char* prefix : {"TrueNAS-SCALE-", "TrueNAS-"}) {
        const std::string p(prefix);
        if (version.rfind(p, 0) == 0) return version.substr(p.size());
    }
    return version;
}

ObjectPtr reduceSystem(const Var& info, const Var& bootState, const std::string& bootError, const ViewContext& context) {
    const auto i = objectOf(info);
    if (!i) throw homelab_assistant::Error(HA_ERR_UNAVAILABLE, "system.info did not return an object");
    auto out = newObject();
    out->set("version", shortVersion(text(i, "version", "?")));
    out->set("hostname", text(i, "hostname"));
    if (auto up = number(i, "uptime_seconds")) out->set("uptime_seconds", static_cast<int64_t>(*up));
    if (auto boot = dateMsOf(i, "boottime")) out->set("boot_time", isoUtc(*boot));
    if (auto load = childArray(i, "loadavg")) {
        Poco::JSON::Array::Ptr l = new Poco::JSON::Array;
        for (size_t k = 0; k < load->size() && k < 3; ++k) {
            const Var v = load->get(static_cast<unsigned>(k));
            if (!v.isEmpty() && v.isNumeric()) l->add(rounded(v.convert<double>(), 2));
        }
        out->set("load_average", l);
    }
    if (auto cores = integer(i, "cores")) out->set("cores", *cores);
    if (auto cores = integer(i, "physical_cores")) out->set("physical_cores", *cores);
    if (auto model = optionalText(i, "model")) out->set("cpu_model", *model);
    if (auto mem = integer(i, "physmem")) out->set("memory_bytes", *mem);
    if (i->has("ecc_memory") && i->get("ecc_memory").isBoolean()) out->set("ecc_memory", flag(i, "ecc_memory"));
    if (auto tz = optionalText(i, "timezone")) out->set("timezone", *tz);
    if (auto v = optionalText(i, "system_manufacturer")) out->set("system_manufacturer", *v);
    if (auto v = optionalText(i, "system_product")) out->set("system_product", *v);
    if (auto boot = objectOf(bootState)) {
        out->set("boot_pool", reducePool(boot, context));
    } else if (!bootError.empty()) {
        out->set("boot_pool_error", bootError);
    }
    return out;
}

}  // namespace ha_plugins::truenas
