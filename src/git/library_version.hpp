#pragma once

#include <string>

namespace git {

// Return the version of the libgit2 this process loads ("1.5.1"), loading it
// when that has not happened yet; throw model::Failure when it cannot be.
std::string libgit2_version();

} // namespace git
