#include "cli/ApiKeySource.h"

#include "cli/CliError.h"
#include "util/Text.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ha::cli {

namespace {

constexpr std::streamsize kMaxKeyFileBytes = 64 * 1024;

std::string unquote(std::string value) {
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
        return value.substr(1, value.size() - 2);
    }
    return value;
}

}  // namespace

std::optional<std::string> ApiKeySource::parse(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    std::optional<std::string> onlyLine;
    int contentLines = 0;
    while (std::getline(lines, line)) {
        line = text::trim(line);
        if (line.empty() || line.front() == '#') continue;
        ++contentLines;
        std::string assignment = line.rfind("export ", 0) == 0 ? text::trim(line.substr(7)) : line;
        if (assignment.rfind("API_KEY=", 0) == 0) return unquote(text::trim(assignment.substr(8)));
        if (assignment.find('=') == std::string::npos) onlyLine = line;
    }
    if (contentLines == 1 && onlyLine) return onlyLine;
    return std::nullopt;
}

std::optional<std::string> ApiKeySource::readFile(const std::string& path, bool mustExist) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (mustExist) throw CliError(ExitCode::Usage, "cannot read the key file " + path + ": " + std::strerror(errno));
        return std::nullopt;
    }
    std::string text(static_cast<size_t>(kMaxKeyFileBytes), '\0');
    in.read(text.data(), kMaxKeyFileBytes);
    text.resize(static_cast<size_t>(in.gcount()));
    return parse(text);
}

void ApiKeySource::checkUsable(const std::string& key, const std::string& source) {
    if (key.empty()) throw CliError(ExitCode::Usage, source + " holds an empty API key");
    for (unsigned char c : key) {
        if (c <= 0x20 || c >= 0x7F) throw CliError(ExitCode::Usage, source + ": the API key must be printable ASCII without spaces");
    }
}

std::string ApiKeySource::find(const std::optional<std::string>& keyFile, const EnvLookup& env, ServerConfigFile& config) {
    if (keyFile) {
        auto key = readFile(*keyFile, true);
        if (!key) throw CliError(ExitCode::Usage, "no API key in " + *keyFile + " (one line with the key, or API_KEY=...)");
        checkUsable(*key, *keyFile);
        return *key;
    }
    if (auto key = env("HA_API_KEY"); key && !text::trim(*key).empty()) {
        checkUsable(text::trim(*key), "HA_API_KEY");
        return text::trim(*key);
    }
    const std::string secrets = config.directory() + "secrets.env";
    if (auto key = readFile(secrets, false)) {
        checkUsable(*key, secrets);
        return *key;
    }
    std::string fromConfig;
    try {
        fromConfig = config.config().apiKey;
    } catch (const CliError&) {
        // An unreadable configuration has no key either: the message below says where to look.
    }
    if (!fromConfig.empty()) return fromConfig;
    throw CliError(ExitCode::Usage, "no API key: use --key-file FILE or set HA_API_KEY (the server's key is API_KEY in " +
                                        secrets + ", readable by root and the service's group)");
}

}  // namespace ha::cli
