#include "tools/docker/UnixHttpClient.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <cerrno>
#include <istream>

namespace ha_plugins::docker {

namespace {
Poco::Timespan remaining(uint64_t deadlineNs) {
    const uint64_t now = homelab_assistant::monotonicNowNs();
    const uint64_t left = deadlineNs > now ? deadlineNs - now : 0;
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max<uint64_t>(left / 1000, 1000)));
}
}  // namespace

HttpResponse UnixHttpClient::get(const std::string& pathAndQuery, uint64_t deadlineNs, size_t maxBytes) const {
    const std::string where = "Docker is not reachable at " + socketPath_;
    if (homelab_assistant::monotonicNowNs() >= deadlineNs) throw EngineUnreachable(where + ": no time left", true);
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socketPath_), remaining(deadlineNs));
        socket.setReceiveTimeout(remaining(deadlineNs));
        socket.setSendTimeout(remaining(deadlineNs));
        Poco::Net::HTTPClientSession session(socket);
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setHost("docker");
        request.setKeepAlive(false);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        HttpResponse out;
        out.status = static_cast<int>(response.getStatus());
        char buf[16384];
        while (in.read(buf, sizeof buf) || in.gcount() > 0) {
            out.body.append(buf, static_cast<size_t>(in.gcount()));
            if (out.body.size() > maxBytes) throw EngineUnreachable("Docker sent more than " + std::to_string(maxBytes) + " bytes", false);
            // A slow engine can keep trickling data: the deadline bounds the whole exchange.
            if (homelab_assistant::monotonicNowNs() >= deadlineNs) throw EngineUnreachable(where + ": timed out", true);
            socket.setReceiveTimeout(remaining(deadlineNs));
        }
        return out;
    } catch (const Poco::TimeoutException&) {
        throw EngineUnreachable("Docker did not answer in time at " + socketPath_, true);
    } catch (const Poco::Net::ConnectionRefusedException&) {
        throw EngineUnreachable(where + ": connection refused (is the Docker daemon running?)", false);
    } catch (const Poco::Exception& e) {
        // Poco reports connect() errors as I/O errors carrying errno.
        if (e.code() == ENOENT) throw EngineUnreachable(where + ": the socket does not exist (is Docker running?)", false);
        if (e.code() == EACCES || e.code() == EPERM) {
            throw EngineUnreachable(where + ": permission denied (the service user needs access to the socket)", false);
        }
        throw EngineUnreachable(where + ": " + e.displayText(), false);
    }
}

}  // namespace ha_plugins::docker
