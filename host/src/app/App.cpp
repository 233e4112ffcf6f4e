#include "app/App.h"

#include "app/Assistant.h"
#include "config/ConfigLoader.h"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <iostream>
#include <unistd.h>

namespace ha {

using Poco::Util::Option;

void App::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Option("config", "c", "configuration file (default " HA_DEFAULT_CONFIG ")")
                          .required(false).repeatable(false).argument("FILE"));
    options.addOption(Option("check-config", "", "validate configuration, policy, TLS files and plugins, then exit"));
    options.addOption(Option("list-plugins", "", "load the plugins, print what was loaded or refused, then exit"));
    options.addOption(Option("version", "", "print the version and the plugin ABI version, then exit"));
    options.addOption(Option("help", "h", "print this help"));
}

void App::handleOption(const std::string& name, const std::string& value) {
    ServerApplication::handleOption(name, value);
    if (name == "config") configPath_ = value;
    else if (name == "check-config") mode_ = Mode::CheckConfig;
    else if (name == "list-plugins") mode_ = Mode::ListPlugins;
    else if (name == "version") mode_ = Mode::Version;
    else if (name == "help") {
        mode_ = Mode::Help;
        stopOptionsProcessing();
    }
}

void App::setUpLogging(const std::string& level) {
    if (!logChannel_) {
        // Every line of every logger passes the redactor (attached once the secrets are known).
        logChannel_ = new RedactingChannel(Poco::AutoPtr<Poco::Channel>(new LogLineWriter(STDERR_FILENO)));
        logChannel_->attach(redactor_);
        Poco::Logger::setChannel("", logChannel_);
    }
    Poco::Logger::root().setLevel(level);
    // Loggers created before this point (by Poco itself) follow the root.
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

int App::main(const std::vector<std::string>& args) {
    if (!args.empty() && mode_ != Mode::Help) {
        // Not served by accident: `homelab-assistant --config F ask ...` means the client.
        std::cerr << "homelab-assistant: unexpected argument '" << args.front()
                  << "' (the client commands come first: homelab-assistant ask|status|mcp [options])\n";
        return EXIT_USAGE;
    }
    if (mode_ == Mode::Help) {
        Poco::Util::HelpFormatter help(options());
        help.setCommand(commandName());
        help.setUsage("[--config FILE] [--check-config | --list-plugins | --version]");
        help.setHeader("Homelab Assistant: a private, read-only assistant for your home server, served over HTTPS.");
        help.setFooter("Client commands, talking to the running server: homelab-assistant ask [QUESTION], "
                       "homelab-assistant status [--json], homelab-assistant mcp (MCP over stdio); "
                       "each has --help.");
        help.format(std::cout);
        std::cout << "\n";  // the footer ends without one
        return EXIT_OK;
    }
    if (mode_ == Mode::Version) {
        std::cout << "homelab-assistant " HA_VERSION " (plugin ABI " << plugin::PluginLoader::hostAbiVersion() << ")\n";
        return EXIT_OK;
    }
    setUpLogging("information");
    Config config;
    try {
        ConfigLoader loader({HA_DEFAULT_CONFIG, HA_DEFAULT_PLUGIN_DIR}, processEnvironment());
        config = loader.load(configPath_, mode_ != Mode::ListPlugins);
    } catch (const ConfigError& e) {
        std::cerr << "homelab-assistant: configuration error: " << e.what() << "\n";
        return EXIT_CONFIG;
    }
    setUpLogging(config.logLevel);
    Poco::Net::initializeSSL();
    try {
        Assistant assistant(config, mode_ != Mode::ListPlugins, redactor_);
        if (mode_ == Mode::ListPlugins) return listPlugins(assistant);
        if (mode_ == Mode::CheckConfig) return checkConfig(assistant);
        return serve(assistant);
    } catch (const StartupError& e) {
        Poco::Logger::get("assistant").critical(e.what());
        return EXIT_CONFIG;
    }
}

int App::serve(Assistant& assistant) {
    std::unique_ptr<http::HttpsServer> server = assistant.createServer();
    std::unique_ptr<http::MetricsListener> metrics = assistant.createMetricsListener();
    server->start();
    if (metrics) {
        metrics->start();
        Poco::Logger::get("assistant").notice("metrics without a key on http://" + metrics->boundAddress() + "/metrics");
    }
    Poco::Logger::get("assistant").notice("homelab-assistant " HA_VERSION " listening on https://" +
                                          server->boundAddress() + " (provider " + assistant.providerDescription() +
                                          ", audit log " + assistant.config().auditPath + ")");
    waitForTerminationRequest();
    Poco::Logger::get("assistant").notice("stopping");
    if (metrics) metrics->stop();
    server->stop();
    return EXIT_OK;
}

int App::checkConfig(Assistant& assistant) {
    const Config& config = assistant.config();
    assistant.createServer();  // certificate, key and address are usable
    assistant.createMetricsListener();
    // A plugin that cannot load is a configuration problem (its settings, its file, its ABI).
    bool refused = false;
    for (const auto& r : assistant.plugins().reports) {
        if (r.loaded) continue;
        std::cerr << "homelab-assistant: plugin " << r.file << " refused: " << r.message << "\n";
        refused = true;
    }
    if (refused) return EXIT_CONFIG;
    std::cout << "configuration OK: " << (config.sourceFile.empty() ? "built-in defaults" : config.sourceFile)
              << ", policy " << config.policyFile << ", " << assistant.catalog().entries().size()
              << " capabilities, provider " << assistant.providerDescription() << "\n";
    return EXIT_OK;
}

int App::listPlugins(Assistant& assistant) {
    int refused = 0;
    for (const auto& r : assistant.plugins().reports) {
        std::cout << (r.loaded ? "loaded   " : "REFUSED  ") << r.file << ": " << r.message << "\n";
        refused += r.loaded ? 0 : 1;
    }
    if (assistant.plugins().reports.empty()) std::cout << "no plugins in " << assistant.config().plugins.directory << "\n";
    for (const auto& entry : assistant.catalog().entries()) {
        const ToolInfo& info = entry.tool->info();
        std::cout << "  " << info.capability << " [" << (info.effect == Effect::ReadOnly ? "read-only" : "mutating")
                  << "] " << (entry.decision.allowed ? "allowed" : "denied") << ": " << entry.decision.reason << "\n";
    }
    return refused == 0 ? EXIT_OK : EXIT_SOFTWARE;
}

}  // namespace ha
