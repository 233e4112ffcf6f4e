// The connection layer end to end on 127.0.0.1 with handlers written for the purpose: streamed
// (chunked) answers, "is the client still there?", a client that stops reading (write timeout
// and back-pressure), large bodies, HEAD, a throwing handler, a full worker queue and a graceful
// stop with a request in flight.
#include "TestSupport.h"
#include "http/HttpsServer.h"
#include "net/ErrorResponse.h"
#include "net/Exchange.h"
#include "net/ServerRequest.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

namespace ha::net {

namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using Clock = std::chrono::steady_clock;

// What the handlers saw, for the assertions.
struct Observed {
    std::atomic<bool> goneSeen{false};
    std::atomic<bool> floodStopped{false};
    std::atomic<long> floodStoppedAfterMs{-1};
    std::atomic<int> blocked{0};
    std::promise<void> release;
    std::shared_future<void> released{release.get_future().share()};
    std::mutex heldMutex;
    std::shared_ptr<Exchange> held;  // /held: the answer the handler left held when it returned
};

class TestHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit TestHandler(Observed& seen) : seen_(seen) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        const std::string path = request.getURI();
        if (path == "/stream") {
            response.setChunkedTransferEncoding(true);
            std::ostream& out = response.send();
            for (int i = 0; i < 3; ++i) {
                out << "data: part " << i << "\n\n" << std::flush;  // one chunk each
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        } else if (path == "/big") {
            std::ostream& out = response.send();  // no length: buffered, then chunked beyond 256 KiB
            const std::string line(1023, 'x');
            for (int i = 0; i < 1024; ++i) out << line << '\n';
        } else if (path == "/gone") {
            response.setChunkedTransferEncoding(true);
            response.send() << "first\n" << std::flush;
            const auto exchange = ServerRequest::exchangeOf(request);
            const auto until = Clock::now() + std::chrono::seconds(5);
            while (exchange && !exchange->clientGone() && Clock::now() < until) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            seen_.goneSeen = exchange && exchange->clientGone();
        } else if (path == "/flood") {
            response.setChunkedTransferEncoding(true);
            std::ostream& out = response.send();
            const std::string piece(64 * 1024, 'f');
            const auto start = Clock::now();
            for (int i = 0; i < 1024 && out; ++i) out << piece << std::flush;  // 64 MiB unless it fails
            seen_.floodStoppedAfterMs = static_cast<long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
            seen_.floodStopped = !out;
        } else if (path == "/head") {
            response.setContentLength(5);
            response.send() << "hello";
        } else if (path == "/throw") {
            throw std::runtime_error("handler failed");
        } else if (path == "/block") {
            ++seen_.blocked;
            seen_.released.wait_for(std::chrono::seconds(10));
            response.send() << "released";
        } else if (path == "/held") {
            auto exchange = ServerRequest::holdAnswer(request);
            response.setContentLength(11);
            response.send() << "held answer";
            std::lock_guard<std::mutex> lock(seen_.heldMutex);
            seen_.held = std::move(exchange);  // the worker returns; the test releases or withholds it
        } else if (path == "/slow") {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            response.send() << "done";
        } else {
            response.setStatusAndReason(HTTPResponse::HTTP_NOT_FOUND);
            response.send() << "no";
        }
    }

private:
    Observed& seen_;
};

class TestFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit TestFactory(Observed& seen) : seen_(seen) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
        return new TestHandler(seen_);
    }

private:
    Observed& seen_;
};

Poco::Net::Context::Ptr clientContext() {
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_NONE);
}

}  // namespace

class ConnectionLayerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConnectionLayerTest);
    CPPUNIT_TEST(testStreamedChunks);
    CPPUNIT_TEST(testLargeBodyWithoutLength);
    CPPUNIT_TEST(testHandlerLearnsTheClientLeft);
    CPPUNIT_TEST(testReaderThatStopsReadingReleasesTheWorker);
    CPPUNIT_TEST(testHeadHasNoBody);
    CPPUNIT_TEST(testThrowingHandlerGetsJson500);
    CPPUNIT_TEST(testFullQueueAnswers503);
    CPPUNIT_TEST(testStopLetsARequestInFlightFinish);
    CPPUNIT_TEST(testHeldAnswerLeavesOnlyWhenReleased);
    CPPUNIT_TEST(testWithheldAnswerIsReplacedAndTheConnectionClosed);
    CPPUNIT_TEST_SUITE_END();

    std::unique_ptr<test::TempDir> dir_;
    std::unique_ptr<Observed> seen_;
    std::unique_ptr<http::HttpsServer> server_;
    uint16_t port_ = 0;

    void startServer(int threads = 4, int maxQueued = 64) {
        ServerConfig config;
        config.listen = "127.0.0.1:0";
        config.tlsCertificate = dir_->file("cert.pem");
        config.tlsPrivateKey = dir_->file("key.pem");
        config.threads = threads;
        config.maxQueued = maxQueued;
        config.writeTimeoutSeconds = 1;
        server_ = std::make_unique<http::HttpsServer>(config, new TestFactory(*seen_));
        server_->start();
        const std::string bound = server_->boundAddress();
        port_ = static_cast<uint16_t>(std::stoi(bound.substr(bound.rfind(':') + 1)));
    }

    std::string get(const std::string& path, HTTPResponse& response, const std::string& method = HTTPRequest::HTTP_GET) {
        Poco::Net::HTTPSClientSession session("127.0.0.1", port_, clientContext());
        session.setTimeout(Poco::Timespan(10, 0));
        HTTPRequest request(method, path, HTTPRequest::HTTP_1_1);
        session.sendRequest(request);
        std::istream& in = session.receiveResponse(response);
        std::ostringstream body;
        Poco::StreamCopier::copyStream(in, body);
        return body.str();
    }

    // A raw TLS connection that sent one GET and read `bytes` of the answer.
    Poco::Net::SecureStreamSocket rawRequest(const std::string& path, size_t bytes) {
        Poco::Net::SecureStreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_), clientContext());
        socket.setReceiveTimeout(Poco::Timespan(5, 0));
        const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        socket.sendBytes(request.data(), static_cast<int>(request.size()));
        std::string got;
        char buffer[4096];
        while (got.size() < bytes) {
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) break;
            got.append(buffer, static_cast<size_t>(n));
        }
        return socket;
    }

    // The exchange /held left behind, once its worker has returned (at most 5 s).
    std::shared_ptr<Exchange> heldExchange() {
        const auto until = Clock::now() + std::chrono::seconds(5);
        while (Clock::now() < until) {
            {
                std::lock_guard<std::mutex> lock(seen_->heldMutex);
                if (seen_->held) return seen_->held;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return nullptr;
    }

    // Everything the socket gives until the peer closes, a timeout (`timeoutMs`) or `limit` bytes.
    static std::string receiveSome(Poco::Net::SecureStreamSocket& socket, int timeoutMs, size_t limit = 65536) {
        socket.setReceiveTimeout(Poco::Timespan(0, timeoutMs * 1000));
        std::string got;
        char buffer[4096];
        try {
            while (got.size() < limit) {
                const int n = socket.receiveBytes(buffer, sizeof buffer);
                if (n <= 0) break;
                got.append(buffer, static_cast<size_t>(n));
            }
        } catch (const Poco::TimeoutException&) {
        }
        return got;
    }

public:
    void setUp() override {
        dir_ = std::make_unique<test::TempDir>();
        const std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                                    "-subj /CN=127.0.0.1 -keyout '" + dir_->file("key.pem") + "' -out '" +
                                    dir_->file("cert.pem") + "' >/dev/null 2>&1";
        CPPUNIT_ASSERT_EQUAL(0, std::system(command.c_str()));
        seen_ = std::make_unique<Observed>();
    }

    void tearDown() override {
        try {
            seen_->release.set_value();
        } catch (const std::future_error&) {
        }
        if (server_) server_->stop();
        server_.reset();
    }

    void testStreamedChunks() {
        startServer();
        HTTPResponse response;
        const std::string body = get("/stream", response);
        CPPUNIT_ASSERT_EQUAL(HTTPResponse::HTTP_OK, response.getStatus());
        CPPUNIT_ASSERT(response.getChunkedTransferEncoding());
        CPPUNIT_ASSERT_EQUAL(std::string("data: part 0\n\ndata: part 1\n\ndata: part 2\n\n"), body);
    }

    void testLargeBodyWithoutLength() {
        startServer();
        HTTPResponse response;
        const std::string body = get("/big", response);
        CPPUNIT_ASSERT_EQUAL(HTTPResponse::HTTP_OK, response.getStatus());
        CPPUNIT_ASSERT_EQUAL(size_t(1024 * 1024), body.size());
        CPPUNIT_ASSERT_EQUAL(std::string(1023, 'x') + "\n", body.substr(body.size() - 1024));
        // A second request on a fresh connection still works (nothing was left half-written).
        CPPUNIT_ASSERT_EQUAL(size_t(1024 * 1024), get("/big", response).size());
    }

    void testHandlerLearnsTheClientLeft() {
        startServer();
        {
            Poco::Net::SecureStreamSocket socket = rawRequest("/gone", 20);
            socket.close();
        }
        const auto until = Clock::now() + std::chrono::seconds(6);
        while (!seen_->goneSeen && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        CPPUNIT_ASSERT_MESSAGE("the handler never saw the client go", seen_->goneSeen.load());
    }

    void testReaderThatStopsReadingReleasesTheWorker() {
        startServer();
        Poco::Net::SecureStreamSocket socket = rawRequest("/flood", 1);  // reads the start, then nothing
        const auto until = Clock::now() + std::chrono::seconds(8);
        while (!seen_->floodStopped && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CPPUNIT_ASSERT_MESSAGE("the handler's writes never failed", seen_->floodStopped.load());
        // Back-pressure held it at a bounded backlog, then the 1 s write timeout closed the
        // connection and the handler's stream went bad: the worker is free again.
        CPPUNIT_ASSERT(seen_->floodStoppedAfterMs.load() < 4000);
        HTTPResponse response;
        CPPUNIT_ASSERT_EQUAL(std::string("data: part 0\n\ndata: part 1\n\ndata: part 2\n\n"), get("/stream", response));
    }

    void testHeadHasNoBody() {
        startServer();
        HTTPResponse response;
        const std::string body = get("/head", response, HTTPRequest::HTTP_HEAD);
        CPPUNIT_ASSERT_EQUAL(HTTPResponse::HTTP_OK, response.getStatus());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), response.getContentLength64());
        CPPUNIT_ASSERT(body.empty());
    }

    void testThrowingHandlerGetsJson500() {
        startServer();
        HTTPResponse response;
        const std::string body = get("/throw", response);
        CPPUNIT_ASSERT_EQUAL(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, response.getStatus());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"error\":\"internal error\"}\n"), body);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json; charset=utf-8"), response.getContentType());
    }

    void testFullQueueAnswers503() {
        startServer(2, 1);  // two workers, one waiting request
        std::vector<std::future<int>> blocked;
        for (int i = 0; i < 3; ++i) {
            blocked.push_back(std::async(std::launch::async, [this] {
                HTTPResponse r;
                get("/block", r);
                return static_cast<int>(r.getStatus());
            }));
            if (i < 2) {  // the first two occupy both workers
                const auto until = Clock::now() + std::chrono::seconds(5);
                while (seen_->blocked < i + 1 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the third one waits in the queue
            }
        }
        HTTPResponse response;
        const std::string body = get("/stream", response);
        CPPUNIT_ASSERT_EQUAL(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, response.getStatus());
        CPPUNIT_ASSERT_EQUAL(std::string("1"), response.get("Retry-After"));
        CPPUNIT_ASSERT(body.find("\"error\":\"the server is busy") != std::string::npos);
        seen_->release.set_value();
        for (auto& f : blocked) CPPUNIT_ASSERT_EQUAL(200, f.get());
    }

    void testStopLetsARequestInFlightFinish() {
        startServer();
        auto inFlight = std::async(std::launch::async, [this] {
            HTTPResponse r;
            const std::string body = get("/slow", r);
            return std::make_pair(body, r.getKeepAlive());
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        server_->stop();
        const auto [body, keepAlive] = inFlight.get();
        CPPUNIT_ASSERT_EQUAL(std::string("done"), body);
        CPPUNIT_ASSERT(!keepAlive);  // "Connection: close" while stopping
        HTTPResponse response;
        CPPUNIT_ASSERT_THROW(get("/stream", response), Poco::Exception);  // no longer listening
    }

    // An answer held for the audit log: the worker has returned, yet nothing reaches the client
    // until release(); then the answer does, and the connection serves the next request.
    void testHeldAnswerLeavesOnlyWhenReleased() {
        startServer();
        Poco::Net::SecureStreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_), clientContext());
        const std::string request = "GET /held HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        socket.sendBytes(request.data(), static_cast<int>(request.size()));
        const auto held = heldExchange();
        CPPUNIT_ASSERT_MESSAGE("the handler never returned", held != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string(), receiveSome(socket, 300));
        held->release();
        const std::string answer = receiveSome(socket, 2000, 1);
        const std::string rest = answer.find("held answer") == std::string::npos ? receiveSome(socket, 2000) : "";
        CPPUNIT_ASSERT_MESSAGE(answer + rest, (answer + rest).find("200 OK") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(answer + rest, (answer + rest).find("held answer") != std::string::npos);
        held->release();  // a second release changes nothing
        HTTPResponse response;
        CPPUNIT_ASSERT_EQUAL(std::string("data: part 0\n\ndata: part 1\n\ndata: part 2\n\n"), get("/stream", response));
    }

    // A held answer whose record did not reach the disk: the replacement goes out instead, never
    // the answer, and the connection is closed after it.
    void testWithheldAnswerIsReplacedAndTheConnectionClosed() {
        startServer();
        Poco::Net::SecureStreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_), clientContext());
        const std::string request = "GET /held HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        socket.sendBytes(request.data(), static_cast<int>(request.size()));
        const auto held = heldExchange();
        CPPUNIT_ASSERT_MESSAGE("the handler never returned", held != nullptr);
        held->withhold(ErrorResponse::build(500, "the audit log could not be written; the answer was withheld", true));
        held->release();  // too late: nothing of the answer goes out
        const std::string got = receiveSome(socket, 3000);  // ends when the server closes
        CPPUNIT_ASSERT_MESSAGE(got, got.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(got, got.find("Connection: close") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(got, got.find("the answer was withheld") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(got, got.find("held answer") == std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionLayerTest);

}  // namespace ha::net
