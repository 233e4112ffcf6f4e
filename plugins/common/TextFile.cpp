#include "common/TextFile.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace ha_plugins {

std::optional<std::string> readTextFile(const std::string& path, size_t maxBytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string data;
    char buf[16384];
    while (data.size() < maxBytes) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    if (data.size() > maxBytes) data.resize(maxBytes);
    return data;
}

bool holdsPemCertificate(const std::string& path) {
    const std::optional<std::string> text = readTextFile(path);
    return text && text->find("-----BEGIN CERTIFICATE-----") != std::string::npos;
}

}  // namespace ha_plugins
