#include "outbox/wal_guard.hpp"

#include "model/time.hpp"
#include "outbox/files.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace outbox {

namespace {

constexpr std::size_t k_header_size = 32;
constexpr std::uint32_t k_magic = 0x377f0682;
constexpr std::uint32_t k_version = 3007000;
// The byte of the index every connection holds a shared lock on while it has
// the database open (SQLite's UNIX_SHM_DMS, os_unix.c).
constexpr off_t k_dms_byte = 128;

std::uint32_t word(std::span<const unsigned char> bytes, std::size_t at, bool big_endian) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto byte = static_cast<std::uint32_t>(bytes[at + (big_endian ? i : 3 - i)]);
        value = (value << 8) | byte;
    }
    return value;
}

// SQLite's walChecksumBytes over the first 24 bytes, in the byte order the
// magic's low bit names.
std::pair<std::uint32_t, std::uint32_t> checksum(std::span<const unsigned char> header,
                                                 bool big_endian) {
    std::uint32_t s1 = 0;
    std::uint32_t s2 = 0;
    for (std::size_t at = 0; at < 24; at += 8) {
        s1 += word(header, at, big_endian) + s2;
        s2 += word(header, at + 4, big_endian) + s1;
    }
    return {s1, s2};
}

bool valid_page_size(std::uint32_t size) {
    return size == 1 || (size >= 512 && size <= 32768 && (size & (size - 1)) == 0);
}

// Return whether another process holds SQLite's lock on the outbox's index.
bool in_use(const std::filesystem::path& outbox) {
    const int fd = ::open(shm_path(outbox).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = k_dms_byte;
    probe.l_len = 1;
    const bool locked = ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
    ::close(fd);
    return locked;
}

} // namespace

bool is_valid_wal_header(std::span<const unsigned char> header) {
    if (header.empty()) {
        return true;
    }
    if (header.size() < k_header_size) {
        return false;
    }
    const auto magic = word(header, 0, true);
    if ((magic & ~1u) != k_magic || word(header, 4, true) != k_version ||
        !valid_page_size(word(header, 8, true))) {
        return false;
    }
    const auto [s1, s2] = checksum(header, (magic & 1u) != 0);
    return s1 == word(header, 24, true) && s2 == word(header, 28, true);
}

std::string wal_problem(const std::filesystem::path& outbox) {
    std::ifstream in(wal_path(outbox), std::ios::binary);
    if (!in) {
        return "";
    }
    std::array<unsigned char, k_header_size> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    const auto got = static_cast<std::size_t>(in.gcount());
    if (is_valid_wal_header(std::span(header.data(), got))) {
        return "";
    }
    return "'" + wal_path(outbox).string() +
           "' does not start with a valid WAL header; SQLite would ignore it and overwrite it, "
           "losing whatever it held";
}

model::Expected<void> set_aside_invalid_wal(const std::filesystem::path& outbox) {
    const auto problem = wal_problem(outbox);
    if (problem.empty() || in_use(outbox)) {
        return {};
    }
    const auto wal = wal_path(outbox);
    const auto target = corrupt_path(wal, model::now());
    if (::renameat2(AT_FDCWD, wal.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
        return model::fail("moving aside '" + wal.string() + "': " + std::strerror(errno));
    }
    // Its index describes the WAL just moved: SQLite builds a new one.
    ::unlink(shm_path(outbox).c_str());
    std::cerr << "pulse-agent: warning: " << problem << "; moved it to '" << target.string()
              << "'\n";
    return {};
}

} // namespace outbox
