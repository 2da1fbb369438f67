#include "spool/record.hpp"

#include <nlohmann/json.hpp>

namespace spool {

namespace {

// The format of the records this build writes and reads.
constexpr int k_format = 1;

model::Expected<std::string> string_field(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) {
        return model::fail(std::string("its '") + name + "' is missing or not a string");
    }
    return it->get<std::string>();
}

model::Expected<std::vector<SpooledChange>> read_changes(const nlohmann::json& object) {
    std::vector<SpooledChange> changes;
    const auto list = object.find("changes");
    if (list == object.end()) {
        return changes;
    }
    if (!list->is_array()) {
        return model::fail("its 'changes' is not a list");
    }
    for (const auto& item : *list) {
        const auto id = item.is_object() ? item.find("id") : item.end();
        const auto time = item.is_object() ? item.find("time") : item.end();
        if (id == item.end() || !id->is_string() || time == item.end() ||
            !time->is_number_integer()) {
            return model::fail("a change in it lacks an 'id' string or a whole 'time'");
        }
        changes.push_back({id->get<std::string>(), time->get<model::UnixSeconds>()});
    }
    return changes;
}

model::Expected<PushRecord> read_fields(const nlohmann::json& object) {
    if (!object.is_object()) {
        return model::fail("it is not a JSON object");
    }
    const auto format = object.find("format");
    if (format == object.end() || !format->is_number_integer() || format->get<int>() != k_format) {
        return model::fail("its format is not " + std::to_string(k_format));
    }
    PushRecord record;
    TRY_ASSIGN(record.git_dir, string_field(object, "git_dir"));
    TRY_ASSIGN(record.updates, string_field(object, "updates"));
    TRY_ASSIGN(record.pusher, string_field(object, "pusher"));
    const auto pushed_at = object.find("pushed_at");
    if (pushed_at == object.end() || !pushed_at->is_number_integer()) {
        return model::fail("its 'pushed_at' is missing or not a whole number");
    }
    record.pushed_at = pushed_at->get<model::UnixSeconds>();
    if (record.git_dir.empty() || record.git_dir.front() != '/') {
        return model::fail("its repository is not an absolute path");
    }
    TRY_ASSIGN(record.changes, read_changes(object));
    if (!record.changes.empty()) {
        TRY_ASSIGN(record.system, string_field(object, "system"));
        TRY_ASSIGN(record.environment, string_field(object, "environment"));
    }
    return record;
}

} // namespace

std::string encode(const PushRecord& record) {
    nlohmann::json object = {{"format", k_format},
                             {"git_dir", record.git_dir},
                             {"updates", record.updates},
                             {"pushed_at", record.pushed_at},
                             {"pusher", record.pusher}};
    if (!record.changes.empty()) {
        auto& changes = object["changes"] = nlohmann::json::array();
        for (const auto& change : record.changes) {
            changes.push_back({{"id", change.id}, {"time", change.time}});
        }
        object["system"] = record.system;
        object["environment"] = record.environment;
    }
    // Replace rather than throw on bytes that are not UTF-8 (a pusher's name
    // from the server's environment): the push itself must still be recorded.
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

model::Expected<PushRecord> decode(std::string_view bytes) {
    if (bytes.size() > k_max_record_bytes) {
        return model::fail("it is larger than " + std::to_string(k_max_record_bytes) + " bytes");
    }
    const auto object = nlohmann::json::parse(bytes, nullptr, false);
    if (object.is_discarded()) {
        return model::fail("it is not JSON");
    }
    return read_fields(object);
}

} // namespace spool
