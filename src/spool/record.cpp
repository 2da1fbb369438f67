#include "spool/record.hpp"

#include "model/json_text.hpp"

#include <algorithm>
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

void encode(const PushRecord& record, std::string_view updates, const Put& put) {
    // Written field by field rather than through a json value, which would
    // hold a second copy of a push's updates. Bytes that are not UTF-8 (a
    // pusher's name from the server's environment) are replaced, never
    // refused: the push must be recorded.
    std::string out = "{\"format\":" + std::to_string(k_format) + ",\"git_dir\":";
    model::append_json_string(out, record.git_dir);
    out += ",\"pushed_at\":" + std::to_string(record.pushed_at) + ",\"pusher\":";
    model::append_json_string(out, record.pusher);
    out += ",\"updates\":\"";
    // The updates are escaped a slice of whole lines at a time (a line end
    // never falls inside a UTF-8 character), each slice's quotes left out.
    constexpr std::size_t k_piece = 1 << 20;
    std::string escaped;
    while (!updates.empty()) {
        const auto line_end = updates.find('\n', std::min(k_piece, updates.size()) - 1);
        const auto slice = updates.substr(0, std::min(line_end, updates.size() - 1) + 1);
        updates.remove_prefix(slice.size());
        escaped.clear();
        model::append_json_string(escaped, slice);
        out.append(escaped, 1, escaped.size() - 2);
        if (out.size() >= k_piece) {
            put(out);
            out.clear();
        }
    }
    out += "\"";
    if (!record.changes.empty()) {
        out += ",\"changes\":[";
        for (std::size_t i = 0; i < record.changes.size(); ++i) {
            out += i == 0 ? "{\"id\":" : ",{\"id\":";
            model::append_json_string(out, record.changes[i].id);
            out += ",\"time\":" + std::to_string(record.changes[i].time) + "}";
        }
        out += "],\"system\":";
        model::append_json_string(out, record.system);
        out += ",\"environment\":";
        model::append_json_string(out, record.environment);
    }
    out += "}\n";
    put(out);
}

std::string encode(const PushRecord& record) {
    std::string bytes;
    bytes.reserve(record.updates.size() + record.git_dir.size() + 256);
    encode(record, record.updates, [&](std::string_view piece) { bytes.append(piece); });
    return bytes;
}

bool fits(const PushRecord& record, std::string_view updates) {
    // JSON escapes a byte to at most six ("\u001f"); the rest is a few dozen.
    constexpr std::size_t k_widest_escape = 6;
    constexpr std::size_t k_fixed = 1024;
    std::size_t text = updates.size() + record.git_dir.size() + record.pusher.size() +
                       record.system.size() + record.environment.size();
    for (const auto& change : record.changes) {
        text += change.id.size() + 32;
    }
    if (text * k_widest_escape + k_fixed <= k_max_record_bytes) {
        return true;
    }
    std::size_t size = 0;
    encode(record, updates, [&](std::string_view piece) { size += piece.size(); });
    return size <= k_max_record_bytes;
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
