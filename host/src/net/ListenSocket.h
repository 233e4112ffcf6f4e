// The listening TCP socket. Bound WITHOUT SO_REUSEPORT, so a second instance on a port in use
// fails to start instead of silently sharing the port with the first (the kernel would split
// connections between the two). SO_REUSEADDR stays on: it only allows a restart while old
// connections are in TIME_WAIT and never lets two listeners share a port on Linux.
#pragma once

#include <Poco/Net/SocketAddress.h>

#include <stdexcept>
#include <string>

namespace ha::net {

class ListenError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ListenSocket {
public:
    // Resolves "host:port" / "[v6]:port", binds and listens; throws ListenError with a message
    // naming the address ("... 127.0.0.1:8443 is already in use ...").
    ListenSocket(const std::string& address, int backlog);
    ~ListenSocket();
    ListenSocket(const ListenSocket&) = delete;
    ListenSocket& operator=(const ListenSocket&) = delete;

    int fd() const { return fd_; }
    // The address as bound (the real port when 0 was asked for).
    const Poco::Net::SocketAddress& address() const { return bound_; }
    // Stops listening (connection attempts are refused from now on; accept() fails) but keeps the
    // descriptor, which event loops may still have registered.
    void stopAccepting();
    void close();

private:
    int fd_ = -1;
    Poco::Net::SocketAddress bound_;
};

}  // namespace ha::net
