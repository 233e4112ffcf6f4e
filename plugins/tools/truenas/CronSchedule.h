// TrueNAS task schedules (api/v25_10_5/common.py CronModel and TimeCronModel): cron fields
// minute, hour, dom, month, dow in croniter syntax ("*", "*/15", "1-5", "0,30", "mon"), dow 1
// (Monday) to 7 (Sunday) with 0 also Sunday, and for snapshot and replication tasks a daily
// window begin..end ("HH:MM"). When both dom and dow are restricted a day matches either
// (croniter's default, as in cron). Used to tell how often a task is meant to run, so that a
// last success older than that (by a margin) is noticed; the NAS's time zone does not matter
// for the length of a gap between two runs.
#pragma once

#include "tools/truenas/JsonValue.h"

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

namespace ha_plugins::truenas {

class CronSchedule {
public:
    // nullopt for a schedule that is missing, malformed or never fires.
    static std::optional<CronSchedule> fromObject(const ObjectPtr& schedule);

    // The longest time between two consecutive runs, in seconds (over four years, so that
    // month and weekday patterns repeat).
    int64_t longestGapSeconds() const { return longestGap_; }
    // "every hour at :00", "daily at 01:00", "every 15 minutes between 06:00 and 22:00",
    // or "cron 0 */6 * * *".
    const std::string& description() const { return description_; }

private:
    CronSchedule() = default;
    static std::optional<CronSchedule> compute(const ObjectPtr& schedule, const std::string& minute, const std::string& hour,
                                               const std::string& dom, const std::string& month, const std::string& dow);
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;      // 1..31
    std::bitset<13> months_;    // 1..12
    std::bitset<7> weekdays_;   // 0 Sunday .. 6 Saturday
    bool domAny_ = true;
    bool dowAny_ = true;
    int beginMinute_ = 0;        // of the day, inclusive
    int endMinute_ = 23 * 60 + 59;
    int64_t longestGap_ = 0;
    std::string description_;
};

}  // namespace ha_plugins::truenas
