#include "util/user_access.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace util {

namespace {

// Return every group of a user, its primary group first.
std::vector<gid_t> groups_of(const char* name, gid_t gid) {
    int count = 16;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    while (::getgrouplist(name, gid, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count) * 2);
        count = static_cast<int>(groups.size());
    }
    groups.resize(static_cast<std::size_t>(count));
    return groups;
}

// Return 0 when the file can be opened and read, else the errno.
int try_read(const char* path) {
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return errno;
    }
    char byte = 0;
    const int result = ::read(fd, &byte, 1) < 0 ? errno : 0;
    ::close(fd);
    return result;
}

// In a forked child: become the account, try the file, exit with the errno
// (only async-signal-safe calls here).
[[noreturn]] void read_in_child(const char* path, const Account& account) {
    if (::setgroups(account.groups.size(), account.groups.data()) != 0 ||
        ::setresgid(account.gid, account.gid, account.gid) != 0 ||
        ::setresuid(account.uid, account.uid, account.uid) != 0) {
        ::_exit(errno == 0 ? EPERM : errno);
    }
    ::_exit(try_read(path));
}

} // namespace

Expected<Account> find_account(const std::string& name) {
    errno = 0;
    const passwd* entry = ::getpwnam(name.c_str());
    if (entry == nullptr) {
        return std::unexpected(errno == 0
                                   ? "no user '" + name + "' on this system"
                                   : "looking up user '" + name + "': " + std::strerror(errno));
    }
    return Account{entry->pw_name, entry->pw_uid, entry->pw_gid,
                   groups_of(entry->pw_name, entry->pw_gid)};
}

Account current_account() {
    Account account;
    account.uid = ::geteuid();
    account.gid = ::getegid();
    const passwd* entry = ::getpwuid(account.uid);
    account.name = entry != nullptr ? entry->pw_name : "uid " + std::to_string(account.uid);
    const int count = ::getgroups(0, nullptr);
    account.groups.resize(count > 0 ? static_cast<std::size_t>(count) : 0);
    ::getgroups(count, account.groups.data());
    return account;
}

bool can_act_as(const Account& account) {
    return ::geteuid() == 0 || account.uid == ::geteuid();
}

Expected<void> read_as(const std::filesystem::path& path, const Account& account) {
    int code = 0;
    if (account.uid == ::geteuid()) {
        code = try_read(path.c_str());
    } else if (!can_act_as(account)) {
        return std::unexpected("only root can act as user '" + account.name + "'");
    } else {
        const pid_t pid = ::fork();
        if (pid < 0) {
            return std::unexpected(std::string("fork: ") + std::strerror(errno));
        }
        if (pid == 0) {
            read_in_child(path.c_str(), account);
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        code = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
    }
    if (code != 0) {
        return std::unexpected(std::string(std::strerror(code)));
    }
    return {};
}

} // namespace util
