#include "cli/McpStdioBridge.h"

#include "cli/CliError.h"
#include "cli/EventStreamReader.h"
#include "cli/HttpFailure.h"
#include "cli/LineReader.h"
#include "util/Json.h"
#include "util/Text.h"

#include <algorithm>
#include <ostream>

namespace ha::cli {

namespace {

constexpr size_t kMaxMessageBytes = 16 * 1024 * 1024;  // server.max_body_bytes can be no larger
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kServerUnavailable = -32000;

// Raw line ends in valid JSON can only be whitespace between tokens: dropping them keeps the
// message and makes it one line.
std::string oneLine(std::string text) {
    text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }), text.end());
    return text;
}

}  // namespace

std::string McpStdioBridge::errorLine(const Poco::Dynamic::Var& id, int code, const std::string& message) {
    auto error = json::object();
    error->set("code", code);
    error->set("message", message);
    auto o = json::object();
    o->set("jsonrpc", "2.0");
    o->set("id", id);
    o->set("error", error);
    return json::stringify(o);
}

void McpStdioBridge::noteProtocolVersion(const std::string& line) {
    try {
        const auto o = json::parseObject(line);
        if (const auto result = json::getObject(o, "result")) {
            if (auto v = json::getString(result, "protocolVersion")) protocolVersion_ = *v;
        }
    } catch (const json::JsonError&) {
        // Not ours to judge: the client reads it.
    }
}

std::string McpStdioBridge::fromErrorStatus(const ApiResponse& response, const std::string& body,
                                            const Poco::Dynamic::Var& id) {
    try {
        json::Object::Ptr o = json::parseObject(body);
        if (o->has("jsonrpc") && json::getObject(o, "error")) {
            // The server answers transport-level refusals (401, 429 ...) with id null; the client
            // waits for its own id.
            if (o->get("id").isEmpty() && !id.isEmpty()) o->set("id", id);
            return json::stringify(o);
        }
    } catch (const json::JsonError&) {
        // A plain {"error": ...} or no JSON at all: wrapped below.
    }
    return errorLine(id, kServerUnavailable, HttpFailure::from(response).what());
}

std::vector<std::string> McpStdioBridge::answerLines(const ApiResponse& response, const Poco::Dynamic::Var& id,
                                                     bool expectsAnswer) {
    // A notification or a response is never answered, not even with the server's refusal
    // (that goes to stderr).
    if (!expectsAnswer || response.status == 202) return {};
    if (text::trim(response.body).empty()) {
        return response.status >= 400 ? std::vector<std::string>{fromErrorStatus(response, "", id)}
                                      : std::vector<std::string>{};
    }
    std::vector<std::string> lines;
    if (text::toLower(response.header("content-type")).rfind("text/event-stream", 0) == 0) {
        EventStreamReader events([&lines](const std::string& event, const std::string& data) {
            if (event == "message") lines.push_back(oneLine(data));
        });
        events.feed(response.body);
        events.finish();
    } else if (response.status >= 400) {
        lines.push_back(fromErrorStatus(response, response.body, id));
    } else {
        lines.push_back(oneLine(response.body));
    }
    return lines;
}

std::vector<std::string> McpStdioBridge::relay(const std::string& line) {
    json::Var message;
    try {
        message = json::parse(line);
    } catch (const json::JsonError& e) {
        return {errorLine(json::Var(), kParseError, std::string("Parse error: ") + e.what())};
    }
    const json::Object::Ptr object = json::asObject(message);
    const json::Var id = object && object->has("id") ? object->get("id") : json::Var();
    // Requests want an answer; notifications and the client's responses do not. Anything else
    // (a batch, a scalar) is the server's to refuse, and its refusal is an answer.
    const bool expectsAnswer = !object || (object->has("method") && object->has("id"));
    const std::string method = object ? json::getString(object, "method").value_or("") : "";

    ApiClient::Headers headers{{"Authorization", "Bearer " + client_.settings().apiKey},
                               {"Content-Type", "application/json"},
                               {"Accept", "application/json, text/event-stream"}};
    if (protocolVersion_ && method != "initialize") headers.emplace_back("MCP-Protocol-Version", *protocolVersion_);
    try {
        const ApiResponse response = client_.send("POST", "/mcp", line, headers);
        std::vector<std::string> lines = answerLines(response, id, expectsAnswer);
        if (method == "initialize" && response.status == 200 && !lines.empty()) noteProtocolVersion(lines.back());
        if (response.status >= 400) log_ << "homelab-assistant mcp: " << method << ": HTTP " << response.status << "\n";
        return lines;
    } catch (const CliError& e) {
        log_ << "homelab-assistant mcp: " << (method.empty() ? "message" : method) << ": " << e.what() << "\n";
        if (!expectsAnswer) return {};
        return {errorLine(id, kServerUnavailable, std::string("homelab-assistant server unavailable: ") + e.what())};
    }
}

ExitCode McpStdioBridge::run(int inputFd) {
    LineReader input(inputFd, kMaxMessageBytes);
    log_ << "homelab-assistant mcp: relaying stdin to " << client_.baseUrl() << "/mcp\n" << std::flush;
    while (const auto line = input.next()) {
        std::vector<std::string> lines;
        if (line->tooLong) {
            lines.push_back(errorLine(json::Var(), kInvalidRequest, "Invalid Request: a message over 16 MiB"));
        } else if (!text::trim(line->text).empty()) {
            lines = relay(line->text);
        }
        for (const std::string& answer : lines) out_ << answer << '\n';
        out_.flush();
        if (!out_) return ExitCode::Answered;  // the host closed our stdout: nobody is listening
    }
    log_ << "homelab-assistant mcp: end of input\n" << std::flush;
    return ExitCode::Answered;
}

}  // namespace ha::cli
