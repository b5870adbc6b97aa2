#include "base/human_format.hpp"
#include "base/catalog.hpp"
#include "base/language.hpp"
#include "base/utc_time.hpp"
#include <algorithm>
#include <cstdio>

namespace pf {

std::string with_milliseconds(std::string_view number) {
    return render(msg("unit.milliseconds", {{"value", number}}));
}

std::string with_seconds(std::string_view number) {
    return render(msg("unit.seconds", {{"value", number}}));
}

std::string duration_text(std::chrono::milliseconds d) {
    long long ms = std::max<long long>(0, d.count());
    if (ms < 1000) return with_milliseconds(std::to_string(ms));
    if (ms < 60'000) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ms) / 1000);
        return with_seconds(buf);
    }
    return render(
        msg("unit.minutes_seconds", {{"minutes", ms / 60'000}, {"seconds", (ms % 60'000) / 1000}}));
}

namespace {

bool digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2027-01-14..." has a date; its month and day written without the
// leading zero, as Japanese dates are.
bool has_date(std::string_view iso) {
    return iso.size() >= 10 && digits(iso.substr(0, 4)) && iso[4] == '-' &&
           digits(iso.substr(5, 2)) && iso[7] == '-' && digits(iso.substr(8, 2));
}

std::string unpadded(std::string_view two) {
    return std::string(two[0] == '0' ? two.substr(1) : two);
}

} // namespace

std::string date_text(std::string_view iso) {
    if (!has_date(iso)) return std::string(iso);
    if (active_language() == Language::ja)
        return std::string(iso.substr(0, 4)) + "年" + unpadded(iso.substr(5, 2)) + "月" +
               unpadded(iso.substr(8, 2)) + "日";
    return std::string(iso.substr(0, 10));
}

std::string date_time_text(std::string_view iso) {
    // "T09:30" after the date.
    if (!has_date(iso) || iso.size() < 16 || iso[10] != 'T' || !digits(iso.substr(11, 2)) ||
        iso[13] != ':' || !digits(iso.substr(14, 2)))
        return date_text(iso);
    return date_text(iso) + " " + std::string(iso.substr(11, 5)) + " UTC";
}

std::string date_time_text(std::chrono::system_clock::time_point t) {
    return date_time_text(utc_timestamp(t));
}

} // namespace pf
