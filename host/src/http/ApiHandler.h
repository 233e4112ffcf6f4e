// Base of every route: request id, JSON responses and errors, bounded body reading,
// authentication and rate limiting, and one access-log line per request (never a key).
#pragma once

#include "http/ApiContext.h"
#include "http/ClientProbe.h"
#include "http/HttpError.h"
#include "util/CallContext.h"
#include "util/Json.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <optional>
#include <string>

namespace ha::http {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

class ApiHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ApiHandler(ApiContext& context) : ctx_(context) {}
    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) final;
    // The route's pattern for the metrics ("/v1/tools/{capability}"); a literal, never the raw
    // path, so the number of series stays bounded.
    void setRoute(const char* route) { route_ = route; }

protected:
    virtual void handle(HTTPServerRequest& request, HTTPServerResponse& response) = 0;

    // Checks X-API-Key (or Authorization: Bearer where acceptsBearer()) and the per-key rate
    // limit; throws HttpError 401/429.
    void authenticate(HTTPServerRequest& request, HTTPServerResponse& response);
    // The whole body, at most config.server.maxBodyBytes (413 beyond).
    std::string readBody(HTTPServerRequest& request);
    // Reads the body as a JSON object ({} when empty if allowEmpty); 400 on bad JSON.
    json::Object::Ptr readJsonObject(HTTPServerRequest& request, bool allowEmpty);

    // A new audit record carrying timestamp, type, request id and client address.
    json::Object::Ptr auditRecord(const std::string& type) const;
    // The same members written to `w` in an object left open for the caller's members (hot
    // routes: no document is built); the caller closes it and hands w.text() to writeAudit().
    json::Writer& startAuditRecord(json::Writer& w, const std::string& type) const;
    // Appends the record before anything is answered; when the log cannot be written the client
    // gets a 500 and `withheld` ("the answer", "the result") is not sent. With audit.sync batch
    // and nothing sent yet, the worker does not wait for the group commit: the answer is held in
    // the connection layer until the record is on disk, and a failed sync puts the 500 in its
    // place (logged critical with the request id; the access line shows the answer's status).
    void writeAudit(const json::Object::Ptr& record, const std::string& withheld);
    void writeAudit(const std::string& recordText, const std::string& withheld);

    // Sends the body with every known secret masked (the Redactor over the whole JSON text).
    void sendJson(HTTPServerResponse& response, int status, const json::Object::Ptr& body);
    // The same for a body written as text (json::Writer): no document built for it.
    void sendJsonText(HTTPServerResponse& response, int status, const std::string& text);
    // Sends JSON text that has already been through the Redactor (a body built once and kept).
    void sendRedactedJsonText(HTTPServerResponse& response, int status, std::string_view text);
    void sendError(HTTPServerResponse& response, int status, const std::string& message, const std::string& code = "");

    // The body of an error response: {"error": message} here; a route speaking another protocol
    // (OpenAI's error object, JSON-RPC) answers its errors in that protocol's shape.
    virtual json::Object::Ptr errorBody(int status, const std::string& message, const std::string& code) const;
    // Whether the key may also come as `Authorization: Bearer <key>` (what OpenAI and MCP
    // clients send).
    virtual bool acceptsBearer() const { return false; }

    // What the plugin calls made for this request get: its id and its cancel token.
    CallContext callContext() const;
    // Whether this request's client is still connected (the cancel token asks it too).
    ClientProbe& clientProbe() const { return *probe_; }
    // The status of a response a handler sent itself (a stream, a file), for the access log.
    void noteStatus(int status) { status_ = status; }
    // Text with every known secret masked: for anything a client receives.
    std::string redacted(std::string_view text) const { return ctx_.redactor.redact(text); }

    // The key the request presents, if any (X-API-Key first).
    std::optional<std::string> presentedKey(const HTTPServerRequest& request) const;

    const std::string& requestId() const { return requestId_; }
    const std::string& clientAddress() const { return client_; }
    int status() const { return status_; }

    ApiContext& ctx_;

private:
    // The complete 500 that replaces a held answer whose record did not reach the disk, around
    // the JSON text of its error body.
    static std::string withheldResponse(const Redactor& redactor, const std::string& body, const std::string& requestId);

    HTTPServerRequest* request_ = nullptr;
    std::string requestId_;
    std::string client_;
    std::shared_ptr<CancelToken> cancel_ = std::make_shared<CancelToken>();
    std::shared_ptr<ClientProbe> probe_;
    int status_ = 0;
    const char* route_ = "unmatched";
};

// Answers every request with one fixed error (unknown route, wrong method).
class ErrorHandler : public ApiHandler {
public:
    ErrorHandler(ApiContext& context, int status, std::string message, std::string allow = "")
        : ApiHandler(context), errorStatus_(status), message_(std::move(message)), allow_(std::move(allow)) {}

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;

private:
    int errorStatus_;
    std::string message_;
    std::string allow_;
};

}  // namespace ha::http
