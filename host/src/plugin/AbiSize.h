// Minimum struct_size needed to read a member of an ABI struct (offset + size of the member).
#pragma once

#include <cstddef>

#define HA_SIZE_THROUGH(type, member) (offsetof(type, member) + sizeof(static_cast<type*>(nullptr)->member))
