// The stream buffer behind ServerResponse::send(): every byte a handler writes goes to the
// response's framing (buffered, fixed length, chunked or until close); flush() on the stream
// pushes what is buffered towards the client (a chunk, for streamed answers).
#pragma once

#include <streambuf>

namespace ha::net {

class ServerResponse;

class ResponseBody : public std::streambuf {
public:
    explicit ResponseBody(ServerResponse& response) : response_(response) {}

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* data, std::streamsize n) override;
    int sync() override;

private:
    ServerResponse& response_;
};

}  // namespace ha::net
