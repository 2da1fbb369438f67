#pragma once

#include "util/expected.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace util {

// A read-only memory map of a whole file, unmapped on destruction.
class MappedFile {
public:
    // Map a file; an empty file maps to an empty view.
    static Expected<MappedFile> open(const std::filesystem::path& path);

    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    // Return the file's bytes.
    std::string_view bytes() const { return {m_data, m_size}; }

private:
    MappedFile(const char* data, std::size_t size) : m_data(data), m_size(size) {}

    const char* m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace util
