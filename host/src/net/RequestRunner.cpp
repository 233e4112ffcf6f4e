#include "net/RequestRunner.h"

#include "net/Exchange.h"
#include "net/ServerRequest.h"
#include "net/ServerResponse.h"
#include "util/Text.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>

namespace ha::net {

RequestRunner::RequestRunner(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::Net::HTTPServerParams::Ptr params)
    : factory_(std::move(factory)), params_(std::move(params)) {}

void RequestRunner::run(const std::shared_ptr<Exchange>& exchange) {
    if (exchange->closed()) return;  // the connection died while the request waited for a worker
    ServerResponse response(*exchange);
    ServerRequest request(exchange, response, *params_);
    try {
        std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(factory_->createRequestHandler(request));
        if (!handler) {
            response.fail(404, "no handler for this request");
            return;
        }
        handler->handleRequest(request, response);
        response.finish();
    } catch (const std::exception& e) {
        Poco::Logger::get("http").error("request handler failed: " + text::sanitizeForLog(e.what()));
        response.fail(500, "internal error");
    } catch (...) {
        Poco::Logger::get("http").error("request handler failed with an unknown exception");
        response.fail(500, "internal error");
    }
}

}  // namespace ha::net
