#include "http/ClientProbe.h"

#include "net/Exchange.h"
#include "net/ServerRequest.h"

#include <atomic>
#include <mutex>

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

// Asks the exchange the event loop keeps up to date (a lock-free read). After release() the
// exchange is let go: its connection may be answering the next request by then.
class ExchangeProbe : public MarkedProbe {
public:
    explicit ExchangeProbe(std::shared_ptr<const net::Exchange> exchange) : exchange_(std::move(exchange)) {}

    bool gone() const noexcept override {
        if (MarkedProbe::gone()) return true;
        std::lock_guard<std::mutex> lock(mutex_);
        if (!exchange_ || !exchange_->clientGone()) return false;
        gone_.store(true, std::memory_order_release);
        return true;
    }
    void release() noexcept override {
        std::lock_guard<std::mutex> lock(mutex_);
        exchange_.reset();
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const net::Exchange> exchange_;
};

}  // namespace

std::shared_ptr<ClientProbe> clientProbeFor(Poco::Net::HTTPServerRequest& request) {
    if (auto exchange = net::ServerRequest::exchangeOf(request)) return std::make_shared<ExchangeProbe>(std::move(exchange));
    return std::make_shared<MarkedProbe>();
}

}  // namespace ha::http
