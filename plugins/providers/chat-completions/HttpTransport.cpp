#include "providers/chat-completions/HttpTransport.h"

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

namespace ha_plugins::providers {

namespace {

std::once_flag rejectHandlerInstalled;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

HttpTransport::HttpTransport(const std::string& caFile) {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;  // RELAXED skips host names on loopback
    params.loadDefaultCAs = true;
    params.caLocation = caFile;
    params.verificationDepth = 9;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // A certificate that fails verification is rejected, never "accepted after asking".
    std::call_once(rejectHandlerInstalled, [this] {
        Poco::Net::SSLManager::instance().initializeClient(nullptr, new Poco::Net::RejectCertificateHandler(false), context_);
    });
}

HttpTransport::~HttpTransport() { Poco::Net::uninitializeSSL(); }

HttpResult HttpTransport::post(const Poco::URI& url, const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers, uint64_t deadlineNs,
                               std::chrono::milliseconds requestTimeout) const {
    const uint64_t now = homelab_assistant::monotonicNowNs();
    if (now >= deadlineNs) throw TransportError(TransportError::Kind::Timeout, "no time left for the request");
    const uint64_t end = std::min<uint64_t>(deadlineNs, now + static_cast<uint64_t>(requestTimeout.count()) * 1000000ull);
    const auto left = [end] {
        const uint64_t t = homelab_assistant::monotonicNowNs();
        return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max<uint64_t>(end > t ? (end - t) / 1000 : 0, 1000)));
    };
    const std::string host = url.getHost();
    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (url.getScheme() == "https") {
            session = std::make_unique<Poco::Net::HTTPSClientSession>(host, url.getPort(), context_);
        } else {
            session = std::make_unique<Poco::Net::HTTPClientSession>(host, url.getPort());
        }
        session->setTimeout(left());
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, url.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        request.set("Accept", "application/json");
        for (const auto& [name, value] : headers) request.set(name, value);
        session->sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        HttpResult result;
        result.status = static_cast<int>(response.getStatus());
        for (const auto& [name, value] : response) result.headers[lower(name)] = value;
        char buf[16384];
        while (in.read(buf, sizeof buf) || in.gcount() > 0) {
            result.body.append(buf, static_cast<size_t>(in.gcount()));
            if (result.body.size() > 8 * 1024 * 1024) throw TransportError(TransportError::Kind::Unreachable, "response larger than 8 MiB");
            if (homelab_assistant::monotonicNowNs() >= end) throw TransportError(TransportError::Kind::Timeout, "the response took too long");
            session->socket().setReceiveTimeout(left());
        }
        return result;
    } catch (const Poco::TimeoutException&) {
        throw TransportError(TransportError::Kind::Timeout, "no answer from " + host + " in time");
    } catch (const Poco::Net::CertificateValidationException& e) {
        throw TransportError(TransportError::Kind::Tls, "the TLS certificate of " + host + " was rejected: " + e.message());
    } catch (const Poco::Net::SSLException& e) {
        throw TransportError(TransportError::Kind::Tls, "TLS with " + host + " failed: " + e.message());
    } catch (const Poco::Exception& e) {
        throw TransportError(TransportError::Kind::Unreachable, "cannot reach " + host + ": " + e.displayText());
    }
}

}  // namespace ha_plugins::providers
