#include "cli/CommandLine.h"

#include "cli/AskCommand.h"
#include "cli/CliError.h"
#include "cli/CliOptions.h"
#include "cli/ConnectionSettings.h"
#include "cli/McpStdioBridge.h"
#include "cli/StatusCommand.h"
#include "config/ConfigLoader.h"

#include <Poco/Exception.h>
#include <Poco/Net/SSLManager.h>

#include <csignal>
#include <iostream>
#include <unistd.h>

namespace ha::cli {

namespace {

// Ctrl-C: end at once (the server sees the connection close and cancels the turn, audited).
extern "C" void onInterrupt(int) {
    static const char newline = '\n';
    [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, &newline, 1);
    ::_exit(toInt(ExitCode::Interrupted));
}

void installSignalHandlers(const std::string& command) {
    std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a failed write, handled where it happens
    if (command != "mcp") std::signal(SIGINT, onInterrupt);
}

std::string joined(const std::vector<std::string>& words) {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

ExitCode runCommand(const CliOptions& options) {
    const bool needKey = true;
    const ConnectionSettings settings = ConnectionSettings::resolve(options, processEnvironment(), needKey);
    if (settings.trust.kind == TlsTrust::Kind::None) {
        std::cerr << "homelab-assistant: warning: --insecure: the server's certificate is not verified\n";
    }
    const ApiClient client(settings);
    if (options.command == "status") return StatusCommand(client, std::cout).run(options.json);
    if (options.command == "mcp") return McpStdioBridge(client, std::cout, std::cerr).run(STDIN_FILENO);
    AskCommand ask(client, std::cout, std::cerr, options.verbose);
    const std::string conversation = options.conversation.value_or("");
    if (!options.words.empty()) return ask.ask(joined(options.words), conversation);
    if (!::isatty(STDIN_FILENO)) {
        throw CliError(ExitCode::Usage, "no question given (and stdin is not a terminal for a prompt)");
    }
    return ask.promptLoop(conversation, STDIN_FILENO);
}

}  // namespace

bool CommandLine::handles(const std::vector<std::string>& args) {
    return !args.empty() && CliOptions::isCommand(args.front());
}

std::string CommandLine::helpText(const std::string& command) {
    std::string usage;
    if (command == "ask") {
        usage = "usage: homelab-assistant ask [options] [--conversation ID] [--verbose] [QUESTION...]\n"
                "  Asks the running server; the answer is printed as it arrives, the conversation id\n"
                "  on stderr. Without a question, on a terminal: a prompt (empty line or Ctrl-D ends).\n";
    } else if (command == "status") {
        usage = "usage: homelab-assistant status [options] [--json]\n"
                "  The running server's health and every plugin's findings (GET /health, /v1/status);\n"
                "  --json prints {\"url\", \"health\", \"status\"} as one JSON object.\n";
    } else {
        usage = "usage: homelab-assistant mcp [options]\n"
                "  MCP over stdio for MCP hosts: newline-delimited JSON-RPC on stdin, relayed to the\n"
                "  running server's /mcp; answers on stdout, diagnostics on stderr. Exits 0 at end of input.\n";
    }
    return usage +
           "\noptions:\n"
           "  --url URL         the server (default: HA_URL, else server.listen in the configuration)\n"
           "  --config FILE     the server's configuration (default " HA_DEFAULT_CONFIG ")\n"
           "  --key-file FILE   a file holding the API key (a line with the key, or API_KEY=...)\n"
           "  --ca FILE         trust this certificate (default: the server's tls_certificate when readable,\n"
           "                    else the system's CAs)\n"
           "  --insecure        do not verify the server's certificate\n"
           "  --timeout SECONDS per request (default 120)\n"
           "  -h, --help        this text\n"
           "\nThe key: --key-file, else HA_API_KEY, else API_KEY in secrets.env next to the configuration\n"
           "(readable by root and the service's group), else auth.api_key in the configuration.\n"
           "\nexit status: 0 answered, 1 usage error, 2 cannot connect or TLS failure, 3 key refused\n"
           "(401/403), 4 rate limited (429), 5 server error or other HTTP error, 130 interrupted.\n";
}

int CommandLine::run(const std::vector<std::string>& args) {
    CliOptions options;
    try {
        options = CliOptions::parse(args);
    } catch (const CliError& e) {
        std::cerr << "homelab-assistant: " << e.what() << "\n";
        return toInt(e.code());
    }
    if (options.help) {
        std::cout << helpText(options.command);
        return toInt(ExitCode::Answered);
    }
    installSignalHandlers(options.command);
    Poco::Net::initializeSSL();
    int code = 0;
    try {
        code = toInt(runCommand(options));
    } catch (const CliError& e) {
        std::cout.flush();
        std::cerr << "homelab-assistant: " << e.what() << "\n";
        code = toInt(e.code());
    } catch (const Poco::Exception& e) {
        std::cerr << "homelab-assistant: " << e.displayText() << "\n";
        code = toInt(ExitCode::ServerError);
    } catch (const std::exception& e) {
        std::cerr << "homelab-assistant: " << e.what() << "\n";
        code = toInt(ExitCode::ServerError);
    }
    Poco::Net::uninitializeSSL();
    return code;
}

}  // namespace ha::cli
