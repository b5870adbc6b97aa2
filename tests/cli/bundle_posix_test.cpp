// The support bundle as a support engineer receives it: a run against squid
// on loopback that sends a proxy password, zipped with `run --bundle` and
// again later with `preflight bundle`; the zip is checked with Info-ZIP's
// `unzip -t` and read with Python's zipfile, as on the engineer's machine:
// every member is there and named in README.txt, names are UTF-8-flagged
// and relative, and no member holds the password in any form.
#include "app/zip_writer.hpp"
#include "support/japanese_text.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/scoped_env.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

using pft::contains;
using pft::has_japanese;

namespace {

const std::string kCanary = "BundleCanary-31-7d0e5a";

// Python's zipfile on the archive: per member its name, whether the UTF-8
// flag is set, the method, the year of its DOS timestamp, its text, and
// whether its bytes hold the password or the Basic credentials carrying it.
nlohmann::json read_zip(const std::string& zip) {
    const std::string script = R"(
import base64, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
secret = sys.argv[2].encode()
forms = [secret, base64.b64encode(b"alice:" + secret)]
out = {"bad": z.testzip(), "members": []}
for i in z.infolist():
    data = z.read(i)
    out["members"].append({"name": i.filename, "utf8": bool(i.flag_bits & 0x800),
                           "method": i.compress_type, "year": i.date_time[0],
                           "secret": any(f in data for f in forms),
                           "text": data.decode("utf-8", "replace")})
print(json.dumps(out))
)";
    auto r = pft::run({"python3", "-c", script, zip, kCanary});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
}

std::vector<std::string> names(const nlohmann::json& z) {
    std::vector<std::string> out;
    for (const auto& m : z["members"])
        out.push_back(m["name"]);
    return out;
}

std::string text_of(const nlohmann::json& z, const std::string& name) {
    for (const auto& m : z["members"])
        if (m["name"] == name) return m["text"];
    return "(no member " + name + ")";
}

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

// unzip -t reads every member and checks its CRC.
void unzip_accepts(const std::string& zip) {
    auto t = pft::run({"unzip", "-t", zip});
    BOOST_TEST(t.exit_code == 0, t.out << t.err);
    BOOST_TEST(contains(t.out, "No errors detected"), t.out);
}

// A checklist of one proxy check "one" whose fix is the given text.
std::string proxy_checklist(const pft::TempDir& d, const std::string& fix) {
    return d.write("c.xml", R"(<?xml version="1.0"?>
<checklist id="b" title="Bundle">
  <source document="Test"/>
  <section id="net" title="Network">
    <check id="one" title="One" severity="required">
      <probe kind="proxy" host="127.0.0.1" port="9"/>
      <requirement>w</requirement><fix>)" +
                                fix + R"(</fix>
    </check>
  </section>
</checklist>
)");
}

} // namespace

BOOST_AUTO_TEST_SUITE(bundle_cli)

BOOST_AUTO_TEST_CASE(a_run_with_a_proxy_password_is_bundled_without_it,
                     *pft::needs_programs({"squid", "unzip", "python3"})) {
    for (const char* v : {"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"})
        unsetenv(v);
    pft::TempDir d;
    pft::ScopedEnv state("XDG_STATE_HOME", d.file("state"));
    pft::ScopedEnv password("PF_BUNDLE_PW", kCanary);
    pft::Squid squid({.basic_user = "alice", .basic_password = kCanary});
    // The fix text carries the password too: the bundle must still not, as
    // a second guard behind reports that never print one.
    auto checklist = proxy_checklist(d, kCanary);
    auto site = d.write("Standort-München.xml",
                        "<site>\n  <proxy url=\"http://127.0.0.1:" + std::to_string(squid.port()) +
                            "\" user=\"alice\" password=\"env:PF_BUNDLE_PW\"/>\n</site>\n");
    auto r = preflight({"run", "--checklist", checklist, "--site", site, "--bundle",
                        d.file("ticket.zip"), "--report-dir", d.path()});
    BOOST_TEST((r.exit_code >= 0 && r.exit_code <= 2), r.out << r.err);
    BOOST_TEST(contains(r.out, "bundle: " + d.file("ticket.zip")), r.out);
    // The password did reach squid: the check got past authentication.
    BOOST_TEST(!contains(r.out, "rejected the credentials"), r.out);

    unzip_accepts(d.file("ticket.zip"));
    auto z = read_zip(d.file("ticket.zip"));
    BOOST_TEST(z["bad"].is_null());
    const std::vector<std::string> expected = {
        "README.txt",  "report.html", "report.json",     "report.junit.xml",
        "console.log", "facts.json",  "checklist-c.xml", "site-Standort-München.xml"};
    BOOST_TEST(names(z) == expected, nlohmann::json(names(z)).dump());
    auto readme = text_of(z, "README.txt");
    for (const auto& m : z["members"]) {
        std::string name = m["name"];
        BOOST_TEST(!m["secret"].get<bool>(), name);
        BOOST_TEST(m["method"] == 8, name); // deflate
        BOOST_TEST(m["year"].get<int>() >= 2024, name);
        BOOST_TEST(contains(readme, name), name);
    }
    // Explorer reads the name as UTF-8 only when the flag says so.
    BOOST_TEST(z["members"][7]["utf8"].get<bool>());
    BOOST_TEST(contains(text_of(z, "console.log"), "one"), text_of(z, "console.log"));
    BOOST_TEST(contains(text_of(z, "console.log"), "Summary:"));
    BOOST_TEST(contains(text_of(z, "site-Standort-München.xml"), "env:PF_BUNDLE_PW"));
    BOOST_TEST(contains(text_of(z, "checklist-c.xml"), "<fix>****</fix>"));
    auto report = nlohmann::json::parse(text_of(z, "report.json"));
    BOOST_TEST(report["sections"][0]["checks"][0]["id"] == "one");
    BOOST_TEST(nlohmann::json::parse(text_of(z, "facts.json")).is_object());

    // Later, from the folder the run left: the same files.
    auto again = preflight({"bundle", d.file("later.zip")});
    BOOST_TEST(again.exit_code == 0, again.err);
    unzip_accepts(d.file("later.zip"));
    auto later = read_zip(d.file("later.zip"));
    BOOST_TEST(later["members"][0]["name"] == "README.txt");
    auto sorted = expected;
    std::sort(sorted.begin() + 1, sorted.end());
    BOOST_TEST(names(later) == sorted, nlohmann::json(names(later)).dump());
    BOOST_TEST(text_of(later, "report.json") == text_of(z, "report.json"));
    for (const auto& m : later["members"])
        BOOST_TEST(!m["secret"].get<bool>(), m["name"]);
    BOOST_TEST(std::filesystem::is_regular_file(d.file("state/preflight/last-run/report.html")));
    // The console's lines went to a file as the run went: the folder and
    // the zip hold all of them, and the file itself is gone.
    BOOST_TEST(pft::read_file(d.file("state/preflight/last-run/console.log")) ==
               text_of(z, "console.log"));
    BOOST_TEST(text_of(later, "console.log") == text_of(z, "console.log"));
    for (const auto& e : std::filesystem::directory_iterator(d.file("state/preflight")))
        BOOST_TEST(e.path().filename() == "last-run");
    // Kept under an ASCII name: Windows reads a UTF-8 file name back through
    // its code page as another name.
    BOOST_TEST(std::filesystem::is_regular_file(
        d.file("state/preflight/last-run/site-Standort-M%C3%BCnchen.xml")));
}

BOOST_AUTO_TEST_CASE(no_bundle_without_a_run_or_over_a_report, *pft::needs_programs({"unzip"})) {
    pft::TempDir d;
    pft::ScopedEnv state("XDG_STATE_HOME", d.file("state"));
    auto none = preflight({"bundle", d.file("b.zip")});
    BOOST_TEST(none.exit_code == 3);
    BOOST_TEST(contains(none.err, "no run is kept in " + d.file("state/preflight/last-run")),
               none.err);
    BOOST_TEST(!std::filesystem::exists(d.file("b.zip")));
    auto shared = preflight(
        {"run", "--only", "none.*", "--json", d.file("r.zip"), "--bundle", d.file("r.zip")});
    BOOST_TEST(shared.exit_code == 3, shared.err);
    BOOST_TEST(!std::filesystem::exists(d.file("r.zip")));
}

std::vector<std::string> crlf_lines(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < text.size();) {
        auto end = text.find("\r\n", at);
        if (end == std::string::npos) end = text.size();
        out.push_back(text.substr(at, end - at));
        at = end + 2;
    }
    return out;
}

// The README speaks the run's language: a Japanese admin attaches the zip to
// a ticket written in Japanese. English stays as it was.
BOOST_AUTO_TEST_CASE(the_readme_is_in_the_language_of_the_run, *pft::needs_programs({"python3"})) {
    pft::TempDir d;
    pft::ScopedEnv state("XDG_STATE_HOME", d.file("state"));
    // One host check: nothing is sent anywhere.
    auto bundle = [&](const std::string& lang) {
        auto r = preflight({"run", "--lang", lang, "--only", "general.notepadpp", "--report-dir",
                            d.path(), "--bundle", d.file(lang + ".zip")});
        BOOST_TEST((r.exit_code >= 0 && r.exit_code <= 2), r.out << r.err);
        // Named on the console as the reports are, in the same language.
        BOOST_TEST(contains(r.out, (lang == "ja" ? "サポート バンドル: " : "\nbundle: ") +
                                       d.file(lang + ".zip") + "\n"),
                   r.out);
        return text_of(read_zip(d.file(lang + ".zip")), "README.txt");
    };
    auto ja = bundle("ja");
    auto lines = crlf_lines(ja);
    BOOST_TEST_REQUIRE(lines.size() > 20u, ja);
    BOOST_TEST(has_japanese(lines[0]), lines[0]);
    // The underline is as wide as the title: kana and kanji take two columns.
    std::size_t title_columns = 0;
    for (unsigned char c : lines[0])
        title_columns += c < 0x80 || (c >= 0xC0 && c < 0xE0) ? 1 : c >= 0xE0 ? 2 : 0;
    BOOST_TEST(lines[1] == std::string(title_columns, '='));
    // Every line of words is Japanese: the header's labels, each file's
    // line, the notes on secrets and the folder.
    std::size_t japanese = 0;
    for (std::size_t i = 3; i < lines.size(); ++i)
        if (!lines[i].empty()) {
            BOOST_TEST(has_japanese(lines[i]), i << ": " << lines[i]);
            japanese += has_japanese(lines[i]);
        }
    BOOST_TEST(japanese >= 19u);
    BOOST_TEST(contains(ja, "  README.txt "), ja);
    BOOST_TEST(contains(ja, "--lang ja"), ja); // the command line, as given
    for (const char* english :
         {"support bundle", "Host:", "Run started", "Exit code", "Command line",
          "Files:", "this file", "the HTML report", "Secrets", "Every run keeps", "all passed"})
        BOOST_TEST(!contains(ja, english), english);

    auto en = bundle("en");
    BOOST_TEST(
        en.rfind("preflight support bundle\r\n========================\r\n\r\nHost:         ", 0) ==
            0u,
        en);
    BOOST_TEST(contains(en, "\r\nExit code:    "), en);
    BOOST_TEST(contains(en, " (0 all passed, 1 warnings only, 2 at least one failure, 3 could "
                            "not run)\r\nCommand line: "),
               en);
    BOOST_TEST(contains(en, "\r\nFiles:\r\n  README.txt              this file\r\n"), en);
    BOOST_TEST(contains(en, "last run's files, 'preflight run ... --bundle FILE.zip' those of "
                            "that run.\r\n"),
               en);
}

BOOST_AUTO_TEST_CASE(runs_ending_together_keep_one_whole_last_run_and_say_nothing) {
    for (const char* v : {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"})
        unsetenv(v);
    pft::TempDir d;
    auto checklist = proxy_checklist(d, "f");
    // Twelve runs at once, each writing its reports to a file of its own.
    pft::ScopedEnv state("XDG_STATE_HOME", d.file("state"));
    std::string script = "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do '" +
                         std::string(PREFLIGHT_BINARY) + "' run --checklist '" + checklist +
                         "' --json '" + d.path() + "'/r$i.json >/dev/null 2>>'" + d.file("err") +
                         "' & done; wait";
    BOOST_TEST(pft::run({"sh", "-c", script}).exit_code == 0);
    BOOST_TEST(pft::read_file(d.file("err")) == "");
    std::size_t kept = 0;
    for (const auto& e : std::filesystem::directory_iterator(d.file("state/preflight"))) {
        BOOST_TEST(e.path().filename() == "last-run");
        ++kept;
    }
    BOOST_TEST(kept == 1u);
    auto b = preflight({"bundle", d.file("b.zip")});
    BOOST_TEST(b.exit_code == 0, b.err);
}

BOOST_AUTO_TEST_CASE(member_names_stay_inside_the_folder_they_are_extracted_to) {
    for (const std::string& bad :
         std::vector<std::string>{"", "/etc/passwd", "../up", "a/../../up", "C:evil", "a\\b",
                                  "dir/", "a//b", "\xff\xfe", std::string("nul\0x", 5)})
        BOOST_TEST(!pf::plain_member_name(bad), bad);
    for (const std::string& good :
         std::vector<std::string>{"README.txt", "site-Standort-München.xml", "dir/file.txt"})
        BOOST_TEST(pf::plain_member_name(good), good);
    // README.txt stays UTF-8 when Windows hands over a code-page command line.
    BOOST_TEST(pf::utf8_text("M\xfcnchen München") == "M?nchen München");
    BOOST_CHECK_THROW(pf::make_zip({{"../up", "x"}}, std::chrono::system_clock::now()),
                      std::runtime_error);
    auto bytes = pf::make_zip({{"a.txt", "hello"}}, std::chrono::system_clock::now());
    BOOST_TEST(bytes.substr(0, 4) == std::string("PK\x03\x04"));
}

BOOST_AUTO_TEST_SUITE_END()
