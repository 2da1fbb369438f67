#pragma once

#include <cstddef>
#include <git2.h>
#include <memory>
#include <string>

// Owned libgit2 handles and errors; included only by src/git/*.cpp.
namespace git {

// Initialise libgit2 once for the whole process; it is shut down at exit.
void ensure_initialized();

// Return "context: libgit2's last message", read at once (it is thread-local
// and overwritten by the next call).
std::string error_message(const std::string& context);

// Free a libgit2 handle with its own free function.
template <typename T, void (*Release)(T*)>
struct Free {
    void operator()(T* handle) const { Release(handle); }
};

using OdbPtr = std::unique_ptr<git_odb, Free<git_odb, git_odb_free>>;
using OdbObjectPtr = std::unique_ptr<git_odb_object, Free<git_odb_object, git_odb_object_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Free<git_reference, git_reference_free>>;
using ReferenceIteratorPtr =
    std::unique_ptr<git_reference_iterator,
                    Free<git_reference_iterator, git_reference_iterator_free>>;
using TagPtr = std::unique_ptr<git_tag, Free<git_tag, git_tag_free>>;
using ConfigPtr = std::unique_ptr<git_config, Free<git_config, git_config_free>>;
using ObjectPtr = std::unique_ptr<git_object, Free<git_object, git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, Free<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Free<git_tree, git_tree_free>>;
using DiffPtr = std::unique_ptr<git_diff, Free<git_diff, git_diff_free>>;

// Return the 40-hex form of an object id.
std::string to_hex(const git_oid& oid);

// Parse a 40-hex object id; false when it is not one.
bool from_hex(const std::string& hex, git_oid& oid);

// Hash an object id by its first bytes (they are already uniformly random).
struct OidHash {
    std::size_t operator()(const git_oid& oid) const;
};

// Compare object ids for hash containers.
struct OidEqual {
    bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

} // namespace git
