#include "http/WebRoot.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ha::http {

namespace {

std::string realPath(const std::string& path) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) == nullptr) return "";
    return buf;
}

std::string extensionOf(const std::string& name) {
    const size_t slash = name.rfind('/');
    const size_t dot = name.rfind('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    return name.substr(dot + 1);
}

bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Closes the descriptor whatever happens.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

WebRoot::WebRoot(std::string directory) : directory_(std::move(directory)) {
    if (!directory_.empty()) realDirectory_ = realPath(directory_);
}

std::optional<std::string> WebRoot::relativePath(const std::string& uriPath) {
    if (uriPath.empty() || uriPath.front() != '/') return std::nullopt;
    if (uriPath == "/") return std::string("index.html");
    std::string rel = uriPath.substr(1);
    size_t start = 0;
    for (;;) {
        const size_t end = rel.find('/', start);
        const std::string segment = rel.substr(start, end == std::string::npos ? std::string::npos : end - start);
        // Empty (a//b, a trailing /), ".", "..", hidden files (.git, .htaccess) and anything
        // with a backslash or a control character is no file of the page.
        if (segment.empty() || segment.front() == '.') return std::nullopt;
        for (unsigned char c : segment) {
            if (c < 0x20 || c == 0x7F || c == '\\') return std::nullopt;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return rel;
}

const char* WebRoot::contentType(const std::string& name) {
    static const std::map<std::string, const char*> types = {
        {"html", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"json", "application/json; charset=utf-8"},
        {"webmanifest", "application/manifest+json; charset=utf-8"},
        {"txt", "text/plain; charset=utf-8"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"webp", "image/webp"},
        {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},
    };
    const auto it = types.find(extensionOf(name));
    return it == types.end() ? nullptr : it->second;
}

std::string WebRoot::cacheControl(const std::string& name) {
    // base.<hash>.ext: the segment before the extension is 8+ lower-case hex digits.
    const std::string ext = extensionOf(name);
    if (!ext.empty()) {
        const std::string stem = name.substr(0, name.size() - ext.size() - 1);
        const size_t dot = stem.rfind('.');
        const size_t slash = stem.rfind('/');
        if (dot != std::string::npos && (slash == std::string::npos || dot > slash) && dot > 0) {
            const std::string hash = stem.substr(dot + 1);
            bool hex = hash.size() >= 8;
            for (char c : hash) hex = hex && isHex(c);
            if (hex) return "public, max-age=31536000, immutable";
        }
    }
    return "no-cache";
}

std::shared_ptr<const WebRoot::File> WebRoot::find(const std::string& uriPath) const {
    if (realDirectory_.empty()) return nullptr;
    const std::optional<std::string> rel = relativePath(uriPath);
    if (!rel) return nullptr;
    const char* type = contentType(*rel);
    if (type == nullptr) return nullptr;
    // Symbolic links inside the folder are followed only while they stay inside it.
    const std::string real = realPath(realDirectory_ + "/" + *rel);
    if (real.empty() || real.compare(0, realDirectory_.size() + 1, realDirectory_ + "/") != 0) return nullptr;
    const Fd f{::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)};
    if (f.fd < 0) return nullptr;
    struct stat st{};
    if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxFileBytes) return nullptr;
    const int64_t mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = cache_.find(real);
        if (it != cache_.end() && it->second.inode == st.st_ino && it->second.size == st.st_size &&
            it->second.mtimeNs == mtimeNs) {
            return it->second.file;
        }
    }
    auto file = std::make_shared<File>();
    file->content.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < file->content.size()) {
        const ssize_t n = ::read(f.fd, file->content.data() + done, file->content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return nullptr;  // shrank or failed while being read
        done += static_cast<size_t>(n);
    }
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(file->content.data(), static_cast<unsigned>(file->content.size()));
    file->etag = "\"" + Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32) + "\"";
    file->contentType = type;
    file->cacheControl = cacheControl(*rel);
    std::lock_guard<std::mutex> lock(mutex_);
    if (cache_.size() >= 512) cache_.clear();  // a page has a handful of files
    cache_[real] = Cached{static_cast<uint64_t>(st.st_ino), st.st_size, mtimeNs, file};
    return file;
}

}  // namespace ha::http
