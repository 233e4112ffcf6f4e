#include "cli/ApiClient.h"

#include "cli/CliError.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace ha::cli {

namespace {

constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;
constexpr int kConnectTimeoutSeconds = 10;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

Poco::Net::Context::Ptr makeContext(const TlsTrust& trust) {
    Poco::Net::Context::Params params;
    params.verificationMode =
        trust.kind == TlsTrust::Kind::None ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = trust.kind == TlsTrust::Kind::System;
    if (trust.kind == TlsTrust::Kind::File) params.caLocation = trust.file;
    params.verificationDepth = 9;
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    if (trust.kind == TlsTrust::Kind::File) {
        // The file's certificates are trust anchors themselves: the server's own certificate is
        // pinned whether it is self-signed or issued by a CA whose chain is not in the file.
        X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(context->sslContext()), X509_V_FLAG_PARTIAL_CHAIN);
    }
    // A certificate that fails verification is refused, never "accepted after asking" on a
    // console (stdin may be an MCP host's pipe).
    Poco::Net::SSLManager::instance().initializeClient(nullptr, new Poco::Net::RejectCertificateHandler(false), context);
    return context;
}

}  // namespace

std::string ApiResponse::header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? "" : it->second;
}

ApiClient::ApiClient(const ConnectionSettings& settings) : settings_(settings), context_(makeContext(settings.trust)) {}

std::string ApiClient::tlsHint() const {
    switch (settings_.trust.kind) {
    case TlsTrust::Kind::File:
        return " (trusting only " + settings_.trust.file + "; --ca FILE names another certificate)";
    case TlsTrust::Kind::System:
        return settings_.trust.unreadablePin.empty()
                   ? " (trusting the system's CAs; --ca FILE names the server's certificate)"
                   : " (the server's certificate " + settings_.trust.unreadablePin +
                         " is not readable by this user: run as root, or pass a copy with --ca FILE)";
    case TlsTrust::Kind::None:
        break;
    }
    return "";
}

ApiResponse ApiClient::send(const std::string& method, const std::string& path, const std::string& body,
                            const Headers& headers, const StreamSink& onStream) const {
    const Poco::Timespan timeout(settings_.timeoutSeconds, 0);
    const std::string where = baseUrl();
    Poco::Net::HTTPSClientSession session(settings_.url.getHost(), settings_.url.getPort(), context_);
    session.setTimeout(Poco::Timespan(std::min(kConnectTimeoutSeconds, settings_.timeoutSeconds), 0), timeout, timeout);
    ApiResponse result;
    bool answering = false;
    try {
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("User-Agent", "homelab-assistant-cli/" HA_VERSION);
        for (const auto& [name, value] : headers) request.set(name, value);
        if (method == Poco::Net::HTTPRequest::HTTP_POST || !body.empty()) {
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        std::ostream& out = session.sendRequest(request);
        out << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        answering = true;
        result.status = static_cast<int>(response.getStatus());
        for (const auto& [name, value] : response) result.headers[lower(name)] = value;
        result.streamed = onStream && result.status == 200 &&
                          lower(response.getContentType()).rfind("text/event-stream", 0) == 0;
        char buf[16384];
        // peek() waits for the next bytes (or the end); readsome() takes what has arrived, so
        // a streamed answer reaches the sink as the server writes it.
        while (in.peek() != std::char_traits<char>::eof()) {
            const std::streamsize n = in.readsome(buf, sizeof buf);
            if (n <= 0) continue;
            if (result.streamed) {
                onStream(std::string_view(buf, static_cast<size_t>(n)));
            } else {
                if (result.body.size() + static_cast<size_t>(n) > kMaxBodyBytes) {
                    throw CliError(ExitCode::ServerError, "the answer from " + where + " is over 16 MiB");
                }
                result.body.append(buf, static_cast<size_t>(n));
            }
        }
        if (in.bad()) throw CliError(ExitCode::ServerError, "the connection to " + where + " broke during the answer");
        return result;
    } catch (const Poco::Net::SSLException& e) {
        throw CliError(ExitCode::Unreachable, "TLS failure with " + where + ": " + e.displayText() + tlsHint());
    } catch (const Poco::TimeoutException&) {
        throw CliError(answering ? ExitCode::ServerError : ExitCode::Unreachable,
                       "no answer from " + where + " within " + std::to_string(settings_.timeoutSeconds) +
                           " s (--timeout SECONDS)");
    } catch (const Poco::Exception& e) {
        if (answering) throw CliError(ExitCode::ServerError, "the connection to " + where + " broke: " + e.displayText());
        throw CliError(ExitCode::Unreachable, "cannot connect to " + where + ": " + e.displayText() +
                                                  " (is the server running? --url or HA_URL)");
    }
}

}  // namespace ha::cli
