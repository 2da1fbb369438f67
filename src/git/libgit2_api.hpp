#pragma once

#include <git2.h>

// libgit2, loaded when the first repository is opened rather than when
// pulse-agent starts: libgit2 and the libraries it pulls in (OpenSSL through
// libssh2, Kerberos, mbedTLS, PCRE) cost every start ~2 ms of symbol binding,
// which the commands that never read a repository, the post-receive hook
// above all, should not pay. Included only by src/git/*.cpp.
namespace git {

// The libgit2 functions the git layer calls, by name without "git_".
// clang-format off
#define PULSE_LIBGIT2_FUNCTIONS(X) \
    X(commit_id) \
    X(commit_lookup) \
    X(commit_parent) \
    X(commit_parentcount) \
    X(commit_tree) \
    X(config_get_bool) \
    X(config_get_multivar_foreach) \
    X(config_get_string) \
    X(diff_num_deltas) \
    X(diff_tree_to_tree) \
    X(error_last) \
    X(libgit2_init) \
    X(libgit2_opts) \
    X(libgit2_shutdown) \
    X(object_id) \
    X(object_peel) \
    X(odb_object_data) \
    X(odb_object_size) \
    X(odb_exists_prefix) \
    X(odb_object_type) \
    X(odb_read) \
    X(odb_read_header) \
    X(oid_equal) \
    X(oid_fromstrn) \
    X(oid_tostr) \
    X(reference_iterator_new) \
    X(reference_name) \
    X(reference_next) \
    X(reference_next_name) \
    X(reference_target) \
    X(reference_type) \
    X(repository_commondir) \
    X(repository_config_snapshot) \
    X(repository_free) \
    X(repository_is_bare) \
    X(repository_is_empty) \
    X(repository_odb) \
    X(repository_open_ext) \
    X(repository_path) \
    X(repository_workdir) \
    X(revparse_single) \
    X(tag_lookup) \
    X(tag_tagger) \
    X(tag_target_id) \
    X(tag_target_type) \
    X(commit_free) \
    X(config_free) \
    X(diff_free) \
    X(object_free) \
    X(odb_free) \
    X(odb_object_free) \
    X(reference_free) \
    X(reference_iterator_free) \
    X(tag_free) \
    X(tree_free)
// clang-format on

// Pointers to the libgit2 functions, typed as git2.h declares them.
struct Libgit2 {
#define PULSE_LIBGIT2_MEMBER(name) decltype(&::git_##name) name = nullptr;
    PULSE_LIBGIT2_FUNCTIONS(PULSE_LIBGIT2_MEMBER)
#undef PULSE_LIBGIT2_MEMBER
};

// Return libgit2, loading it on first use; throw model::Failure naming the
// library when it cannot be loaded. Initialising it is ensure_initialized()'s.
const Libgit2& api();

} // namespace git
