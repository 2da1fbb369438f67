#pragma once

#include <functional>
#include <string>

namespace git {

// Say whether a ref, by its full name, must be read (and peeled).
using RefFilter = std::function<bool(const std::string& name)>;

} // namespace git
