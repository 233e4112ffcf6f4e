#include "plugin/MatchesReader.h"

#include "plugin/OutputEvents.h"
#include "util/Json.h"
#include "util/Text.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ha::plugin {

namespace {

// Nesting levels: the output object, its "matches" array, one match, its arguments or names.
constexpr int kRoot = 1, kList = 2, kMatch = 3, kInner = 4;
constexpr size_t kMaxNames = 8, kMaxNameBytes = 64;

// The members of one match as they were read (a repeated one replaces the earlier one).
struct Fields {
    std::optional<std::string> capability;
    std::optional<double> score;
    std::optional<std::string> arguments;  // compact text of an object
    std::vector<std::string> names;
};

class Events : public OutputEvents {
public:
    Events(const std::string& plugin, size_t maxMatches) : plugin_(plugin), maxMatches_(maxMatches) {}

    std::vector<Match> take() { return std::move(matches_); }

    bool null() override { return inArguments() ? (arguments_->null(), true) : scalar(nullptr); }
    bool boolean(bool value) override { return inArguments() ? (arguments_->boolean(value), true) : scalar(nullptr); }
    bool number(std::string_view text) override {
        if (inArguments()) {
            arguments_->rawNumber(text);
            return true;
        }
        if (!scalar(nullptr)) return false;
        if (depth_ == kMatch && inMatch_ && key_ == "score") fields_.score = numberOf(text);
        return true;
    }
    bool string(std::string_view value) override {
        if (inArguments()) {
            arguments_->string(value);
            return true;
        }
        if (!scalar(&value)) return false;
        if (depth_ == kMatch && inMatch_ && key_ == "capability") fields_.capability.emplace(value);
        return true;
    }
    bool key(std::string_view name) override {
        if (inArguments()) {
            arguments_->key(name);
        } else if (depth_ == kRoot || depth_ == kMatch) {
            key_.assign(name);
        }
        return true;
    }
    bool startObject() override {
        ++depth_;
        if (inArguments()) {
            arguments_->startObject();
        } else if (depth_ == kList && key_ == "matches") {
            matches_.clear();  // "matches" is not an array: no matches
        } else if (depth_ == kMatch && inList_) {
            fields_ = Fields{};
            inMatch_ = true;
        } else if (depth_ == kInner && inMatch_) {
            memberIsAContainer(true);
        } else if (depth_ == kInner + 1 && inNames_) {
            nameEntry(nullptr);
        }
        return true;
    }
    bool endObject() override {
        if (inArguments()) {
            arguments_->endObject();
            if (depth_ == kInner) {
                fields_.arguments = arguments_->text();
                arguments_.reset();
            }
        } else if (depth_ == kMatch && inMatch_) {
            keep();
            inMatch_ = false;
        }
        --depth_;
        return true;
    }
    bool startArray() override {
        ++depth_;
        if (inArguments()) {
            arguments_->startArray();
        } else if (depth_ == kList && key_ == "matches") {
            matches_.clear();  // the last "matches" member is the one that counts
            inList_ = true;
        } else if (depth_ == kInner && inMatch_) {
            memberIsAContainer(false);
        } else if (depth_ == kInner + 1 && inNames_) {
            nameEntry(nullptr);
        }
        return unlessNotAnObject(depth_ == kRoot);  // the output itself is an array
    }
    bool endArray() override {
        if (inArguments()) {
            arguments_->endArray();
        } else if (depth_ == kList) {
            inList_ = false;
        } else if (depth_ == kInner) {
            inNames_ = false;
        }
        --depth_;
        return true;
    }

private:
    bool inArguments() const { return arguments_.has_value(); }

    // A value that is neither an object nor an array; `text` when it is a string.
    bool scalar(const std::string_view* text) {
        if (!unlessNotAnObject(depth_ == 0)) return false;  // the output itself is a scalar
        if (depth_ == kRoot && key_ == "matches") matches_.clear();  // not an array: no matches
        if (depth_ == kMatch && inMatch_) resetMember();
        if (depth_ == kInner && inNames_) nameEntry(text);
        return true;
    }

    // One entry of names: only strings among the first kMaxNames count.
    void nameEntry(const std::string_view* text) {
        if (namesSeen_++ < kMaxNames && text != nullptr) {
            fields_.names.push_back(text::truncateUtf8(std::string(*text), kMaxNameBytes));
        }
    }

    // The match's member key_ gets a new value: what it had before no longer counts.
    void resetMember() {
        if (key_ == "capability") fields_.capability.reset();
        if (key_ == "score") fields_.score.reset();
        if (key_ == "arguments") fields_.arguments.reset();
        if (key_ == "names") fields_.names.clear();
    }

    // An object or an array as the match's member key_.
    void memberIsAContainer(bool object) {
        resetMember();
        if (object && key_ == "arguments") {
            arguments_.emplace().startObject();
        } else if (!object && key_ == "names") {
            inNames_ = true;
            namesSeen_ = 0;
        }
        key_.clear();  // what is inside belongs to no member of the match
    }

    // The checked text of a JSON number as a double; nullopt when out of a double's range.
    static std::optional<double> numberOf(std::string_view text) {
        double value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
        return value;
    }

    void keep() {
        if (matches_.size() >= maxMatches_ || !fields_.score || !fields_.capability || fields_.capability->empty()) return;
        std::string arguments = fields_.arguments.value_or("{}");
        // As a document would have them: members sorted, a repeated one its last value.
        if (arguments != "{}") arguments = json::stringify(json::parse(arguments));
        matches_.push_back({plugin_, std::move(*fields_.capability), std::move(arguments),
                            std::clamp(*fields_.score, 0.0, 1.0), std::move(fields_.names)});
    }

    const std::string& plugin_;
    const size_t maxMatches_;
    bool inList_ = false;   // inside the "matches" array
    bool inMatch_ = false;  // inside one of its objects
    bool inNames_ = false;  // inside that match's "names" array
    size_t namesSeen_ = 0;  // entries of names so far, strings or not
    std::string key_;       // the member being read at the root or in a match
    Fields fields_;
    std::optional<json::Writer> arguments_;  // while inside a match's arguments object
    std::vector<Match> matches_;
};

}  // namespace

std::optional<std::vector<Match>> MatchesReader::read(const std::string& plugin, std::string_view output,
                                                      size_t maxMatches, std::string& error) {
    Events events(plugin, maxMatches);
    if (!OutputEvents::read("match", output, events, error)) return std::nullopt;
    return events.take();
}

}  // namespace ha::plugin
