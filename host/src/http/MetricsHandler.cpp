#include "http/MetricsHandler.h"

#include "metrics/ExpositionWriter.h"

namespace ha::http {

void MetricsHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const std::string text = redacted(ctx_.metrics.render());
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType(metrics::ExpositionWriter::contentType);
    response.set("Cache-Control", "no-store");
    response.set("X-Content-Type-Options", "nosniff");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    noteStatus(200);
    response.send() << text;
}

}  // namespace ha::http
