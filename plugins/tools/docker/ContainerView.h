// Turns Docker's container JSON into what the assistant may see. Fields are copied from an
// allow-list: environment variables, command lines, entrypoints and labels that look like
// secrets never leave the plugin.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <ctime>
#include <string>

namespace ha_plugins::docker {

// "2026-11-24T10:23:50.123456789Z" -> Unix seconds; 0 for empty or "0001-01-01T00:00:00Z".
int64_t parseDockerTime(const std::string& text);
// Unix seconds -> "2026-11-24 10:23:50 UTC"; "" for 0.
std::string formatUtc(int64_t unixSeconds);

// A label whose key or value looks like a credential (password, token, secret, key, *.pwd,
// *_pw, otp_seed ...): its value is shown as [REDACTED].
bool looksSecret(const std::string& key, const std::string& value);

// Summary of one container from the list entry and its inspect document (may be null).
Poco::JSON::Object::Ptr containerSummary(const Poco::JSON::Object::Ptr& listEntry, const Poco::JSON::Object::Ptr& inspect,
                                         int64_t now);
// Everything safe about one container, from its inspect document (probe output, errors and
// label values with credentials masked).
Poco::JSON::Object::Ptr containerDetails(const Poco::JSON::Object::Ptr& inspect, int64_t now);
// "nginx" from "/nginx" (first name of a list entry, or Name of an inspect document).
std::string containerName(const Poco::JSON::Object::Ptr& doc);
// CPU and memory use of one container from a stats document, computed as `docker stats` does.
Poco::JSON::Object::Ptr containerUsage(const std::string& name, const Poco::JSON::Object::Ptr& stats);
// Published ports as "0.0.0.0:8080->80/tcp" from a list entry's Ports.
Poco::JSON::Array::Ptr publishedPorts(const Poco::JSON::Array::Ptr& ports);

}  // namespace ha_plugins::docker
