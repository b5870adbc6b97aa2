// A wrong command line is told in the user's language: every kind of
// mistake CLI11 finds (unknown option, extra argument, missing or repeated
// value, bad number, missing file, no command) and those the commands find
// before anything runs, in Japanese with --lang ja or a Japanese locale,
// naming the option and the value as typed; in English exactly as before.
#include "app/cli_errors.hpp"
#include "support/catalog_marks.hpp"
#include "support/japanese_text.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using pft::contains;
using pft::has_japanese;

namespace {

// preflight under the C locale and no proxy from the environment, so that
// only --lang chooses the language and --proxy-password finds no proxy.
pft::CommandResult preflight_env(std::vector<std::string> env, std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/env", "-u",      "HTTPS_PROXY",  "-u",
                                     "https_proxy",  "-u",      "HTTP_PROXY",   "-u",
                                     "http_proxy",   "LC_ALL=", "LC_MESSAGES=", "LANG=C"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(PREFLIGHT_BINARY);
    argv.insert(argv.end(), args.begin(), args.end());
    return pft::run(argv);
}

pft::CommandResult preflight(std::vector<std::string> args) {
    return preflight_env({}, std::move(args));
}

// Words of the English errors; none may be left in a Japanese one.
const char* const english_words[] = {
    "not expected",      "is required",      "does not exist", "expected a", "expected NAME",
    "Could not convert", "At Most",          "missing",        "not in {",   "Run with --help",
    "did you mean",      "is not a command", "needs",          "no such",    "no check",
    "not a directory",   "is more than",     "no proxy",       "actually a", "expected 1 to",
    "expected none"};

struct BadLine {
    std::vector<std::string> args; // --lang ja goes after the first word
    std::string names;             // the option or value the error must name
};

const std::string binary = PREFLIGHT_BINARY; // a file that is not a directory

const BadLine bad_lines[] = {
    {{"run", "--bogus"}, "--bogus"},
    {{"run", "extra1", "extra2"}, "extra2 extra1"},
    {{"run", "--chekclist", "x"}, "'--checklist'"},
    {{"run", "--jobs"}, "--jobs"},
    {{"run", "--jobs", "0"}, "--jobs: "},
    {{"run", "--jobs", "abc"}, "'abc'"},
    {{"run", "--jobs", "1", "--jobs", "2"}, "--jobs"},
    {{"run", "--users", "-5"}, "'-5'"},
    {{"run", "--timeout", "nan"}, "'nan'"},
    {{"run", "--idle", "9999"}, "'9999'"},
    {{"run", "--site", "/nonexistent/site.xml"}, "--site: "},
    {{"run", "--site", "/"}, "--site: "},
    {{"run", "--ca-file", "/nonexistent/ca.pem"}, "/nonexistent/ca.pem"},
    {{"run", "--public-roots", "/nonexistent/roots"}, "/nonexistent/roots"},
    {{"run", "--report-dir", "/nonexistent/dir"}, "/nonexistent/dir"},
    {{"run", "--report-dir", binary}, binary},
    {{"run", "--junit-prefix", "a/b"}, "'a/b'"},
    {{"run", "--junit-warn", "maybe"}, "maybe"},
    {{"run", "--lang", "xx"}, "'xx'"},
    {{"run", "--lang="}, "--lang"},
    {{"run", "--quiet=maybe"}, "--quiet = maybe"},
    {{"run", "-x"}, "-x"},
    {{"run", "--set", "foo"}, "--set foo"},
    {{"run", "--fail-on", "new"}, "--fail-on new"},
    {{"run", "--expiry-warn", "5", "--expiry-fail", "9"}, "--expiry-fail 9"},
    {{"run", "--proxy-password", "env:PF_NO_SUCH"}, "--proxy-password"},
    {{"run", "--history", binary}, "--history " + binary},
    // The file is named with what it was meant to be (the rest of the
    // sentence is the input file reader's).
    {{"run", "--facts", "/dev/null"}, "/dev/null"},
    // Which secret could not be read; nothing is sent before.
    {{"run", "--proxy", "http://127.0.0.1:9", "--proxy-password", "env:PF_NOT_SET_7"},
     "http://127.0.0.1:9"},
    {{"cert", "--password", "env:PF_NOT_SET_7", binary}, "--password"},
    {{"cert"}, "FILE"},
    {{"cert", "/nonexistent/c.pem"}, "/nonexistent/c.pem"},
    {{"cert", "--profile", "x", binary}, "--profile x"},
    {{"cert", "--profile", "server", binary}, "--host"},
    {{"schema"}, "NAME"},
    {{"schema", "nosuch"}, "schema nosuch"},
    {{"explain", "no.such"}, "explain no.such"},
    {{"explain", "no.such", "--checklist", "acc-saas"}, "acc-saas"},
    {{"bundle", "a.zip", "b.zip"}, "b.zip"},
    {{"facts", "-o"}, "--output"},
    {{"list", "--probes=x"}, "--probes"},
    {{"rn"}, "'run'"},
    {{"bogus"}, "'bogus'"},
};

} // namespace

BOOST_AUTO_TEST_SUITE(cli_errors_lang)

BOOST_AUTO_TEST_CASE(every_bad_command_line_is_told_in_japanese_with_lang_ja) {
    for (const auto& line : bad_lines) {
        auto args = line.args;
        args.insert(args.begin() + 1, {"--lang", "ja"});
        std::string shown;
        for (const auto& a : args)
            shown += a + " ";
        auto r = preflight(args);
        BOOST_TEST(r.exit_code == 3, shown << r.out << r.err);
        BOOST_TEST(r.err.rfind("preflight: ", 0) == 0u, shown << r.err);
        BOOST_TEST(has_japanese(r.err), shown << r.err);
        BOOST_TEST(contains(r.err, line.names), shown << r.err);
        for (const char* word : english_words)
            BOOST_TEST(!contains(r.err, word), shown << "says '" << word << "': " << r.err);
    }
}

BOOST_AUTO_TEST_CASE(english_errors_are_as_before) {
    const std::string more = "\nRun with --help for more information.\n";
    const std::pair<std::vector<std::string>, std::string> cases[] = {
        {{"run", "--lang", "en", "--bogus"},
         "preflight: The following argument was not expected: --bogus" + more},
        {{"run", "--lang", "en", "extra1", "extra2"},
         "preflight: The following arguments were not expected: extra2 extra1" + more},
        {{"run", "--lang", "en", "--chekclist", "x"},
         "preflight: The following arguments were not expected: x --chekclist (did you mean "
         "'--checklist'?)" +
             more},
        {{"run", "--lang", "en", "--jobs", "0"},
         "preflight: --jobs: expected a whole number from 1 to 4096, not '0'" + more},
        {{"run", "--lang", "en", "--timeout", "nan"},
         "preflight: --timeout: expected a number from 0.001 to 3600, not 'nan'" + more},
        {{"run", "--lang", "en", "--jobs"},
         "preflight: --jobs: 1 required N:a whole number from 1 to 4096 missing" + more},
        {{"run", "--lang", "en", "--jobs", "1", "--jobs", "2"},
         "preflight: --jobs: At Most 1 required but received 2" + more},
        {{"run", "--lang", "en", "--site", "/nonexistent/site.xml"},
         "preflight: --site: File does not exist: /nonexistent/site.xml" + more},
        {{"run", "--lang", "en", "--site", "/"},
         "preflight: --site: File is actually a directory: /" + more},
        {{"run", "--lang", "en", "--report-dir", binary},
         "preflight: --report-dir: Directory is actually a file: " + binary + more},
        {{"run", "--lang", "en", "--fail-on", "sometimes"},
         "preflight: --fail-on: sometimes not in {any,new}" + more},
        {{"run", "--lang", "en", "--junit-prefix", "a/b"},
         "preflight: --junit-prefix: expected 1 to 253 letters, digits, '.', '-' or '_', not "
         "'a/b'" +
             more},
        {{"run", "--lang", "en", "--quiet=maybe"},
         "preflight: Could not convert: --quiet = maybe" + more},
        {{"cert", "--lang", "en"}, "preflight: FILE is required" + more},
        {{"rn", "--lang", "en"},
         "preflight: 'rn' is not a command (run, cert, facts, list, schema, explain, bundle); "
         "did you mean 'run'?" +
             more},
        {{"run", "--lang", "en", "--set", "foo"}, "preflight: --set foo: expected NAME=VALUE\n"},
        {{"run", "--lang", "en", "--expiry-warn", "5", "--expiry-fail", "9"},
         "preflight: --expiry-fail 9 is more than --expiry-warn 5: failing must come after "
         "warning\n"},
        {{"schema", "--lang", "en", "nosuch"},
         "preflight: schema nosuch: no such schema (known: report)\n"},
    };
    for (const auto& [args, expected] : cases) {
        auto r = preflight(args);
        BOOST_TEST(r.exit_code == 3, args[1] << r.err);
        BOOST_TEST(r.err == expected);
    }
}

BOOST_AUTO_TEST_CASE(the_locale_chooses_the_language_before_parsing) {
    // No --lang at all, or none that CLI11 could read: the locale decides.
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--"}, std::vector<std::string>{"run", "--bogus"},
          std::vector<std::string>{"run", "--site", "/nonexistent/site.xml"}}) {
        auto r = preflight_env({"LANG=ja_JP.UTF-8"}, args);
        BOOST_TEST(r.exit_code == 3, args[0] << r.err);
        BOOST_TEST(has_japanese(r.err), args[0] << r.err);
        BOOST_TEST(!contains(r.err, "Run with --help"), r.err);
    }
    // --lang wins over the locale.
    auto en = preflight_env({"LANG=ja_JP.UTF-8"}, {"run", "--lang", "en", "--bogus"});
    BOOST_TEST(en.err == "preflight: The following argument was not expected: --bogus\nRun with "
                         "--help for more information.\n");
    auto none = preflight({"--"});
    BOOST_TEST(none.err == "preflight: A subcommand is required\nRun with --help for more "
                           "information.\n");
}

BOOST_AUTO_TEST_CASE(a_monitoring_system_reads_the_japanese_reason_on_the_plugin_line) {
    auto r = preflight({"run", "--lang", "ja", "--nagios", "-", "--bogus"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.out.rfind("PREFLIGHT UNKNOWN - ", 0) == 0u, r.out);
    BOOST_TEST(has_japanese(r.out), r.out);
    BOOST_TEST(contains(r.out, "--bogus"), r.out);
    BOOST_TEST(r.err == "");
}

BOOST_AUTO_TEST_CASE(a_bundle_with_no_run_kept_says_so_in_japanese) {
    pft::TempDir d;
    auto r = preflight_env({"XDG_STATE_HOME=" + d.file("state")},
                           {"bundle", "--lang", "ja", d.file("b.zip")});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(has_japanese(r.err), r.err);
    BOOST_TEST(contains(r.err, d.file("state/preflight/last-run")), r.err);
    BOOST_TEST(contains(r.err, "'preflight run'"), r.err);
}

// Options that need or exclude another: preflight declares none today, so
// the sentences are checked on a command line of their own.
BOOST_AUTO_TEST_CASE(an_option_that_needs_or_excludes_another_is_named_with_it) {
    auto failure = [](bool excludes) {
        CLI::App app{"t", "t"};
        auto* sub = app.add_subcommand("run");
        std::string a, b;
        auto* oa = sub->add_option("--alpha", a);
        auto* ob = sub->add_option("--beta", b);
        if (excludes)
            oa->excludes(ob);
        else
            oa->needs(ob);
        std::vector<std::string> args = {"t", "run", "--alpha", "1"};
        if (excludes) args.insert(args.end(), {"--beta", "2"});
        std::vector<char*> argv;
        for (auto& s : args)
            argv.push_back(s.data());
        try {
            app.parse(static_cast<int>(argv.size()), argv.data());
        } catch (const CLI::ParseError& e) {
            return pf::parse_failure_text(app, e, static_cast<int>(argv.size()), argv.data());
        }
        return std::string("(parsed)");
    };
    BOOST_TEST(failure(false) == "--alpha requires --beta");
    BOOST_TEST(failure(true) == "--alpha excludes --beta");
    pft::ActiveCatalog ja(pf::catalog_for(pf::Language::ja));
    BOOST_TEST(failure(false) == "--alpha を指定するときは --beta も指定してください");
    BOOST_TEST(failure(true) == "--alpha と --beta は同時に指定できません");
}

BOOST_AUTO_TEST_SUITE_END()
