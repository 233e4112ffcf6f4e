#include "tools/systemd/JournalReader.h"

#include "tools/systemd/LogRedactor.h"

#include <homelab_assistant/plugin.hpp>

#include <systemd/sd-journal.h>

#include <algorithm>
#include <cstring>

namespace ha_plugins::systemd {

using homelab_assistant::Error;

namespace {

// Fields read from every entry (MESSAGE is cut to this many bytes by sd-journal already).
constexpr size_t kDataThreshold = 16 * 1024;
constexpr const char* kEventFields[] = {"MESSAGE_ID", "MESSAGE", "UNIT", "EXIT_CODE", "EXIT_STATUS", "COMMAND",
                                        "UNIT_RESULT", "JOB_RESULT", "N_RESTARTS", "PRIORITY", "_PID", "_UID",
                                        "COREDUMP_UNIT", "COREDUMP_SIGNAL", "COREDUMP_EXE", "COREDUMP_COMM", "CODE_FUNC",
                                        "_SYSTEMD_UNIT"};

std::string errnoText(int negativeErrno) { return std::strerror(-negativeErrno); }

void addMatch(sd_journal* j, const std::string& match) {
    const int r = sd_journal_add_match(j, match.data(), match.size());
    if (r < 0) throw Error(HA_ERR_INTERNAL, "cannot filter the journal (" + match + "): " + errnoText(r));
}

}  // namespace

JournalReader::JournalReader(const std::string& directory) {
    int r = 0;
    if (directory.empty()) {
        where_ = "the local system journal";
        r = sd_journal_open(&journal_, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
    } else {
        where_ = directory;
        r = sd_journal_open_directory(&journal_, directory.c_str(), 0);
    }
    if (r < 0) {
        journal_ = nullptr;
        throw Error(r == -EACCES || r == -EPERM ? HA_ERR_DENIED : HA_ERR_UNAVAILABLE,
                    "cannot open the journal at " + where_ + ": " + errnoText(r));
    }
    // sd-journal silently skips files it may not read: an empty view is a permission problem.
    uint64_t usage = 0;
    if (sd_journal_get_usage(journal_, &usage) < 0 || usage == 0) {
        sd_journal_close(journal_);
        journal_ = nullptr;
        throw Error(HA_ERR_DENIED, "no readable journal files in " + where_ +
                                       " (reading the system journal needs membership in group systemd-journal)");
    }
    sd_journal_set_data_threshold(journal_, kDataThreshold);
}

JournalReader::~JournalReader() {
    if (journal_ != nullptr) sd_journal_close(journal_);
}

std::string JournalReader::field(const char* name) const {
    const void* data = nullptr;
    size_t length = 0;
    if (sd_journal_get_data(journal_, name, &data, &length) < 0) return "";
    const size_t prefix = std::strlen(name) + 1;  // "NAME="
    if (length < prefix) return "";
    return std::string(static_cast<const char*>(data) + prefix, length - prefix);
}

std::vector<JournalRecord> JournalReader::unitMessages(uint64_t sinceUsec, size_t maxEntries, uint64_t deadlineNs) {
    sd_journal_flush_matches(journal_);
    for (const char* id : {kMessageUnitProcessExit, kMessageUnitFailureResult, kMessageUnitRestartScheduled,
                           kMessageUnitFailed, kMessageCoredump}) {
        addMatch(journal_, std::string("MESSAGE_ID=") + id);
    }
    sd_journal_add_disjunction(journal_);
    for (const char* function : kStartLimitFunctions) addMatch(journal_, std::string("CODE_FUNC=") + function);
    int r = sd_journal_seek_realtime_usec(journal_, sinceUsec);
    if (r < 0) throw Error(HA_ERR_UNAVAILABLE, "cannot seek in the journal at " + where_ + ": " + errnoText(r));
    std::vector<JournalRecord> out;
    while (out.size() < maxEntries && (r = sd_journal_next(journal_)) > 0) {
        if ((out.size() & 63u) == 0 && homelab_assistant::monotonicNowNs() >= deadlineNs) {
            throw Error(HA_ERR_TIMEOUT, "reading the journal at " + where_ + " took too long");
        }
        JournalRecord rec;
        if (sd_journal_get_realtime_usec(journal_, &rec.realtimeUsec) < 0 || rec.realtimeUsec < sinceUsec) continue;
        for (const char* name : kEventFields) {
            std::string value = field(name);
            if (!value.empty()) rec.fields.emplace(name, std::move(value));
        }
        out.push_back(std::move(rec));
    }
    if (r < 0) throw Error(HA_ERR_UNAVAILABLE, "cannot read the journal at " + where_ + ": " + errnoText(r));
    return out;
}

std::vector<LogLine> JournalReader::lastLines(const std::string& unit, size_t count, size_t lineBytes, size_t totalBytes) {
    // What `systemctl status` shows: the unit's own output, PID 1's messages about it, and
    // systemd-coredump's report of its crashes.
    sd_journal_flush_matches(journal_);
    addMatch(journal_, "_SYSTEMD_UNIT=" + unit);
    sd_journal_add_disjunction(journal_);
    addMatch(journal_, "UNIT=" + unit);
    addMatch(journal_, "_PID=1");
    sd_journal_add_disjunction(journal_);
    addMatch(journal_, "COREDUMP_UNIT=" + unit);
    addMatch(journal_, "_COMM=systemd-coredum");  // the kernel's 15-character process name
    std::vector<LogLine> lines;
    if (sd_journal_seek_tail(journal_) < 0) return lines;
    size_t bytes = 0;
    while (lines.size() < count && sd_journal_previous(journal_) > 0) {
        LogLine line;
        sd_journal_get_realtime_usec(journal_, &line.realtimeUsec);
        std::string message = field("MESSAGE");
        const size_t nl = message.find('\n');  // a core dump's stack trace follows its first line
        if (nl != std::string::npos) message.resize(nl);
        line.text = safeLogLine(message, lineBytes);
        std::string source = field("SYSLOG_IDENTIFIER");
        if (source.empty()) source = field("_COMM");
        const std::string pid = field("_PID");
        line.source = cleanText(source, 64);
        if (!pid.empty() && pid != "1" && !line.source.empty()) line.source += "[" + cleanText(pid, 16) + "]";
        if (bytes + line.text.size() > totalBytes && !lines.empty()) break;
        bytes += line.text.size();
        lines.push_back(std::move(line));
    }
    std::reverse(lines.begin(), lines.end());
    return lines;
}

}  // namespace ha_plugins::systemd
