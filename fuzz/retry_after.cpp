// sender::parse_retry_after on arbitrary text (a server's Retry-After
// header; dates go to libcurl's curl_getdate): never a crash nor a
// negative delay.
#include "check.hpp"
#include "sender/http_client.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string value(reinterpret_cast<const char*>(data), size);
    // 2023-11-14T22:13:20Z: a fixed now keeps a crash reproducible.
    const auto delay = sender::parse_retry_after(value, 1700000000);
    fuzz::check(!delay || *delay >= 0, "a delay is never negative");
    return 0;
}
