#include "http/StatusHandler.h"

#include "audit/AuditLog.h"
#include "util/Deadline.h"

#include <cmath>

namespace ha::http {

void StatusHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const uint64_t start = Deadline::nowNs();
    const HealthReport report = ctx_.health.run(ctx_.executor, Deadline::after(std::chrono::seconds(30)), callContext());
    const double durationMs = std::round(elapsedMs(start) * 1000.0) / 1000.0;

    auto calls = json::array();
    for (const auto& call : report.calls) calls->add(call.toJson());
    auto record = auditRecord("status");
    record->set("verdict", std::string(toString(report.verdict)));
    record->set("summary", report.summary());
    record->set("tool_call_details", calls);
    record->set("status", 200);
    record->set("duration_ms", durationMs);
    writeAudit(record, "the status");

    auto body = report.toJson();
    body->set("checked_at", AuditLog::timestampNow());
    body->set("duration_ms", durationMs);
    sendJson(response, 200, body);
}

}  // namespace ha::http
