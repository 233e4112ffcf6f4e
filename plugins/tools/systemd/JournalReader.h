// Reads the systemd journal with sd-journal: the local system journal, or the journal files in
// a directory (a container's /var/log/journal, the host's mounted at /host/var/log/journal).
// Not thread-safe: one instance per call.
#pragma once

#include "tools/systemd/ServiceEvents.h"

#include <cstdint>
#include <string>
#include <vector>

struct sd_journal;

namespace ha_plugins::systemd {

class JournalReader {
public:
    // directory "" opens the local system journal. Throws homelab_assistant::Error:
    // HA_ERR_UNAVAILABLE when it cannot be opened, HA_ERR_DENIED when no file in it is readable
    // (reading the system journal needs group systemd-journal).
    explicit JournalReader(const std::string& directory);
    ~JournalReader();
    JournalReader(const JournalReader&) = delete;
    JournalReader& operator=(const JournalReader&) = delete;

    // systemd's catalog messages about units (ServiceEvents.h) since sinceUsec, oldest first, at
    // most maxEntries; stops at deadlineNs (CLOCK_MONOTONIC) with HA_ERR_TIMEOUT.
    std::vector<JournalRecord> unitMessages(uint64_t sinceUsec, size_t maxEntries, uint64_t deadlineNs);

    // The last lines a unit logged, or systemd logged about it, oldest first: at most `count`
    // lines of at most lineBytes each, and at most totalBytes together.
    std::vector<LogLine> lastLines(const std::string& unit, size_t count, size_t lineBytes, size_t totalBytes);

    const std::string& where() const { return where_; }

private:
    std::string field(const char* name) const;

    sd_journal* journal_ = nullptr;
    std::string where_;
};

}  // namespace ha_plugins::systemd
