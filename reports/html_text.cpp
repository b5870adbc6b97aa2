#include "reports/html_text.hpp"
#include "reports/report_util.hpp"
#include <cstdio>
#include <ctime>

namespace pf::html {

std::string esc(std::string_view raw) {
    std::string s = clean_text(raw);
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string text(const Message& m) {
    return esc(render(m));
}

std::string anchor(std::string_view check_id) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : check_id) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '-';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '_';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out.empty() ? "_" : out;
}

namespace {

// Days since 1970-01-01 of a civil date (proleptic Gregorian), to get the
// zone offset from the local broken-down time without timegm (not on Windows).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

} // namespace

std::string local_timestamp(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm lt{};
#ifdef _WIN32
    if (localtime_s(&lt, &secs) != 0) return "";
#else
    if (!localtime_r(&secs, &lt)) return "";
#endif
    long long as_utc = days_from_civil(lt.tm_year + 1900LL, static_cast<unsigned>(lt.tm_mon + 1),
                                       static_cast<unsigned>(lt.tm_mday)) *
                           86400 +
                       lt.tm_hour * 3600LL + lt.tm_min * 60LL + lt.tm_sec;
    long long offset_min = (as_utc - static_cast<long long>(secs)) / 60;
    char sign = offset_min < 0 ? '-' : '+';
    if (offset_min < 0) offset_min = -offset_min;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %c%02lld:%02lld",
                  lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec,
                  sign, offset_min / 60, offset_min % 60);
    return buf;
}

void folded(std::ostream& out, std::string_view css_class, const std::string& summary_html,
            const std::string& body_html) {
    out << "<details class=\"" << css_class << "\"><summary>" << summary_html << "</summary>"
        << body_html << "</details><div class=\"print-only " << css_class
        << "\"><div class=\"title\">" << summary_html << "</div>" << body_html << "</div>";
}

void key_values(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& rows) {
    out << "<table class=\"kv\"><colgroup><col class=\"k\"><col></colgroup>\n";
    for (const auto& [k, v] : rows)
        out << "<tr><th>" << k << "</th><td>" << esc(v) << "</td></tr>\n";
    out << "</table>\n";
}

} // namespace pf::html
