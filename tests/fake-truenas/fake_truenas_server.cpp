// A local stand-in for TrueNAS SCALE's middleware (127.0.0.1 only): HTTPS with a WebSocket
// upgrade at /api/current speaking JSON-RPC 2.0 like truenas/middleware's
// api/base/server/ws_handler/rpc.py, answering from the fixtures in tests/fixtures/truenas
// (shapes recorded from the middleware's public sources; see the README there). It logs every
// message it receives, so that tests can check what a client sent.
//
//   fake_truenas_server --cert C --tls-key K --port-file F --log FILE --fixtures DIR [--fixtures DIR2 ...]
//       --user NAME --api-key KEY        the one valid key (auth.login_ex answers SUCCESS)
//       [--expired-key KEY]              answers EXPIRED (an expired key, or one revoked after ws:// use)
//       [--revoked-key KEY]              answers AUTH_ERR, as TrueNAS does for a revoked key
//       [--denied-key KEY]               answers DENIED (the user may not use the API, 26.0+)
//       [--slow METHOD=MS]               answers METHOD after MS milliseconds (others meanwhile)
//       [--drop METHOD]                  closes the connection when METHOD arrives, unanswered
//       [--error METHOD=ERRNAME:REASON]  answers METHOD with a -32001 call error
//       [--idle-close-ms N]              closes a connection that was silent for N ms (nginx's
//                                        proxy_read_timeout in front of the real middleware)
// Any other key is AUTH_ERR. Calls before a successful login get ENOTAUTHENTICATED, methods
// without a fixture -32601. Query options "select" (dotted paths) and "limit" are applied like
// the middleware's filter_list. Later --fixtures directories override earlier ones. Every
// fixture date {"$date": ms} is moved by (start time - recorded_at).
//
// Log lines (JSON): {"event":"connect","conn":N}, {"event":"call","conn":N,"id":..,"method":..,
// "params":..} (auth.login_ex params reduced to mechanism and username: the key is never
// logged), {"event":"close","conn":N,"reason":..}.
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
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/WebSocket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Clock = std::chrono::steady_clock;

struct Config {
    std::map<std::string, Var> results;  // method -> result (dates shifted)
    std::string user, validKey, expiredKey, revokedKey, deniedKey;
    std::map<std::string, int> slowMs;
    std::map<std::string, bool> drop;
    std::map<std::string, std::pair<std::string, std::string>> errors;  // method -> errname, reason
    int idleCloseMs = 0;
    std::string logPath;
};

std::mutex logMutex;
std::atomic<int> connections{0};

std::string stringify(const Var& v) {
    std::ostringstream s;
    Poco::JSON::Stringifier::condense(v, s);
    return s.str();
}

void logLine(const Config& config, const Object::Ptr& line) {
    std::lock_guard<std::mutex> lock(logMutex);
    std::ofstream out(config.logPath, std::ios::app);
    out << stringify(line) << "\n";
}

Object::Ptr ordered() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Moves every {"$date": ms} by shiftMs, in place.
void shiftDates(const Var& v, int64_t shiftMs) {
    if (v.type() == typeid(Object::Ptr)) {
        auto o = v.extract<Object::Ptr>();
        if (o->size() == 1 && o->has("$date") && o->get("$date").isNumeric()) {
            o->set("$date", o->getValue<int64_t>("$date") + shiftMs);
            return;
        }
        for (const auto& name : o->getNames()) shiftDates(o->get(name), shiftMs);
    } else if (v.type() == typeid(Array::Ptr)) {
        auto a = v.extract<Array::Ptr>();
        for (size_t i = 0; i < a->size(); ++i) shiftDates(a->get(static_cast<unsigned>(i)), shiftMs);
    }
}

void loadFixtures(Config& config, const std::string& dir) {
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) throw std::runtime_error("cannot open " + dir);
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    while (dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() < 6 || name.substr(name.size() - 5) != ".json") continue;
        Poco::JSON::Parser parser;
        auto doc = parser.parse(readFile(dir + "/" + name)).extract<Object::Ptr>();
        const int64_t recorded = doc->getObject("recorded_at")->getValue<int64_t>("$date");
        Var result = doc->get("result");
        shiftDates(result, nowMs - recorded);
        config.results[doc->getValue<std::string>("method")] = result;
    }
    closedir(d);
}

// The middleware's select (utils/filter_list.py do_select/select_path): dotted paths into
// objects, entries missing a path are left out, a path through a non-object stops there.
Var selectFields(const Var& entry, const Array::Ptr& select) {
    if (entry.type() != typeid(Object::Ptr)) return entry;
    auto source = entry.extract<Object::Ptr>();
    Object::Ptr out = ordered();
    for (size_t i = 0; i < select->size(); ++i) {
        const std::string path = select->get(static_cast<unsigned>(i)).convert<std::string>();
        std::vector<std::string> keys;
        Var cur = source;
        bool missing = false;
        size_t start = 0;
        while (start <= path.size()) {
            const size_t dot = path.find('.', start);
            const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            if (cur.type() == typeid(Object::Ptr)) {
                auto o = cur.extract<Object::Ptr>();
                if (!o->has(part)) {
                    missing = true;
                    break;
                }
                cur = o->get(part);
                keys.push_back(part);
            } else if (cur.type() == typeid(Array::Ptr)) {
                throw std::runtime_error("Selecting by list index is not supported");
            }
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
        if (missing) continue;
        Object::Ptr target = out;
        for (size_t k = 0; k + 1 < keys.size(); ++k) {
            if (!target->has(keys[k]) || target->get(keys[k]).type() != typeid(Object::Ptr)) target->set(keys[k], ordered());
            target = target->getObject(keys[k]);
        }
        target->set(keys.back(), cur);
    }
    return out;
}

Var applyQueryOptions(const Var& result, const Array::Ptr& params) {
    if (result.type() != typeid(Array::Ptr) || !params || params->size() < 2) return result;
    if (params->get(1).type() != typeid(Object::Ptr)) return result;
    auto options = params->getObject(1);
    auto list = result.extract<Array::Ptr>();
    Array::Ptr out = new Array;
    const size_t limit = options->has("limit") ? options->getValue<size_t>("limit") : list->size();
    for (size_t i = 0; i < list->size() && out->size() < limit; ++i) {
        Var e = list->get(static_cast<unsigned>(i));
        if (options->has("select")) e = selectFields(e, options->getArray("select"));
        out->add(e);
    }
    return out;
}

std::string response(const Var& id, const Var& result) {
    Object::Ptr m = ordered();
    m->set("jsonrpc", "2.0");
    m->set("id", id);
    m->set("result", result);
    return stringify(m);
}

std::string errorResponse(const Var& id, int code, const std::string& message, const std::string& errname = "",
                          const std::string& reason = "") {
    Object::Ptr error = ordered();
    error->set("code", code);
    error->set("message", message);
    if (!errname.empty()) {
        Object::Ptr data = ordered();
        data->set("error", errname == "EACCES" ? 13 : errname == "ENOTAUTHENTICATED" ? 207 : 14);
        data->set("errname", errname);
        data->set("reason", reason);
        data->set("trace", Var());
        data->set("extra", Var());
        error->set("data", data);
    }
    Object::Ptr m = ordered();
    m->set("jsonrpc", "2.0");
    m->set("id", id);
    m->set("error", error);
    return stringify(m);
}

class Session {
public:
    Session(const Config& config, Poco::Net::WebSocket& ws, int conn) : config_(config), ws_(ws), conn_(conn) {}

    void run() {
        std::string reason = "client closed";
        auto lastActivity = Clock::now();
        try {
            for (;;) {
                flushDue();
                int timeoutMs = 100;
                if (!delayed_.empty()) {
                    timeoutMs = static_cast<int>(std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(delayed_.front().first - Clock::now()).count()));
                    timeoutMs = std::min(timeoutMs, 100);
                }
                if (config_.idleCloseMs > 0 && delayed_.empty() &&
                    Clock::now() - lastActivity > std::chrono::milliseconds(config_.idleCloseMs)) {
                    reason = "idle close";
                    break;  // like nginx: the TCP connection just ends
                }
                if (ws_.available() <= 0) {
                    pollfd p{ws_.impl()->sockfd(), POLLIN, 0};
                    if (::poll(&p, 1, timeoutMs) <= 0) continue;
                }
                Poco::Buffer<char> buffer(0);
                int flags = 0;
                const int n = ws_.receiveFrame(buffer, flags);
                if (n == 0 && flags == 0) break;
                const int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
                if (op == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
                    ws_.shutdown();
                    break;
                }
                if (op != Poco::Net::WebSocket::FRAME_OP_TEXT) continue;
                lastActivity = Clock::now();
                if (!handle(std::string(buffer.begin(), static_cast<size_t>(n)))) {
                    reason = "dropped on purpose";
                    break;
                }
            }
        } catch (const Poco::Exception& e) {
            reason = e.displayText();
        }
        Object::Ptr line = ordered();
        line->set("event", "close");
        line->set("conn", conn_);
        line->set("reason", reason);
        logLine(config_, line);
    }

private:
    // false: drop the connection now.
    bool handle(const std::string& text) {
        Poco::JSON::Parser parser;
        Object::Ptr msg;
        try {
            msg = parser.parse(text).extract<Object::Ptr>();
        } catch (const Poco::Exception&) {
            send(errorResponse(Var(), -32700, "Invalid JSON"));
            return true;
        }
        const Var id = msg->get("id");
        const std::string method = msg->optValue<std::string>("method", "");
        Array::Ptr params = msg->has("params") && msg->get("params").type() == typeid(Array::Ptr) ? msg->getArray("params") : Array::Ptr(new Array);
        Object::Ptr line = ordered();
        line->set("event", "call");
        line->set("conn", conn_);
        line->set("id", id);
        line->set("method", method);
        if (method == "auth.login_ex") {
            Object::Ptr shown = ordered();
            auto data = params->size() > 0 && params->get(0).type() == typeid(Object::Ptr) ? params->getObject(0) : ordered();
            shown->set("mechanism", data->optValue<std::string>("mechanism", ""));
            shown->set("username", data->optValue<std::string>("username", ""));
            line->set("params", shown);
        } else {
            line->set("params", params);
        }
        logLine(config_, line);
        if (msg->optValue<std::string>("jsonrpc", "") != "2.0") {
            send(errorResponse(id, -32600, "'jsonrpc' member must be of type string and must be exactly '2.0'"));
            return true;
        }
        if (config_.drop.count(method)) return false;
        std::string answer;
        if (method == "auth.login_ex") {
            answer = login(id, params);
        } else if (!authenticated_) {
            answer = errorResponse(id, -32001, "Method call error", "ENOTAUTHENTICATED", "Not authenticated");
        } else if (auto e = config_.errors.find(method); e != config_.errors.end()) {
            answer = errorResponse(id, -32001, "Method call error", e->second.first, e->second.second);
        } else if (auto r = config_.results.find(method); r != config_.results.end()) {
            try {
                answer = response(id, applyQueryOptions(r->second, params));
            } catch (const std::exception& ex) {
                answer = errorResponse(id, -32602, "Invalid params", "EINVAL", ex.what());
            }
        } else {
            answer = errorResponse(id, -32601, "Method does not exist");
        }
        if (auto slow = config_.slowMs.find(method); slow != config_.slowMs.end()) {
            delayed_.emplace_back(Clock::now() + std::chrono::milliseconds(slow->second), answer);
            std::sort(delayed_.begin(), delayed_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            return true;
        }
        send(answer);
        return true;
    }

    std::string login(const Var& id, const Array::Ptr& params) {
        auto data = params->size() > 0 && params->get(0).type() == typeid(Object::Ptr) ? params->getObject(0) : ordered();
        const std::string mechanism = data->optValue<std::string>("mechanism", "");
        const std::string user = data->optValue<std::string>("username", "");
        const std::string key = data->optValue<std::string>("api_key", "");
        Object::Ptr result = ordered();
        std::string type = "AUTH_ERR";
        if (mechanism == "API_KEY_PLAIN" && user == config_.user) {
            if (!config_.validKey.empty() && key == config_.validKey) type = "SUCCESS";
            else if (!config_.expiredKey.empty() && key == config_.expiredKey) type = "EXPIRED";
            else if (!config_.deniedKey.empty() && key == config_.deniedKey) type = "DENIED";
            // a revoked key is AUTH_ERR, like a wrong one (plugins/auth_/login_ex_impl.py)
        }
        if (type == "SUCCESS") {
            authenticated_ = true;
            if (auto r = config_.results.find("auth.login_ex"); r != config_.results.end()) return response(id, r->second);
        }
        result->set("response_type", type);
        return response(id, result);
    }

    void flushDue() {
        while (!delayed_.empty() && delayed_.front().first <= Clock::now()) {
            send(delayed_.front().second);
            delayed_.erase(delayed_.begin());
        }
    }

    void send(const std::string& text) { ws_.sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT); }

    const Config& config_;
    Poco::Net::WebSocket& ws_;
    const int conn_;
    bool authenticated_ = false;
    std::vector<std::pair<Clock::time_point, std::string>> delayed_;
};

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(const Config& config) : config_(config) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        const bool upgrade = Poco::icompare(req.get("Upgrade", ""), "websocket") == 0;
        if (req.getURI() != "/api/current" || !upgrade) {
            resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            resp.setContentLength(0);
            resp.send();
            return;
        }
        const int conn = ++connections;
        Object::Ptr line = ordered();
        line->set("event", "connect");
        line->set("conn", conn);
        logLine(config_, line);
        try {
            Poco::Net::WebSocket ws(req, resp);
            Session(config_, ws, conn).run();
        } catch (const Poco::Exception& e) {
            Object::Ptr err = ordered();
            err->set("event", "close");
            err->set("conn", conn);
            err->set("reason", e.displayText());
            logLine(config_, err);
        }
    }

private:
    const Config& config_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(const Config& config) : config_(config) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(config_); }

private:
    const Config& config_;
};

int usage() {
    std::cerr << "usage: fake_truenas_server --cert C --tls-key K --port-file F --log FILE --fixtures DIR... --user U "
                 "--api-key KEY [--expired-key K] [--revoked-key K] [--denied-key K] [--slow M=MS] [--drop M] "
                 "[--error M=ERRNAME:REASON] [--idle-close-ms N]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Config config;
    std::string cert, key, portFile;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            const auto next = [&]() -> std::string {
                if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
                return argv[++i];
            };
            if (a == "--cert") cert = next();
            else if (a == "--tls-key") key = next();
            else if (a == "--port-file") portFile = next();
            else if (a == "--log") config.logPath = next();
            else if (a == "--fixtures") loadFixtures(config, next());
            else if (a == "--user") config.user = next();
            else if (a == "--api-key") config.validKey = next();
            else if (a == "--expired-key") config.expiredKey = next();
            else if (a == "--revoked-key") config.revokedKey = next();
            else if (a == "--denied-key") config.deniedKey = next();
            else if (a == "--drop") config.drop[next()] = true;
            else if (a == "--idle-close-ms") config.idleCloseMs = std::stoi(next());
            else if (a == "--slow" || a == "--error") {
                const std::string v = next();
                const size_t eq = v.find('=');
                if (eq == std::string::npos) return usage();
                if (a == "--slow") {
                    config.slowMs[v.substr(0, eq)] = std::stoi(v.substr(eq + 1));
                } else {
                    const std::string rest = v.substr(eq + 1);
                    const size_t colon = rest.find(':');
                    config.errors[v.substr(0, eq)] = {rest.substr(0, colon), colon == std::string::npos ? "" : rest.substr(colon + 1)};
                }
            } else {
                return usage();
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "fake_truenas_server: " << e.what() << "\n";
        return 2;
    }
    if (cert.empty() || key.empty() || portFile.empty() || config.logPath.empty() || config.results.empty()) return usage();
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    Poco::Net::Context::Params p;
    p.certificateFile = cert;
    p.privateKeyFile = key;
    p.verificationMode = Poco::Net::Context::VERIFY_NONE;
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64,
                                         new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, p));
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);
    params->setKeepAlive(false);
    Poco::Net::HTTPServer server(new Factory(config), socket, params);
    server.start();
    {
        std::ofstream out(portFile + ".tmp");
        out << socket.address().port() << "\n";
    }
    std::rename((portFile + ".tmp").c_str(), portFile.c_str());
    int sig = 0;
    sigwait(&set, &sig);
    std::_Exit(0);  // sessions may still be waiting on their sockets
}
