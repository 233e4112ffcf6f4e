// Compact JSON text of a Poco document, written by RapidJSON (Debian's rapidjson-dev): Poco's
// stringifier, through std::ostream and a Var copy per member, was a quarter of the cost of a
// tool call. The host's util/Json writes with it too (a library of its own: ha_json_text).
#pragma once

#include <Poco/Dynamic/Var.h>

#include <memory>
#include <string>
#include <string_view>

namespace ha_plugins {

// JSON text that has been checked and condensed already (by condenseJson), held in a Var:
// jsonText() writes it as it is. The host passes a plugin's result on this way, so a document
// that is only relayed is never built (a Var allocated per value) nor written twice. Shared, so
// copying the Var copies no text.
struct VerbatimJson {
    std::shared_ptr<const std::string> text;
};

std::string jsonText(const Poco::Dynamic::Var& value);

// Compact JSON text written member by member, with no document built first: for the texts a hot
// path writes for every request (the question each plugin's match() reads, the inputs of
// summarize() and checks()). Values are written as jsonText() writes them. The caller keeps the
// structure balanced; text() is the document once it is.
class JsonWriter {
public:
    JsonWriter();
    ~JsonWriter();
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    JsonWriter& startObject();
    JsonWriter& endObject();
    JsonWriter& startArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);
    JsonWriter& string(std::string_view value);
    JsonWriter& boolean(bool value);
    JsonWriter& null();
    JsonWriter& integer(int64_t value);
    // As jsonText() writes a double: integral without ".0", not finite as null.
    JsonWriter& number(double value);
    // A number as the text readJsonEvents() checked, written as it is.
    JsonWriter& rawNumber(std::string_view checkedText);
    JsonWriter& value(const Poco::Dynamic::Var& value);
    // "name": value, in one step.
    JsonWriter& member(std::string_view name, std::string_view value) { return key(name).string(value); }
    JsonWriter& member(std::string_view name, const std::string& value) { return key(name).string(value); }
    JsonWriter& member(std::string_view name, const char* value) { return key(name).string(value); }
    JsonWriter& member(std::string_view name, const Poco::Dynamic::Var& value) { return key(name).value(value); }

    std::string text() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Why condenseJson or parseJson refused a text.
struct JsonTextFailure {
    bool tooDeep = false;        // nesting deeper than maxDepth
    bool nulByte = false;        // a NUL byte before the end of the text
    std::string message;         // RapidJSON's words for a syntax or encoding error
    size_t offset = 0;           // where it was found
};

// Checks that `text` is one JSON document (syntax, UTF-8, at most maxDepth levels of nesting)
// and writes it compact to `out` in the same pass, numbers as jsonText() writes them (an
// integral double without ".0"); members keep their order. False with `failure` filled
// otherwise.
bool condenseJson(std::string_view text, int maxDepth, std::string& out, JsonTextFailure& failure);

// Reads one JSON document (checked as condenseJson checks) into the Poco values Poco's own parser
// makes: integers Int64 (UInt64 above its range), other numbers double, null an empty Var,
// objects sorted by name. RapidJSON's reader, about ten times cheaper than Poco's parser.
bool parseJson(std::string_view text, int maxDepth, Poco::Dynamic::Var& out, JsonTextFailure& failure);

// What one checked reading of a text tells, in document order, for a reader that keeps only what
// it needs (no document built): numbers come as their checked text (readNumber's grammar). An
// event returning false stops the reading (failure.message says so).
class JsonEvents {
public:
    virtual ~JsonEvents() = default;
    virtual bool null() = 0;
    virtual bool boolean(bool value) = 0;
    virtual bool number(std::string_view text) = 0;
    virtual bool string(std::string_view value) = 0;
    virtual bool key(std::string_view name) = 0;
    virtual bool startObject() = 0;
    virtual bool endObject() = 0;
    virtual bool startArray() = 0;
    virtual bool endArray() = 0;
};

// Reads `text` into `events`, checked as condenseJson checks it (syntax, UTF-8, no NUL byte, at
// most maxDepth levels of nesting). False with `failure` filled when the text is refused or an
// event stopped the reading.
bool readJsonEvents(std::string_view text, int maxDepth, JsonEvents& events, JsonTextFailure& failure);

// The failure in words: "nesting deeper than 64 levels", "Missing a colon ... (at byte 7)".
std::string describe(const JsonTextFailure& failure, int maxDepth);

}  // namespace ha_plugins
