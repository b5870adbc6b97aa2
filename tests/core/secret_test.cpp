#include "base/errors.hpp"
#include "base/read_file.hpp"
#include "base/secret.hpp"
#include "core/loader.hpp"
#include "core/runner.hpp"
#include "core/secrets.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace pf;

namespace {

// The sentences the issue found garbled, as the probes word them.
const char* const kSentences[] = {
    "bind as 'cn=svc,dc=example,dc=test' rejected: invalid credentials (LDAP 49 Invalid "
    "credentials): the DN does not exist or the password is wrong",
    "the proxy rejected the credentials for user svc (407 again; it offers Basic): check the "
    "user name and the --proxy-password source",
    "/tmp/x.pfx: wrong PKCS#12 password",
};

ProbeResult result_with(const std::string& text) {
    ProbeResult r = ProbeResult::make(Status::fail, text);
    r.evidence.push_back("the server's message: " + text);
    r.blocks.push_back({"transcript", {text}});
    r.alert = text;
    return r;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

// A server that quotes the password back, as a careless one might.
ProbeRegistry echoing_kind() {
    ProbeRegistry r;
    ProbeKind k;
    k.name = "echo";
    k.params = {{"password", ParamType::text, false, "", {}, true}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs& a, ProbeDone done) {
        auto said = "the server said '" + a.secret("password")->reveal() + " is wrong'";
        return deliver_now(ctx, std::move(done), ProbeResult::make(Status::fail, said));
    };
    r.add(k);
    return r;
}

void set_env(const char* name, const std::string& value) {
#ifdef _WIN32
    _putenv_s(name, value.c_str()); // an empty value removes it
#else
    if (value.empty())
        unsetenv(name);
    else
        setenv(name, value.c_str(), 1);
#endif
}

// One run of the echoing probe with the password in PF_SECRET_UNIT_PW.
CheckResult run_echo(const std::string& password) {
    static const auto reg = echoing_kind();
    static const Checklist c = load_checklist_text(
        R"(<checklist id="e" title="E"><source document="G"/>
           <parameters><param name="pw"/></parameters>
           <section id="s" title="S"><check id="c" title="C" severity="required">
             <probe kind="echo" password="${pw}"/><requirement>w</requirement><fix>f</fix>
           </check></section></checklist>)",
        "e.xml", reg);
    set_env("PF_SECRET_UNIT_PW", password);
    RunSettings s;
    s.values["pw"] = {"env:PF_SECRET_UNIT_PW", "--set pw"};
    auto plan = plan_run(c, reg, s);
    set_env("PF_SECRET_UNIT_PW", "");
    asio::io_context io;
    RunEnvironment env;
    RunnerOptions o;
    o.handle_signals = false;
    Runner runner(io, env, o);
    return runner.run(plan).front();
}

} // namespace

BOOST_AUTO_TEST_SUITE(secrets)

BOOST_AUTO_TEST_CASE(the_runner_removes_a_distinctive_secret_from_any_probe_and_shows_its_source) {
    auto canary = run_echo("Canary-7f3a9-LongSecret");
    BOOST_TEST(canary.result.summary == "the server said '**** is wrong'");
    BOOST_TEST(canary.args["password"] == "env:PF_SECRET_UNIT_PW");
    // A word stays: masking it would point at it.
    BOOST_TEST(run_echo("the").result.summary == "the server said 'the is wrong'");
}

BOOST_AUTO_TEST_CASE(a_password_that_is_a_common_word_leaves_every_sentence_unchanged) {
    for (const char* word : {"the", "LDAP", "proxy", "wrong", "password", "credentials"}) {
        auto s = std::make_shared<const Secret>(word, "env:PW");
        BOOST_TEST(!s->distinctive(), word);
        for (const char* sentence : kSentences) {
            ProbeResult r = result_with(sentence);
            redact_result(r, {s});
            BOOST_TEST(r.summary == sentence);
            BOOST_TEST(r.evidence.front() == std::string("the server's message: ") + sentence);
            BOOST_TEST(r.blocks.front().lines.front() == sentence);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_long_canary_and_its_base64_are_removed_from_every_text) {
    const std::string canary = "Canary-7f3a9-LongSecret";
    auto s = std::make_shared<const Secret>(canary, "env:PW");
    BOOST_TEST(s->distinctive());
    // AUTH LOGIN's form of it: base64 of the password alone.
    const std::string b64 = "Q2FuYXJ5LTdmM2E5LUxvbmdTZWNyZXQ=";
    ProbeResult r = result_with("535 rejected " + canary + " / 334 " + b64);
    r.certificates.push_back({});
    r.certificates.back().subject = "CN=" + canary;
    r.message = {"smtp.auth_rejected", {{"reply", "535 rejected " + canary}}};
    redact_result(r, {s});
    for (const auto& t : {r.summary, r.alert, r.evidence.front(), r.blocks.front().lines.front(),
                          r.certificates.front().subject, r.message.args.front().second}) {
        BOOST_TEST(t.find(canary) == std::string::npos, t);
        BOOST_TEST(t.find("Q2FuYXJ5LTdmM2E5LUxvbmdTZWNyZXQ") == std::string::npos, t);
    }
    BOOST_TEST(r.summary == "535 rejected **** / 334 ****=");
    // A 24-character passphrase of one kind of character is removed too.
    auto phrase = std::make_shared<const Secret>("correcthorsebatterystaple", "env:PW");
    BOOST_TEST(phrase->distinctive());
}

BOOST_AUTO_TEST_CASE(a_secret_source_is_checked_without_showing_the_value) {
    BOOST_TEST(is_secret_source("env:X"));
    BOOST_TEST(is_secret_source("file:/x"));
    BOOST_TEST(is_secret_source("prompt"));
    BOOST_TEST(!is_secret_source("env:"));
    BOOST_TEST(!is_secret_source("Hunter2!"));
    auto e = error_of([] { require_secret_source("Hunter2!", "--set p", "the secret 'p'"); });
    BOOST_TEST(e.find("--set p: the secret 'p' must say where the secret is") == 0u, e);
    BOOST_TEST(e.find("Hunter2!") == std::string::npos, e);
}

// FIFOs and /dev/zero are POSIX things; the Windows build reads files through
// the same read_input_file.
#ifndef _WIN32
BOOST_AUTO_TEST_CASE(a_password_file_must_be_a_small_regular_file) {
    auto dir =
        std::filesystem::temp_directory_path() / ("pf-secret-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto pw = (dir / "pw").string();
    std::ofstream(pw) << "Fil3-Secret!\r\nsecond line\n";
    auto s = read_secret("file:" + pw, "test password");
    BOOST_TEST(s->reveal() == "Fil3-Secret!");
    BOOST_TEST(s->source() == "file:" + pw);

    auto fifo = (dir / "fifo").string();
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const std::string& path : {std::string("/dev/zero"), fifo, dir.string()}) {
        auto e = error_of([&] { read_secret("file:" + path, "test password"); });
        BOOST_TEST(e.find(path + ": cannot use it as a password file") == 0u, e);
    }
    auto big = (dir / "big").string();
    std::ofstream(big) << std::string(secret_file_limit + 1, 'x');
    auto e = error_of([&] { read_secret("file:" + big, "test password"); });
    BOOST_TEST(e.find("it is larger than 64 KB") != std::string::npos, e);
    // Every input file goes through the same gate.
    auto z =
        error_of([] { read_input_file("/dev/zero", checklist_file_limit, "a checklist file"); });
    BOOST_TEST(z == "/dev/zero: cannot use it as a checklist file: it is a device, not a regular "
                    "file");
    std::filesystem::remove_all(dir);
}
#endif

BOOST_AUTO_TEST_SUITE_END()
