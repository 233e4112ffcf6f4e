// Recorded outputs under tests/fixtures/<area>/: each file starts with '#' lines naming its
// source, which are dropped here; the rest is the output exactly as it was recorded.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ha::test {

inline std::string recordedFixture(const std::string& area, const std::string& name) {
    const std::string path = std::string(HA_TEST_FIXTURES) + "/" + area + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + path);
    std::ostringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    size_t start = 0;
    while (start < text.size() && text[start] == '#') {
        const size_t end = text.find('\n', start);
        if (end == std::string::npos) return "";
        start = end + 1;
    }
    return text.substr(start);
}

}  // namespace ha::test
