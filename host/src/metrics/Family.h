// One metric family: its series keyed by label values, created on first use. The number of
// series is capped so that a value nobody foresaw (a plugin's odd capability name, a new
// status) can never grow the scrape without bound: beyond the cap, series fold into one whose
// every label is "other". [thread-safe]
#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ha::metrics {

using LabelValues = std::vector<std::string>;
using LabelView = std::initializer_list<std::string_view>;

// Orders label values, and finds them from views: a counted request builds no strings.
struct LabelOrder {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                            [](std::string_view x, std::string_view y) { return x < y; });
    }
};

template <class Series>
class Family {
public:
    using Make = std::function<std::unique_ptr<Series>()>;

    Family(std::string name, std::string help, std::vector<std::string> labelNames, Make make,
           size_t maxSeries = 500)
        : name_(std::move(name)),
          help_(std::move(help)),
          labelNames_(std::move(labelNames)),
          make_(std::move(make)),
          maxSeries_(maxSeries) {}

    // The series for these label values (one per label name).
    Series& with(LabelView values) {
        {
            std::shared_lock lock(mutex_);
            if (auto it = series_.find(values); it != series_.end()) return *it->second;
        }
        std::unique_lock lock(mutex_);
        if (auto it = series_.find(values); it != series_.end()) return *it->second;
        const LabelValues key = series_.size() < maxSeries_ ? LabelValues(values.begin(), values.end()) : overflowKey();
        auto& slot = series_[key];
        if (!slot) slot = make_();
        return *slot;
    }

    // Visits every series in label order (a stable scrape).
    void forEach(const std::function<void(const LabelValues&, const Series&)>& visit) const {
        std::shared_lock lock(mutex_);
        for (const auto& [values, series] : series_) visit(values, *series);
    }

    const std::string& name() const { return name_; }
    const std::string& help() const { return help_; }
    const std::vector<std::string>& labelNames() const { return labelNames_; }

private:
    const LabelValues& overflowKey() {
        if (overflow_.empty()) overflow_.assign(labelNames_.size(), "other");
        return overflow_;
    }

    std::string name_;
    std::string help_;
    std::vector<std::string> labelNames_;
    Make make_;
    size_t maxSeries_;
    mutable std::shared_mutex mutex_;
    std::map<LabelValues, std::unique_ptr<Series>, LabelOrder> series_;
    LabelValues overflow_;
};

}  // namespace ha::metrics
