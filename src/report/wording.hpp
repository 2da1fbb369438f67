#pragma once

#include "model/time.hpp"

#include <optional>
#include <string>

// How figures read for people, shared by the terminal and HTML renderers.
namespace report {

// Return a number with `decimals` digits after the point ("8.60").
std::string fixed(double value, int decimals);

// Return a duration in the largest unit that keeps it above one: "45 s",
// "12 min", "3.5 h", "2.1 d" (a day is 24 h).
std::string duration_text(double seconds);

// Return a rate between 0 and 1 as a percentage with one decimal ("12.5%").
std::string percent_text(double rate);

// Return the UTC date of a time ("2024-03-31").
std::string date_text(model::UnixSeconds time);

// Return a count and a noun, plural when the count is not one ("3 incidents").
std::string counted(std::size_t count, const std::string& noun);

} // namespace report
