#include "TestSupport.h"

#include "plugin/PluginProvider.h"

#include "util/Json.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace ha::test {

TempDir::TempDir() {
    char pattern[] = "/tmp/ha-test-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
    ::chmod(path_.c_str(), 0755);
}

TempDir::~TempDir() {
    try {
        Poco::File(path_).remove(true);
    } catch (...) {
    }
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << content;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void copyFile(const std::string& from, const std::string& to) {
    writeFile(to, readFile(from));
    ::chmod(to.c_str(), 0755);
}

FakeTool::FakeTool(std::string capability, Effect effect, std::string resultJson, std::string schema,
                   std::string pluginId)
    : result_(std::move(resultJson)) {
    info_.capability = capability;
    info_.function = capability;
    for (char& c : info_.function) {
        if (c == '.') c = '_';
    }
    info_.description = "fake " + capability;
    info_.inputSchema = schema;
    info_.inputSchemaObject = json::parseObject(schema);
    info_.effect = effect;
    info_.pluginId = std::move(pluginId);
}

ToolOutput FakeTool::invoke(const std::string& inputJson, Deadline, const CallContext&) {
    ++calls;
    lastInput = inputJson;
    ToolOutput out;
    out.status = status;
    if (auto f = failuresByInput.find(inputJson); f != failuresByInput.end()) {
        out.status = f->second.first;
        out.error = f->second.second;
        return out;
    }
    if (auto r = resultsByInput.find(inputJson); r != resultsByInput.end()) {
        out.status = CallStatus::Ok;
        out.result = json::parse(r->second);
    } else if (status == CallStatus::Ok) {
        out.result = json::parse(result_);
    } else {
        out.error = status == CallStatus::NotFound ? "not found" : "fake failure";
    }
    return out;
}

ProviderReply ScriptedProvider::chat(const ChatRequest& request) {
    sentMessages.push_back(json::stringify(json::parseObject(plugin::PluginProvider::requestJson(request))->get("messages")));
    std::vector<std::string> names;
    for (const auto& t : request.functions) names.push_back(t.function);
    sentSubjects.push_back(request.subject);
    sentTools.push_back(names);
    if (throwBefore) throwBefore();
    if (replies.empty()) return textReply("(no script)");
    ProviderReply r = replies.front();
    if (replies.size() > 1) replies.erase(replies.begin());
    // Like a model that streams: the text in pieces of up to three bytes.
    if (request.context.onText) {
        for (size_t i = 0; i < r.content.size(); i += 3) request.context.onText(std::string_view(r.content).substr(i, 3));
    }
    return r;
}

ProviderReply toolCallReply(const std::string& id, const std::string& function, const std::string& arguments) {
    ProviderReply r;
    r.toolCalls.push_back({id, function, arguments});
    r.finishReason = "tool_calls";
    return r;
}

ProviderReply textReply(const std::string& text) {
    ProviderReply r;
    r.content = text;
    r.finishReason = "stop";
    return r;
}

std::string answersInput(const std::string& question, const std::vector<std::string>& allowed, const std::string& subjectJson) {
    std::string text = " ";
    for (char c : question) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (std::isalnum(static_cast<unsigned char>(l))) {
            text += l;
        } else if (text.back() != ' ') {
            text += ' ';
        }
    }
    if (text.back() != ' ') text += ' ';
    json::Array::Ptr capabilities = new json::Array;
    for (const auto& a : allowed) capabilities->add(a);
    return "{\"text\":" + json::stringify(json::Var(text)) + ",\"question\":" + json::stringify(json::Var(question)) +
           ",\"words\":[],\"subject\":" + subjectJson + ",\"allowed\":" + json::stringify(json::Var(capabilities)) + "}";
}

}  // namespace ha::test
