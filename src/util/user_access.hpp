#pragma once

#include "util/expected.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

// What another user may read, asked of the kernel itself.
namespace util {

// A user account: its ids and every group it is in.
struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

// Look a user up by name, with every group it is in (getpwnam, getgrouplist).
Expected<Account> find_account(const std::string& name);

// Return the account this process runs as (named "uid N" when it has no entry).
Account current_account();

// Return whether this process can take on `account` to try a file as it:
// its own account, or any as root.
bool can_act_as(const Account& account);

// Open a file and read a byte of it as `account` would. For another account
// a child process takes on its uid, gid and groups first, so the kernel
// judges as it will for that user (modes, ACLs, every folder on the way)
// rather than a guess from the mode bits; needs can_act_as(account). The
// error is strerror's text.
Expected<void> read_as(const std::filesystem::path& path, const Account& account);

} // namespace util
