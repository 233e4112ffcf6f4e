#include "net/Connection.h"

#include "net/ErrorResponse.h"
#include "net/EventLoop.h"
#include "net/RequestLogText.h"

#include <Poco/Logger.h>
#include <Poco/Net/SocketAddress.h>

#include <openssl/err.h>

#include <cerrno>
#include <netinet/in.h>
#include <climits>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ha::net {

namespace {

constexpr unsigned char kTlsHandshakeRecord = 0x16;
constexpr size_t kMaxLingerBytes = 1024 * 1024;  // what we read and drop from a client after closing
// More than a HelloRetryRequest (~100 bytes), less than any certificate flight (~600 and up).
constexpr size_t kServerFlightBytes = 256;

Poco::Logger& httpLog() { return Poco::Logger::get("http"); }

// "192.168.1.5:8443", also for an IPv4 client of a dual-stack [::] listener (not "[::ffff:...]").
std::string addressText(const sockaddr_storage& address, socklen_t length) {
    try {
        const Poco::Net::SocketAddress a(reinterpret_cast<const sockaddr*>(&address), length);
        if (a.family() == Poco::Net::AddressFamily::IPv6 && a.host().isIPv4Mapped()) {
            const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
            const unsigned char* b = reinterpret_cast<const unsigned char*>(&in6.sin6_addr) + 12;
            return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
                   std::to_string(b[3]) + ":" + std::to_string(a.port());
        }
        return a.toString();
    } catch (const Poco::Exception&) {
        return "?";
    }
}

}  // namespace

Connection::Connection(EventLoop& loop, int fd, const Exchange::Peer& peer, const AddressKey& key)
    : loop_(loop), fd_(fd), peer_(peer), key_(key), handshakeLink_(this, key), parser_(loop.settings().parser) {}

Connection::~Connection() {
    if (exchange_) exchange_->detach();  // an answer held for the audit log is never posted here
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0 && phase_ != Phase::Closed) ::close(fd_);
}

std::string Connection::clientText() const {
    try {
        return Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&peer_.client), peer_.clientLength)
            .host()
            .toString();
    } catch (const Poco::Exception&) {
        return "?";
    }
}

void Connection::logAccess(int status, const std::string& detail, const ParsedRequest& r) const {
    Poco::Logger& log = Poco::Logger::get("access");
    if (!log.information()) return;
    const bool hasLine = r.method.length > 0;
    const std::string line = hasLine ? RequestLogText::method(r.methodText()) + " " + RequestLogText::path(r.targetText())
                                     : std::string("-");
    log.information(clientText() + " \"" + line + "\" " + std::to_string(status) + " (" + detail + ")");
}

// ---- events

void Connection::onEvent(uint32_t events) {
    if (phase_ == Phase::Closed) return;
    if ((events & (EPOLLERR | EPOLLHUP)) != 0 && phase_ != Phase::Lingering) {
        close();  // reset, or both directions shut: nothing more can be said
        return;
    }
    switch (phase_) {
        case Phase::Detect: detect(); break;
        case Phase::Handshake:
            if (handshakeBytesOut_ >= kServerFlightBytes) {
                handshake();  // the costly step is done: finishing is cheap
            } else {
                loop_.handshakeQueue().push(handshakeLink_);
            }
            break;
        case Phase::Idle:
        case Phase::Reading:
            if (outPos_ < out_.size()) flush();
            if (phase_ == Phase::Idle || phase_ == Phase::Reading) readRequest();
            break;
        case Phase::Dispatched:
            // The request is complete: input waits in the kernel until the response is done
            // (edge-triggered, so nothing spins). A FIN now means the client left.
            if ((events & EPOLLIN) != 0) inputDrained_ = false;
            if ((events & EPOLLRDHUP) != 0 && exchange_) exchange_->peerClosed();
            if ((events & EPOLLOUT) != 0) flush();
            break;
        case Phase::Flushing:
            if ((events & EPOLLIN) != 0) inputDrained_ = false;
            flush();
            break;
        case Phase::Lingering: linger(); break;
        case Phase::Closed: break;
    }
}

void Connection::onDeadline() {
    const ServerSettings& s = loop_.settings();
    if (list == &loop_.handshakes()) {
        httpLog().debug("closing a connection from " + clientText() + ": no TLS handshake within " +
                        std::to_string(s.handshakeTimeoutMs / 1000) + " s");
        close();
    } else if (list == &loop_.requests()) {
        refuse(408, "the request was not received within " + std::to_string(s.requestTimeoutMs / 1000) + " s", true);
    } else if (list == &loop_.idles()) {
        closeIdle();
    } else if (list == &loop_.writes()) {
        httpLog().debug("closing a connection to " + clientText() + ": the response was not taken within " +
                        std::to_string(s.writeTimeoutMs / 1000) + " s");
        close();
    } else {
        close();  // lingering close over
    }
}

// ---- TLS detection and handshake

void Connection::detect() {
    unsigned char first = 0;
    const ssize_t n = ::recv(fd_, &first, 1, MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) {
        close();
        return;
    }
    if (first == kTlsHandshakeRecord) {
        startTls();
        return;
    }
    if (first >= 'A' && first <= 'Z') {
        // Someone typed http:// for our https:// port: say so instead of resetting.
        const std::string here = addressText(peer_.server, peer_.serverLength);
        logAccess(400, "plain HTTP on the HTTPS port", parser_.request());
        out_ = ErrorResponse::build(400, "this port speaks HTTPS only: use https://" + here + "/", true);
        outPos_ = 0;
        closeAfterFlush_ = true;
        phase_ = Phase::Flushing;
        flush();
        return;
    }
    close();  // neither TLS nor HTTP
}

void Connection::startTls() {
    ssl_ = SSL_new(loop_.tls());
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
        httpLog().error("cannot create a TLS session: out of memory?");
        close();
        return;
    }
    SSL_set_accept_state(ssl_);
    BIO* socketBio = SSL_get_rbio(ssl_);
    BIO_set_callback_arg(socketBio, reinterpret_cast<char*>(this));
    BIO_set_callback_ex(socketBio, &Connection::observeIo);
    // Partial writes let one response be written across several readiness events; read-ahead
    // takes whole records (often the whole request) in one read(2); released buffers spare an
    // idle keep-alive connection OpenSSL's two ~17 KiB record buffers (an open connection costs
    // ~22 KiB in all, measured with 1000 of them).
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_set_read_ahead(ssl_, 1);
    phase_ = Phase::Handshake;
    loop_.handshakeQueue().push(handshakeLink_);  // the ClientHello is here: its (costly) turn comes fairly
}

long Connection::observeIo(BIO* bio, int oper, const char*, size_t len, int, long, int ret, size_t* processed) {
    if (oper == (BIO_CB_READ | BIO_CB_RETURN)) {
        auto* self = reinterpret_cast<Connection*>(BIO_get_callback_arg(bio));
        self->inputDrained_ = ret <= 0 || processed == nullptr || *processed < len;
    } else if (oper == (BIO_CB_WRITE | BIO_CB_RETURN) && ret > 0 && processed != nullptr) {
        auto* self = reinterpret_cast<Connection*>(BIO_get_callback_arg(bio));
        if (self->phase_ == Phase::Handshake) self->handshakeBytesOut_ += *processed;
    }
    return ret;
}

bool Connection::tlsFailed(int result, const char* during) {
    const int error = SSL_get_error(ssl_, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return false;
    // After these OpenSSL forbids SSL_shutdown (the session is unusable).
    if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_SSL) tlsBroken_ = true;
    if (httpLog().debug()) {
        const unsigned long code = ERR_peek_error();
        char text[256] = "connection closed";
        if (code != 0) ERR_error_string_n(code, text, sizeof text);
        httpLog().debug(std::string("TLS ") + during + " with " + clientText() + " failed: " + text);
    }
    ERR_clear_error();
    return true;
}

void Connection::handshake() {
    if (phase_ != Phase::Handshake) return;
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
        phase_ = Phase::Reading;
        loop_.requests().push(*this, loop_.now());
        readRequest();
        return;
    }
    if (tlsFailed(r, "handshake")) startLinger();  // let an alert reach the client before closing
}

// ---- requests

void Connection::readRequest() {
    if (!stash_.empty()) {
        if (phase_ == Phase::Idle) {
            phase_ = Phase::Reading;
            loop_.requests().push(*this, loop_.now());
        }
        const std::string pending = std::move(stash_);
        stash_.clear();
        if (consume(pending)) return;
    }
    char* buffer = loop_.scratch();
    const int capacity = static_cast<int>(std::min<size_t>(loop_.scratchSize(), INT_MAX));
    for (;;) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, buffer, capacity);
        if (n > 0) {
            if (phase_ == Phase::Idle) {
                phase_ = Phase::Reading;  // the request deadline starts with its first byte
                loop_.requests().push(*this, loop_.now());
            }
            if (consume(std::string_view(buffer, static_cast<size_t>(n)))) return;
            continue;
        }
        if (tlsFailed(n, "read")) {
            // close_notify, EOF or a TLS error: a clean end between requests, an abandoned one
            // otherwise; either way nothing is owed to the client.
            close();
        }
        return;
    }
}

bool Connection::consume(std::string_view data) {
    const size_t used = parser_.feed(data);
    if (parser_.failed()) {
        const HttpRequestParser::Failure& f = parser_.failure();
        refuse(f.status, f.message, true);
        return true;
    }
    if (parser_.complete()) {
        stash_.append(data.data() + used, data.size() - used);
        dispatch();
        return true;
    }
    if (parser_.awaitingBody() && parser_.expectsContinue() && !sentContinue_) {
        sentContinue_ = true;
        out_.append("HTTP/1.1 100 Continue\r\n\r\n");
        flush();
        if (phase_ == Phase::Closed) return true;
    }
    return false;
}

void Connection::dispatch() {
    const ServerSettings& s = loop_.settings();
    ++served_;
    const bool keepAliveAllowed =
        s.keepAliveTimeoutMs > 0 && served_ < s.maxKeepAliveRequests && !loop_.draining();
    exchange_ = std::make_shared<Exchange>(loop_, *this, parser_.take(), peer_, keepAliveAllowed, s.writeTimeoutMs);
    sentContinue_ = false;
    DeadlineList::unlink(*this);  // the worker has it now; handlers keep their own deadlines
    phase_ = Phase::Dispatched;
    responseComplete_ = false;
    if (!loop_.submit(exchange_)) {
        // Every worker is busy and the queue is full; the request was read whole, so the
        // connection can stay open.
        const std::shared_ptr<Exchange> refused = std::move(exchange_);
        refused->detach();
        refuse(503, "the server is busy: too many requests are waiting; retry shortly",
               !refused->request().keepAlive || !keepAliveAllowed, "Retry-After: 1\r\n", &refused->request());
    }
}

void Connection::refuse(int status, const std::string& message, bool closeAfter, std::string_view extraHeaders,
                        const ParsedRequest* about) {
    logAccess(status, message, about != nullptr ? *about : parser_.request());
    out_.append(ErrorResponse::build(status, message, closeAfter, extraHeaders));
    DeadlineList::unlink(*this);
    if (closeAfter) {
        closeAfterFlush_ = true;
    } else {
        responseComplete_ = true;
        keepAliveAfterFlush_ = true;
        parser_.reset();
    }
    phase_ = Phase::Flushing;
    flush();
}

// ---- responses

void Connection::onExchangeOutput() {
    if (!exchange_ || phase_ != Phase::Dispatched) return;
    std::string bytes;
    bool finished = false, keepAlive = false;
    exchange_->takeOutput(bytes, finished, keepAlive);
    if (outPos_ >= out_.size()) {
        out_ = std::move(bytes);
        outPos_ = 0;
    } else {
        out_.append(bytes);
    }
    if (finished) {
        responseComplete_ = true;
        keepAliveAfterFlush_ = keepAlive;
    }
    flush();
}

void Connection::flush() {
    while (outPos_ < out_.size()) {
        const size_t pending = out_.size() - outPos_;
        const int chunk = static_cast<int>(std::min<size_t>(pending, INT_MAX));
        int n;
        if (ssl_ != nullptr) {
            ERR_clear_error();
            n = SSL_write(ssl_, out_.data() + outPos_, chunk);
        } else {
            n = static_cast<int>(::send(fd_, out_.data() + outPos_, static_cast<size_t>(chunk), MSG_NOSIGNAL));
        }
        if (n > 0) {
            outPos_ += static_cast<size_t>(n);
            if (exchange_) exchange_->written(static_cast<size_t>(n));
            continue;
        }
        const bool wouldBlock = ssl_ != nullptr ? !tlsFailed(n, "write")
                                                : (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
        if (!wouldBlock) {
            close();
            return;
        }
        // The client is not reading: it has the write timeout to catch up. (While a request is
        // still being read, only a 100 Continue can be pending: the request deadline covers it.)
        if (phase_ != Phase::Reading && list != &loop_.writes()) loop_.writes().push(*this, loop_.now());
        return;
    }
    out_.clear();
    outPos_ = 0;
    if (list == &loop_.writes()) DeadlineList::unlink(*this);
    flushed();
}

void Connection::flushed() {
    if (closeAfterFlush_) {
        startLinger();
        return;
    }
    if (responseComplete_ && (phase_ == Phase::Dispatched || phase_ == Phase::Flushing)) {
        responseComplete_ = false;
        afterResponse(keepAliveAfterFlush_);
    }
}

void Connection::afterResponse(bool keepAlive) {
    exchange_.reset();
    if (!keepAlive || loop_.draining()) {
        startLinger();
        return;
    }
    enterIdle();
    // A pipelined request may already be here, and edge-triggered epoll will not say so again.
    if (!stash_.empty() || !inputDrained_ || SSL_has_pending(ssl_) == 1) readRequest();
}

void Connection::enterIdle() {
    phase_ = Phase::Idle;
    loop_.idles().push(*this, loop_.now());
}

void Connection::closeIdle() {
    if (phase_ != Phase::Idle) return;
    if (ssl_ != nullptr && !tlsBroken_) {
        ERR_clear_error();
        SSL_shutdown(ssl_);  // close_notify, so the client knows the close was deliberate
    }
    close();
}

// ---- closing

void Connection::startLinger() {
    // Send what TLS owes (close_notify), stop sending, then read and drop what the client still
    // sends for a moment: closing with unread input would reset the connection and could destroy
    // our last response before the client read it (the plain-HTTP hint, a 413 ...).
    if (ssl_ != nullptr && SSL_is_init_finished(ssl_) && !tlsBroken_) {
        ERR_clear_error();
        SSL_shutdown(ssl_);
        ERR_clear_error();
    }
    ::shutdown(fd_, SHUT_WR);
    exchange_.reset();
    phase_ = Phase::Lingering;
    lingered_ = 0;
    loop_.lingers().push(*this, loop_.now());
    linger();
}

void Connection::linger() {
    char* buffer = loop_.scratch();
    for (;;) {
        const ssize_t n = ::recv(fd_, buffer, loop_.scratchSize(), 0);
        if (n > 0) {
            lingered_ += static_cast<size_t>(n);
            if (lingered_ > kMaxLingerBytes) break;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        break;  // EOF or error
    }
    close();
}

void Connection::close() {
    if (phase_ == Phase::Closed) return;
    if (exchange_) {
        exchange_->detach();
        exchange_.reset();
    }
    DeadlineList::unlink(*this);
    loop_.handshakeQueue().remove(handshakeLink_);
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    ::close(fd_);  // also leaves the epoll set
    phase_ = Phase::Closed;
    loop_.retire(*this);
}

}  // namespace ha::net
