#include "derive/derive.hpp"

#include <algorithm>
#include <map>

namespace derive {

bool is_absent(const std::string& id) {
    return id.find_first_not_of('0') == std::string::npos;
}

model::RefSnapshot branch_and_tag_refs(model::RefSnapshot refs) {
    std::erase_if(refs, [](const model::Ref& ref) {
        return !ref.name.starts_with("refs/heads/") && !ref.name.starts_with("refs/tags/");
    });
    return refs;
}

std::vector<RefUpdate> diff_refs(const model::RefSnapshot& before,
                                 const model::RefSnapshot& after) {
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

model::Expected<model::RefSnapshot>
refs_before(model::RefSnapshot refs, const std::vector<RefUpdate>& updates, History& history) {
    // A push names a handful of the thousands of refs: edit the sorted
    // snapshot in place rather than rebuild it.
    const auto by_name = [](const model::Ref& a, const model::Ref& b) { return a.name < b.name; };
    if (!std::is_sorted(refs.begin(), refs.end(), by_name)) {
        std::sort(refs.begin(), refs.end(), by_name);
    }
    for (const auto& update : updates) {
        const auto it = std::lower_bound(
            refs.begin(), refs.end(), update.name,
            [](const model::Ref& ref, const std::string& name) { return ref.name < name; });
        const bool present = it != refs.end() && it->name == update.name;
        if (is_absent(update.old_id)) {
            if (present) {
                refs.erase(it);
            }
            continue;
        }
        TRY_ASSIGN(auto old, history.resolve(update.name, update.old_id));
        if (present) {
            *it = std::move(old);
        } else {
            refs.insert(it, std::move(old));
        }
    }
    return refs;
}

} // namespace derive
