#include "http/OpenApiHandler.h"

namespace ha::http {

extern const char* const kOpenApiDocument;  // generated: OpenApiDocument.cpp in the build tree

const std::string& OpenApiHandler::document() {
    static const std::string text = kOpenApiDocument;
    return text;
}

void OpenApiHandler::handle(HTTPServerRequest&, HTTPServerResponse& response) {
    const std::string& text = document();
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("application/json; charset=utf-8");
    response.set("Cache-Control", "public, max-age=300");
    response.set("X-Content-Type-Options", "nosniff");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    noteStatus(200);
    response.send() << text;
}

}  // namespace ha::http
