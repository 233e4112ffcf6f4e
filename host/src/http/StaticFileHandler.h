// GET and HEAD of the web page's files (WebRoot): no authentication (the page asks for the API
// key itself), a strict Content-Security-Policy (only this origin, no inline script or style,
// no framing), ETag revalidation (304) and the WebRoot's caching rule. A missing file is the
// usual JSON 404.
#pragma once

#include "http/ApiHandler.h"
#include "http/WebRoot.h"

namespace ha::http {

class StaticFileHandler : public ApiHandler {
public:
    StaticFileHandler(ApiContext& context, const WebRoot& root) : ApiHandler(context), root_(root) {}

    // The headers every response of the page carries (also its 404s and 304s).
    static void setSecurityHeaders(HTTPServerResponse& response);
    static constexpr const char* kContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'; require-trusted-types-for 'script'";

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;

private:
    const WebRoot& root_;
};

}  // namespace ha::http
