// spool::decode on arbitrary bytes (a spooled push, written by another user
// in the hook users' group): never a crash, and a record it accepts is
// written back by encode and read the same.
#include "check.hpp"
#include "spool/record.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto record = spool::decode(input);
    if (!record) {
        return 0;
    }
    fuzz::check(!record->git_dir.empty() && record->git_dir.front() == '/',
                "an accepted record names an absolute repository");
    const auto again = spool::decode(spool::encode(*record));
    fuzz::check(again.has_value(), "an encoded record decodes");
    fuzz::check(again->git_dir == record->git_dir && again->updates == record->updates &&
                    again->pushed_at == record->pushed_at && again->pusher == record->pusher,
                "an encoded record reads back unchanged");
    return 0;
}
