#include "git/libgit2.hpp"

#include <cstring>

namespace git {

namespace {

// Holds libgit2 initialised from first use to the end of the process.
class Library {
public:
    Library() {
        api().libgit2_init();
        // Walks read each commit once, straight from the object database:
        // libgit2's object cache would only hold 100k commits in memory.
        api().libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
        // libgit2 re-hashes every object it reads (git itself does so only in
        // fsck): a hook reading a few thousand ref tips spent a fifth of its
        // time there. zlib's checksum still catches a corrupt pack entry.
        api().libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    }
    ~Library() { api().libgit2_shutdown(); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

} // namespace

void ensure_initialized() {
    static const Library k_library;
}

std::string error_message(const std::string& context) {
    const git_error* error = api().error_last();
    const std::string message =
        error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
    return context + ": " + message;
}

std::string to_hex(const git_oid& oid) {
    char buffer[GIT_OID_HEXSZ + 1];
    api().oid_tostr(buffer, sizeof buffer, &oid);
    return buffer;
}

std::size_t OidHash::operator()(const git_oid& oid) const {
    std::size_t hash = 0;
    std::memcpy(&hash, oid.id, sizeof hash);
    return hash;
}

bool from_hex(const std::string& hex, git_oid& oid) {
    return hex.size() == GIT_OID_HEXSZ && api().oid_fromstrn(&oid, hex.data(), hex.size()) == 0;
}

} // namespace git
