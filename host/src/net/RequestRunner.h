// What a worker does with one complete request: wraps it in Poco's request/response interfaces,
// asks the router (the HTTPRequestHandlerFactory) for a handler, runs it, and completes the
// response. A handler that throws gets a JSON 500 when nothing was sent yet.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>

#include <memory>

namespace ha::net {

class Exchange;

class RequestRunner {
public:
    RequestRunner(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::Net::HTTPServerParams::Ptr params);
    void run(const std::shared_ptr<Exchange>& exchange);

private:
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    Poco::Net::HTTPServerParams::Ptr params_;
};

}  // namespace ha::net
