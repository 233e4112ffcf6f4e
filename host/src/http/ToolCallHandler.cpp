#include "http/ToolCallHandler.h"

#include "http/TurnOutcome.h"

#include <cmath>

namespace ha::http {

void ToolCallHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const json::Object::Ptr args = readJsonObject(request, true);
    const ToolExecution ex = ctx_.executor.execute(capability_, json::stringify(args),
                                                   Deadline::after(std::chrono::minutes(10)), callContext());
    // A client that hung up is audited as such, with the status /chat gives it (499, not the 504
    // its cancelled call returns); it is sent nothing.
    const bool cancelled = clientProbe().gone();
    const int status = cancelled ? TurnOutcome::kClientClosedRequest : httpStatusOf(ex.record.status);

    json::Writer record;
    startAuditRecord(record, "tool").key("tool_call");
    ex.record.write(record);
    record.key("status").integer(status);
    if (cancelled) record.key("cancelled").boolean(true).member("error", "the client went away before the result was sent");
    writeAudit(record.endObject().text(), "the result");
    if (cancelled) {
        noteStatus(TurnOutcome::kClientClosedRequest);
        return;
    }

    if (ex.record.status != CallStatus::Ok) {
        auto err = json::object();
        err->set("error", ex.record.error);
        err->set("status", std::string(toString(ex.record.status)));
        if (ex.record.status == CallStatus::Denied) err->set("reason", ex.record.reason);
        sendJson(response, status, err);
        return;
    }
    // Written as text: the result is passed on as the plugin's checked text, not rebuilt.
    json::Writer out;
    out.startObject().member("capability", ex.record.capability).member("result", ex.result);
    out.key("duration_ms").number(std::round(ex.record.durationMs * 1000.0) / 1000.0);
    sendJsonText(response, 200, out.endObject().text());
}

}  // namespace ha::http
