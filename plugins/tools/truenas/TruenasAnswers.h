// The truenas plugin's side of the answers interface (answers.h): what it understands
// (profile), which capability answers a question (match), the answer in plain words
// (summarize) and the health findings (checks). Pure functions over the interface's JSON.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::truenas {

inline constexpr const char* kAlerts = "truenas.alerts";
inline constexpr const char* kPools = "truenas.pools";
inline constexpr const char* kDisks = "truenas.disks";
inline constexpr const char* kApps = "truenas.apps";
inline constexpr const char* kDataProtection = "truenas.data_protection";
inline constexpr const char* kSystem = "truenas.system";

// Names seen in recent results (apps, pools, disks), so that "is immich running?" finds the
// app without the word "app". Updated by the plugin after every result; read by match().
class KnownNames {
public:
    void setApps(std::vector<std::string> names);
    void setPools(std::vector<std::string> names);
    std::vector<std::string> apps() const;
    std::vector<std::string> pools() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> apps_;
    std::vector<std::string> pools_;
};

// configured: an API key is set. Without one the plugin runs no checks and answers only
// questions that name TrueNAS (with how to set it up).
std::string answersProfile(bool configured);
std::string answersMatch(std::string_view input, bool configured, const KnownNames& names);
std::string answersSummarize(std::string_view input);
std::string answersChecks(std::string_view input);

}  // namespace ha_plugins::truenas
