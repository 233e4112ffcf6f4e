// The health of the whole server: every plugin's findings, the overall verdict (the worst
// severity), which plugins could not be checked, and the words of "Is everything running
// correctly?": the verdict first, then what is fine.
#pragma once

#include "answers/Finding.h"
#include "tools/ToolExecution.h"
#include "util/Json.h"

#include <string>
#include <vector>

namespace ha {

struct CheckSource {
    std::string plugin;
    std::string error;  // "" when its checks ran
};

struct HealthReport {
    Severity verdict = Severity::Ok;
    std::vector<Finding> findings;  // critical first, then warnings, then ok
    std::vector<CheckSource> sources;
    std::vector<ToolCallRecord> calls;  // the capability calls the checks needed

    size_t count(Severity severity) const;
    // "2 problems: pool hadeg is DEGRADED. nginx.service failed." or "No problems found."
    std::string summary() const;
    // The chat answer: the summary, then what is fine, then what could not be checked.
    std::string text() const;
    json::Object::Ptr toJson() const;

    // Orders findings and sets the verdict.
    void finish();
};

}  // namespace ha
