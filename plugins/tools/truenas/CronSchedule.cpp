#include "tools/truenas/CronSchedule.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <vector>

namespace ha_plugins::truenas {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A number or a name ("jan", "mon"); -1 when neither.
int valueOf(const std::string& token, const char* const* names, int firstName) {
    if (token.empty()) return -1;
    if (std::all_of(token.begin(), token.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        return token.size() > 4 ? -1 : std::stoi(token);
    }
    if (names == nullptr) return -1;
    for (int i = 0; names[i] != nullptr; ++i) {
        if (lower(token) == names[i]) return firstName + i;
    }
    return -1;
}

// Parses one field into a set of values in [lo, hi]; false when malformed.
template <size_t N>
bool parseField(const std::string& field, int lo, int hi, std::bitset<N>& out, const char* const* names = nullptr,
                int firstName = 0) {
    if (field.empty()) return false;
    size_t start = 0;
    while (start <= field.size()) {
        const size_t comma = field.find(',', start);
        const std::string part = field.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        std::string range = part;
        int step = 1;
        if (const size_t slash = part.find('/'); slash != std::string::npos) {
            range = part.substr(0, slash);
            step = valueOf(part.substr(slash + 1), nullptr, 0);
            if (step <= 0) return false;
        }
        int a = lo, b = hi;
        if (range != "*") {
            const size_t dash = range.find('-');
            if (dash == std::string::npos) {
                a = b = valueOf(range, names, firstName);
                if (part.find('/') != std::string::npos) b = hi;  // "5/15": from 5 on, every 15
            } else {
                a = valueOf(range.substr(0, dash), names, firstName);
                b = valueOf(range.substr(dash + 1), names, firstName);
            }
        }
        if (a < lo || b > hi || a > b) return false;
        for (int v = a; v <= b; v += step) out.set(static_cast<size_t>(v));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return true;
}

int minuteOfDay(const std::string& hhmm, int fallback) {
    if (hhmm.empty()) return fallback;
    const size_t colon = hhmm.find(':');
    if (colon == std::string::npos) return -1;
    const int h = valueOf(hhmm.substr(0, colon), nullptr, 0), m = valueOf(hhmm.substr(colon + 1), nullptr, 0);
    if (h < 0 || h > 23 || m < 0 || m > 59) return -1;
    return h * 60 + m;
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void civil(int64_t days, int& year, int& month, int& day) {
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

std::string twoDigits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string clock(int minuteOfDay) { return twoDigits(minuteOfDay / 60) + ":" + twoDigits(minuteOfDay % 60); }

}  // namespace

std::optional<CronSchedule> CronSchedule::fromObject(const ObjectPtr& schedule) {
    if (!schedule) return std::nullopt;
    const std::string minute = text(schedule, "minute", "*"), hour = text(schedule, "hour", "*"),
                      dom = text(schedule, "dom", "*"), month = text(schedule, "month", "*"), dow = text(schedule, "dow", "*");
    // Walking four years of days costs tens of microseconds; a NAS has a handful of schedules, so
    // each is worked out once (bounded, in case of many).
    static std::mutex memoMutex;
    static std::map<std::string, std::optional<CronSchedule>> memo;
    const std::string key = minute + "|" + hour + "|" + dom + "|" + month + "|" + dow + "|" + text(schedule, "begin") + "|" +
                            text(schedule, "end");
    {
        std::lock_guard<std::mutex> lock(memoMutex);
        if (const auto it = memo.find(key); it != memo.end()) return it->second;
    }
    auto computed = compute(schedule, minute, hour, dom, month, dow);
    std::lock_guard<std::mutex> lock(memoMutex);
    if (memo.size() >= 256) memo.clear();
    memo.emplace(key, computed);
    return computed;
}

std::optional<CronSchedule> CronSchedule::compute(const ObjectPtr& schedule, const std::string& minute, const std::string& hour,
                                                  const std::string& dom, const std::string& month, const std::string& dow) {
    static const char* const monthNames[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                             "aug", "sep", "oct", "nov", "dec", nullptr};
    static const char* const dayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", nullptr};
    CronSchedule s;
    std::bitset<8> weekdays;  // 0..7, 7 folded onto 0 below
    if (!parseField(minute, 0, 59, s.minutes_) || !parseField(hour, 0, 23, s.hours_) ||
        !parseField(dom, 1, 31, s.days_) || !parseField(month, 1, 12, s.months_, monthNames, 1) ||
        !parseField(dow, 0, 7, weekdays, dayNames, 0)) {
        return std::nullopt;
    }
    for (int d = 0; d < 7; ++d) s.weekdays_[static_cast<size_t>(d)] = weekdays[static_cast<size_t>(d)];
    if (weekdays[7]) s.weekdays_[0] = true;
    s.domAny_ = dom == "*";
    s.dowAny_ = dow == "*";
    s.beginMinute_ = minuteOfDay(text(schedule, "begin"), 0);
    s.endMinute_ = minuteOfDay(text(schedule, "end"), 23 * 60 + 59);
    if (s.beginMinute_ < 0 || s.endMinute_ < 0 || s.beginMinute_ > s.endMinute_) return std::nullopt;

    std::vector<int> times;  // minutes of the day at which it runs
    for (int h = 0; h < 24; ++h) {
        for (int m = 0; m < 60; ++m) {
            const int t = h * 60 + m;
            if (s.hours_[static_cast<size_t>(h)] && s.minutes_[static_cast<size_t>(m)] && t >= s.beginMinute_ &&
                t <= s.endMinute_) {
                times.push_back(t);
            }
        }
    }
    if (times.empty()) return std::nullopt;
    // Fire days over four years from 2024-01-01 (19723 days after the epoch, a Monday).
    constexpr int64_t kStart = 19723, kSpan = 4 * 366;
    std::vector<int64_t> days;
    for (int64_t d = kStart; d < kStart + kSpan; ++d) {
        int y = 0, mo = 0, da = 0;
        civil(d, y, mo, da);
        const size_t weekday = static_cast<size_t>((d + 4) % 7);  // 1970-01-01 was a Thursday
        if (!s.months_[static_cast<size_t>(mo)]) continue;
        const bool domMatch = s.days_[static_cast<size_t>(da)], dowMatch = s.weekdays_[weekday];
        const bool dayMatch = (s.domAny_ || s.dowAny_) ? (domMatch && dowMatch) : (domMatch || dowMatch);
        if (dayMatch) days.push_back(d);
    }
    if (days.empty()) return std::nullopt;
    int64_t gap = 0;
    for (size_t i = 1; i < times.size(); ++i) gap = std::max<int64_t>(gap, times[i] - times[i - 1]);
    for (size_t i = 1; i < days.size(); ++i) {
        gap = std::max<int64_t>(gap, (days[i] - days[i - 1]) * 1440 + times.front() - times.back());
    }
    if (days.size() == 1) gap = std::max<int64_t>(gap, kSpan * 1440);
    s.longestGap_ = gap * 60;

    // Wording for the common shapes; anything else is shown as the cron line.
    const bool everyDay = s.domAny_ && s.dowAny_ && month == "*";
    const bool fullDay = s.beginMinute_ == 0 && s.endMinute_ == 23 * 60 + 59;
    const std::string window = fullDay ? "" : " between " + clock(s.beginMinute_) + " and " + clock(s.endMinute_);
    const bool oneMinute = s.minutes_.count() == 1, oneHour = s.hours_.count() == 1;
    if (everyDay && hour == "*" && oneMinute) {
        s.description_ = "every hour at :" + twoDigits(static_cast<int>(times.front() % 60)) + window;
    } else if (everyDay && hour == "*" && minute.rfind("*/", 0) == 0) {
        s.description_ = "every " + minute.substr(2) + " minutes" + window;
    } else if (everyDay && oneHour && oneMinute) {
        s.description_ = "daily at " + clock(times.front());
    } else if (s.domAny_ && !s.dowAny_ && month == "*" && oneHour && oneMinute && s.weekdays_.count() == 1) {
        static const char* const weekdayNames[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
        size_t w = 0;
        while (!s.weekdays_[w]) ++w;
        s.description_ = std::string("weekly on ") + weekdayNames[w] + " at " + clock(times.front());
    } else if (!s.domAny_ && s.dowAny_ && month == "*" && oneHour && oneMinute && s.days_.count() == 1) {
        size_t d = 1;
        while (!s.days_[d]) ++d;
        s.description_ = "monthly on day " + std::to_string(d) + " at " + clock(times.front());
    } else {
        s.description_ = "cron " + minute + " " + hour + " " + dom + " " + month + " " + dow + window;
    }
    return s;
}

}  // namespace ha_plugins::truenas
