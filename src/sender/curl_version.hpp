#pragma once

#include <string>

namespace sender {

// Return the version of the libcurl this process loads, with its TLS library
// ("7.88.1 (OpenSSL/3.0.11)"), loading it when that has not happened yet;
// throw model::Failure when it cannot be loaded.
std::string curl_version();

} // namespace sender
