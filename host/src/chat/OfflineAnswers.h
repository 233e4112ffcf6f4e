// Plain-language answers built from tool results, for the embedded offline provider.
// Deterministic: the same results always give the same text.
#pragma once

#include "util/Json.h"

#include <map>
#include <string>

namespace ha {

// Result of one capability as the offline provider saw it.
struct CapabilityResult {
    bool ok = false;
    json::Object::Ptr result;  // when ok
    std::string error;         // otherwise
};

using CapabilityResults = std::map<std::string, CapabilityResult>;  // by capability

class OfflineAnswers {
public:
    static std::string cpu(const json::Object::Ptr& r);
    static std::string memory(const json::Object::Ptr& r);
    static std::string disk(const json::Object::Ptr& r);
    static std::string containers(const json::Object::Ptr& r);
    static std::string crashes(const json::Object::Ptr& r);
    // Overall health from whatever of cpu/memory/disk/containers is present.
    static std::string health(const CapabilityResults& results);

    static std::string help();
    static std::string unavailable(const std::string& capability, const std::string& what);
    static std::string failed(const std::string& what, const std::string& error);

    // Thresholds above which the health answer raises a concern.
    static constexpr double kBusyCpuPercent = 90.0;
    static constexpr double kFullMemoryPercent = 90.0;
    static constexpr double kFullSwapPercent = 50.0;
    static constexpr double kFullDiskPercent = 90.0;
};

}  // namespace ha
