#include "cli/StatusCommand.h"

#include "cli/CliError.h"
#include "cli/HttpFailure.h"
#include "util/Json.h"
#include "util/Text.h"

#include <ostream>

namespace ha::cli {

Poco::JSON::Object::Ptr StatusCommand::fetch(const std::string& path, bool authenticated) {
    ApiClient::Headers headers{{"Accept", "application/json"}};
    if (authenticated) headers.emplace_back("X-API-Key", client_.settings().apiKey);
    const ApiResponse response = client_.send("GET", path, "", headers);
    if (response.status != 200) throw HttpFailure::from(response);
    try {
        return json::parseObject(response.body);
    } catch (const json::JsonError& e) {
        throw CliError(ExitCode::ServerError, "GET " + path + " answered something other than a JSON object: " + e.what());
    }
}

void StatusCommand::printReadable(const Poco::JSON::Object::Ptr& health, const Poco::JSON::Object::Ptr& status) {
    const auto str = [](const Poco::JSON::Object::Ptr& o, const char* key) {
        return text::sanitizeForLog(json::getString(o, key).value_or(""), 2000);
    };
    out_ << str(health, "service") << " " << str(health, "version") << " at " << client_.baseUrl() << ": "
         << str(health, "status") << "\n";
    out_ << "verdict: " << str(status, "verdict") << " - " << str(status, "summary") << "\n";
    if (const auto findings = json::getArray(status, "findings")) {
        for (size_t i = 0; i < findings->size(); ++i) {
            const auto f = json::asObject(findings->get(static_cast<unsigned>(i)));
            if (!f) continue;
            out_ << "  " << str(f, "severity") << "  " << str(f, "plugin") << " " << str(f, "check");
            if (const std::string subject = str(f, "subject"); !subject.empty()) out_ << " " << subject;
            out_ << ": " << str(f, "message") << "\n";
        }
    }
    out_ << "checked at " << str(status, "checked_at");
    if (auto ms = json::getNumber(status, "duration_ms")) out_ << " in " << static_cast<int64_t>(*ms + 0.5) << " ms";
    out_ << "\n";
}

ExitCode StatusCommand::run(bool asJson) {
    const auto health = fetch("/health", false);
    const auto status = fetch("/v1/status", true);
    if (asJson) {
        auto all = json::object();
        all->set("url", client_.baseUrl());
        all->set("health", health);
        all->set("status", status);
        out_ << json::stringify(all) << "\n";
    } else {
        printReadable(health, status);
    }
    out_.flush();
    return ExitCode::Answered;
}

}  // namespace ha::cli
