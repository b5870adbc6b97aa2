#pragma once
#include <chrono>
#include <string>

namespace pf {

std::string utc_timestamp(std::chrono::system_clock::time_point t); // 2026-11-22T10:00:00Z

} // namespace pf
