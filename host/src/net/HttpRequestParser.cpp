#include "net/HttpRequestParser.h"

#include <algorithm>
#include <array>

namespace ha::net {

namespace {

// RFC 9110 tchar: the bytes a method or field name may contain.
constexpr std::array<bool, 256> makeTcharTable() {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
    return t;
}
constexpr std::array<bool, 256> kTchar = makeTcharTable();

bool isTchar(char c) { return kTchar[static_cast<unsigned char>(c)]; }
bool isToken(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), isTchar); }

// Field values: HTAB, SP, VCHAR and obs-text; never NUL, CR, LF or other controls.
bool isFieldValueByte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7F);
}

char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (asciiLower(a[i]) != asciiLower(b[i])) return false;
    }
    return true;
}

std::string_view trimOws(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Calls fn(token) for each comma-separated element of a list field (empty elements skipped).
template <class Fn>
void forEachListElement(std::string_view value, Fn fn) {
    while (!value.empty()) {
        const size_t comma = value.find(',');
        const std::string_view element = trimOws(value.substr(0, comma));
        if (!element.empty()) fn(element);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
}

constexpr size_t kMaxMethodLength = 32;   // longer than any method we implement: 501
constexpr size_t kMaxLeadingEmpty = 8;    // CR/LF bytes tolerated before a request line
constexpr size_t kMaxChunkLine = 4096;    // chunk size plus extensions
constexpr uint64_t kNoLength = UINT64_MAX;

}  // namespace

std::string_view ParsedRequest::field(std::string_view name) const {
    for (const Field& f : fields) {
        if (iequals(view(f.name), name)) return view(f.value);
    }
    return {};
}

HttpRequestParser::HttpRequestParser(Limits limits) : limits_(limits) {}

void HttpRequestParser::reset() {
    state_ = State::Head;
    failure_ = {};
    request_ = {};
    started_ = false;
    leadingEmpty_ = 0;
    scanned_ = 0;
    lineEnd_ = std::string::npos;
    remaining_ = 0;
    line_.clear();
    trailerBytes_ = 0;
    trailerCount_ = 0;
}

ParsedRequest HttpRequestParser::take() {
    ParsedRequest out = std::move(request_);
    reset();
    return out;
}

bool HttpRequestParser::awaitingBody() const {
    return state_ == State::Body || state_ == State::ChunkSize || state_ == State::ChunkData ||
           state_ == State::ChunkDataEnd || state_ == State::Trailers;
}

void HttpRequestParser::fail(int status, std::string message) {
    state_ = State::Failed;
    failure_ = {status, std::move(message)};
}

size_t HttpRequestParser::feed(std::string_view data) {
    size_t used = 0;
    while (used < data.size()) {
        const std::string_view rest = data.substr(used);
        switch (state_) {
            case State::Head: used += feedHead(rest); break;
            case State::Body: used += feedBody(rest); break;
            case State::ChunkSize: used += feedChunkSize(rest); break;
            case State::ChunkData: used += feedChunkData(rest); break;
            case State::ChunkDataEnd: used += feedChunkDataEnd(rest); break;
            case State::Trailers: used += feedTrailers(rest); break;
            case State::Complete:
            case State::Failed: return used;
        }
    }
    return used;
}

size_t HttpRequestParser::feedHead(std::string_view data) {
    started_ = true;
    std::string& head = request_.head;
    size_t i = 0;
    if (head.empty()) {
        // RFC 9112 2.2: empty lines before the request line are ignored (a few, not forever).
        while (i < data.size() && (data[i] == '\r' || data[i] == '\n')) {
            if (++leadingEmpty_ > kMaxLeadingEmpty) {
                fail(400, "malformed request: empty lines instead of a request line");
                return i + 1;
            }
            ++i;
        }
        if (i == data.size()) return i;
        if (!isTchar(data[i])) {
            fail(400, "malformed request line");
            return i + 1;
        }
    }
    // Never hold more than the limits allow (plus the CRLF CRLF that ends the head).
    const size_t maxHead = limits_.requestLine + limits_.headerBytes + 4;
    const size_t room = maxHead + 1 - std::min(head.size(), maxHead + 1);
    const size_t take = std::min(data.size() - i, room);
    head.append(data.data() + i, take);

    size_t end = 0;  // index just after the CRLF CRLF, 0 while not seen
    for (size_t k = scanned_; k < head.size(); ++k) {
        const char c = head[k];
        if (c == '\n') {
            if (k == 0 || head[k - 1] != '\r') {
                fail(400, "malformed request: a line ends with LF without CR");
                return i + take;
            }
            if (lineEnd_ == std::string::npos) lineEnd_ = k - 1;
            if (k >= 3 && head[k - 2] == '\n' && head[k - 3] == '\r') {
                end = k + 1;
                break;
            }
        } else if (k > 0 && head[k - 1] == '\r') {
            fail(400, "malformed request: CR without LF");
            return i + take;
        }
    }
    // A CR as the last byte is judged when the next byte arrives: scan it again then.
    scanned_ = end != 0 ? end : (head.back() == '\r' ? head.size() - 1 : head.size());
    if (lineEnd_ == std::string::npos ? head.size() > limits_.requestLine : lineEnd_ > limits_.requestLine) {
        fail(414, "request line is longer than " + std::to_string(limits_.requestLine) + " bytes");
        return i + take;
    }
    const std::string tooLarge = "request header fields are larger than " + std::to_string(limits_.headerBytes) + " bytes";
    if (end == 0) {
        if (head.size() > maxHead) fail(431, tooLarge);
        return i + take;
    }
    if (end - lineEnd_ - 4 > limits_.headerBytes) {  // the field lines between the two
        fail(431, tooLarge);
        return i + take;
    }
    const size_t excess = head.size() - end;
    head.resize(end - 2);  // keep each line's CRLF, drop the empty line
    parseHead();
    return i + take - excess;
}

bool HttpRequestParser::parseHead() {
    const std::string& head = request_.head;
    size_t pos = head.find("\r\n");
    if (!parseRequestLine(std::string_view(head).substr(0, pos))) return false;
    pos += 2;
    size_t count = 0;
    while (pos < head.size()) {
        const size_t eol = head.find("\r\n", pos);
        if (++count > limits_.headerCount) {
            fail(431, "more than " + std::to_string(limits_.headerCount) + " request header fields");
            return false;
        }
        if (!parseField(std::string_view(head).substr(pos, eol - pos), static_cast<uint32_t>(pos))) return false;
        pos = eol + 2;
    }
    return applyFraming();
}

bool HttpRequestParser::parseRequestLine(std::string_view line) {
    const size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) {
        fail(400, "malformed request line");
        return false;
    }
    const std::string_view method = line.substr(0, sp1);
    if (!isToken(method)) {
        fail(400, "malformed request method");
        return false;
    }
    if (method.size() > kMaxMethodLength) {
        fail(501, "request method not implemented");
        return false;
    }
    const size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1) {
        fail(400, "malformed request line");
        return false;
    }
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) {
            fail(400, "invalid character in the request target");
            return false;
        }
    }
    const std::string_view version = line.substr(sp2 + 1);
    const bool shaped = version.size() == 8 && version.compare(0, 5, "HTTP/") == 0 && version[6] == '.' &&
                        version[5] >= '0' && version[5] <= '9' && version[7] >= '0' && version[7] <= '9';
    if (!shaped) {
        fail(400, "malformed HTTP version in the request line");
        return false;
    }
    if (version[5] != '1') {
        fail(505, "HTTP version not supported: use HTTP/1.1");
        return false;
    }
    request_.versionMinor = version[7] == '0' ? 0 : 1;

    const bool originForm = target.front() == '/';
    const bool asteriskForm = target == "*" && method == "OPTIONS";
    const auto hasPrefix = [&](std::string_view p) {
        return target.size() > p.size() && iequals(target.substr(0, p.size()), p);
    };
    const bool absoluteForm = hasPrefix("http://") || hasPrefix("https://");
    if (!originForm && !asteriskForm && !absoluteForm) {
        fail(400, "invalid request target");
        return false;
    }
    request_.method = {0, static_cast<uint32_t>(sp1)};
    request_.target = {static_cast<uint32_t>(sp1 + 1), static_cast<uint32_t>(target.size())};
    return true;
}

bool HttpRequestParser::parseField(std::string_view line, uint32_t offset) {
    if (line.front() == ' ' || line.front() == '\t') {
        fail(400, "obsolete line folding in a header field is not accepted");
        return false;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !isToken(line.substr(0, colon))) {
        fail(400, "malformed header field");
        return false;
    }
    size_t start = colon + 1;
    size_t stop = line.size();
    while (start < stop && (line[start] == ' ' || line[start] == '\t')) ++start;
    while (stop > start && (line[stop - 1] == ' ' || line[stop - 1] == '\t')) --stop;
    for (size_t k = start; k < stop; ++k) {
        if (!isFieldValueByte(line[k])) {
            fail(400, "invalid character in a header field value");
            return false;
        }
    }
    request_.fields.push_back({{offset, static_cast<uint32_t>(colon)},
                               {static_cast<uint32_t>(offset + start), static_cast<uint32_t>(stop - start)}});
    return true;
}

bool HttpRequestParser::applyFraming() {
    ParsedRequest& r = request_;
    size_t contentLengths = 0, transferEncodings = 0, hosts = 0;
    uint64_t length = kNoLength;
    bool lengthTooLarge = false;
    bool close = false, keepAliveToken = false;
    std::string_view transferCoding, expect;
    for (const auto& f : r.fields) {
        const std::string_view name = r.view(f.name);
        const std::string_view value = r.view(f.value);
        if (iequals(name, "content-length")) {
            ++contentLengths;
            if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                fail(400, "invalid Content-Length");
                return false;
            }
            length = 0;
            for (char c : value) {
                if (length > (UINT64_MAX - 9) / 10) {
                    lengthTooLarge = true;
                    break;
                }
                length = length * 10 + static_cast<uint64_t>(c - '0');
            }
        } else if (iequals(name, "transfer-encoding")) {
            ++transferEncodings;
            transferCoding = value;
        } else if (iequals(name, "host")) {
            ++hosts;
        } else if (iequals(name, "connection")) {
            forEachListElement(value, [&](std::string_view token) {
                if (iequals(token, "close")) close = true;
                if (iequals(token, "keep-alive")) keepAliveToken = true;
            });
        } else if (iequals(name, "expect")) {
            expect = value;
        }
    }
    if (contentLengths > 0 && transferEncodings > 0) {
        fail(400, "Content-Length and Transfer-Encoding must not both be present");
        return false;
    }
    if (contentLengths > 1) {
        fail(400, "duplicate Content-Length");
        return false;
    }
    if (transferEncodings > 1) {
        fail(400, "duplicate Transfer-Encoding");
        return false;
    }
    if (r.versionMinor == 1 && hosts != 1) {
        fail(400, hosts == 0 ? "missing Host header" : "duplicate Host header");
        return false;
    }
    if (transferEncodings == 1) {
        if (r.versionMinor == 0) {
            fail(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
            return false;
        }
        if (!iequals(transferCoding, "chunked")) {
            fail(501, "unsupported transfer coding: only chunked is accepted");
            return false;
        }
        r.chunked = true;
    }
    if (!expect.empty() && r.versionMinor == 1) {
        if (!iequals(expect, "100-continue")) {
            fail(417, "unsupported expectation: only 100-continue is accepted");
            return false;
        }
        r.expectContinue = true;
    }
    r.keepAlive = r.versionMinor == 1 ? !close : (keepAliveToken && !close);
    if (lengthTooLarge || (length != kNoLength && length > limits_.bodyBytes)) {
        fail(413, "request body is larger than " + std::to_string(limits_.bodyBytes) + " bytes");
        return false;
    }
    if (r.chunked) {
        state_ = State::ChunkSize;
    } else if (length != kNoLength && length > 0) {
        remaining_ = length;
        r.body.reserve(static_cast<size_t>(length));
        state_ = State::Body;
    } else {
        state_ = State::Complete;  // RFC 9112 6.3: no Content-Length, no chunked: no body
    }
    if (state_ == State::Complete) r.expectContinue = false;  // nothing to wait for
    return true;
}

size_t HttpRequestParser::feedBody(std::string_view data) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
    request_.body.append(data.data(), n);
    remaining_ -= n;
    if (remaining_ == 0) state_ = State::Complete;
    return n;
}

bool HttpRequestParser::collectLine(std::string_view data, size_t& used, size_t maxLength, int tooLongStatus,
                                    const char* what) {
    const size_t lf = data.find('\n');
    const size_t n = lf == std::string_view::npos ? data.size() : lf + 1;
    if (line_.size() + n > maxLength + 2) {
        fail(tooLongStatus, std::string("malformed chunked body: ") + what + " is too long");
        used = n;
        return false;
    }
    line_.append(data.data(), n);
    used = n;
    if (lf == std::string_view::npos) {
        // A CR must be followed by LF, even across reads.
        const size_t cr = line_.find('\r');
        if (cr != std::string::npos && cr + 1 < line_.size()) fail(400, "malformed chunked body: CR without LF");
        return false;
    }
    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
        fail(400, "malformed chunked body: a line ends with LF without CR");
        return false;
    }
    if (line_.find('\r') != line_.size() - 2) {
        fail(400, "malformed chunked body: CR without LF");
        return false;
    }
    line_.resize(line_.size() - 2);
    return true;
}

size_t HttpRequestParser::feedChunkSize(std::string_view data) {
    size_t used = 0;
    if (!collectLine(data, used, kMaxChunkLine, 400, "a chunk size line")) return used;
    std::string_view line = line_;
    size_t digits = 0;
    uint64_t size = 0;
    while (digits < line.size()) {
        const char c = line[digits];
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else break;
        if (size > (UINT64_MAX >> 4)) {
            size = UINT64_MAX;
        } else {
            size = (size << 4) | static_cast<uint64_t>(v);
        }
        ++digits;
    }
    if (digits == 0) {
        fail(400, "malformed chunked body: invalid chunk size");
        return used;
    }
    // Only chunk extensions may follow: BWS ";" ... (their content is ignored).
    std::string_view rest = line.substr(digits);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (!rest.empty() && rest.front() != ';') {
        fail(400, "malformed chunked body: invalid chunk size");
        return used;
    }
    for (char c : rest) {
        if (!isFieldValueByte(c)) {
            fail(400, "malformed chunked body: control character in a chunk extension");
            return used;
        }
    }
    line_.clear();
    if (size > limits_.bodyBytes || request_.body.size() + size > limits_.bodyBytes) {
        fail(413, "request body is larger than " + std::to_string(limits_.bodyBytes) + " bytes");
        return used;
    }
    if (size == 0) {
        state_ = State::Trailers;
    } else {
        remaining_ = size;
        state_ = State::ChunkData;
    }
    return used;
}

size_t HttpRequestParser::feedChunkData(std::string_view data) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
    request_.body.append(data.data(), n);
    remaining_ -= n;
    if (remaining_ == 0) state_ = State::ChunkDataEnd;
    return n;
}

size_t HttpRequestParser::feedChunkDataEnd(std::string_view data) {
    // Exactly CRLF after the chunk's data, possibly split across reads.
    const char expected = line_.empty() ? '\r' : '\n';
    if (data.front() != expected) {
        fail(400, "malformed chunked body: chunk data is longer than its size");
        return 1;
    }
    if (expected == '\r') {
        line_ = "\r";
    } else {
        line_.clear();
        state_ = State::ChunkSize;
    }
    return 1;
}

size_t HttpRequestParser::feedTrailers(std::string_view data) {
    size_t used = 0;
    const size_t budget = limits_.headerBytes - std::min(trailerBytes_, limits_.headerBytes);
    if (!collectLine(data, used, budget, 431, "the trailer section")) return used;
    if (line_.empty()) {
        state_ = State::Complete;
        return used;
    }
    trailerBytes_ += line_.size() + 2;
    if (++trailerCount_ > limits_.headerCount) {
        fail(431, "more than " + std::to_string(limits_.headerCount) + " trailer fields");
        return used;
    }
    const size_t colon = line_.find(':');
    if (line_.front() == ' ' || line_.front() == '\t' || colon == std::string::npos ||
        !isToken(std::string_view(line_).substr(0, colon)) ||
        !std::all_of(line_.begin() + static_cast<std::ptrdiff_t>(colon) + 1, line_.end(), isFieldValueByte)) {
        fail(400, "malformed trailer field");
        return used;
    }
    line_.clear();  // trailers are dropped: nothing here reads them
    return used;
}

}  // namespace ha::net
