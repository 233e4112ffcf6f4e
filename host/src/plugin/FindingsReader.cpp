#include "plugin/FindingsReader.h"

#include "plugin/OutputEvents.h"
#include "util/Text.h"

namespace ha::plugin {

namespace {

// Nesting levels of the members read: the output object, its "findings" array, one finding, its evidence.
constexpr int kRoot = 1, kList = 2, kFinding = 3, kEvidence = 4;

// The members of one finding as they were read (a repeated one replaces the earlier one).
struct Fields {
    std::optional<std::string> severity, check, subject, message;
    std::optional<std::string> evidence;  // compact text of an object
};

class Events : public OutputEvents {
public:
    Events(const std::string& plugin, size_t maxFindings) : plugin_(plugin), maxFindings_(maxFindings) {}

    std::vector<Finding> take() { return std::move(findings_); }

    bool null() override {
        if (evidence_) {
            evidence_->null();
            return true;
        }
        return scalar(nullptr);
    }
    bool boolean(bool value) override {
        if (evidence_) {
            evidence_->boolean(value);
            return true;
        }
        return scalar(nullptr);
    }
    bool number(std::string_view text) override {
        if (evidence_) {
            evidence_->rawNumber(text);
            return true;
        }
        return scalar(nullptr);
    }
    bool string(std::string_view value) override {
        if (evidence_) {
            evidence_->string(value);
            return true;
        }
        return scalar(&value);
    }
    bool key(std::string_view name) override {
        if (evidence_) {
            evidence_->key(name);
        } else if (depth_ == kRoot || depth_ == kFinding) {
            key_.assign(name);
        }
        return true;
    }
    bool startObject() override {
        ++depth_;
        if (evidence_) {
            evidence_->startObject();
        } else if (depth_ == kFinding && inList_) {
            fields_ = Fields{};
            inFinding_ = true;
        } else if (depth_ == kList && key_ == "findings") {
            findings_.clear();  // "findings" is not an array: no findings
        } else if (depth_ == kEvidence && inFinding_) {
            if (key_ == "evidence") {
                evidence_.emplace().startObject();
            } else {
                valueIsNotAString();
            }
        }
        return true;
    }
    bool endObject() override {
        if (evidence_) {
            evidence_->endObject();
            if (depth_ == kEvidence) {
                fields_.evidence = evidence_->text();
                evidence_.reset();
            }
        } else if (depth_ == kFinding && inFinding_) {
            keep();
            inFinding_ = false;
        }
        --depth_;
        return true;
    }
    bool startArray() override {
        ++depth_;
        if (evidence_) {
            evidence_->startArray();
        } else if (depth_ == kList && key_ == "findings") {
            findings_.clear();  // the last "findings" member is the one that counts
            inList_ = true;
        } else if (inFinding_ && depth_ == kEvidence) {
            valueIsNotAString();
        }
        return unlessNotAnObject(depth_ == kRoot);  // the output itself is an array
    }
    bool endArray() override {
        if (evidence_) {
            evidence_->endArray();
        } else if (depth_ == kList) {
            inList_ = false;
        }
        --depth_;
        return true;
    }

private:
    // A value that is neither an object nor an array; `text` when it is a string.
    bool scalar(const std::string_view* text) {
        if (!unlessNotAnObject(depth_ == 0)) return false;  // the output itself is a scalar
        if (depth_ == kRoot && key_ == "findings") {
            findings_.clear();  // "findings" is not an array: no findings
            return true;
        }
        if (depth_ != kFinding || !inFinding_) return true;
        if (std::optional<std::string>* field = fieldOf(key_)) {
            *field = text ? std::optional<std::string>(std::string(*text)) : std::nullopt;
        } else if (key_ == "evidence") {
            fields_.evidence.reset();
        }
        return true;
    }

    // An object or array where a finding's member should be a string (or evidence an object).
    void valueIsNotAString() {
        if (std::optional<std::string>* field = fieldOf(key_)) field->reset();
        if (key_ == "evidence") fields_.evidence.reset();
        key_.clear();  // what is inside belongs to no member of the finding
    }

    std::optional<std::string>* fieldOf(const std::string& name) {
        if (name == "severity") return &fields_.severity;
        if (name == "check") return &fields_.check;
        if (name == "subject") return &fields_.subject;
        if (name == "message") return &fields_.message;
        return nullptr;
    }

    void keep() {
        if (findings_.size() >= maxFindings_) return;
        const std::optional<Severity> severity = severityFrom(fields_.severity.value_or(""));
        std::string message = text::trim(text::truncateUtf8(fields_.message.value_or(""), 1024));
        if (!severity || message.empty()) return;  // unusable: no severity or nothing to say
        Finding f{plugin_,
                  *severity,
                  text::truncateUtf8(fields_.check.value_or(""), 64),
                  text::truncateUtf8(fields_.subject.value_or(""), 256),
                  std::move(message),
                  {}};
        if (fields_.evidence) f.evidence = json::verbatim(*fields_.evidence);
        findings_.push_back(std::move(f));
    }

    const std::string& plugin_;
    const size_t maxFindings_;
    bool inList_ = false;     // inside the "findings" array
    bool inFinding_ = false;  // inside one of its objects
    std::string key_;         // the member being read at the root or in a finding
    Fields fields_;
    std::optional<json::Writer> evidence_;  // while inside a finding's evidence object
    std::vector<Finding> findings_;
};

}  // namespace

std::optional<std::vector<Finding>> FindingsReader::read(const std::string& plugin, std::string_view output,
                                                         size_t maxFindings, std::string& error) {
    Events events(plugin, maxFindings);
    if (!OutputEvents::read("checks", output, events, error)) return std::nullopt;
    return events.take();
}

}  // namespace ha::plugin
