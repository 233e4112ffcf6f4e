#include "cli/CliOptions.h"

#include "cli/CliError.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>

namespace ha::cli {

namespace {

struct OptionSpec {
    const char* name;
    bool takesValue;
    const char* commands;  // the commands it applies to, space-separated
};

constexpr std::array<OptionSpec, 11> kOptions{{
    {"url", true, "ask status mcp"},
    {"config", true, "ask status mcp"},
    {"key-file", true, "ask status mcp"},
    {"ca", true, "ask status mcp"},
    {"insecure", false, "ask status mcp"},
    {"timeout", true, "ask status mcp"},
    {"conversation", true, "ask"},
    {"verbose", false, "ask"},
    {"json", false, "status"},
    {"help", false, "ask status mcp"},
    {"h", false, "ask status mcp"},
}};

bool appliesTo(const OptionSpec& spec, const std::string& command) {
    const std::string list = std::string(" ") + spec.commands + " ";
    return list.find(" " + command + " ") != std::string::npos;
}

const OptionSpec& findOption(const std::string& name, const std::string& command) {
    const auto it = std::find_if(kOptions.begin(), kOptions.end(), [&](const OptionSpec& s) { return name == s.name; });
    if (it == kOptions.end()) throw CliError(ExitCode::Usage, "unknown option --" + name + " (see " + command + " --help)");
    if (!appliesTo(*it, command)) throw CliError(ExitCode::Usage, "--" + name + " does not apply to " + command);
    return *it;
}

int parseTimeout(const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || n < 1 || n > 3600) {
        throw CliError(ExitCode::Usage, "--timeout must be a number of seconds between 1 and 3600");
    }
    return static_cast<int>(n);
}

void apply(CliOptions& o, const std::string& name, const std::string& value) {
    if (name == "url") o.url = value;
    else if (name == "config") o.configPath = value;
    else if (name == "key-file") o.keyFile = value;
    else if (name == "ca") o.caFile = value;
    else if (name == "insecure") o.insecure = true;
    else if (name == "timeout") o.timeoutSeconds = parseTimeout(value);
    else if (name == "conversation") o.conversation = value;
    else if (name == "verbose") o.verbose = true;
    else if (name == "json") o.json = true;
    else if (name == "help" || name == "h") o.help = true;
}

}  // namespace

bool CliOptions::isCommand(const std::string& word) { return word == "ask" || word == "status" || word == "mcp"; }

CliOptions CliOptions::parse(const std::vector<std::string>& args) {
    CliOptions o;
    if (args.empty() || !isCommand(args.front())) throw CliError(ExitCode::Usage, "expected a command: ask, status or mcp");
    o.command = args.front();
    bool optionsEnded = false;
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsEnded || arg.size() < 2 || arg[0] != '-') {
            o.words.push_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
        std::optional<std::string> inlineValue;
        if (const size_t eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name.resize(eq);
        }
        const OptionSpec& spec = findOption(name, o.command);
        if (!spec.takesValue) {
            if (inlineValue) throw CliError(ExitCode::Usage, "--" + name + " takes no value");
            apply(o, name, "");
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= args.size()) throw CliError(ExitCode::Usage, "--" + name + " needs a value");
            inlineValue = args[++i];
        }
        apply(o, name, *inlineValue);
    }
    if (o.command != "ask" && !o.words.empty()) {
        throw CliError(ExitCode::Usage, o.command + " takes no arguments (got '" + o.words.front() + "')");
    }
    if (o.insecure && o.caFile) throw CliError(ExitCode::Usage, "--ca and --insecure exclude each other");
    return o;
}

}  // namespace ha::cli
