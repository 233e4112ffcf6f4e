// A local OpenAI-compatible Chat Completions server for tests (127.0.0.1 only). It replays a
// script of recorded Groq/OpenAI/llama.cpp response shapes, one step per request (the last step
// repeats), and records every request so tests can check what the assistant sent.
//
//   fake_llm_server --port-file F [--tls CERT KEY] [--expect-key KEY]
//   POST /__control/script   body: [{"status":200,"headers":{..},"body":{..}|"text",
//                                    "body_file":"path","delay_ms":N,"hang":true}, ...]
//                            loads a new script and forgets recorded requests. A step may
//                            stream instead, as text/event-stream in chunked encoding:
//                            "stream_file":"x.sse" (a recorded stream, sent event by event),
//                            or "stream":[chunk, ...] (each `data: <json>`, then `data: [DONE]`
//                            unless "done":false), with "chunk_delay_ms":N before each event
//                            and "hang_after":N (stop sending after N events and hold the
//                            connection open). While it hangs it watches the client: the
//                            request's record gets "closed_after_ms" when the client hung up.
//   GET  /__control/requests the recorded requests: [{"path","auth","body"}, ...]; "auth" is
//                            "ok"/"wrong"/"missing" against --expect-key, or "present"/"missing"
//   anything else            the next script step
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <poll.h>
#include <thread>
#include <vector>

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

struct State {
    std::mutex mutex;
    Array::Ptr script = new Array;
    size_t next = 0;
    Array::Ptr requests = new Array;
    std::string expectKey;
};

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream s;
    Poco::JSON::Stringifier::condense(v, s);
    return s.str();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(State& state) : state_(state) {}

    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        std::string body;
        Poco::StreamCopier::copyToString(req.stream(), body);
        if (req.getURI() == "/__control/script") {
            Poco::JSON::Parser parser;
            auto script = parser.parse(body).extract<Array::Ptr>();
            std::lock_guard<std::mutex> lock(state_.mutex);
            state_.script = script;
            state_.next = 0;
            state_.requests = new Array;
            send(resp, 200, "{\"ok\":true}");
            return;
        }
        if (req.getURI() == "/__control/requests") {
            std::lock_guard<std::mutex> lock(state_.mutex);
            send(resp, 200, stringify(state_.requests));
            return;
        }
        Object::Ptr recorded;
        Object::Ptr step = record(req, body, recorded);
        if (!step) {
            send(resp, 500, R"({"error":{"message":"the fake server has no script","type":"server_error"}})");
            return;
        }
        if (step->has("delay_ms")) std::this_thread::sleep_for(std::chrono::milliseconds(step->getValue<int>("delay_ms")));
        if (step->optValue<bool>("hang", false)) {
            hang(req, recorded);  // the client gives up first
            return;
        }
        if (step->has("stream") || step->has("stream_file")) {
            stream(req, resp, step, recorded);
            return;
        }
        if (step->has("headers")) {
            for (const auto& [name, value] : *step->getObject("headers")) resp.set(name, value.convert<std::string>());
        }
        std::string out;
        if (step->has("body_file")) out = readFile(step->getValue<std::string>("body_file"));
        else if (step->has("body") && step->get("body").isString()) out = step->getValue<std::string>("body");
        else if (step->has("body")) out = stringify(step->get("body"));
        send(resp, step->optValue<int>("status", 200), out);
    }

private:
    // The events of a streaming step, each with its blank line.
    static std::vector<std::string> events(const Object::Ptr& step) {
        std::vector<std::string> out;
        if (step->has("stream_file")) {
            const std::string text = readFile(step->getValue<std::string>("stream_file"));
            size_t start = 0;
            while (start < text.size()) {
                size_t end = text.find("\n\n", start);
                end = end == std::string::npos ? text.size() : end + 2;
                out.push_back(text.substr(start, end - start));
                start = end;
            }
            return out;
        }
        auto chunks = step->getArray("stream");
        for (size_t i = 0; i < chunks->size(); ++i) {
            const auto c = chunks->get(static_cast<unsigned>(i));
            out.push_back("data: " + (c.isString() ? c.extract<std::string>() : stringify(c)) + "\n\n");
        }
        if (step->optValue<bool>("done", true)) out.push_back("data: [DONE]\n\n");
        return out;
    }

    void stream(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, const Object::Ptr& step,
                const Object::Ptr& recorded) {
        const auto frames = events(step);
        const int delay = step->optValue<int>("chunk_delay_ms", 0);
        const int hangAfter = step->optValue<int>("hang_after", -1);
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(step->optValue<int>("status", 200)));
        resp.setContentType("text/event-stream");
        resp.set("Cache-Control", "no-cache");
        resp.setChunkedTransferEncoding(true);
        std::ostream& out = resp.send();
        out.flush();
        for (size_t i = 0; i < frames.size(); ++i) {
            if (hangAfter >= 0 && static_cast<int>(i) == hangAfter) {
                hang(req, recorded);
                return;
            }
            if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
            out << frames[i];
            out.flush();
            if (!out) {
                note(recorded, "write_failed_at_event", static_cast<int>(i));
                return;
            }
        }
    }

    // Holds the exchange open for up to 30 s, noting when the client closed its side.
    void hang(Poco::Net::HTTPServerRequest& req, const Object::Ptr& recorded) {
        int fd = -1;
        if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req)) fd = impl->socket().impl()->sockfd();
        const auto start = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
            pollfd p{fd, POLLRDHUP, 0};
            if (fd >= 0 && ::poll(&p, 1, 50) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
                note(recorded, "closed_after_ms", static_cast<int>(ms.count()));
                return;
            }
            if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    void note(Object::Ptr recorded, const std::string& key, int value) {
        std::lock_guard<std::mutex> lock(state_.mutex);
        recorded->set(key, value);
    }

    Object::Ptr record(Poco::Net::HTTPServerRequest& req, const std::string& body, Object::Ptr& recorded) {
        Object::Ptr r = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        r->set("method", req.getMethod());
        r->set("path", req.getURI());
        const std::string auth = req.get("Authorization", "");
        std::string verdict = auth.empty() ? "missing" : "present";
        if (!state_.expectKey.empty() && !auth.empty()) verdict = auth == "Bearer " + state_.expectKey ? "ok" : "wrong";
        r->set("auth", verdict);  // never the key itself
        try {
            Poco::JSON::Parser parser;
            r->set("body", parser.parse(body));
        } catch (const Poco::Exception&) {
            r->set("body", body);
        }
        std::lock_guard<std::mutex> lock(state_.mutex);
        state_.requests->add(r);
        recorded = r;
        if (state_.script->size() == 0) return nullptr;
        const size_t i = std::min(state_.next, state_.script->size() - 1);
        ++state_.next;
        return state_.script->getObject(static_cast<unsigned>(i));
    }

    static void send(Poco::Net::HTTPServerResponse& resp, int status, const std::string& body) {
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        resp.setContentType("application/json");
        resp.setContentLength(static_cast<std::streamsize>(body.size()));
        resp.send() << body;
    }

    State& state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(State& state) : state_(state) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(state_);
    }

private:
    State& state_;
};

}  // namespace

int main(int argc, char** argv) {
    std::string portFile, cert, key;
    State state;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--port-file" && i + 1 < argc) portFile = argv[++i];
        else if (a == "--tls" && i + 2 < argc) { cert = argv[++i]; key = argv[++i]; }
        else if (a == "--expect-key" && i + 1 < argc) state.expectKey = argv[++i];
        else { std::cerr << "usage: fake_llm_server --port-file F [--tls CERT KEY] [--expect-key KEY]\n"; return 2; }
    }
    // Termination is awaited with sigwait(): block the signals before any thread starts.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    const Poco::Net::SocketAddress address("127.0.0.1", 0);
    Poco::Net::ServerSocket socket;
    if (!cert.empty()) {
        Poco::Net::Context::Params p;
        p.certificateFile = cert;
        p.privateKeyFile = key;
        p.verificationMode = Poco::Net::Context::VERIFY_NONE;
        socket = Poco::Net::SecureServerSocket(address, 64, new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, p));
    } else {
        socket = Poco::Net::ServerSocket(address, 64);
    }
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(16);
    params->setKeepAlive(false);
    Poco::Net::HTTPServer server(new Factory(state), socket, params);
    server.start();
    {
        std::ofstream out(portFile + ".tmp");
        out << socket.address().port() << "\n";
    }
    std::rename((portFile + ".tmp").c_str(), portFile.c_str());
    int sig = 0;
    sigwait(&set, &sig);
    server.stopAll(true);
    std::_Exit(0);  // a "hang" step may still be sleeping in a handler thread
}
