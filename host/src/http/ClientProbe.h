// "Is the client of this request still there?" The cancel token of a request asks it, so that a
// client that went away (closed the tab, curl interrupted) cancels its turn: the provider call
// sees ha_call.is_cancelled and the host stops waiting. The connection layer (host/src/net)
// answers it from the request's exchange: gone once the peer closed or reset the connection or a
// write to it failed.
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
    // The response could not be written: the client is gone whatever the connection says.
    virtual void markGone() noexcept = 0;
    // The request is over and its connection may carry another one: from now on gone() no
    // longer looks at the connection. [thread-safe]
    virtual void release() noexcept = 0;
};

// The probe of this request's connection; for a request the connection layer did not make (a
// unit test's), one that only knows markGone().
std::shared_ptr<ClientProbe> clientProbeFor(Poco::Net::HTTPServerRequest& request);

}  // namespace ha::http
