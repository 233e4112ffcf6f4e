// Strict, line-aware reading of YAML files (config and policy): every error names file:line.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ha::yaml {

class YamlError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Loads a file; syntax errors become "file:line:column: message". An empty file is an empty map.
YAML::Node loadFile(const std::string& path);
// Same for text already in memory (name is used in messages).
YAML::Node loadText(const std::string& text, const std::string& name);

// A mapping node plus its location, with typed getters that fail with precise messages.
class Section {
public:
    Section(YAML::Node node, std::string file, std::string path);

    // Fails on keys outside `allowed` (catches typos).
    void allowOnly(std::initializer_list<std::string_view> allowed) const;
    bool has(const std::string& key) const;

    std::optional<std::string> string(const std::string& key) const;
    std::optional<int64_t> integer(const std::string& key, int64_t min, int64_t max) const;
    std::optional<double> number(const std::string& key, double min, double max) const;
    std::optional<bool> boolean(const std::string& key) const;
    std::optional<std::vector<std::string>> strings(const std::string& key) const;
    // A nested mapping; an empty section when the key is missing or null.
    Section section(const std::string& key) const;
    YAML::Node node(const std::string& key) const;
    std::vector<std::string> keys() const;

    // "file:line" of a node of this section (or of the section itself).
    std::string where(const YAML::Node& n) const;
    std::string where() const { return where(node_); }
    std::string qualified(const std::string& key) const;
    [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;

private:
    YAML::Node node_;
    std::string file_;
    std::string path_;
};

// A YAML value as JSON text (scalars typed by YAML 1.2 core rules; quoted scalars stay strings).
std::string toJson(const YAML::Node& node);

}  // namespace ha::yaml
