#include "probes/tls/cert_file_probe.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
#include "net/proxy_text.hpp"
#include "probes/tls/tls_report.hpp"
#include <algorithm>
#include <map>

namespace pf {

Status load_failure_status(const CertFileError& e) {
    switch (e.kind) {
    case CertFileError::Kind::password_needed:
    case CertFileError::Kind::wrong_password:
    case CertFileError::Kind::unreadable:
        return Status::error;
    case CertFileError::Kind::not_a_certificate:
    case CertFileError::Kind::unsupported:
        return Status::fail;
    }
    return Status::error;
}

Reason load_failure_reason(const CertFileError& e) {
    switch (e.kind) {
    case CertFileError::Kind::password_needed:
        return Reason::not_configured;
    case CertFileError::Kind::wrong_password:
        return Reason::wrong_password;
    case CertFileError::Kind::unsupported:
        return Reason::unsupported;
    case CertFileError::Kind::unreadable: // missing, not a regular file, too large
        return Reason::bad_input;
    case CertFileError::Kind::not_a_certificate:
        break;
    }
    return Reason::file_problem;
}

// The check's sentence as r's: its message when it has one.
static void set_check_message(ProbeResult& r, const CertCheck& c) {
    if (c.message.empty())
        r.summary = c.summary;
    else
        set_message(r, c.message);
}

ProbeResult combine_cert_checks(const CertFile& f, const std::vector<CertCheck>& checks) {
    ProbeResult r;
    r.status = Status::pass;
    r.reason = Reason::ok;
    const CertCheck* worst = nullptr;
    for (const auto& c : checks) {
        add_evidence(r, msg("cert_file.check_line", {{"title", c.title},
                                                     {"status", status_word(c.status)},
                                                     {"verdict", c.summary}}));
        for (const auto& e : c.evidence)
            add_evidence(r, msg("tls.block_detail", {{"line", e}}));
        if (c.status != Status::skip && c.status < r.status) {
            r.status = c.status;
            r.reason = c.reason;
            worst = &c;
        }
    }
    CertInfo leaf = inspect(f.leaf.get());
    r.evidence.push_back(arm_cert_id_line(f));
    if (worst) {
        auto more = std::count_if(checks.begin(), checks.end(), [&](const CertCheck& c) {
            return c.status == worst->status && &c != worst;
        });
        if (more)
            set_message(
                r, msg("cert_file.worst_and_more", {{"worst", worst->summary}, {"more", more}}));
        else
            set_check_message(r, *worst);
    } else {
        // What the profile found that the admin came for: the APNs topic.
        auto topic = std::find_if(checks.begin(), checks.end(),
                                  [](const CertCheck& c) { return c.id == "topic"; });
        if (topic == checks.end())
            set_message(r, msg("cert_file.passes_all", {{"name", display_name(leaf)},
                                                        {"path", f.path},
                                                        {"count", checks.size()},
                                                        {"expiry", expiry_text(leaf)},
                                                        {"id_line", arm_cert_id_line(f)}}));
        else
            set_message(r, msg("cert_file.passes_all_with_topic", {{"name", display_name(leaf)},
                                                                   {"path", f.path},
                                                                   {"count", checks.size()},
                                                                   {"expiry", expiry_text(leaf)},
                                                                   {"id_line", arm_cert_id_line(f)},
                                                                   {"topic", topic->summary}}));
    }
    r.blocks = certificate_blocks(f);
    r.certificates = certificate_rows(f);
    r.measurements.push_back({"certificate days left", leaf.days_left, "days"});
    return r;
}

namespace {

CertCheckOptions check_options(const ProbeArgs& args, const TlsSettings& run_tls,
                               TrustHandle trust) {
    CertCheckOptions o;
    parse_cert_profile(args.text("profile"), o.profile); // a choice of the declaration
    o.host = args.has("host") ? args.text("host") : "";
    o.full_chain = args.boolean("full_chain");
    o.tls = with_check_thresholds(run_tls, args);
    o.trust = std::move(trust);
    return o;
}

SecretRef file_password(const ProbeArgs& args) {
    // An empty password is none, so that a .pfx exported without one opens either way.
    SecretRef password = args.secret("password");
    return password && password->empty() ? nullptr : password;
}

ProbeResult load_failure(const CertFileError& e) {
    return ProbeResult::make(load_failure_status(e), load_failure_reason(e), e.what());
}

ProbeResult judge_file(const ProbeArgs& args, const TlsSettings& run_tls, TrustHandle trust) {
    const std::string path = args.text("path");
    CertCheckOptions o = check_options(args, run_tls, std::move(trust));
    SecretRef password = file_password(args);
    ProbeResult r;
    try {
        CertFile f = load_cert_file(path, password.get());
        r = combine_cert_checks(f, check_cert_file(f, o));
    } catch (const CertFileError& e) {
        r = load_failure(e);
    }
    return r;
}

// check="load": whether the file opens, and what it holds, for a report that
// shows each check of a file on its own (`preflight cert`).
ProbeResult judge_load(const ProbeArgs& args) {
    try {
        CertFile f = load_cert_file(args.text("path"), file_password(args).get());
        std::string key = render(f.key ? msg("cert_file.with") : msg("cert_file.without"));
        auto r = make_result(Status::pass, Reason::ok,
                             // cert_id is not in the sentence: `preflight cert` prints
                             // it under the file's certificates (app/cert_command.cpp).
                             msg("cert_file.opened", {{"path", f.path},
                                                      {"format", f.format},
                                                      {"private_key", key},
                                                      {"cert_id", arm_cert_id_line(f)}}));
        r.evidence.push_back(arm_cert_id_line(f));
        r.blocks = certificate_blocks(f);
        r.certificates = certificate_rows(f);
        return r;
    } catch (const CertFileError& e) {
        return load_failure(e);
    }
}

// check=ID: that one check of the file's profile.
ProbeResult judge_one(const ProbeArgs& args, const TlsSettings& run_tls, TrustHandle trust,
                      const std::string& id) {
    CertCheckOptions o = check_options(args, run_tls, std::move(trust));
    try {
        CertFile f = load_cert_file(args.text("path"), file_password(args).get());
        std::vector<CertCheck> checks;
        try {
            checks = check_cert_file(f, o);
        } catch (const std::runtime_error& e) {
            // A trust store or CA file that cannot be read: the run's input.
            return ProbeResult::make(Status::error, Reason::bad_input, e.what());
        }
        for (const auto& c : checks)
            if (c.id == id) {
                auto r = ProbeResult::make(c.status, c.reason, std::string());
                set_check_message(r, c);
                r.evidence = c.evidence;
                return r;
            }
        return make_result(
            Status::error, Reason::bad_input,
            msg("cert_file.not_a_check", {{"check", id}, {"profile", args.text("profile")}}));
    } catch (const CertFileError& e) {
        return load_failure(e);
    }
}

// A check of one profile only, asked for with another, is refused before
// the run rather than reported as an error of the file.
std::optional<ArgProblem> check_of_profile(const ArgValues& v) {
    if (auto p = expiry_order(v)) return p;
    static const std::map<std::string, std::vector<std::string>> profiles_of = {
        {"eku", {"server", "eas-client"}},
        {"name", {"server"}},
        {"san", {"eas-client"}},
        {"topic", {"apns"}}};
    auto check = v.find("check");
    auto profile = v.find("profile");
    if (check == v.end() || profile == v.end()) return std::nullopt;
    auto only = profiles_of.find(check->second);
    if (only == profiles_of.end() ||
        std::count(only->second.begin(), only->second.end(), profile->second))
        return std::nullopt;
    return ArgProblem{"check", msg("param.cert_file.check_of_profile",
                                   {{"profile", profile->second},
                                    {"check", check->second},
                                    {"profiles", join_alternatives(only->second)}})};
}

} // namespace

ProbeKind cert_file_probe() {
    ProbeKind k;
    k.name = "cert-file";
    k.verifies_chains = true;
    k.description = msg("probe.cert_file.description");
    k.params = {
        {"path", ParamType::text, true, "", msg("param.cert_file.path")},
        {"password", ParamType::text, false, "", msg("param.cert_file.password"), true},
        {.name = "profile",
         .type = ParamType::choice,
         .default_value = "none",
         .help = msg("param.cert_file.profile"),
         .choices = {"none", "server", "eas-client", "apns"}},
        {"host", ParamType::text, false, "", msg("param.cert_file.host")},
        {"full_chain", ParamType::boolean, false, "false", msg("param.cert_file.full_chain")},
        {.name = "check",
         .type = ParamType::choice,
         .default_value = "all",
         .help = msg("param.cert_file.check"),
         .choices = {"all", "load", "key", "chain", "expiry", "key_size", "signature", "eku",
                     "name", "san", "topic"}},
        expiry_param("expiry_warn", msg("param.expiry_warn")),
        expiry_param("expiry_fail", msg("param.expiry_fail")),
    };
    k.check_args = check_of_profile;
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        ProbeResult r;
        try {
            const std::string& which = args.text("check");
            r = which == "all" ? judge_file(args, ctx.env.tls, run_trust(ctx.io, ctx.env.tls))
                : which == "load"
                    ? judge_load(args)
                    : judge_one(args, ctx.env.tls, run_trust(ctx.io, ctx.env.tls), which);
        } catch (const std::exception& e) {
            // The trust store and file errors: their messages name no secret.
            r = ProbeResult::make(Status::error, Reason::bad_input, e.what());
        }
        return deliver_now(ctx, std::move(done), std::move(r));
    };
    return k;
}

} // namespace pf
