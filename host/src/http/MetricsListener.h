// metrics.listen: a second, plain-HTTP listener that answers only GET /metrics, without a key,
// for a Prometheus on a trusted network (or on the same host) that should not hold the API key.
// Two threads at most: it serves scrapes, not clients.
#pragma once

#include "metrics/Metrics.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <string>

namespace ha::http {

class MetricsListener {
public:
    // Binds "host:port" (port 0: a free one); throws std::runtime_error naming the address.
    MetricsListener(const std::string& listen, const metrics::Metrics& metrics);
    ~MetricsListener();

    void start();
    void stop();
    // "127.0.0.1:9464" as actually bound.
    std::string boundAddress() const { return bound_; }

private:
    Poco::ThreadPool pool_{1, 2};  // its own: scrapes never wait behind anything else
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::string bound_;
};

}  // namespace ha::http
