#include "derive/derive.hpp"

namespace derive {

void EventSink::expect(std::size_t) {}

model::Expected<model::Ref> History::resolve(const std::string& name, const std::string&) {
    return model::fail("resolving '" + name + "': this history cannot read refs");
}

model::Expected<model::CommitGraph> History::commits_with_messages(const std::vector<std::string>&,
                                                                   const std::vector<std::string>&,
                                                                   std::string_view) {
    return model::fail("reading history: this history cannot read commit messages");
}

model::Expected<IdLookup> History::lookup_commit(const std::string& prefix) {
    return model::fail("looking up '" + prefix + "': this history cannot look ids up");
}

model::Expected<std::string> History::message(const std::string& id) {
    return model::fail("reading commit " + id + ": this history cannot read commit messages");
}

} // namespace derive
