#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace pf {

// Times and dates as a person reads them, in the active language (machine
// output keeps ISO 8601: utc_timestamp). Units come from the catalog
// (unit.*), so a translator words them; the digits stay the same.

// "850 ms" from number "850"; the number is already written ("%.0f").
std::string with_milliseconds(std::string_view number);
// "4.2 s" / "4.2 秒".
std::string with_seconds(std::string_view number);
// "850 ms", "4.2 s", "2 min 5 s" by size.
std::string duration_text(std::chrono::milliseconds d);

// The date of an ISO 8601 text ("2027-01-14T09:30:00Z"): English keeps
// "2027-01-14", Japanese writes "2027年1月14日". Text that does not start
// with a date is returned as is.
std::string date_text(std::string_view iso);
// The date and the UTC time to the minute: "2027-01-14 09:30 UTC",
// "2027年1月14日 09:30 UTC".
std::string date_time_text(std::string_view iso);
std::string date_time_text(std::chrono::system_clock::time_point t);

} // namespace pf
