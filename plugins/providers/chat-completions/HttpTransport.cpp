#include "providers/chat-completions/HttpTransport.h"

#include "providers/chat-completions/CancelWatch.h"

#include "common/TextFile.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <optional>

namespace ha_plugins::providers {

namespace {

std::once_flag rejectHandlerInstalled;

constexpr Poco::Timespan::TimeDiff kConnectTimeoutUs = 10 * 1000 * 1000;
const Poco::Timespan kConnectTimeout(kConnectTimeoutUs);

// Poco keeps what it read ahead in the session's buffer, which a caller polling the socket must
// count as readable (HTTPSession::buffered() is protected).
template <class Session>
class PeekableSession : public Session {
public:
    using Session::Session;
    int bufferedBytes() const { return this->buffered(); }
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

HttpTransport::HttpTransport(const std::string& caFile) : caFile_(caFile) {
    // Checked now, though read at the first request: a wrong path is a configuration error.
    if (!caFile_.empty() && !ha_plugins::holdsPemCertificate(caFile_)) {
        throw homelab_assistant::Error(HA_ERR_INVALID_ARGUMENT,
                                       "ca_file " + caFile_ + " cannot be read or holds no PEM certificate");
    }
    Poco::Net::initializeSSL();
}

const Poco::Net::Context::Ptr& HttpTransport::tlsContext() const {
    // A throw leaves the flag unset: the next request tries again (and reports it again).
    std::call_once(contextBuilt_, [this] {
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;  // RELAXED skips host names on loopback
        params.loadDefaultCAs = true;
        params.caLocation = caFile_;
        params.verificationDepth = 9;
        params.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        // A certificate that fails verification is rejected, never "accepted after asking".
        std::call_once(rejectHandlerInstalled, [&context] {
            Poco::Net::SSLManager::instance().initializeClient(nullptr, new Poco::Net::RejectCertificateHandler(false), context);
        });
        context_ = std::move(context);
    });
    return context_;
}

HttpTransport::~HttpTransport() { Poco::Net::uninitializeSSL(); }

HttpResult HttpTransport::post(const Poco::URI& url, const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const PostOptions& options) const {
    const uint64_t now = homelab_assistant::monotonicNowNs();
    if (now >= options.deadlineNs) throw TransportError(TransportError::Kind::Timeout, "no time left for the request");
    const uint64_t end =
        std::min<uint64_t>(options.deadlineNs, now + static_cast<uint64_t>(options.requestTimeout.count()) * 1000000ull);
    const auto left = [end] {
        const uint64_t t = homelab_assistant::monotonicNowNs();
        return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max<uint64_t>(end > t ? (end - t) / 1000 : 0, 1000)));
    };
    const std::string host = url.getHost();
    // Declared before the session so that it stops watching before the socket closes.
    std::optional<CancelWatch> watch;
    const auto endedBy = [&watch]() { return watch ? watch->fired() : CancelWatch::Reason::None; };
    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        std::function<int()> buffered;
        if (url.getScheme() == "https") {
            auto s = std::make_unique<PeekableSession<Poco::Net::HTTPSClientSession>>(host, url.getPort(), tlsContext());
            buffered = [p = s.get()] { return p->bufferedBytes(); };
            session = std::move(s);
        } else {
            auto s = std::make_unique<PeekableSession<Poco::Net::HTTPClientSession>>(host, url.getPort());
            buffered = [p = s.get()] { return p->bufferedBytes(); };
            session = std::move(s);
        }
        // Connecting is not interruptible: bound it apart from the exchange.
        session->setTimeout(std::min(left(), kConnectTimeout), left(), left());
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, url.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        request.set("Accept", options.accept);
        for (const auto& [name, value] : headers) request.set(name, value);
        // Flushed now: Poco would only flush the rest of the body in receiveResponse(), and the
        // wait below comes first (the server would wait for the body, this for the answer).
        std::ostream& out = session->sendRequest(request);
        out << body;
        out.flush();
        if (!out.good()) throw TransportError(TransportError::Kind::Unreachable, "the request could not be sent to " + host);
        // From here on every blocking read can be ended from the side (see CancelWatch).
        watch.emplace(session->socket().impl()->sockfd(), options.cancelled, end, kPollSlice);

        // Until something can be read without blocking: the session's read-ahead, TLS records
        // already decrypted, or the socket; the cancel flag and the deadline in between.
        const auto waitReadable = [&](std::istream* in) {
            for (;;) {
                if (in != nullptr && in->rdbuf()->in_avail() > 0) return;
                if (buffered() > 0 || session->socket().available() > 0) return;
                if (options.cancelled && options.cancelled()) {
                    throw TransportError(TransportError::Kind::Cancelled, "the request was cancelled");
                }
                const uint64_t t = homelab_assistant::monotonicNowNs();
                if (t >= end) throw TransportError(TransportError::Kind::Timeout, "no answer from " + host + " in time");
                const uint64_t slice = std::min<uint64_t>(static_cast<uint64_t>(kPollSlice.count()) * 1000000ull, end - t);
                if (session->socket().poll(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(slice / 1000)),
                                           Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) {
                    return;
                }
            }
        };
        waitReadable(nullptr);
        session->socket().setReceiveTimeout(left());
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        HttpResult result;
        result.status = static_cast<int>(response.getStatus());
        for (const auto& [name, value] : response) result.headers[lower(name)] = value;
        const bool eventStream = result.status == 200 && options.onEventStream &&
                                 lower(response.getContentType()).rfind("text/event-stream", 0) == 0;
        result.streamed = eventStream;
        // A body of known length is complete once that much has arrived: on a kept-alive
        // connection nothing more comes to wait for.
        const Poco::Int64 expected = response.hasContentLength() ? response.getContentLength64() : -1;
        Poco::Int64 received = 0;
        char buf[16384];
        for (;;) {
            if (expected >= 0 && received >= expected) break;
            waitReadable(&in);
            session->socket().setReceiveTimeout(left());
            // peek() reads what has arrived (blocking only while the rest of a chunk header or
            // TLS record is on its way) or finds the end.
            if (in.peek() == std::char_traits<char>::eof()) break;
            const std::streamsize n = in.readsome(buf, sizeof buf);
            if (n <= 0) continue;
            received += n;
            if (eventStream) {
                options.onEventStream(std::string_view(buf, static_cast<size_t>(n)));
            } else {
                result.body.append(buf, static_cast<size_t>(n));
                if (result.body.size() > kMaxBodyBytes) {
                    throw TransportError(TransportError::Kind::Unreachable, "response larger than 8 MiB");
                }
            }
        }
        if (in.bad() && endedBy() == CancelWatch::Reason::Cancelled) {
            throw TransportError(TransportError::Kind::Cancelled, "the request was cancelled");
        }
        if (in.bad()) {
            // The stream swallowed the socket's exception: a timeout or a broken connection.
            if (homelab_assistant::monotonicNowNs() >= end) {
                throw TransportError(TransportError::Kind::Timeout, "the response from " + host + " took too long");
            }
            throw TransportError(TransportError::Kind::Unreachable, "the connection to " + host + " broke during the answer");
        }
        return result;
    } catch (const TransportError&) {
        throw;
    } catch (const Poco::Exception& e) {
        // A read ended by the watch fails with whatever the socket said; name the real cause.
        switch (endedBy()) {
            case CancelWatch::Reason::Cancelled: throw TransportError(TransportError::Kind::Cancelled, "the request was cancelled");
            case CancelWatch::Reason::Deadline: throw TransportError(TransportError::Kind::Timeout, "no answer from " + host + " in time");
            case CancelWatch::Reason::None: break;
        }
        rethrowAsTransportError(e, host);
    }
}

void HttpTransport::rethrowAsTransportError(const Poco::Exception& error, const std::string& host) {
    try {
        error.rethrow();
    } catch (const Poco::TimeoutException&) {
        throw TransportError(TransportError::Kind::Timeout, "no answer from " + host + " in time");
    } catch (const Poco::Net::CertificateValidationException& e) {
        throw TransportError(TransportError::Kind::Tls, "the TLS certificate of " + host + " was rejected: " + e.message());
    } catch (const Poco::Net::SSLException& e) {
        throw TransportError(TransportError::Kind::Tls, "TLS with " + host + " failed: " + e.message());
    } catch (const Poco::Exception& e) {
        throw TransportError(TransportError::Kind::Unreachable, "cannot reach " + host + ": " + e.displayText());
    }
    throw TransportError(TransportError::Kind::Unreachable, "cannot reach " + host);  // rethrow() always throws
}

}  // namespace ha_plugins::providers
