#include "reports/baseline.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/read_file.hpp"
#include "reports/report_util.hpp"
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace pf {

namespace {

using json = nlohmann::json;

// A report of a few thousand checks with their evidence stays far below.
constexpr std::size_t baseline_file_limit = 64u << 20;
constexpr std::size_t max_baseline_checks = 100000;

[[noreturn]] void bad(const std::string& origin, const std::string& field,
                      const std::string& expected) {
    throw InputError(origin + ": " +
                     render(msg("input.json_field", {{"field", field}, {"expected", expected}})));
}

const json& member(const json& j, const char* name, json::value_t type, const std::string& origin,
                   const std::string& path, const std::string& expected) {
    auto it = j.find(name);
    std::string field = path.empty() ? name : path + "." + name;
    if (it == j.end() || it->type() != type) bad(origin, field, expected);
    return *it;
}

std::string text(const json& j, const char* name, const std::string& origin,
                 const std::string& path) {
    return member(j, name, json::value_t::string, origin, path, render(msg("input.json_a_string")))
        .get<std::string>();
}

bool failing(std::string_view status) {
    return status == "fail" || status == "error";
}

BaselineCheck read_check(const json& c, const std::string& origin, const std::string& path) {
    BaselineCheck b;
    b.status = text(c, "status", origin, path);
    static const std::vector<std::string> statuses{"pass", "warn", "fail", "error", "skip"};
    if (std::find(statuses.begin(), statuses.end(), b.status) == statuses.end())
        bad(origin, path + ".status", render(msg("input.baseline_statuses")));
    b.reason = text(c, "reason", origin, path);
    auto certs = c.find("certificates");
    if (certs == c.end()) return b;
    if (!certs->is_array()) bad(origin, path + ".certificates", render(msg("input.json_an_array")));
    for (std::size_t i = 0; i < certs->size(); ++i) {
        const json& cert = (*certs)[i];
        std::string at = path + ".certificates[" + std::to_string(i) + "]";
        if (!cert.is_object()) bad(origin, at, render(msg("input.json_an_object")));
        auto days = cert.find("days_left");
        if (days == cert.end() || !days->is_number_integer())
            bad(origin, at + ".days_left", render(msg("input.json_a_whole_number")));
        long long d = days->get<long long>();
        b.min_days_left = b.min_days_left ? std::min(*b.min_days_left, d) : d;
        if (b.leaf_sha256.empty() && cert.value("role", "") == "leaf")
            b.leaf_sha256 = text(cert, "sha256", origin, at);
    }
    return b;
}

} // namespace

Baseline parse_baseline(const std::string& input, const std::string& origin) {
    json j;
    try {
        j = json::parse(input);
    } catch (const json::parse_error& e) {
        throw InputError(origin + ": " +
                         render(msg("input.baseline_not_report", {{"detail", e.what()}})));
    }
    if (!j.is_object())
        throw InputError(origin + ": " +
                         render(msg("input.baseline_not_report",
                                    {{"detail", part(msg("input.baseline_not_object"))}})));
    auto format = j.find("format");
    if (format == j.end() || *format != "preflight-report/1")
        bad(origin, "format", render(msg("input.baseline_format")));
    Baseline b;
    b.file = origin;
    b.started = text(j, "started", origin, "");
    const json& sections =
        member(j, "sections", json::value_t::array, origin, "", render(msg("input.json_an_array")));
    for (std::size_t s = 0; s < sections.size(); ++s) {
        std::string sp = "sections[" + std::to_string(s) + "]";
        if (!sections[s].is_object()) bad(origin, sp, render(msg("input.json_an_object")));
        const json& checks = member(sections[s], "checks", json::value_t::array, origin, sp,
                                    render(msg("input.json_an_array")));
        for (std::size_t i = 0; i < checks.size(); ++i) {
            std::string cp = sp + ".checks[" + std::to_string(i) + "]";
            if (!checks[i].is_object()) bad(origin, cp, render(msg("input.json_an_object")));
            std::string id = text(checks[i], "id", origin, cp);
            if (b.checks.size() >= max_baseline_checks)
                bad(origin, cp,
                    render(msg("input.baseline_too_many", {{"count", max_baseline_checks}})));
            if (!b.checks.emplace(id, read_check(checks[i], origin, cp)).second)
                bad(origin, cp + ".id", render(msg("input.baseline_id_twice", {{"id", id}})));
            b.order.push_back(id);
        }
    }
    return b;
}

Baseline read_baseline(const std::string& path) {
    return parse_baseline(
        read_input_file(path, baseline_file_limit, render(msg("input.baseline_file"))), path);
}

RunChanges compare_runs(const Baseline& before, const RunReport& now) {
    RunChanges out;
    out.baseline = before.file;
    out.baseline_started = before.started;
    std::map<std::string, bool> seen;
    auto add = [&](const std::string& id, ChangeKind k, std::string b, std::string a) {
        out.changes.push_back({id, k, std::move(b), std::move(a)});
    };
    for (const auto& r : now.results) {
        const std::string& id = check_of(r).id;
        seen[id] = true;
        std::string status(to_string(r.status));
        std::string reason(reason_code(r.result.reason));
        auto it = before.checks.find(id);
        if (it == before.checks.end()) {
            add(id, ChangeKind::added, "", status);
            if (failing(status)) add(id, ChangeKind::new_failure, "", status);
            continue;
        }
        const BaselineCheck& was = it->second;
        if (failing(status) && !failing(was.status))
            add(id, ChangeKind::new_failure, was.status, status);
        else if (failing(was.status) && (status == "pass" || status == "warn"))
            add(id, ChangeKind::recovered, was.status, status);
        else if (status != was.status)
            add(id, ChangeKind::status_changed, was.status, status);
        else if (reason != was.reason && status != "pass")
            add(id, ChangeKind::reason_changed, was.reason, reason);

        std::optional<long long> days;
        std::string leaf;
        for (const auto& c : r.result.certificates) {
            auto d = static_cast<long long>(std::floor(c.days_left));
            days = days ? std::min(*days, d) : d;
            if (leaf.empty() && c.role == "leaf") leaf = c.sha256;
        }
        if (days && was.min_days_left && *days < now.expiry_warn_days &&
            *was.min_days_left >= now.expiry_warn_days)
            add(id, ChangeKind::expiry_window, std::to_string(*was.min_days_left),
                std::to_string(*days));
        if (!leaf.empty() && !was.leaf_sha256.empty() && leaf != was.leaf_sha256)
            add(id, ChangeKind::certificate_changed, was.leaf_sha256, leaf);
    }
    for (const auto& id : before.order)
        if (!seen.count(id)) add(id, ChangeKind::removed, before.checks.at(id).status, "");
    return out;
}

} // namespace pf
