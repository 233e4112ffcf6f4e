#include "net/ListenSocket.h"

#include <Poco/Exception.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ha::net {

ListenSocket::ListenSocket(const std::string& address, int backlog) {
    Poco::Net::SocketAddress wanted;
    try {
        wanted = Poco::Net::SocketAddress(address);
    } catch (const Poco::Exception& e) {
        throw ListenError("cannot listen on " + address + ": not a valid address (" + e.displayText() + ")");
    }
    fd_ = ::socket(wanted.af(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw ListenError("cannot listen on " + wanted.toString() + ": socket: " + std::strerror(errno));
    const int on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd_, wanted.addr(), wanted.length()) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EADDRINUSE) {
            throw ListenError("cannot listen on " + wanted.toString() +
                              ": the address is already in use (is another homelab-assistant, or another server, "
                              "listening there?)");
        }
        if (err == EACCES) {
            throw ListenError("cannot listen on " + wanted.toString() +
                              ": permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)");
        }
        if (err == EADDRNOTAVAIL) {
            throw ListenError("cannot listen on " + wanted.toString() + ": no local interface has that address");
        }
        throw ListenError("cannot listen on " + wanted.toString() + ": bind: " + std::strerror(err));
    }
    if (::listen(fd_, backlog) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw ListenError("cannot listen on " + wanted.toString() + ": listen: " + std::strerror(err));
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &length);
    bound_ = Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&bound), length);
}

ListenSocket::~ListenSocket() { close(); }

void ListenSocket::stopAccepting() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void ListenSocket::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace ha::net
