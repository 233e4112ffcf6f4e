// The folder the web page is served from (server.web_root): maps a request path to a file in it
// and nothing outside it. Refused (not found): "..", ".", empty and hidden segments, backslashes,
// NUL, symbolic links that lead out of the folder, anything but a regular file, and file types
// the page does not use. Files are read on each request (so an edited page shows at once) and
// their content hash, the ETag, is kept while size, inode and modification time stay the same.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace ha::http {

class WebRoot {
public:
    struct File {
        std::string content;
        std::string etag;          // "\"<sha-256 prefix>\"", strong
        std::string contentType;
        std::string cacheControl;
    };

    // directory "" serves nothing.
    explicit WebRoot(std::string directory);

    const std::string& directory() const { return directory_; }
    // The file for a decoded URI path ("/" is /index.html); nullptr when there is none to serve.
    std::shared_ptr<const File> find(const std::string& uriPath) const;

    // The path below the root for a decoded URI path, or nullopt when it is not a plain one.
    static std::optional<std::string> relativePath(const std::string& uriPath);
    // The MIME type of a served file by its extension; nullptr for types that are not served.
    static const char* contentType(const std::string& name);
    // no-cache (revalidate with the ETag) for everything, but a year for file names that carry
    // a content hash (name.<8 or more hex digits>.ext), which change name when they change.
    static std::string cacheControl(const std::string& name);

    static constexpr int64_t kMaxFileBytes = 8 * 1024 * 1024;

private:
    struct Cached {
        uint64_t inode = 0;
        int64_t size = 0;
        int64_t mtimeNs = 0;
        std::shared_ptr<const File> file;
    };

    std::string directory_;
    std::string realDirectory_;  // resolved once; "" when the folder does not exist
    mutable std::mutex mutex_;
    mutable std::map<std::string, Cached> cache_;
};

}  // namespace ha::http
