#pragma once

#include "model/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace model {

// Read the first record of text as Go's encoding/csv Reader.Read does with
// its defaults (pflag's string slices: --teams): quotes honoured, spaces and
// empty fields kept, empty lines skipped, bare or unmatched quotes refused.
// An empty text is no field at all, as pflag treats it.
Expected<std::vector<std::string>> parse_csv_record(std::string_view text);

} // namespace model
