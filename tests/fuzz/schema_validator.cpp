// Fuzz target: the host's JSON Schema subset, which checks every plugin's schemas and settings and
// every argument a model sends. The input is a schema, then a line "---", then a value. The value
// also checks json::condense (how a plugin's result is passed on) against json::parse: it accepts
// exactly what parse accepts, and its text reads back as the same document.
#include "tools/SchemaValidator.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

void checkCondenseAgreesWithParse(const std::string& text) {
    using namespace ha;
    std::optional<std::string> parsed, condensed;
    try {
        parsed = json::stringify(json::parse(text));
    } catch (const json::JsonError&) {
    }
    try {
        condensed = json::stringify(json::parse(json::condense(text)));
    } catch (const json::JsonError&) {
    }
    if (parsed != condensed) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace ha;
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t split = input.find("\n---\n");
    const std::string schemaText = split == std::string::npos ? input : input.substr(0, split);
    const std::string valueText = split == std::string::npos ? "{}" : input.substr(split + 5);
    checkCondenseAgreesWithParse(valueText);
    json::Object::Ptr schema;
    json::Var value;
    try {
        schema = json::parseObject(schemaText);
        value = json::parse(valueText);
    } catch (const json::JsonError&) {
        return 0;
    }
    (void)schema::checkToolSchema(schema);
    (void)schema::validate(value, schema);
    (void)schema::validate(json::Var(schema), schema);
    (void)schema::secretValues(value, schema);
    return 0;
}
