#include "net/ServerResponse.h"

#include "net/ErrorResponse.h"
#include "net/Exchange.h"
#include "net/HttpDate.h"

#include <Poco/Exception.h>
#include <Poco/File.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string_view>

namespace ha::net {

namespace {

// `lower` is lower case.
bool iequals(const std::string& a, std::string_view lower) {
    if (a.size() != lower.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
        if (x != lower[i]) return false;
    }
    return true;
}

// Header text from a handler cannot split the response: CR, LF and NUL become spaces.
void appendHeaderText(std::string& out, const std::string& text) {
    const size_t start = out.size();
    out.append(text);
    for (size_t i = start; i < out.size(); ++i) {
        const char c = out[i];
        if (static_cast<unsigned char>(c) <= '\r' && (c == '\r' || c == '\n' || c == '\0')) out[i] = ' ';
    }
}

}  // namespace

ServerResponse::ServerResponse(Exchange& exchange) : exchange_(exchange), body_(*this) {
    setVersion(HTTP_1_1);
}

void ServerResponse::sendContinue() {
    // The connection layer answered "100 Continue" before it read the body, which is complete
    // by the time a handler runs.
}

void ServerResponse::decideKeepAlive() {
    keepAlive_ = exchange_.request().keepAlive && getKeepAlive() && exchange_.keepAliveAllowed() &&
                 framing_ != Framing::UntilClose;
}

std::string ServerResponse::head(uint64_t contentLength) {
    const int status = static_cast<int>(getStatus());
    std::string reason = getReason();
    if (reason.empty() || (status != 200 && reason == "OK")) reason = std::string(ErrorResponse::reason(status));
    std::string h;
    h.reserve(512);
    h += "HTTP/1.1 ";
    h += std::to_string(status);
    h += ' ';
    appendHeaderText(h, reason);
    h += "\r\n";
    bool hasDate = false;
    for (auto it = begin(); it != end(); ++it) {
        const std::string& name = it->first;
        // Framing and connection headers are this layer's: it knows what it actually sends.
        if (iequals(name, "connection") || iequals(name, "content-length") || iequals(name, "transfer-encoding")) {
            continue;
        }
        if (iequals(name, "date")) hasDate = true;
        appendHeaderText(h, name);
        h += ": ";
        appendHeaderText(h, it->second);
        h += "\r\n";
    }
    if (!hasDate) {
        h += "Date: ";
        h += HttpDate::now();
        h += "\r\n";
    }
    switch (framing_) {
        case Framing::Buffered:
        case Framing::Declared:
            h += "Content-Length: ";
            h += std::to_string(contentLength);
            h += "\r\n";
            break;
        case Framing::Chunked: h += "Transfer-Encoding: chunked\r\n"; break;
        case Framing::UntilClose:
        case Framing::NoBody: break;
    }
    if (!keepAlive_) {
        h += "Connection: close\r\n";
    } else if (exchange_.request().versionMinor == 0) {
        h += "Connection: keep-alive\r\n";
    }
    h += "\r\n";
    return h;
}

bool ServerResponse::handOver(std::string bytes, bool last) {
    if (broken_) return false;
    if (!exchange_.send(std::move(bytes), last, keepAlive_)) broken_ = true;
    return !broken_;
}

std::ostream& ServerResponse::send() {
    start();
    if (!stream_) stream_.emplace(&body_);
    return *stream_;
}

void ServerResponse::start() {
    if (sent_) return;
    sent_ = true;
    const int status = static_cast<int>(getStatus());
    const bool isHead = exchange_.request().methodText() == "HEAD";
    const bool oldClient = exchange_.request().versionMinor == 0;
    discardBody_ = isHead;
    if (status < 200 || status == 204 || status == 304) {
        framing_ = Framing::NoBody;
        discardBody_ = true;
    } else if (getChunkedTransferEncoding()) {
        framing_ = oldClient ? Framing::UntilClose : Framing::Chunked;
    } else if (hasContentLength()) {
        framing_ = Framing::Declared;
        declared_ = static_cast<uint64_t>(std::max<Poco::Int64>(0, getContentLength64()));
    } else {
        framing_ = Framing::Buffered;
    }
    if (framing_ == Framing::Chunked || framing_ == Framing::UntilClose) {
        decideKeepAlive();
        headEmitted_ = true;
        handOver(head(0), false);  // a streamed answer shows its header at once
    } else if (framing_ == Framing::Declared) {
        decideKeepAlive();
        pending_ = head(declared_);
    }
}

bool ServerResponse::writeBody(const char* data, size_t n) {
    if (broken_ || finished_) return false;
    if (!sent_) send();
    if (discardBody_) {
        bodyBytes_ += n;
        return true;
    }
    if (framing_ == Framing::Declared && bodyBytes_ + n > declared_) {
        n = static_cast<size_t>(declared_ - std::min(declared_, bodyBytes_));  // never more than declared
        keepAlive_ = false;
    }
    bodyBytes_ += n;
    pending_.append(data, n);
    switch (framing_) {
        case Framing::Chunked:
            if (pending_.size() >= kChunkBytes) return emitChunk();
            break;
        case Framing::Declared:
        case Framing::UntilClose:
            if (pending_.size() >= kSpillBytes) {
                headEmitted_ = true;
                return handOver(std::move(pending_), false);
            }
            break;
        case Framing::Buffered:
            if (pending_.size() >= kSpillBytes) {
                // Too large to hold: the length is unknown, so stream it (chunked, or until close
                // for an HTTP/1.0 client).
                std::string body = std::move(pending_);
                pending_.clear();
                framing_ = exchange_.request().versionMinor == 0 ? Framing::UntilClose : Framing::Chunked;
                decideKeepAlive();
                headEmitted_ = true;
                if (!handOver(head(0), false)) return false;
                if (framing_ == Framing::UntilClose) return handOver(std::move(body), false);
                pending_ = std::move(body);
                return emitChunk();
            }
            break;
        case Framing::NoBody: break;
    }
    return true;
}

bool ServerResponse::emitChunk() {
    if (pending_.empty()) return !broken_;
    char size[24];
    const int len = std::snprintf(size, sizeof size, "%zx\r\n", pending_.size());
    std::string chunk;
    chunk.reserve(pending_.size() + static_cast<size_t>(len) + 2);
    chunk.append(size, static_cast<size_t>(len));
    chunk += pending_;
    chunk += "\r\n";
    pending_.clear();
    return handOver(std::move(chunk), false);
}

bool ServerResponse::flushBody() {
    if (broken_) return false;
    if (!sent_ || finished_) return true;
    switch (framing_) {
        case Framing::Chunked: return emitChunk();
        case Framing::Declared:
        case Framing::UntilClose:
            if (pending_.empty()) return true;
            headEmitted_ = true;
            return handOver(std::move(pending_), false);
        case Framing::Buffered:  // the length is only known at the end
        case Framing::NoBody: return true;
    }
    return true;
}

void ServerResponse::finish() {
    if (finished_) return;
    if (!sent_) send();  // the handler set a status and headers but no body
    finished_ = true;
    switch (framing_) {
        case Framing::Buffered: {
            decideKeepAlive();
            std::string out = head(bodyBytes_);
            out += pending_;
            handOver(std::move(out), true);
            break;
        }
        case Framing::NoBody:
            decideKeepAlive();
            handOver(head(0), true);
            break;
        case Framing::Declared:
            if (!discardBody_ && bodyBytes_ != declared_) keepAlive_ = false;  // short body: close to show it
            handOver(std::move(pending_), true);
            break;
        case Framing::Chunked:
            if (discardBody_) {
                handOver(std::string(), true);
            } else {
                emitChunk();
                handOver("0\r\n\r\n", true);
            }
            break;
        case Framing::UntilClose:
            keepAlive_ = false;
            handOver(std::move(pending_), true);
            break;
    }
    headEmitted_ = true;
}

void ServerResponse::fail(int status, const std::string& message) {
    if (finished_) return;
    finished_ = true;
    if (!headEmitted_) {
        framing_ = Framing::Buffered;
        keepAlive_ = exchange_.request().keepAlive && exchange_.keepAliveAllowed();
        handOver(ErrorResponse::build(status, message, !keepAlive_), true);
    } else {
        keepAlive_ = false;
        handOver(std::string(), true);
    }
    headEmitted_ = true;
}

void ServerResponse::sendBuffer(const void* buffer, std::size_t length) {
    setContentLength64(static_cast<Poco::Int64>(length));
    setChunkedTransferEncoding(false);
    start();
    writeBody(static_cast<const char*>(buffer), length);
}

void ServerResponse::sendFile(const std::string& path, const std::string& mediaType) {
    Poco::File file(path);
    if (!file.exists()) throw Poco::FileNotFoundException(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Poco::OpenFileException(path);
    setContentType(mediaType);
    setContentLength64(static_cast<Poco::Int64>(file.getSize()));
    setChunkedTransferEncoding(false);
    send();
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        if (!writeBody(buffer, static_cast<size_t>(in.gcount()))) break;
    }
}

void ServerResponse::redirect(const std::string& uri, HTTPStatus status) {
    setContentLength(0);
    setChunkedTransferEncoding(false);
    setStatusAndReason(status);
    set("Location", uri);
    send();
}

void ServerResponse::requireAuthentication(const std::string& realm) {
    setStatusAndReason(HTTP_UNAUTHORIZED);
    set("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
}

}  // namespace ha::net
