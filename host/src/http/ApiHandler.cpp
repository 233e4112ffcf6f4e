#include "http/ApiHandler.h"

#include "http/LoginGuard.h"
#include "net/ErrorResponse.h"
#include "net/Exchange.h"
#include "net/RequestLogText.h"
#include "net/ServerRequest.h"
#include "secrets/RedactingChannel.h"
#include "util/Deadline.h"
#include "util/Text.h"

#include <Poco/Logger.h>

#include <cmath>
#include <random>

namespace ha::http {

namespace {

std::string newRequestId() {
    thread_local std::mt19937_64 rng(std::random_device{}());
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t n = rng();
    std::string id(16, '0');
    for (int i = 15; i >= 0; --i, n >>= 4) id[static_cast<size_t>(i)] = kHex[n & 0xf];
    return id;
}

// Looked up once: Logger::get takes a global lock and searches a map.
Poco::Logger& accessLog() {
    static Poco::Logger& log = Poco::Logger::get("access");
    return log;
}

// `client "METHOD path" status 1.23 ms id=...` in one string grown once, figures without printf.
std::string accessLine(const std::string& client, const std::string& method, const std::string& path, int status,
                       double ms, const std::string& requestId) {
    const auto hundredths = static_cast<uint64_t>(std::isfinite(ms) && ms > 0 ? std::llround(ms * 100.0) : 0);
    const std::string whole = std::to_string(hundredths / 100);
    const char fraction[2] = {static_cast<char>('0' + hundredths / 10 % 10), static_cast<char>('0' + hundredths % 10)};
    std::string line;
    line.reserve(client.size() + method.size() + path.size() + requestId.size() + whole.size() + 24);
    line.append(client).append(" \"").append(method).append(" ").append(path).append("\" ");
    line.append(std::to_string(status)).append(" ").append(whole).append(".").append(fraction, 2);
    line.append(" ms id=").append(requestId);
    return line;
}

void reportAuditFailure(metrics::Metrics& metrics, const char* why, const std::string& requestId) {
    metrics.auditWriteFailed();
    Poco::Logger::get("audit").critical(std::string(why) + " (request " + requestId + ")");
}

}  // namespace

void ApiHandler::handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) {
    const uint64_t start = Deadline::nowNs();
    request_ = &request;
    requestId_ = newRequestId();
    client_ = request.clientAddress().host().toString();
    // A client that goes away cancels what its request still runs.
    probe_ = clientProbeFor(request);
    cancel_->setProbe([probe = probe_] { return probe->gone(); });
    response.set("X-Request-Id", requestId_);
    try {
        handle(request, response);
    } catch (const HttpError& e) {
        for (const auto& [name, value] : e.headers()) response.set(name, value);
        sendError(response, e.status(), e.what(), e.code());
    } catch (const std::exception& e) {
        Poco::Logger::get("http").error("request " + requestId_ + " failed: " + text::sanitizeForLog(e.what()));
        sendError(response, 500, "internal error (request " + requestId_ + ")");
    }
    probe_->release();
    ctx_.metrics.requestServed(route_, status_, elapsedMs(start) / 1000.0);
    // Method and path as safe log text (percent-decoded, control bytes replaced); a key sent in
    // the path (by mistake or as a probe) is masked before the path is cut.
    Poco::Logger& log = accessLog();
    if (!log.information()) return;
    const std::string line = accessLine(client_, net::RequestLogText::method(request.getMethod()),
                                        ctx_.redactor.redactForLog(net::RequestLogText::path(request.getURI(), 8192), 200),
                                        status_, elapsedMs(start), requestId_);
    // The app's channel takes the line without a Poco::Message (tests install others).
    Poco::Channel::Ptr channel = log.getChannel();
    if (auto* lines = dynamic_cast<RedactingChannel*>(channel.get())) {
        lines->logLine(Poco::Message::PRIO_INFORMATION, log.name(), line);
    } else {
        log.information(line);
    }
}

std::optional<std::string> ApiHandler::presentedKey(const HTTPServerRequest& request) const {
    if (request.has("X-API-Key")) return request.get("X-API-Key");
    if (acceptsBearer() && request.has("Authorization")) {
        const std::string& value = request.get("Authorization");
        // The scheme is case-insensitive (RFC 9110 11.1); anything else is a wrong key, not a
        // missing one.
        if (value.size() > 7 && text::toLower(value.substr(0, 7)) == "bearer ") return text::trim(value.substr(7));
        return value;
    }
    return std::nullopt;
}

void ApiHandler::authenticate(HTTPServerRequest& request, HTTPServerResponse& response) {
    const std::optional<std::string> presented = presentedKey(request);
    // RFC 6750: a 401 to a Bearer client names the scheme.
    std::map<std::string, std::string> challenge;
    if (acceptsBearer()) challenge["WWW-Authenticate"] = "Bearer";
    const LoginGuard::Verdict login = LoginGuard(ctx_.authenticator, ctx_.failureLimiter).check(presented, client_);
    switch (login.outcome) {
        case LoginGuard::Outcome::Accepted: break;
        case LoginGuard::Outcome::Blocked:
            throw HttpError(429, "too many failed authentication attempts; retry later",
                            {{"Retry-After", std::to_string(login.retryAfterSeconds)}});
        case LoginGuard::Outcome::Missing:
            throw HttpError(401, acceptsBearer()
                                     ? "missing API key: send it as Authorization: Bearer <key> or in the X-API-Key header"
                                     : "missing API key: send it in the X-API-Key header",
                            challenge, "missing_api_key");
        case LoginGuard::Outcome::Invalid:
            Poco::Logger::get("http").warning("invalid API key from " + client_ + " (request " + requestId_ + ")" +
                                              (login.firstBlocked ? "; further failures from it get 429" : ""));
            throw HttpError(401, "invalid API key", challenge, "invalid_api_key");
    }
    const auto verdict = ctx_.keyLimiter.acquire(ctx_.authenticator.keyId());
    response.set("X-RateLimit-Limit", std::to_string(ctx_.keyLimiter.limit()));
    if (!verdict.allowed) {
        response.set("X-RateLimit-Remaining", "0");
        throw HttpError(429,
                        "rate limit exceeded: at most " + std::to_string(ctx_.config.rateLimit.requests) +
                            " requests per " + std::to_string(ctx_.config.rateLimit.windowSeconds) + " seconds",
                        {{"Retry-After", std::to_string(verdict.retryAfterSeconds)}}, "rate_limit_exceeded");
    }
    response.set("X-RateLimit-Remaining", std::to_string(verdict.remaining));
}

std::string ApiHandler::readBody(HTTPServerRequest& request) {
    const auto limit = static_cast<size_t>(ctx_.config.server.maxBodyBytes);
    const std::string tooLarge = "request body is larger than " + std::to_string(limit) + " bytes";
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(limit)) {
        throw HttpError(413, tooLarge);
    }
    // The connection layer has read the whole body (at most max_body_bytes) before the handler
    // runs, so this only copies it out of memory.
    std::string body;
    std::istream& in = request.stream();
    char buf[8192];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        body.append(buf, static_cast<size_t>(in.gcount()));
        if (body.size() > limit) throw HttpError(413, tooLarge);
    }
    return body;
}

json::Object::Ptr ApiHandler::readJsonObject(HTTPServerRequest& request, bool allowEmpty) {
    const std::string body = readBody(request);
    if (allowEmpty && text::trim(body).empty()) return json::object();
    if (!text::isValidUtf8(body)) throw HttpError(400, "request body is not valid UTF-8");
    try {
        json::Var v = json::parse(body);
        auto o = json::asObject(v);
        if (!o) throw HttpError(400, "request body must be a JSON object");
        return o;
    } catch (const json::JsonError& e) {
        throw HttpError(400, e.what());
    }
}

CallContext ApiHandler::callContext() const { return CallContext{requestId_, cancel_, {}}; }

json::Object::Ptr ApiHandler::auditRecord(const std::string& type) const {
    auto record = json::object();
    record->set("timestamp", AuditLog::timestampNow());
    record->set("type", type);
    record->set("request_id", requestId_);
    record->set("client", client_);
    return record;
}

json::Writer& ApiHandler::startAuditRecord(json::Writer& w, const std::string& type) const {
    return w.startObject()
        .member("timestamp", AuditLog::timestampNow())
        .member("type", type)
        .member("request_id", requestId_)
        .member("client", client_);
}

void ApiHandler::writeAudit(const json::Object::Ptr& record, const std::string& withheld) {
    writeAudit(json::stringify(record), withheld);
}

void ApiHandler::writeAudit(const std::string& record, const std::string& withheld) {
    const std::string failure = "the audit log could not be written; " + withheld + " was withheld";
    std::shared_ptr<net::Exchange> held;
    if (ctx_.audit.sync() == AuditSync::Batch && request_ != nullptr) held = net::ServerRequest::holdAnswer(*request_);
    try {
        if (!held) {
            ctx_.audit.append(record);
            return;
        }
        // The 500 that would replace the answer is only worded when the sync fails: its body's
        // text now (errorBody is the handler's own), the redaction and the head then. The
        // redactor lives as long as the process.
        ctx_.audit.appendThen(record, [held, body = json::stringify(errorBody(500, failure, "")), &redactor = ctx_.redactor,
                                       &metrics = ctx_.metrics, requestId = requestId_](const AuditError* error) {
            if (error == nullptr) {
                held->release();
                return;
            }
            reportAuditFailure(metrics, error->what(), requestId);
            held->withhold(withheldResponse(redactor, body, requestId));
        });
    } catch (const AuditError& e) {
        if (held) held->release();  // nothing was written: the 500 below goes out as usual
        reportAuditFailure(ctx_.metrics, e.what(), requestId_);
        throw HttpError(500, failure);
    } catch (...) {
        if (held) held->release();
        throw;
    }
}

std::string ApiHandler::withheldResponse(const Redactor& redactor, const std::string& body, const std::string& requestId) {
    return net::ErrorResponse::withBody(500, redactor.redact(body) + "\n", true, "X-Request-Id: " + requestId + "\r\n");
}

void ApiHandler::sendJson(HTTPServerResponse& response, int status, const json::Object::Ptr& body) {
    if (response.sent()) return;
    sendJsonText(response, status, json::stringify(body));
}

void ApiHandler::sendJsonText(HTTPServerResponse& response, int status, const std::string& text) {
    if (response.sent()) return;
    // The one redaction step for what a client receives: answers, results and errors alike.
    sendRedactedJsonText(response, status, ctx_.redactor.redact(text) + "\n");
}

void ApiHandler::sendRedactedJsonText(HTTPServerResponse& response, int status, std::string_view text) {
    if (response.sent()) return;
    status_ = status;
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json; charset=utf-8");
    response.set("Cache-Control", "no-store");
    response.set("X-Content-Type-Options", "nosniff");
    response.sendBuffer(text.data(), text.size());  // no stream: the text is complete
}

void ApiHandler::sendError(HTTPServerResponse& response, int status, const std::string& message,
                           const std::string& code) {
    sendJson(response, status, errorBody(status, message, code));  // redacted in sendJson
}

json::Object::Ptr ApiHandler::errorBody(int, const std::string& message, const std::string&) const {
    auto body = json::object();
    body->set("error", message);
    return body;
}

void ErrorHandler::handle(HTTPServerRequest&, HTTPServerResponse& response) {
    if (!allow_.empty()) response.set("Allow", allow_);
    throw HttpError(errorStatus_, message_);
}

}  // namespace ha::http
