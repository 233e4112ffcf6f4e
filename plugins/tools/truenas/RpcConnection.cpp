#include "tools/truenas/RpcConnection.h"

#include "tools/truenas/MethodAllowlist.h"

#include <Poco/Net/NetException.h>

#include <cerrno>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace ha_plugins::truenas {

using homelab_assistant::Error;
using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux, the clock of deadline_ns

namespace {

Clock::time_point fromNs(uint64_t ns) {
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
}

}  // namespace

RpcConnection::RpcConnection(std::unique_ptr<Poco::Net::WebSocket> socket, Options options)
    : ws_(std::move(socket)), options_(options) {
    wakeFd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wakeFd_ < 0) throw Error(HA_ERR_INTERNAL, "eventfd failed");
    ws_->setMaxPayloadSize(static_cast<int>(options_.maxMessageBytes));
    ws_->setSendTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(options_.frameTimeout).count()));
    ws_->setReceiveTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(options_.frameTimeout).count()));
    thread_ = std::thread([this] { run(); });
}

RpcConnection::~RpcConnection() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake();
    if (thread_.joinable()) thread_.join();
    ::close(wakeFd_);
}

bool RpcConnection::alive() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return !dead_;
}

uint64_t RpcConnection::lateResponses() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return late_;
}

void RpcConnection::wake() const {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wakeFd_, &one, sizeof one);
}

RpcMessage RpcConnection::request(const std::string& method, const std::string& paramsJson, uint64_t deadlineNs,
                                  const std::function<bool()>& cancelled) {
    requireAllowedMethod(method);  // the single gate: nothing reaches outgoing_ without it
    const auto deadline = fromNs(deadlineNs);
    const auto givenUp = [&] { return Clock::now() >= deadline || (cancelled && cancelled()); };
    std::unique_lock<std::mutex> lock(mutex_);
    while (!dead_ && pending_.size() >= options_.maxInFlight) {
        if (givenUp()) {
            throw Error(HA_ERR_TIMEOUT, "no free slot for " + method + ": " + std::to_string(pending_.size()) +
                                            " TrueNAS calls are still running");
        }
        changed_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
    }
    if (dead_) throw ConnectionLost(deadReason_);
    const uint64_t id = nextId_++;
    auto pending = std::make_shared<Pending>();
    pending_[id] = pending;
    outgoing_.push_back(encodeRequest(id, method, paramsJson));
    wake();
    while (!pending->done) {
        if (givenUp()) {
            pending_.erase(id);
            changed_.notify_all();
            throw Error(HA_ERR_TIMEOUT, "TrueNAS did not answer " + method + " in time");
        }
        // Wakes at least every 100 ms to see whether the caller gave up.
        changed_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
    }
    if (pending->lost) throw ConnectionLost(pending->lostReason);
    return std::move(pending->message);
}

void RpcConnection::run() {
    std::string reason = "the connection was closed";
    auto lastActivity = Clock::now();
    try {
        for (;;) {
            std::deque<std::string> batch;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stop_) break;
                batch.swap(outgoing_);
            }
            for (const std::string& text : batch) sendText(text);
            if (!batch.empty()) lastActivity = Clock::now();
            batch.clear();  // the login request holds the key: do not keep it around
            if (ws_->available() > 0 || waitForSocket(1000)) {
                readMessage();
                lastActivity = Clock::now();
                continue;
            }
            std::lock_guard<std::mutex> lock(mutex_);
            // Idle: close before a proxy does. TrueNAS's nginx proxies /api with the default
            // proxy_read_timeout of 60 s and drops a WebSocket that stayed silent that long.
            if (pending_.empty() && outgoing_.empty() && Clock::now() - lastActivity >= options_.idleClose) {
                reason = "the connection was idle";
                break;
            }
        }
        try {
            ws_->shutdown(Poco::Net::WebSocket::WS_NORMAL_CLOSE);
        } catch (const Poco::Exception&) {
        }
    } catch (const ConnectionLost& e) {
        reason = e.what();
    } catch (const Poco::TimeoutException&) {
        reason = "a message from TrueNAS stopped arriving halfway";
    } catch (const Poco::Exception& e) {
        reason = e.displayText();
    } catch (const std::exception& e) {
        reason = e.what();
    }
    try {
        ws_->close();
    } catch (const Poco::Exception&) {
    }
    fail(reason);
}

bool RpcConnection::waitForSocket(int timeoutMs) {
    pollfd fds[2] = {{ws_->impl()->sockfd(), POLLIN, 0}, {wakeFd_, POLLIN, 0}};
    const int n = ::poll(fds, 2, timeoutMs);
    if (n < 0) {
        if (errno == EINTR) return false;
        throw ConnectionLost("poll failed");
    }
    if (fds[1].revents & POLLIN) {
        uint64_t count = 0;
        [[maybe_unused]] const ssize_t r = ::read(wakeFd_, &count, sizeof count);
    }
    return (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

void RpcConnection::sendText(const std::string& text) {
    const int sent = ws_->sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
    if (sent != static_cast<int>(text.size())) throw ConnectionLost("a request could not be sent whole");
}

void RpcConnection::readMessage() {
    using WS = Poco::Net::WebSocket;
    std::string message;
    bool inMessage = false;
    for (;;) {
        frame_.resize(0);
        int flags = 0;
        const int n = ws_->receiveFrame(frame_, flags);
        if (n == 0 && flags == 0) throw ConnectionLost("TrueNAS closed the connection");
        const int opcode = flags & WS::FRAME_OP_BITMASK;
        if (opcode == WS::FRAME_OP_CLOSE) throw ConnectionLost("TrueNAS closed the connection");
        if (opcode == WS::FRAME_OP_PING || opcode == WS::FRAME_OP_PONG) {
            if (opcode == WS::FRAME_OP_PING) ws_->sendFrame(frame_.begin(), n, static_cast<int>(WS::FRAME_FLAG_FIN) | static_cast<int>(WS::FRAME_OP_PONG));
            if (!inMessage) return;
            continue;  // control frames may come between the fragments of a message
        }
        message.append(frame_.begin(), static_cast<size_t>(n));
        if (message.size() > options_.maxMessageBytes) {
            throw ConnectionLost("a message from TrueNAS is larger than " + std::to_string(options_.maxMessageBytes) +
                                 " bytes (max_message_bytes)");
        }
        inMessage = true;
        if (flags & WS::FRAME_FLAG_FIN) break;
    }
    dispatch(message);
}

void RpcConnection::dispatch(const std::string& text) {
    RpcMessage message;
    try {
        message = parseMessage(text);
    } catch (const Error& e) {
        throw ConnectionLost(e.what());
    }
    if (message.kind != RpcMessage::Kind::Response) return;  // notifications: nothing is subscribed
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = pending_.find(message.id);
    if (it == pending_.end()) {
        ++late_;  // its caller gave up at its deadline
        return;
    }
    it->second->message = std::move(message);
    it->second->done = true;
    pending_.erase(it);
    changed_.notify_all();
}

void RpcConnection::fail(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    dead_ = true;
    deadReason_ = reason;
    for (auto& [id, pending] : pending_) {
        pending->lost = true;
        pending->lostReason = reason;
        pending->done = true;
    }
    pending_.clear();
    outgoing_.clear();
    changed_.notify_all();
}

}  // namespace ha_plugins::truenas
