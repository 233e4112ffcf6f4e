#include "http/StaticFileHandler.h"

#include <Poco/URI.h>

namespace ha::http {

namespace {

// If-None-Match: "*" or a list of entity tags (weak ones compare by their opaque part).
bool matchesEtag(const std::string& header, const std::string& etag) {
    if (header.find('*') != std::string::npos) return true;
    size_t pos = 0;
    while ((pos = header.find('"', pos)) != std::string::npos) {
        const size_t end = header.find('"', pos + 1);
        if (end == std::string::npos) return false;
        if (header.compare(pos, end - pos + 1, etag) == 0) return true;
        pos = end + 1;
    }
    return false;
}

}  // namespace

void StaticFileHandler::setSecurityHeaders(HTTPServerResponse& response) {
    response.set("Content-Security-Policy", kContentSecurityPolicy);
    response.set("X-Frame-Options", "DENY");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    response.set("Cross-Origin-Opener-Policy", "same-origin");
    response.set("Cross-Origin-Resource-Policy", "same-origin");
    response.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
}

void StaticFileHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    setSecurityHeaders(response);
    readBody(request);  // a GET has none; one that came anyway is not the next request
    const std::string path = Poco::URI(request.getURI()).getPath();
    const std::shared_ptr<const WebRoot::File> file = root_.find(path);
    if (!file) {
        if (root_.directory().empty() || path == "/") {
            // Say why the page itself is missing: that is a setup problem, not a typo.
            throw HttpError(404, root_.directory().empty()
                                     ? "the web page is switched off (server.web_root is empty)"
                                     : "the web page is not installed in " + root_.directory() + " (server.web_root)");
        }
        throw HttpError(404, "no such file: " + path);
    }
    response.set("ETag", file->etag);
    response.set("Cache-Control", file->cacheControl);
    if (request.has("If-None-Match") && matchesEtag(request.get("If-None-Match"), file->etag)) {
        noteStatus(304);
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
        response.send();  // Poco sends a 304 without a body
        return;
    }
    noteStatus(200);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType(file->contentType);
    response.setContentLength(static_cast<std::streamsize>(file->content.size()));
    // For HEAD, Poco sends the headers only and drops what is written.
    response.send().write(file->content.data(), static_cast<std::streamsize>(file->content.size()));
}

}  // namespace ha::http
