#include "http/ToolCallHandler.h"

#include <Poco/Logger.h>

#include <cmath>

namespace ha::http {

void ToolCallHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const json::Object::Ptr args = readJsonObject(request, true);
    const ToolExecution ex = ctx_.executor.execute(capability_, json::stringify(args),
                                                   Deadline::after(std::chrono::minutes(10)));
    const int status = httpStatusOf(ex.record.status);

    auto record = json::object();
    record->set("timestamp", AuditLog::timestampNow());
    record->set("type", "tool");
    record->set("request_id", requestId());
    record->set("client", clientAddress());
    record->set("tool_call", ex.record.toJson());
    record->set("status", status);
    try {
        ctx_.audit.append(record);
    } catch (const AuditError& e) {
        Poco::Logger::get("audit").critical(std::string(e.what()) + " (request " + requestId() + ")");
        throw HttpError(500, "the audit log could not be written; the result was withheld");
    }

    if (ex.record.status != CallStatus::Ok) {
        auto err = json::object();
        err->set("error", ex.record.error);
        err->set("status", std::string(toString(ex.record.status)));
        if (ex.record.status == CallStatus::Denied) err->set("reason", ex.record.reason);
        sendJson(response, status, err);
        return;
    }
    auto out = json::object();
    out->set("capability", ex.record.capability);
    out->set("result", ex.result);
    out->set("duration_ms", std::round(ex.record.durationMs * 1000.0) / 1000.0);
    sendJson(response, 200, out);
}

}  // namespace ha::http
