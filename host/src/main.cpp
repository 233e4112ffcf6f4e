#include "app/App.h"
#include "cli/CommandLine.h"

#include <iostream>  // exceptions are reported on std::cerr

// `homelab-assistant ask|status|mcp ...` are clients of the running server; anything else is
// the server itself (a Poco ServerApplication, as POCO_SERVER_MAIN would run it).
int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (ha::cli::CommandLine::handles(args)) return ha::cli::CommandLine::run(args);
    try {
        ha::App app;
        return app.run(argc, argv);
    } catch (Poco::Exception& exc) {
        std::cerr << exc.displayText() << std::endl;
        return Poco::Util::Application::EXIT_SOFTWARE;
    }
}
