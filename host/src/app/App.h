// The homelab-assistant executable: option handling, logging, and the serve / --check-config /
// --list-plugins / --version modes.
#pragma once

#include "secrets/RedactingChannel.h"
#include "secrets/Redactor.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/ServerApplication.h>

#include <memory>
#include <string>

namespace ha {

class App : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    enum class Mode { Serve, CheckConfig, ListPlugins, Version, Help };

    void setUpLogging(const std::string& level);
    int serve(class Assistant& assistant);
    int listPlugins(class Assistant& assistant);
    int checkConfig(class Assistant& assistant);

    Mode mode_ = Mode::Serve;
    std::string configPath_;
    // The one redactor of the process: the log channel applies it, the assistant fills it.
    std::shared_ptr<Redactor> redactor_ = std::make_shared<Redactor>();
    Poco::AutoPtr<RedactingChannel> logChannel_;
};

}  // namespace ha
