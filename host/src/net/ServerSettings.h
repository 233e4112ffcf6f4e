// The connection layer's limits, derived once from the server section of the configuration.
#pragma once

#include "config/Config.h"
#include "net/HttpRequestParser.h"

#include <cstddef>
#include <cstdint>

namespace ha::net {

struct ServerSettings {
    size_t ioThreads = 1;        // event loops
    size_t workerThreads = 32;   // request handlers
    size_t maxQueued = 1024;     // complete requests waiting for a worker (503 beyond)
    size_t maxConnections = 2048;
    size_t maxConnectionsPerAddress = 0;  // 0: no per-address cap
    uint64_t handshakeTimeoutMs = 10000;
    uint64_t requestTimeoutMs = 20000;    // the whole request: head and body
    uint64_t keepAliveTimeoutMs = 5000;   // 0: no keep-alive
    uint64_t writeTimeoutMs = 30000;      // pending response bytes must drain within this
    uint64_t lingerTimeoutMs = 2000;      // reading what a client still sends after we closed
    uint32_t maxKeepAliveRequests = 1000;
    HttpRequestParser::Limits parser;

    // io_threads 0 means one event loop per two cores (at least one, at most four).
    static ServerSettings from(const ServerConfig& config, unsigned cores);
};

}  // namespace ha::net
