#include "net/ServerSettings.h"

#include <algorithm>

namespace ha::net {

ServerSettings ServerSettings::from(const ServerConfig& c, unsigned cores) {
    ServerSettings s;
    s.ioThreads = c.ioThreads > 0 ? static_cast<size_t>(c.ioThreads) : std::clamp<size_t>(cores, 1, 4);
    s.workerThreads = static_cast<size_t>(c.threads);
    s.maxQueued = static_cast<size_t>(c.maxQueued);
    s.maxConnections = static_cast<size_t>(c.maxConnections);
    s.maxConnectionsPerAddress = static_cast<size_t>(c.maxConnectionsPerAddress);
    s.handshakeTimeoutMs = static_cast<uint64_t>(c.handshakeTimeoutSeconds) * 1000;
    s.requestTimeoutMs = static_cast<uint64_t>(c.requestTimeoutSeconds) * 1000;
    s.keepAliveTimeoutMs = static_cast<uint64_t>(c.keepAliveTimeoutSeconds) * 1000;
    s.writeTimeoutMs = static_cast<uint64_t>(c.writeTimeoutSeconds) * 1000;
    s.maxKeepAliveRequests = static_cast<uint32_t>(c.maxKeepAliveRequests);
    s.parser.requestLine = static_cast<size_t>(c.maxRequestLineBytes);
    s.parser.headerBytes = static_cast<size_t>(c.maxHeaderBytes);
    s.parser.headerCount = static_cast<size_t>(c.maxHeaderCount);
    s.parser.bodyBytes = static_cast<size_t>(c.maxBodyBytes);
    return s;
}

}  // namespace ha::net
