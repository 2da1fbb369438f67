// config::parse_config on arbitrary text (a config file an administrator
// wrote by hand): an error, never an exception or a crash, and every error
// names the file, line and column as the header promises.
#include "config/config.hpp"

#include "check.hpp"

#include <cstddef>
#include <cstdint>
#include <regex>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto config = config::parse_config(text, "fuzz.yaml");
    if (config) {
        fuzz::check(config->file == "fuzz.yaml", "the config names its file");
        return 0;
    }
    static const std::regex located(R"(^fuzz\.yaml:[0-9]+:[0-9]+: )");
    fuzz::check(std::regex_search(config.error().message, located),
                "an error names the file, line and column");
    return 0;
}
