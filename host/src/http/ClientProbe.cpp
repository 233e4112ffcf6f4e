#include "http/ClientProbe.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <mutex>
#include <poll.h>

namespace ha::http {

namespace {

// Only what markGone() says: for requests whose connection cannot be looked at.
class MarkedProbe : public ClientProbe {
public:
    bool gone() const noexcept override { return gone_.load(std::memory_order_acquire); }
    void markGone() noexcept override { gone_.store(true, std::memory_order_release); }
    void release() noexcept override {}

protected:
    mutable std::atomic<bool> gone_{false};
};

// Polls the connection's file descriptor without reading from it: POLLRDHUP (the peer sent
// FIN, also after a TLS close_notify), POLLHUP or POLLERR mean gone. Readable request data (a
// pipelined next request) is left alone. The descriptor is only polled while the request runs:
// release() forgets it before the server may close or reuse it.
class SocketProbe : public MarkedProbe {
public:
    explicit SocketProbe(int fd) : fd_(fd) {}

    bool gone() const noexcept override {
        if (MarkedProbe::gone()) return true;
        std::lock_guard<std::mutex> lock(mutex_);
        if (fd_ < 0) return false;
        pollfd p{fd_, POLLRDHUP, 0};
        if (::poll(&p, 1, 0) <= 0) return false;
        if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) == 0) return false;
        gone_.store(true, std::memory_order_release);
        return true;
    }
    void release() noexcept override {
        std::lock_guard<std::mutex> lock(mutex_);
        fd_ = -1;
    }

private:
    mutable std::mutex mutex_;
    int fd_;
};

}  // namespace

std::shared_ptr<ClientProbe> clientProbeFor(Poco::Net::HTTPServerRequest& request) {
    if (auto* probed = dynamic_cast<ProbedRequest*>(&request)) {
        if (auto probe = probed->clientProbe()) return probe;
    }
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) {
        try {
            const int fd = impl->socket().impl()->sockfd();
            if (fd >= 0) return std::make_shared<SocketProbe>(fd);
        } catch (const Poco::Exception&) {
            // no socket: fall through
        }
    }
    return std::make_shared<MarkedProbe>();
}

}  // namespace ha::http
