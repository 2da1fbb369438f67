#include "util/listen_address.hpp"

#include <arpa/inet.h>
#include <charconv>

namespace util {

namespace {

constexpr const char* k_form = "must be HOST:PORT with a numeric address (127.0.0.1:9464, "
                               "[::1]:9464)";

Expected<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || stop != end || value > 65535) {
        return fail(std::string(k_form) + ", not a port '" + std::string(text) + "'");
    }
    return static_cast<std::uint16_t>(value);
}

bool numeric_address(const std::string& host) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

} // namespace

Expected<ListenAddress> parse_listen_address(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return fail(k_form);
    }
    auto host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return fail(std::string(k_form) + ": an IPv6 address goes in brackets");
    }
    ListenAddress address{std::string(host), 0};
    if (!numeric_address(address.host)) {
        return fail(std::string(k_form) + ", not '" + std::string(text) + "'");
    }
    auto port = parse_port(text.substr(colon + 1));
    if (!port) {
        return fail(port.error());
    }
    address.port = *port;
    return address;
}

} // namespace util
