#pragma once

namespace report {

// The style sheet of the HTML page, inlined in it: screen and print.
extern const char* const k_html_style;

} // namespace report
