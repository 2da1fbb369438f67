#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace util {

namespace {

std::string failure(const char* what, const std::filesystem::path& path) {
    return std::string(what) + " '" + path.string() + "': " + std::strerror(errno);
}

// Write all of `content` to `fd`, retrying short writes.
bool write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        const auto n = ::write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void sync_folder(const std::filesystem::path& folder) {
    const int fd =
        ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

Expected<void> replace_file(const std::filesystem::path& path, std::string_view content,
                            unsigned mode) {
    // A dot name: node_exporter's textfile collector reads only *.prom files.
    auto temporary = path.parent_path() / ("." + path.filename().string() + ".XXXXXX");
    std::string name = temporary.string();
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) {
        return fail(failure("creating a temporary file beside", path));
    }
    const bool written = write_all(fd, content) && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!written || ::rename(name.c_str(), path.c_str()) != 0) {
        errno = written ? errno : saved;
        auto message = failure("writing", path);
        ::unlink(name.c_str());
        return fail(message);
    }
    sync_folder(path.parent_path());
    return {};
}

} // namespace util
