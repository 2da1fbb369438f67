#pragma once

#include "git/libgit2_api.hpp"

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

// Free a libgit2 handle with its own free function (a member of Libgit2).
template <typename T, void (*Libgit2::*Release)(T*)>
struct Free {
    void operator()(T* handle) const { (api().*Release)(handle); }
};

using OdbPtr = std::unique_ptr<git_odb, Free<git_odb, &Libgit2::odb_free>>;
using OdbObjectPtr =
    std::unique_ptr<git_odb_object, Free<git_odb_object, &Libgit2::odb_object_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Free<git_reference, &Libgit2::reference_free>>;
using ReferenceIteratorPtr =
    std::unique_ptr<git_reference_iterator,
                    Free<git_reference_iterator, &Libgit2::reference_iterator_free>>;
using TagPtr = std::unique_ptr<git_tag, Free<git_tag, &Libgit2::tag_free>>;
using ConfigPtr = std::unique_ptr<git_config, Free<git_config, &Libgit2::config_free>>;
using ObjectPtr = std::unique_ptr<git_object, Free<git_object, &Libgit2::object_free>>;
using CommitPtr = std::unique_ptr<git_commit, Free<git_commit, &Libgit2::commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Free<git_tree, &Libgit2::tree_free>>;
using DiffPtr = std::unique_ptr<git_diff, Free<git_diff, &Libgit2::diff_free>>;

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
    bool operator()(const git_oid& a, const git_oid& b) const { return api().oid_equal(&a, &b); }
};

} // namespace git
