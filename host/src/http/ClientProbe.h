// "Is the client of this request still there?" The cancel token of a request asks it, so that a
// client that went away (closed the tab, curl interrupted) cancels its turn: the provider call
// sees ha_call.is_cancelled and the host stops waiting. The connection layer answers it; with
// Poco's HTTPServer the request's socket is polled for the peer's FIN (POLLRDHUP). Another
// connection layer implements ProbedRequest on its request class.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <memory>

namespace ha::http {

class ClientProbe {
public:
    virtual ~ClientProbe() = default;
    // True once the peer closed or reset the connection, or markGone() was called. Never
    // blocks. [thread-safe]
    virtual bool gone() const noexcept = 0;
    // The response could not be written: the client is gone whatever the socket says.
    virtual void markGone() noexcept = 0;
    // The request is over and its connection may be reused or closed: from now on gone() no
    // longer looks at the connection. [thread-safe]
    virtual void release() noexcept = 0;
};

// Implemented by the request class of a connection layer that knows its connections.
class ProbedRequest {
public:
    virtual ~ProbedRequest() = default;
    virtual std::shared_ptr<ClientProbe> clientProbe() = 0;
};

// The probe of this request's connection; one that only knows markGone() when the connection
// layer cannot tell.
std::shared_ptr<ClientProbe> clientProbeFor(Poco::Net::HTTPServerRequest& request);

}  // namespace ha::http
