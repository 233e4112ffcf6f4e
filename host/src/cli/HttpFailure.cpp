#include "cli/HttpFailure.h"

#include "util/Json.h"
#include "util/Text.h"

namespace ha::cli {

ExitCode HttpFailure::exitCodeFor(int status) {
    if (status == 401 || status == 403) return ExitCode::AuthRefused;
    if (status == 429) return ExitCode::RateLimited;
    return ExitCode::ServerError;
}

std::string HttpFailure::messageOf(const std::string& body) {
    try {
        const json::Object::Ptr o = json::parseObject(body);
        if (auto text = json::getString(o, "error")) return *text;
        if (const json::Object::Ptr error = json::getObject(o, "error")) {
            if (auto text = json::getString(error, "message")) return *text;
        }
    } catch (const json::JsonError&) {
        // Not JSON: the body's first line says what it says.
    }
    std::string line = text::trim(body.substr(0, body.find('\n')));
    return line.empty() ? "no details" : text::sanitizeForLog(line, 200);
}

CliError HttpFailure::from(int status, const std::string& message, const std::string& retryAfter) {
    const ExitCode code = exitCodeFor(status);
    std::string what = code == ExitCode::AuthRefused   ? "refused"
                       : code == ExitCode::RateLimited ? "rate limited"
                                                       : "server error";
    std::string line = what + " (" + std::to_string(status) + "): " + message;
    if (!retryAfter.empty()) line += "; retry after " + text::sanitizeForLog(retryAfter, 16) + " s";
    return CliError(code, line);
}

CliError HttpFailure::from(const ApiResponse& response) {
    return from(response.status, messageOf(response.body), response.header("retry-after"));
}

}  // namespace ha::cli
