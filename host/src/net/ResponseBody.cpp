#include "net/ResponseBody.h"

#include "net/ServerResponse.h"

namespace ha::net {

ResponseBody::int_type ResponseBody::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char byte = traits_type::to_char_type(c);
    return response_.writeBody(&byte, 1) ? c : traits_type::eof();
}

std::streamsize ResponseBody::xsputn(const char* data, std::streamsize n) {
    if (n <= 0) return 0;
    return response_.writeBody(data, static_cast<size_t>(n)) ? n : 0;
}

int ResponseBody::sync() { return response_.flushBody() ? 0 : -1; }

}  // namespace ha::net
