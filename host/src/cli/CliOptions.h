// The client commands' arguments: `homelab-assistant ask|status|mcp [options] [question]`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ha::cli {

struct CliOptions {
    std::string command;  // ask | status | mcp
    std::vector<std::string> words;  // ask: the question, joined with spaces
    std::optional<std::string> url;
    std::optional<std::string> configPath;
    std::optional<std::string> keyFile;
    std::optional<std::string> caFile;
    std::optional<std::string> conversation;
    bool insecure = false;
    bool json = false;
    bool verbose = false;
    bool help = false;
    int timeoutSeconds = 120;

    // Whether argv[1] names a client command (the server's own options start with "-").
    static bool isCommand(const std::string& word);
    // args: everything after the program name, the command first. Throws CliError(Usage).
    static CliOptions parse(const std::vector<std::string>& args);
};

}  // namespace ha::cli
