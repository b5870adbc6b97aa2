#include "reports/report_util.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace pf {

std::vector<SectionView> sections_of(const RunReport& r) {
    std::vector<SectionView> out;
    std::map<std::string, std::size_t> index;
    for (const auto& res : r.results) {
        const Check& c = check_of(res);
        auto [it, added] = index.try_emplace(c.section_id, out.size());
        if (added) out.push_back(SectionView{c.section_id, c.section_title, {}, {}, {}});
        SectionView& s = out[it->second];
        s.results.push_back(&res);
        s.counts.add(res.status);
        s.elapsed += res.elapsed;
    }
    return out;
}

std::vector<const CheckResult*> worst_first(std::vector<const CheckResult*> results) {
    std::stable_sort(
        results.begin(), results.end(),
        [](const CheckResult* a, const CheckResult* b) { return a->status < b->status; });
    return results;
}

std::vector<const CheckResult*> problems_worst_first(const RunReport& r) {
    std::vector<const CheckResult*> problems;
    for (const auto& res : r.results)
        if (res.status == Status::fail || res.status == Status::error || res.status == Status::warn)
            problems.push_back(&res);
    return worst_first(std::move(problems));
}

const Checklist& checklist_of(const RunReport& r) {
    static const Checklist none;
    return r.checklist ? *r.checklist : none;
}

const Check& check_of(const CheckResult& r) {
    static const Check none;
    return r.check ? *r.check : none;
}

std::size_t unfinished_checks(const RunReport& r) {
    std::size_t n = 0;
    for (const auto& c : r.results)
        if (c.result.reason == Reason::interrupted) ++n;
    return n;
}

std::chrono::milliseconds run_duration(const RunReport& r) {
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(r.finished - r.started);
    return d.count() < 0 ? std::chrono::milliseconds{0} : d;
}

std::string_view status_tag(Status s) {
    switch (s) {
    case Status::pass:
        return "PASS";
    case Status::warn:
        return "WARN";
    case Status::fail:
        return "FAIL";
    case Status::error:
        return "ERROR";
    case Status::skip:
        return "SKIP";
    }
    return "?";
}

std::string counted(std::size_t n, std::string_view noun) {
    return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

static std::string strip_zeros(std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string format_number(double v) {
    if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    std::string s = strip_zeros(buf);
    if ((s == "0" || s == "-0") && v != 0) {
        // Too small for three decimals: keep the significant digits instead.
        std::snprintf(buf, sizeof buf, "%.3g", v);
        s = buf;
    }
    return s == "-0" ? "0" : s;
}

std::string format_seconds(std::chrono::milliseconds d) {
    auto ms = std::max<long long>(0, d.count());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", ms / 1000, ms % 1000);
    return buf;
}

std::string format_duration(std::chrono::milliseconds d) {
    return duration_text(d);
}

// Length of the valid UTF-8 sequence at s[i], or 0; also yields the code point.
static std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    std::size_t n;
    char32_t min;
    if (c < 0x80) {
        cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

std::string clean_text(std::string_view s) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        std::size_t n = utf8_sequence(s, i, cp);
        if (n == 0) {
            out += replacement;
            ++i;
            continue;
        }
        if (cp == '\r') {
            if (i + 1 >= s.size() || s[i + 1] != '\n') out += '\n';
        } else if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) ||
                   cp == 0xFFFE || cp == 0xFFFF) {
            out += replacement;
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

std::string status_label(Status s) {
    if (active_language() == Language::en) return std::string(status_tag(s));
    return status_word(s);
}

std::string severity_word(Severity s) {
    switch (s) {
    case Severity::required:
        return render(msg("severity.required"));
    case Severity::recommended:
        return render(msg("severity.recommended"));
    case Severity::optional:
        return render(msg("severity.optional"));
    }
    return std::string(to_string(s));
}

std::string change_label(ChangeKind k) {
    switch (k) {
    case ChangeKind::new_failure:
        return render(msg("change.new_failure"));
    case ChangeKind::recovered:
        return render(msg("change.recovered"));
    case ChangeKind::status_changed:
        return render(msg("change.status_changed"));
    case ChangeKind::reason_changed:
        return render(msg("change.reason_changed"));
    case ChangeKind::expiry_window:
        return render(msg("change.expiry_window"));
    case ChangeKind::certificate_changed:
        return render(msg("change.certificate_changed"));
    case ChangeKind::added:
        return render(msg("change.added"));
    case ChangeKind::removed:
        return render(msg("change.removed"));
    }
    return std::string(to_string(k));
}

std::string chain_role_word(const std::string& role) {
    if (role == "leaf") return render(msg("cert_role.leaf"));
    if (role == "intermediate") return render(msg("cert_role.intermediate"));
    if (role == "root") return render(msg("cert_role.root"));
    return role;
}

std::string unit_word(const std::string& unit) {
    if (unit == "ms") return render(msg("unit.ms"));
    if (unit == "s") return render(msg("unit.s"));
    if (unit == "days") return render(msg("unit.days"));
    if (unit == "cores") return render(msg("unit.cores"));
    if (unit == "servers") return render(msg("unit.servers"));
    if (unit == "users") return render(msg("unit.users"));
    return unit; // MHz, GiB: the same in every language
}

namespace {

// The catalog's word for a measurement name, or nothing.
std::optional<Message> measurement_word(std::string_view n) {
    if (n == "total") return msg("measure.total");
    if (n == "connect") return msg("measure.connect");
    if (n == "connect proxy") return msg("measure.connect_proxy");
    if (n == "CONNECT") return msg("measure.proxy_connect");
    if (n == "dns" || n == "resolve") return msg("measure.resolve");
    if (n == "tls" || n == "handshake") return msg("measure.handshake");
    if (n == "first byte") return msg("measure.first_byte");
    if (n == "session") return msg("measure.session");
    if (n == "idle") return msg("measure.idle");
    if (n == "idle until closed") return msg("measure.idle_until_closed");
    if (n == "certificate days left") return msg("measure.certificate_days_left");
    if (n == "ports sampled") return msg("measure.ports_sampled");
    if (n == "servers") return msg("measure.servers");
    if (n == "users") return msg("measure.users");
    if (n == "alert") return msg("measure.alert");
    if (n == "logical_cores") return msg("facts.logical_cores");
    if (n == "cpu_max_clock") return msg("facts.cpu_max_clock");
    if (n == "ram") return msg("facts.ram");
    if (n == "disk_free") return msg("facts.disk_free");
    return std::nullopt;
}

} // namespace

std::string measurement_label(const std::string& name) {
    if (active_language() == Language::en) return name;
    if (auto m = measurement_word(name)) return render(*m);
    // "connect 10.0.0.1:443": the word, then the address as measured.
    if (name.starts_with("connect "))
        return render(msg("measure.connect_to", {{"target", name.substr(8)}}));
    return name;
}

std::string tag_padding(std::string_view tag, std::size_t width) {
    std::size_t cells = 0;
    for (unsigned char c : tag) {
        if ((c & 0xC0) == 0x80) continue; // continuation byte
        cells += c >= 0xE0 ? 2 : 1;
    }
    return std::string(cells < width ? width - cells : 1, ' ');
}

} // namespace pf
