#include "http/ToolCallHandler.h"

#include <cmath>

namespace ha::http {

void ToolCallHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const json::Object::Ptr args = readJsonObject(request, true);
    const ToolExecution ex = ctx_.executor.execute(capability_, json::stringify(args),
                                                   Deadline::after(std::chrono::minutes(10)), callContext());
    const int status = httpStatusOf(ex.record.status);

    auto record = auditRecord("tool");
    record->set("tool_call", ex.record.toJson());
    record->set("status", status);
    writeAudit(record, "the result");

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
