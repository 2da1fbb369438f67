#include "util/input_bytes.hpp"

#include <algorithm>
#include <cerrno>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

namespace util {

namespace {

// Reads of a megabyte: few system calls for 50 MB, and room grows by
// doubling from there.
constexpr std::size_t k_step = std::size_t{1} << 20;

} // namespace

InputBytes InputBytes::read_all(int fd) {
    InputBytes input;
    while (input.reserve(k_step)) {
        const auto n = ::read(fd, input.m_data + input.m_size, input.m_capacity - input.m_size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        input.m_size += static_cast<std::size_t>(n);
    }
    return input;
}

bool InputBytes::reserve(std::size_t more) {
    if (m_capacity - m_size >= more) {
        return true;
    }
    const auto wanted = std::max(m_capacity * 2, m_size + more);
    void* grown = m_data == nullptr ? ::mmap(nullptr, wanted, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                    : ::mremap(m_data, m_capacity, wanted, MREMAP_MAYMOVE);
    if (grown == MAP_FAILED) {
        return false;
    }
    m_data = static_cast<char*>(grown);
    m_capacity = wanted;
    return true;
}

InputBytes::InputBytes(InputBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
      m_capacity(std::exchange(other.m_capacity, 0)) {}

InputBytes::~InputBytes() {
    if (m_data != nullptr) {
        ::munmap(m_data, m_capacity);
    }
}

} // namespace util
