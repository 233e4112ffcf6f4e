#include "answers/HealthReport.h"

#include <algorithm>

namespace ha {

namespace {
std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
    std::string s;
    for (size_t i = 0; i < parts.size(); ++i) s += (i == 0 ? "" : separator) + parts[i];
    return s;
}

std::string withoutFinalStop(std::string s) {
    while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
    return s;
}
}  // namespace

void HealthReport::finish() {
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    verdict = findings.empty() ? Severity::Ok : findings.front().severity;
}

size_t HealthReport::count(Severity severity) const {
    return static_cast<size_t>(
        std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity == severity; }));
}

std::string HealthReport::summary() const {
    std::vector<std::string> problems;
    for (const Finding& f : findings) {
        if (f.problem()) problems.push_back(withoutFinalStop(f.message) + ".");
    }
    if (problems.empty()) return "No problems found.";
    const std::string head = problems.size() == 1 ? "1 problem: " : std::to_string(problems.size()) + " problems: ";
    return head + joined(problems, " ");
}

std::string HealthReport::text() const {
    std::vector<std::string> fine;
    for (const Finding& f : findings) {
        if (!f.problem()) fine.push_back(withoutFinalStop(f.message));
    }
    std::vector<std::string> unchecked;
    for (const CheckSource& s : sources) {
        if (!s.error.empty()) unchecked.push_back(s.plugin + " (" + withoutFinalStop(s.error) + ")");
    }
    std::string out;
    if (findings.empty() && unchecked.empty()) return "Nothing to check: no loaded plugin reports health findings.";
    if (count(Severity::Ok) == findings.size()) {
        out = unchecked.empty() && !fine.empty() ? "Everything looks fine: " + joined(fine, "; ") + "."
                                                 : "No problems found." + (fine.empty() ? "" : " Fine: " + joined(fine, "; ") + ".");
    } else {
        out = summary();
        if (!fine.empty()) out += "\nFine: " + joined(fine, "; ") + ".";
    }
    if (!unchecked.empty()) out += "\nNot checked: " + joined(unchecked, "; ") + ".";
    return out;
}

json::Object::Ptr HealthReport::toJson() const {
    auto o = json::object();
    o->set("verdict", std::string(toString(verdict)));
    o->set("summary", summary());
    auto counts = json::object();
    for (Severity s : {Severity::Critical, Severity::Warning, Severity::Ok}) {
        counts->set(toString(s), static_cast<Poco::Int64>(count(s)));
    }
    o->set("counts", counts);
    auto list = json::array();
    for (const Finding& f : findings) list->add(f.toJson());
    o->set("findings", list);
    auto src = json::array();
    for (const CheckSource& s : sources) {
        auto e = json::object();
        e->set("plugin", s.plugin);
        e->set("status", s.error.empty() ? "ok" : "error");
        if (!s.error.empty()) e->set("error", s.error);
        src->add(e);
    }
    o->set("sources", src);
    return o;
}

}  // namespace ha
