#include "daemon/ref_diff.hpp"

#include <map>

namespace pulse_daemon {

model::RefSnapshot reported_refs(model::RefSnapshot refs) {
    std::erase_if(refs, [](const model::Ref& ref) {
        return !ref.name.starts_with("refs/heads/") && !ref.name.starts_with("refs/tags/");
    });
    return refs;
}

std::vector<derive::RefUpdate> ref_updates(const model::RefSnapshot& before,
                                           const model::RefSnapshot& after) {
    std::map<std::string, derive::RefUpdate> updates;
    for (const auto& ref : before) {
        updates[ref.name] = {ref.name, ref.target, ""};
    }
    for (const auto& ref : after) {
        auto& update = updates[ref.name];
        update.name = ref.name;
        update.new_id = ref.target;
    }
    std::vector<derive::RefUpdate> changed;
    for (auto& [name, update] : updates) {
        if (update.old_id != update.new_id) {
            changed.push_back(std::move(update));
        }
    }
    return changed;
}

} // namespace pulse_daemon
