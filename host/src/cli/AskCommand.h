// `homelab-assistant ask [QUESTION...]`: one question to the running server's streamed /chat,
// the answer printed as it arrives; without a question and with a terminal on stdin, a prompt
// loop in one conversation (an empty line or end of input quits).
#pragma once

#include "cli/ApiClient.h"
#include "cli/ExitCode.h"

#include <iosfwd>
#include <string>

namespace ha::cli {

class AskCommand {
public:
    AskCommand(const ApiClient& client, std::ostream& out, std::ostream& err, bool verbose)
        : client_(client), out_(out), err_(err), verbose_(verbose) {}

    ExitCode ask(const std::string& question, const std::string& conversation);
    ExitCode promptLoop(std::string conversation, int inputFd);

    // Asks once, printing the answer; returns the conversation id. Throws CliError.
    std::string turn(const std::string& question, const std::string& conversation);

private:
    const ApiClient& client_;
    std::ostream& out_;
    std::ostream& err_;
    bool verbose_;
};

}  // namespace ha::cli
