// The MCP protocol revisions this server speaks over Streamable HTTP, and the choice in
// initialize: the client's version when it is one of ours, else our newest (the client then
// decides whether it can go on). Every later request names its version in the
// MCP-Protocol-Version header; without one, 2025-03-26 is assumed, as the specification says.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace ha::http {

class McpVersion {
public:
    static constexpr std::array<std::string_view, 3> kSupported{"2025-03-26", "2025-06-18", "2025-11-25"};
    static constexpr std::string_view kNewest = "2025-11-25";
    static constexpr std::string_view kAssumedWithoutHeader = "2025-03-26";

    static bool supported(std::string_view version);
    // What initialize answers to a client asking for `requested`.
    static std::string negotiate(std::string_view requested);
    // "2025-03-26, 2025-06-18, 2025-11-25" (for error messages).
    static std::string supportedList();
};

}  // namespace ha::http
