#pragma once

#include <cstddef>
#include <string_view>

namespace util {

// Everything a descriptor gives until its end (a hook's standard input), in
// memory that grows in place: pages are moved (mremap), never copied, so
// reading N bytes takes N bytes, not the up to 2N of a string that
// reallocates as it grows. A read error ends the input as end of file does.
class InputBytes {
public:
    // Read `fd` to its end.
    static InputBytes read_all(int fd);

    InputBytes(InputBytes&& other) noexcept;
    InputBytes& operator=(InputBytes&&) = delete;
    InputBytes(const InputBytes&) = delete;
    InputBytes& operator=(const InputBytes&) = delete;
    ~InputBytes();

    // Return the bytes read.
    std::string_view view() const { return {m_data, m_size}; }

private:
    InputBytes() = default;
    // Make room for at least `more` bytes past the ones held; false when
    // there is no memory for them.
    bool reserve(std::size_t more);

    char* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
};

} // namespace util
