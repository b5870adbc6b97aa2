#include "app/registries.hpp"
#include "base/errors.hpp"
#include "core/loader.hpp"
#include "core/plan.hpp"
#include "core/site.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>

using namespace pf;

namespace {

const char* kList = R"(<?xml version="1.0"?>
<checklist id="t" title="T" timeout="5">
  <source document="Guide"/>
  <parameters>
    <param name="awcm_host" description="AWCM host" hint="Do not add https:// since this is assumed"/>
    <param name="ldap_port" description="LDAP port" default="389"/>
  </parameters>
  <services><service id="ldap" title="Directory Services"/></services>
  <section id="net" title="Network">
    <check id="awcm" title="AWCM" severity="required">
      <probe kind="tcp" host="${awcm_host}" port="443"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
    <check id="ldap" title="LDAP" severity="required" service="ldap" timeout="9">
      <probe kind="tcp" host="127.0.0.1" port="${ldap_port}"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
</checklist>
)";

Checklist load() {
    return load_checklist_text(kList, "t.xml", builtin_probes());
}

std::string plan_error(const Checklist& c, const RunSettings& s) {
    try {
        plan_run(c, builtin_probes(), s);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(plan)

BOOST_AUTO_TEST_CASE(unset_parameter_skips_with_the_flag_to_give) {
    auto c = load();
    auto p = plan_run(c, builtin_probes(), {});
    BOOST_REQUIRE(p[0].skip);
    BOOST_TEST(p[0].skip->status == Status::skip);
    BOOST_TEST((p[0].skip->reason == Reason::not_configured));
    BOOST_TEST(p[0].skip->summary.find("--set awcm_host=") != std::string::npos,
               p[0].skip->summary);
}

// Most planned checks run: a skip verdict in place (a whole ProbeResult,
// ~230 bytes) in each made the plan of 3,000 checks 0.7 MB larger.
BOOST_AUTO_TEST_CASE(a_planned_check_holds_no_verdict_in_place) {
    BOOST_TEST(sizeof(PlannedCheck) < sizeof(ProbeResult) + sizeof(ProbeArgs));
    BOOST_TEST(sizeof(PlannedCheck) <= 256u);
}

BOOST_AUTO_TEST_CASE(disabled_service_skips_with_its_reason) {
    auto c = load();
    auto p = plan_run(c, builtin_probes(), {});
    BOOST_REQUIRE(p[1].skip);
    BOOST_TEST((p[1].skip->reason == Reason::service_disabled));
    BOOST_TEST(p[1].skip->summary.find("service 'ldap'") != std::string::npos);
    BOOST_TEST(p[1].skip->summary.find("--service ldap") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(settings_and_services_are_substituted) {
    auto c = load();
    RunSettings s;
    s.values["awcm_host"] = {"awcm.example", "--set awcm_host"};
    s.services.insert("ldap");
    auto p = plan_run(c, builtin_probes(), s);
    BOOST_TEST(!p[0].skip);
    BOOST_TEST(p[0].args.text("host") == "awcm.example");
    BOOST_TEST(!p[1].skip);
    BOOST_TEST(p[1].args.port("port") == 389); // the parameter's default
}

BOOST_AUTO_TEST_CASE(deadlines_follow_check_then_flag_then_checklist) {
    auto c = load();
    RunSettings s;
    auto p = plan_run(c, builtin_probes(), s);
    BOOST_TEST(p[0].timeout.count() == 5000);
    BOOST_TEST(p[1].timeout.count() == 9000);
    s.timeout = std::chrono::milliseconds(1500);
    p = plan_run(c, builtin_probes(), s);
    BOOST_TEST(p[0].timeout.count() == 1500);
    BOOST_TEST(p[1].timeout.count() == 9000);
}

BOOST_AUTO_TEST_CASE(bad_value_from_set_names_the_flag_and_the_check) {
    auto c = load();
    RunSettings s;
    s.values["awcm_host"] = {"https://awcm.example", "--set awcm_host"};
    auto e = plan_error(c, s);
    BOOST_TEST(
        e.find("--set awcm_host: 'https://awcm.example' is not valid for host of check 'awcm'") ==
            0,
        e);
    BOOST_TEST(e.find("without a scheme") != std::string::npos, e);
    BOOST_TEST(e.find(". Do not add https:// since this is assumed") != std::string::npos,
               e); // the param's hint
    s.values["awcm_host"] = {"awcm.example", "--set awcm_host"};
    s.values["ldap_port"] = {"70000", "--set ldap_port"};
    s.services.insert("ldap");
    e = plan_error(c, s);
    BOOST_TEST(e.find("--set ldap_port: '70000'") == 0, e);
}

BOOST_AUTO_TEST_CASE(unknown_parameter_and_service_are_errors) {
    auto c = load();
    RunSettings s;
    s.values["awcm"] = {"x", "--set awcm"};
    BOOST_TEST(plan_error(c, s).find("--set awcm: checklist 't' has no parameter 'awcm'") == 0);
    RunSettings s2;
    s2.services.insert("smtp");
    BOOST_TEST(plan_error(c, s2).find(
                   "--service: checklist 't' has no service 'smtp' (its services: ldap)") == 0);
}

BOOST_AUTO_TEST_CASE(site_file_gives_services_parameters_and_sizing) {
    pft::TempDir t;
    auto path = t.write("site.xml", "<site checklist=\"acc-saas\" users=\"20000\" servers=\"2\">\n"
                                    "  <service id=\"ldap\"/>\n"
                                    "  <param name=\"awcm_host\" value=\"awcm.example\"/>\n"
                                    "</site>\n");
    auto site = load_site_file(path);
    BOOST_TEST(site.checklist == "acc-saas");
    BOOST_TEST(*site.users == 20000u);
    BOOST_TEST(*site.servers == 2u);
    BOOST_TEST(site.settings.services.count("ldap") == 1u);
    BOOST_TEST(site.settings.values["awcm_host"].value == "awcm.example");
    BOOST_TEST(site.settings.values["awcm_host"].origin == path + ":3:27");
}

BOOST_AUTO_TEST_CASE(site_file_errors_name_line_and_column) {
    pft::TempDir t;
    auto path = t.write("site.xml", "<site users=\"many\">\n</site>\n");
    try {
        load_site_file(path);
        BOOST_FAIL("expected an error");
    } catch (const InputError& e) {
        BOOST_TEST(std::string(e.what()).find(path + ":1:7: users='many'") == 0, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

void set_env(const char* name, const char* value) {
#ifdef _WIN32
    _putenv_s(name, value ? value : "");
#else
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
#endif
}

// A probe kind with a password, as the LDAP, SMTP and Exchange probes have.
ProbeRegistry with_secret_kind() {
    ProbeRegistry r;
    ProbeKind k;
    k.name = "login";
    k.params = {{"host", ParamType::host, true, "", {}},
                {"password", ParamType::text, false, "", {}, true}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) {
        return deliver_now(ctx, std::move(done), ProbeResult::make(Status::pass, "ok"));
    };
    r.add(k);
    return r;
}

const char* kLoginList = R"(<?xml version="1.0"?>
<checklist id="l" title="L" timeout="5">
  <source document="Guide"/>
  <parameters>
    <param name="bind_password" description="service account password"/>
  </parameters>
  <services><service id="ldap" title="Directory Services"/></services>
  <section id="net" title="Network">
    <check id="bind" title="Bind" severity="required">
      <probe kind="login" host="127.0.0.1" password="${bind_password}"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
    <check id="bind-gc" title="Bind GC" severity="required" service="ldap">
      <probe kind="login" host="127.0.0.1" password="${bind_password}"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
</checklist>
)";

} // namespace

BOOST_AUTO_TEST_SUITE(plan_secrets)

BOOST_AUTO_TEST_CASE(a_secret_parameter_is_read_from_its_source) {
    auto reg = with_secret_kind();
    auto c = load_checklist_text(kLoginList, "l.xml", reg);
    set_env("PF_PLAN_TEST_SECRET", "S3cr3t-bind");
    RunSettings s;
    s.values["bind_password"] = {"env:PF_PLAN_TEST_SECRET", "--set bind_password"};
    auto p = plan_run(c, reg, s);
    // The text is the source, what reports show; the secret is held apart.
    BOOST_TEST(p[0].args.text("password") == "env:PF_PLAN_TEST_SECRET");
    BOOST_REQUIRE(p[0].args.secret("password"));
    BOOST_TEST(p[0].args.secret("password")->reveal() == "S3cr3t-bind");
    // The disabled service's check keeps the source: nothing is read for it.
    BOOST_REQUIRE(p[1].skip);
    BOOST_TEST(p[1].args.text("password") == "env:PF_PLAN_TEST_SECRET");
    BOOST_TEST(!p[1].args.secret("password"));
    set_env("PF_PLAN_TEST_SECRET", nullptr);
}

BOOST_AUTO_TEST_CASE(a_secret_given_as_itself_is_refused_without_echoing_it) {
    auto reg = with_secret_kind();
    auto c = load_checklist_text(kLoginList, "l.xml", reg);
    RunSettings s;
    s.values["bind_password"] = {"Hunter2-plain", "--set bind_password"};
    std::string error;
    try {
        plan_run(c, reg, s);
    } catch (const InputError& e) {
        error = e.what();
    }
    BOOST_TEST(error.find("--set bind_password: the secret parameter 'bind_password' must say "
                          "where the secret is: expected env:NAME, file:PATH or prompt") == 0u,
               error);
    BOOST_TEST(error.find("Hunter2-plain") == std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_missing_environment_variable_names_the_check_not_a_value) {
    auto reg = with_secret_kind();
    auto c = load_checklist_text(kLoginList, "l.xml", reg);
    set_env("PF_PLAN_TEST_UNSET", nullptr);
    RunSettings s;
    s.values["bind_password"] = {"env:PF_PLAN_TEST_UNSET", "--set bind_password"};
    std::string error;
    try {
        plan_run(c, reg, s);
    } catch (const InputError& e) {
        error = e.what();
    }
    BOOST_TEST(error == "password of check 'bind': the environment variable PF_PLAN_TEST_UNSET "
                        "is not set");
}

// Secret because a secret probe parameter refers to it, or declared so; the
// parameters are checked whether or not a check that uses them runs.
const char* kUnusedSecretList = R"(<?xml version="1.0"?>
<checklist id="u" title="U" timeout="5">
  <source document="Guide"/>
  <parameters>
    <param name="bind_password" description="used by a disabled service"/>
    <param name="vault_password" description="declared" secret="true" default=""/>
  </parameters>
  <services><service id="ldap" title="Directory Services"/></services>
  <section id="net" title="Network">
    <check id="bind" title="Bind" severity="required" service="ldap">
      <probe kind="login" host="127.0.0.1" password="${bind_password}"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
</checklist>
)";

std::string plan_error(const Checklist& c, const ProbeRegistry& reg, const RunSettings& s) {
    try {
        plan_run(c, reg, s);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

BOOST_AUTO_TEST_CASE(a_literal_secret_is_refused_even_when_no_check_uses_it) {
    auto reg = with_secret_kind();
    auto c = load_checklist_text(kUnusedSecretList, "u.xml", reg);
    BOOST_TEST(c.find_param("bind_password")->secret);
    BOOST_TEST(c.find_param("vault_password")->secret);
    for (const char* name : {"bind_password", "vault_password"}) {
        RunSettings s;
        s.values[name] = {"SetCanary-77", "site.xml:4:31"};
        auto error = plan_error(c, reg, s);
        BOOST_TEST(error.find(std::string("site.xml:4:31: the secret parameter '") + name) == 0u,
                   error);
        BOOST_TEST(error.find("SetCanary-77") == std::string::npos, error);
    }
    // Sources and an empty value (no password) are accepted.
    RunSettings ok;
    ok.values["vault_password"] = {"file:/nonexistent", "--set vault_password"};
    ok.values["bind_password"] = {"", "--set bind_password"};
    BOOST_TEST(plan_error(c, reg, ok) == "");
}

BOOST_AUTO_TEST_CASE(a_checklist_cannot_hold_a_secret_or_leak_one_into_a_shown_parameter) {
    auto reg = with_secret_kind();
    auto load_error = [&](const std::string& probe, const std::string& param) {
        std::string xml = R"(<?xml version="1.0"?>
<checklist id="x" title="X">
  <source document="Guide"/>
  <parameters>)" + param + R"(</parameters>
  <section id="s" title="S">
    <check id="c" title="C" severity="required">
      )" + probe + R"(
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
</checklist>
)";
        try {
            load_checklist_text(xml, "x.xml", reg);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    auto literal =
        load_error(R"(<probe kind="login" host="127.0.0.1" password="Lit3ral-Pw!"/>)", "");
    BOOST_TEST(literal.find("x.xml:7:") == 0u, literal);
    BOOST_TEST(literal.find("Lit3ral-Pw!") == std::string::npos, literal);
    auto deflt = load_error(R"(<probe kind="login" host="127.0.0.1" password="${p}"/>)",
                            R"(<param name="p" default="Def4ult-Pw!"/>)");
    BOOST_TEST(deflt.find("x.xml:4:") == 0u, deflt);
    BOOST_TEST(deflt.find("Def4ult-Pw!") == std::string::npos, deflt);
    auto mixed = load_error(R"(<probe kind="login" host="127.0.0.1" password="x${p}"/>)",
                            R"(<param name="p"/>)");
    BOOST_TEST(mixed.find("one whole ${parameter}") != std::string::npos, mixed);
    auto shown =
        load_error(R"(<probe kind="login" host="${p}" password="${p}"/>)", R"(<param name="p"/>)");
    BOOST_TEST(shown.find("'${p}' is a secret parameter") != std::string::npos, shown);
    BOOST_TEST(load_error(R"(<probe kind="login" host="127.0.0.1" password="${p}"/>)",
                          R"(<param name="p" default="env:P"/>)") == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(plan_declared_values)

const char* kChoices = R"(<?xml version="1.0"?>
<checklist id="t" title="T">
  <source document="Guide"/>
  <parameters>
    <param name="ldap_host" description="directory server"/>
    <param name="ldap_security" default="none"/>
    <param name="rpc_version" default="0.0"/>
  </parameters>
  <services><service id="ldap" title="Directory Services"/></services>
  <section id="net" title="Network">
    <check id="ldap" title="LDAP" severity="required" service="ldap">
      <probe kind="ldap" host="${ldap_host}" security="${ldap_security}"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
    <check id="rpc" title="RPC" severity="required" service="ldap">
      <probe kind="rpc_epmap" host="${ldap_host}" version="${rpc_version}"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
</checklist>
)";

// The service is not enabled and ldap_host is not given, so the check would
// be skipped: its other values are still checked before anything runs.
BOOST_AUTO_TEST_CASE(a_bad_choice_from_set_is_refused_though_its_check_would_be_skipped) {
    auto c = load_checklist_text(kChoices, "t.xml", builtin_probes());
    RunSettings s;
    s.values["ldap_security"] = {"ssl", "--set ldap_security"};
    auto e = plan_error(c, s);
    BOOST_TEST(e.find("--set ldap_security: 'ssl' is not valid for security of check 'ldap' "
                      "(t.xml:12:46): expected none, starttls or ldaps") == 0,
               e);
    RunSettings v;
    v.values["rpc_version"] = {"x", "site.xml:4:3"};
    e = plan_error(c, v);
    BOOST_TEST(e.find("site.xml:4:3: 'x' is not valid for version of check 'rpc'") == 0, e);
    BOOST_TEST(e.find("major.minor") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(fix_texts_name_the_set_the_user_types) {
    auto c = load_checklist_text(kChoices, "t.xml", builtin_probes());
    RunSettings s;
    s.values["ldap_host"] = {"dc1.example", "--set ldap_host"};
    auto plan = plan_run(c, builtin_probes(), s);
    BOOST_TEST(plan[0].args.how_to_set("security", "ldaps") == "--set ldap_security=ldaps");
    // Every value the checklist takes whole from a parameter is set with --set.
    BOOST_TEST(plan[0].args.how_to_set("host", "x") == "--set ldap_host=x");
    // A value the checklist fixes is changed in the checklist.
    BOOST_TEST(plan[1].args.how_to_set("connect", "false") == "connect=\"false\"");
}

BOOST_AUTO_TEST_CASE(an_unknown_service_in_a_site_file_names_its_line) {
    pft::TempDir t;
    auto path = t.write("site.xml", "<site>\n  <service id=\"ldap\"/>\n  <service id=\"fax\"/>\n"
                                    "</site>\n");
    auto site = load_site_file(path);
    auto e = plan_error(load(), site.settings);
    BOOST_TEST(e.find(path + ":3:12: checklist 't' has no service 'fax'") == 0, e);
}

BOOST_AUTO_TEST_CASE(users_in_a_site_file_are_range_checked) {
    pft::TempDir t;
    for (auto users : {"0", "-5", "10000001", "99999999999999999999999"}) {
        auto path = t.write("site.xml", std::string("<site users=\"") + users + "\"/>\n");
        try {
            load_site_file(path);
            BOOST_FAIL("expected an error for " << users);
        } catch (const InputError& e) {
            BOOST_TEST(std::string(e.what()).find(path + ":1:7: users='" + users +
                                                  "': expected a number of users from 1 to "
                                                  "10000000") == 0,
                       e.what());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
