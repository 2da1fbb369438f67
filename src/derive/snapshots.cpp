#include "derive/derive.hpp"

#include <algorithm>
#include <map>

namespace derive {

bool is_absent(const std::string& id) {
    return id.find_first_not_of('0') == std::string::npos;
}

std::vector<RefUpdate> diff_refs(const git::RefSnapshot& before, const git::RefSnapshot& after) {
    std::map<std::string, RefUpdate> updates;
    for (const auto& ref : before) {
        updates[ref.name] = RefUpdate{ref.name, ref.target, ""};
    }
    for (const auto& ref : after) {
        auto& update = updates[ref.name];
        update.name = ref.name;
        update.new_id = ref.target;
    }
    std::vector<RefUpdate> changed;
    for (auto& [name, update] : updates) {
        if (update.old_id != update.new_id) {
            changed.push_back(std::move(update));
        }
    }
    return changed;
}

model::Expected<git::RefSnapshot> refs_before(const git::RefSnapshot& after,
                                              const std::vector<RefUpdate>& updates,
                                              History& history) {
    std::map<std::string, git::Ref> refs;
    for (const auto& ref : after) {
        refs[ref.name] = ref;
    }
    for (const auto& update : updates) {
        if (is_absent(update.old_id)) {
            refs.erase(update.name);
            continue;
        }
        auto old = history.resolve(update.name, update.old_id);
        if (!old) {
            return std::unexpected(old.error());
        }
        refs[update.name] = std::move(*old);
    }
    git::RefSnapshot snapshot;
    snapshot.reserve(refs.size());
    for (auto& [name, ref] : refs) {
        snapshot.push_back(std::move(ref));
    }
    return snapshot;
}

} // namespace derive
