#include "tools/truenas/MiddlewareClient.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <algorithm>
#include <cstdio>

namespace ha_plugins::truenas {

using homelab_assistant::Error;
using homelab_assistant::monotonicNowNs;
using Clock = std::chrono::steady_clock;

namespace {

std::once_flag rejectHandlerInstalled;

// A refused connect is answered again for this long instead of being retried by every caller of
// a burst one after the other (each would wait up to connect_timeout_ms).
constexpr std::chrono::milliseconds kConnectFailureHold{2000};

Clock::time_point fromNs(uint64_t ns) {
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
}

uint64_t nsAfter(std::chrono::milliseconds d) { return monotonicNowNs() + static_cast<uint64_t>(d.count()) * 1000000ull; }

}  // namespace

MiddlewareClient::MiddlewareClient(ClientSettings settings, Log log) : settings_(std::move(settings)), log_(std::move(log)) {
    Poco::Net::initializeSSL();
    endpoint_ = settings_.url.getScheme() + "://" + settings_.url.getAuthority() + settings_.url.getPath();
    if (!settings_.pinnedSha256.empty()) pin_ = std::make_unique<CertificatePin>(settings_.pinnedSha256);
}

const Poco::Net::Context::Ptr& MiddlewareClient::tlsContext() {
    if (context_) return context_;
    Poco::Net::Context::Params params;
    params.verificationDepth = 9;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
    if (pin_) {
        // Poco checks nothing with VERIFY_NONE; the pin installed below decides in the handshake.
        params.verificationMode = Poco::Net::Context::VERIFY_NONE;
        params.loadDefaultCAs = false;
    } else {
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;  // RELAXED skips host names on loopback
        params.loadDefaultCAs = true;
        params.caLocation = settings_.caFile;
    }
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    if (pin_) pin_->install(context->sslContext());
    // A certificate that fails verification is rejected, never "accepted after asking". The
    // process-wide default context given with it is a plain strict one: never the pinned
    // context, whose pin must not apply to anyone else's connections.
    std::call_once(rejectHandlerInstalled, [] {
        Poco::Net::Context::Params strict;
        strict.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        strict.loadDefaultCAs = true;
        Poco::Net::SSLManager::instance().initializeClient(
            nullptr, new Poco::Net::RejectCertificateHandler(false),
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, strict));
    });
    context_ = std::move(context);
    return context_;
}

MiddlewareClient::~MiddlewareClient() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        current_.reset();
    }
    context_.reset();
    Poco::Net::uninitializeSSL();
}

Var MiddlewareClient::call(const std::string& method, const std::string& paramsJson, uint64_t deadlineNs,
                           const std::function<bool()>& cancelled) {
    const uint64_t start = monotonicNowNs();
    const uint64_t requestEnd = nsAfter(settings_.requestTimeout);
    const uint64_t end = std::min(deadlineNs, requestEnd);
    for (int attempt = 0;; ++attempt) {
        bool reused = false;
        auto conn = connection(end, cancelled, reused);
        try {
            RpcMessage answer = conn->request(method, paramsJson, end, cancelled);
            if (answer.error) {
                if (needsLogin(*answer.error) && attempt == 0) {
                    drop(conn);  // the session ended on the server: log in again once
                    continue;
                }
                throw errorFor(method, *answer.error);
            }
            return answer.result;
        } catch (const ConnectionLost& lost) {
            drop(conn);
            // A connection that sat idle may have been closed under us (a proxy, a middleware
            // restart): one more try on a fresh one. A fresh one failing is a real outage.
            if (reused && attempt == 0 && monotonicNowNs() < end) {
                log_(HA_LOG_DEBUG, "TrueNAS connection lost (" + std::string(lost.what()) + "), reconnecting for " + method);
                continue;
            }
            throw Error(HA_ERR_UNAVAILABLE,
                        "the connection to TrueNAS at " + endpoint_ + " was lost during " + method + ": " + lost.what());
        } catch (const Error& e) {
            if (e.status() == HA_ERR_TIMEOUT && std::string(e.what()) == "TrueNAS did not answer " + method + " in time") {
                // Name the budget rather than the time measured, which a busy machine blurs.
                char budget[32];
                std::snprintf(budget, sizeof budget, "%.1f s", static_cast<double>(end - start) / 1e9);
                throw Error(HA_ERR_TIMEOUT, "TrueNAS did not answer " + method + " within " + budget +
                                                (requestEnd <= deadlineNs ? " (request_timeout_ms " +
                                                                                std::to_string(settings_.requestTimeout.count()) + ")"
                                                                          : std::string(" (the caller's deadline)")));
            }
            throw;
        }
    }
}

std::shared_ptr<RpcConnection> MiddlewareClient::connection(uint64_t deadlineNs, const std::function<bool()>& cancelled,
                                                            bool& reused) {
    const auto current = [&]() -> std::shared_ptr<RpcConnection> {
        std::lock_guard<std::mutex> lock(mutex_);
        if (current_ && current_->alive()) return current_;
        if (failure_ && Clock::now() < failure_->until) throw Error(failure_->status, failure_->message);
        return nullptr;
    };
    reused = true;
    if (auto conn = current()) return conn;
    if (!openMutex_.try_lock_until(fromNs(deadlineNs))) {
        throw Error(HA_ERR_TIMEOUT, "timed out waiting for the connection to TrueNAS at " + endpoint_ + " to open");
    }
    std::unique_lock<std::timed_mutex> opening(openMutex_, std::adopt_lock);
    if (auto conn = current()) return conn;  // another caller opened it meanwhile
    reused = false;
    try {
        auto conn = open(deadlineNs, cancelled);
        std::lock_guard<std::mutex> lock(mutex_);
        current_ = conn;
        failure_.reset();
        return conn;
    } catch (const Error& e) {
        if (e.status() != HA_ERR_TIMEOUT) {
            const auto hold = e.status() == HA_ERR_DENIED ? settings_.loginRetry : kConnectFailureHold;
            std::lock_guard<std::mutex> lock(mutex_);
            failure_ = Failure{e.status(), e.what(), Clock::now() + hold};
        }
        throw;
    }
}

std::shared_ptr<RpcConnection> MiddlewareClient::open(uint64_t deadlineNs, const std::function<bool()>& cancelled) {
    auto conn = std::make_shared<RpcConnection>(handshake(deadlineNs), settings_.connection);
    RpcMessage answer;
    try {
        answer = conn->request("auth.login_ex", loginParams(settings_.username, settings_.apiKey), deadlineNs, cancelled);
    } catch (const ConnectionLost& lost) {
        throw Error(HA_ERR_UNAVAILABLE, "TrueNAS at " + endpoint_ + " closed the connection during the login: " + lost.what());
    }
    if (answer.error) {
        if (answer.error->code == -32601) {
            throw Error(HA_ERR_UNSUPPORTED, "TrueNAS at " + endpoint_ + " has no auth.login_ex: TrueNAS 25.04 or later is needed");
        }
        throw errorFor("auth.login_ex", *answer.error);
    }
    const LoginOutcome outcome = loginOutcome(answer.result, settings_.username);
    if (!outcome.ok) {
        log_(HA_LOG_WARNING, outcome.message);
        throw Error(outcome.status, outcome.message);
    }
    log_(HA_LOG_INFO, "connected to TrueNAS at " + endpoint_ + " as user '" + settings_.username + "'");
    return conn;
}

std::unique_ptr<Poco::Net::WebSocket> MiddlewareClient::handshake(uint64_t deadlineNs) {
    const uint64_t now = monotonicNowNs();
    if (now >= deadlineNs) throw Error(HA_ERR_TIMEOUT, "no time left to connect to TrueNAS");
    const uint64_t budgetNs = std::min<uint64_t>(deadlineNs - now, static_cast<uint64_t>(settings_.connectTimeout.count()) * 1000000ull);
    const std::string host = settings_.url.getHost();
    try {
        Poco::Net::HTTPSClientSession session(host, settings_.url.getPort(), tlsContext());
        session.setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max<uint64_t>(budgetNs / 1000, 1000))));
        std::string path = settings_.url.getPathEtc();
        if (path.empty()) path = "/";
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPResponse response;
        try {
            return std::make_unique<Poco::Net::WebSocket>(session, request, response);
        } catch (const Poco::Net::WebSocketException&) {
            if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_NOT_FOUND) {
                throw Error(HA_ERR_UNAVAILABLE, endpoint_ + " has no JSON-RPC API (HTTP 404): TrueNAS 25.04 or later serves "
                                                "it at /api/current");
            }
            throw Error(HA_ERR_UNAVAILABLE, "TrueNAS at " + endpoint_ + " refused the WebSocket upgrade (HTTP " +
                                                std::to_string(static_cast<int>(response.getStatus())) + " " +
                                                response.getReason() + ")");
        }
    } catch (const Error&) {
        throw;
    } catch (const Poco::Net::CertificateValidationException& e) {
        throw Error(HA_ERR_UNAVAILABLE, tlsFailure(e.message()));
    } catch (const Poco::Net::SSLException& e) {
        throw Error(HA_ERR_UNAVAILABLE, tlsFailure(e.message()));
    } catch (const Poco::TimeoutException&) {
        throw Error(HA_ERR_UNAVAILABLE, "no answer from TrueNAS at " + endpoint_ + " within " +
                                            std::to_string(budgetNs / 1000000) + " ms (connect_timeout_ms)");
    } catch (const Poco::Net::ConnectionRefusedException&) {
        throw Error(HA_ERR_UNAVAILABLE, "TrueNAS at " + endpoint_ + " refused the connection: is its web server "
                                        "running, and are the host and port in the truenas setting url right?");
    } catch (const Poco::Net::HostNotFoundException&) {
        throw Error(HA_ERR_UNAVAILABLE, "cannot resolve the TrueNAS host '" + host + "' of the truenas setting url");
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_UNAVAILABLE, "cannot reach TrueNAS at " + endpoint_ + ": " + e.displayText());
    }
}

std::string MiddlewareClient::tlsFailure(const std::string& detail) const {
    const std::string host = settings_.url.getHost();
    if (pin_) {
        const std::string seen = pin_->lastSeen();
        if (!seen.empty() && seen != pin_->expected()) {
            return "the TLS certificate of " + host + " has SHA-256 fingerprint " + displayFingerprint(seen) +
                   ", not the pinned certificate_sha256 " + displayFingerprint(pin_->expected()) +
                   "; nothing was sent. If TrueNAS's certificate was replaced on purpose, pin the new one.";
        }
        return "TLS with " + host + " failed: " + detail;
    }
    return "the TLS certificate of " + host + " was rejected (" + detail +
           "). TrueNAS uses a self-signed certificate unless another was installed: set the truenas setting "
           "certificate_sha256 to its SHA-256 fingerprint, or ca_file to the certificate (PEM) that signed it.";
}

void MiddlewareClient::drop(const std::shared_ptr<RpcConnection>& conn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (current_ == conn) current_.reset();
}

}  // namespace ha_plugins::truenas
