// Random (version 4) UUIDs as text, for the ids the server makes up (a new conversation's).
#pragma once

#include <string>

namespace ha {

// "8-4-4-4-12" lowercase hex from OpenSSL's CSPRNG (RAND_bytes, seeded by the kernel): no file
// opened and read per id, as Poco's UUIDGenerator does with /dev/urandom. Throws
// std::runtime_error when the generator fails (it is not seeded).
std::string randomUuid();

}  // namespace ha
