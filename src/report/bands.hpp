#pragma once

#include <string_view>

// The DORA performance bands of the 2021 Accelerate State of DevOps report,
// with its gaps closed as docs/report.md explains.
namespace report {

// A performance band, best first.
enum class Band { elite, high, medium, low };

// The year of the State of DevOps report whose bands these are.
inline constexpr int k_bands_year = 2021;

// Return a band's name as printed and in JSON ("elite", "high", ...).
std::string_view band_name(Band band);

// Return the band of a deployment frequency, in deployments per day.
Band deployment_frequency_band(double per_day);

// Return the band of a median lead time for changes, in seconds.
Band lead_time_band(double seconds);

// Return the band of a change failure rate between 0 and 1.
Band failure_rate_band(double rate);

// Return the band of a mean time to restore, in seconds.
Band restore_band(double seconds);

} // namespace report
