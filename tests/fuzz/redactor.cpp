// Fuzz target: the one redaction step. The first line holds secrets separated by '|', the rest
// is text as it would leave the process; no configured secret may survive in the result.
#include "secrets/Redactor.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t lineEnd = input.find('\n');
    const std::string head = lineEnd == std::string::npos ? "" : input.substr(0, lineEnd);
    const std::string text = lineEnd == std::string::npos ? input : input.substr(lineEnd + 1);
    std::vector<std::string> secrets;
    for (size_t start = 0; start <= head.size() && secrets.size() < 8;) {
        const size_t end = std::min(head.find('|', start), head.size());
        secrets.push_back(head.substr(start, end - start));
        start = end + 1;
    }
    const ha::Redactor redactor(secrets);
    const std::string out = redactor.redact(text);
    const std::string logged = redactor.redactForLog(text, 1 + size % 300);
    for (const std::string& s : secrets) {
        // A secret could only reappear next to a mask if it shared the mask's brackets.
        if (s.size() >= 8 && s.find_first_of("[]") == std::string::npos && out.find(s) != std::string::npos) std::abort();
    }
    (void)logged;
    return 0;
}
