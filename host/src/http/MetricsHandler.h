// GET /metrics: the Prometheus text exposition of the host's counters and gauges. Behind the API
// key (X-API-Key, or Authorization: Bearer as Prometheus sends it with `authorization:
// credentials_file:`); metrics.listen serves the same text without a key on a separate address.
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class MetricsHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
    bool acceptsBearer() const override { return true; }
};

}  // namespace ha::http
