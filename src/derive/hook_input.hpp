#pragma once

#include "derive/derive.hpp"
#include "model/error.hpp"

#include <string>
#include <string_view>
#include <vector>

// What git writes to a hook's standard input, parsed.
namespace derive {

// One line of pre-push input: what is pushed where. Empty ids stand for the
// all-zero id (a deletion locally, a ref the remote does not have yet).
struct PushedRef {
    std::string local_ref;
    std::string local_id;
    std::string remote_ref;
    std::string remote_id;
};

// Return whether text is a full object id (40 hex for SHA-1, 64 for SHA-256).
bool is_object_id(std::string_view text);

// Parse post-receive input, "<old> <new> <ref>" per line; zero ids become empty.
model::Expected<std::vector<derive::RefUpdate>> parse_post_receive(std::string_view input);

// Return updates as post-receive input, one "<old> <new> <ref>" line each
// (parse_post_receive() reads it back).
std::string format_post_receive(const std::vector<derive::RefUpdate>& updates);

// Return the updates of branches and tags only: notes, review refs
// (refs/changes, refs/merge-requests, refs/keep-around) and the like never
// make events, so a push of only those never opens the repository.
std::vector<derive::RefUpdate> branch_and_tag_updates(const std::vector<derive::RefUpdate>& all);

// Check post-receive's input as parse_post_receive() does and return only its
// branch and tag lines, "<old> <new> <ref>\n" each: `input` itself when it
// holds nothing else (as git writes it: a push of a million refs is held
// once, not copied nor parsed into a million updates), else a copy kept in
// `storage`.
model::Expected<std::string_view> branch_and_tag_lines(std::string_view input,
                                                       std::string& storage);

// Parse pre-push input, "<local ref> <local id> <remote ref> <remote id>" per line.
model::Expected<std::vector<PushedRef>> parse_pre_push(std::string_view input);

} // namespace derive
