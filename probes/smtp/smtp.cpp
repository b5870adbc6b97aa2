#include "probes/smtp/smtp.hpp"
#include "base/catalog.hpp"
#include "core/run_environment.hpp"
#include "net/proxy_text.hpp"
#include "net/resolve.hpp"
#include "pki/cert_info.hpp"
#include "probes/smtp/smtp_session.hpp"
#include "probes/smtp/smtp_verdict.hpp"
#include <ctime>
#include <random>

namespace pf {

namespace {

std::string rfc5322_date(std::chrono::system_clock::time_point now) {
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::string new_token() {
    std::random_device rd;
    char buf[24];
    std::snprintf(buf, sizeof buf, "%08X%04X", rd(), rd() & 0xFFFF);
    return buf;
}

std::vector<std::string> split_addresses(const std::string& list) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : list + ",") {
        if (c == ',' || c == ';' || c == ' ') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    return out;
}

std::string text_or(const ProbeArgs& args, const std::string& name, const std::string& fallback) {
    return args.has(name) && !args.text(name).empty() ? args.text(name) : fallback;
}

// An address for MAIL FROM or RCPT TO: no line breaks or brackets that
// would let a parameter inject SMTP commands.
bool plain_address(const std::string& a) {
    return a.find_first_of("\r\n<> \t") == std::string::npos && a.find('@') != std::string::npos;
}

// Empty (no test message) or addresses plain_address accepts.
bool address_list(std::string_view list) {
    for (const auto& a : split_addresses(std::string(list)))
        if (!plain_address(a)) return false;
    return true;
}

// The tls and starttls choices, the addresses and helo are checked against
// the declaration before the run; what is left depends on the password's
// value or on this host's name.
std::optional<Message> bad_params(const SmtpPlan& p, const std::string& helo, bool has_password) {
    if (!p.user.empty() && !has_password) return msg("smtp.needs_password", {{"user", p.user}});
    if (!p.user.empty() && p.starttls == "no" && !p.implicit_tls && !p.allow_plaintext_auth)
        return msg("smtp.plaintext_login_refused", {{"user", p.user}});
    if (helo.find_first_of("\r\n /") != std::string::npos)
        return msg("smtp.bad_helo", {{"helo", helo}});
    return std::nullopt;
}

} // namespace

std::string smtp_test_message(const std::string& from, const std::string& to,
                              const std::string& message_id, const std::string& subject,
                              const std::string& host_name,
                              std::chrono::system_clock::time_point now) {
    return "Date: " + rfc5322_date(now) + "\r\nFrom: " + from + "\r\nTo: " + to +
           "\r\nMessage-ID: " + message_id + "\r\nSubject: " + subject +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
           "X-Mailer: preflight/" PREFLIGHT_VERSION "\r\n\r\n"
           "This message was sent by preflight from " +
           host_name +
           " to check that the Workspace ONE UEM Cloud Connector host can send mail\r\n"
           "through this server. No action is needed; it can be deleted.\r\n";
}

ProbeKind smtp_probe() {
    ProbeKind k;
    k.name = "smtp";
    k.verifies_chains = true;
    k.description = msg("probe.smtp.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.smtp.host")},
        {"port", ParamType::port, false, "", msg("param.smtp.port")},
        {.name = "tls",
         .type = ParamType::choice,
         .default_value = "starttls",
         .help = msg("param.smtp.tls"),
         .choices = {"starttls", "implicit"}},
        {.name = "starttls",
         .type = ParamType::choice,
         .default_value = "require",
         .help = msg("param.smtp.starttls"),
         .choices = {"require", "try", "no"}},
        {"user", ParamType::text, false, "", msg("param.smtp.user")},
        {"password", ParamType::text, false, "", msg("param.smtp.password"), true},
        {.name = "from",
         .help = msg("param.smtp.from"),
         .form = ValueForm{"mail address", msg("param.smtp.from_form"), address_list}},
        {.name = "to",
         .help = msg("param.smtp.to"),
         .form = ValueForm{"mail addresses", msg("param.smtp.to_form"), address_list}},
        {.name = "helo",
         .help = msg("param.smtp.helo"),
         .form = ValueForm{"host name", msg("param.smtp.helo_form"),
                           [](std::string_view v) {
                               return v.empty() || !validate_value(ParamType::host, v);
                           }}},
        {.name = "allow_plaintext_auth",
         .type = ParamType::boolean,
         .default_value = "false",
         .help = msg("param.smtp.allow_plaintext_auth")},
    };
    k.check_args = [](const ArgValues& v) -> std::optional<ArgProblem> {
        auto get = [&](const char* n) {
            auto it = v.find(n);
            return it == v.end() ? std::string() : it->second;
        };
        if (!get("to").empty() && get("from").empty())
            return ArgProblem{"from", msg("param.smtp.from_needed", {{"to", get("to")}})};
        if (split_addresses(get("from")).size() > 1)
            return ArgProblem{"from", msg("param.smtp.from_one")};
        return std::nullopt;
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto plan = std::make_shared<SmtpPlan>();
        std::string tls_mode = args.text("tls");
        plan->host = args.text("host");
        plan->implicit_tls = tls_mode == "implicit";
        plan->port = args.has("port") && !args.text("port").empty() ? args.port("port")
                     : plan->implicit_tls                           ? 465
                                                                    : 25;
        plan->starttls = args.text("starttls");
        plan->use_tls_starttls = args.how_to_set("tls", "starttls");
        plan->use_tls_implicit = args.how_to_set("tls", "implicit");
        plan->user = text_or(args, "user", "");
        plan->allow_plaintext_auth = args.boolean("allow_plaintext_auth");
        plan->from = text_or(args, "from", "");
        plan->to = split_addresses(text_or(args, "to", ""));
        plan->tls = &ctx.env.tls;
        std::string helo = text_or(args, "helo",
                                   ctx.env.facts.hostname.empty() ? std::string("preflight")
                                                                  : ctx.env.facts.hostname);
        SecretRef password = args.secret("password");
        if (auto bad = bad_params(*plan, helo, password && !password->empty()))
            return deliver_now(ctx, std::move(done),
                               make_result(Status::error, Reason::bad_input, *bad));
        auto token = new_token();
        plan->message_id = "<preflight." + token + "@" + helo + ">";
        plan->subject = "preflight SMTP test " + token + " from " + helo;

        SmtpRequest req;
        req.host = plan->host;
        req.port = plan->port;
        req.implicit_tls = plan->implicit_tls;
        // With CURLUSESSL_TRY curl logs in over the plain connection when
        // STARTTLS is missing (or stripped on the path): with a password to
        // send, TLS is required unless the checklist allows it explicitly.
        bool credentials = !plan->user.empty();
        req.use_ssl =
            plan->starttls == "require" ? CURLUSESSL_ALL
            : plan->starttls == "try"
                ? (credentials && !plan->allow_plaintext_auth ? CURLUSESSL_ALL : CURLUSESSL_TRY)
                : CURLUSESSL_NONE;
        req.helo = helo;
        req.user = plan->user;
        if (credentials) req.password = password;
        req.from = plan->from;
        req.to = plan->to;
        if (!plan->to.empty())
            req.message =
                smtp_test_message(plan->from, join_words(plan->to, ", "), plan->message_id,
                                  plan->subject, helo, std::chrono::system_clock::now());
        req.tls = ctx.env.tls;
        req.cancel = ctx.cancel;

        struct State {
            std::function<void()> cancel;
            bool over = false;
        };
        auto& io = ctx.io;
        auto state = std::make_shared<State>();
        auto finish = std::make_shared<ProbeDone>(std::move(done));
        auto fail = [state, finish](ProbeResult r) {
            if (state->over) return;
            state->over = true;
            (*finish)(std::move(r));
        };
        state->cancel = resolve_for_probe(
            io, plan->host, ctx.cancel,
            [&io, plan, state, finish, req](Resolution res) mutable {
                if (state->over) return;
                plan->addresses = res.addresses;
                req.pinned = res.addresses;
                // The session ends at the check's cancellation from here on.
                state->cancel =
                    start_smtp_session(io, std::move(req), [plan, state, finish](SmtpSession s) {
                        if (state->over) return;
                        state->over = true;
                        (*finish)(smtp_verdict(*plan, s));
                    });
            },
            fail);
        return [state] {
            state->over = true;
            auto c = std::move(state->cancel);
            if (c) c();
        };
    };
    return k;
}

} // namespace pf
