#pragma once

#include "util/expected.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace util {

// Where a listening socket binds: a numeric IPv4 or IPv6 address and a port.
struct ListenAddress {
    // "127.0.0.1", "::1", "0.0.0.0"; an IPv6 one without its brackets.
    std::string host;
    // 0: any free port, which the listener reports once bound.
    std::uint16_t port = 0;
};

// Parse "HOST:PORT" or "[V6]:PORT" with a numeric address (no name lookup,
// so a typo cannot bind a surprise interface); the error says what is wrong
// after "must be HOST:PORT...".
Expected<ListenAddress> parse_listen_address(std::string_view text);

} // namespace util
