#include "util/loaded_library.hpp"

#include <filesystem>
#include <link.h>

namespace util {

namespace {

// What dl_iterate_phdr's callback looks for, and what it found.
struct Search {
    std::string_view prefix;
    std::optional<std::string> path;
};

int visit(dl_phdr_info* info, std::size_t, void* data) {
    auto& search = *static_cast<Search*>(data);
    if (info->dlpi_name == nullptr || *info->dlpi_name == '\0') {
        return 0;
    }
    const std::filesystem::path path(info->dlpi_name);
    if (!path.filename().string().starts_with(search.prefix)) {
        return 0;
    }
    search.path = path.string();
    return 1;
}

} // namespace

std::optional<std::string> loaded_library(std::string_view prefix) {
    Search search{prefix, std::nullopt};
    dl_iterate_phdr(visit, &search);
    if (!search.path) {
        return std::nullopt;
    }
    std::error_code ec;
    const auto real = std::filesystem::canonical(*search.path, ec);
    return (ec ? std::filesystem::path(*search.path) : real).filename().string();
}

} // namespace util
