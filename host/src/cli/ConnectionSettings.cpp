#include "cli/ConnectionSettings.h"

#include "cli/ApiKeySource.h"
#include "cli/CliError.h"
#include "cli/ServerConfigFile.h"
#include "util/Text.h"

#include <Poco/Exception.h>

#include <fstream>
#include <sys/stat.h>

namespace ha::cli {

namespace {

bool readable(const std::string& path) { return std::ifstream(path).good(); }

bool exists(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0;
}

Poco::URI checkedUrl(const std::string& text, const std::string& source) {
    Poco::URI uri;
    try {
        uri = Poco::URI(text::trim(text));
    } catch (const Poco::Exception& e) {
        throw CliError(ExitCode::Usage, source + ": not a URL: " + e.message());
    }
    if (uri.getScheme() != "https") throw CliError(ExitCode::Usage, source + ": the server speaks https:// only");
    if (uri.getHost().empty()) throw CliError(ExitCode::Usage, source + ": the URL has no host");
    if (!uri.getUserInfo().empty()) throw CliError(ExitCode::Usage, source + ": no credentials in the URL, please");
    const std::string host = uri.getHost().find(':') != std::string::npos ? "[" + uri.getHost() + "]" : uri.getHost();
    return Poco::URI("https", host + ":" + std::to_string(uri.getPort()), "");
}

TlsTrust chooseTrust(const CliOptions& options, ServerConfigFile& config) {
    TlsTrust trust;
    if (options.insecure) {
        trust.kind = TlsTrust::Kind::None;
        return trust;
    }
    if (options.caFile) {
        if (!readable(*options.caFile)) throw CliError(ExitCode::Usage, "--ca " + *options.caFile + ": cannot read it");
        trust.kind = TlsTrust::Kind::File;
        trust.file = *options.caFile;
        return trust;
    }
    std::string pinned;
    try {
        pinned = config.config().server.tlsCertificate;
    } catch (const CliError&) {
        return trust;  // no configuration to read: the system's CAs
    }
    if (readable(pinned)) {
        trust.kind = TlsTrust::Kind::File;
        trust.file = pinned;
    } else if (exists(pinned)) {
        trust.unreadablePin = pinned;
    }
    return trust;
}

}  // namespace

std::string ConnectionSettings::urlForListen(const std::string& listen) {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon + 1 >= listen.size()) {
        throw CliError(ExitCode::Usage, "server.listen '" + listen + "' has no port: use --url");
    }
    std::string host = listen.substr(0, colon);
    const std::string port = listen.substr(colon + 1);
    if (port == "0") throw CliError(ExitCode::Usage, "server.listen has port 0 (chosen at start-up): use --url or HA_URL");
    if (host.empty() || host == "0.0.0.0" || host == "*") host = "127.0.0.1";
    else if (host == "[::]" || host == "::") host = "[::1]";
    return "https://" + host + ":" + port;
}

ConnectionSettings ConnectionSettings::resolve(const CliOptions& options, const EnvLookup& env, bool needKey) {
    ServerConfigFile config(options.configPath);
    ConnectionSettings s;
    s.timeoutSeconds = options.timeoutSeconds;
    if (options.url) {
        s.url = checkedUrl(*options.url, "--url");
    } else if (auto fromEnv = env("HA_URL"); fromEnv && !text::trim(*fromEnv).empty()) {
        s.url = checkedUrl(*fromEnv, "HA_URL");
    } else {
        s.url = checkedUrl(urlForListen(config.config().server.listen), config.path() + ": server.listen");
    }
    if (needKey) s.apiKey = ApiKeySource::find(options.keyFile, env, config);
    s.trust = chooseTrust(options, config);
    return s;
}

}  // namespace ha::cli
