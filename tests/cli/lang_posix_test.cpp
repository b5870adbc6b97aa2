// The language of a run: --lang, the site file's lang and the user's locale
// choose the words; ids, reason codes, JSON keys and exit codes stay the
// same. Against nginx on loopback and a port nothing listens on.
#include "support/certs.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

// The same run under a locale: env(1) sets it for preflight only.
pft::CommandResult preflight_in_locale(const std::string& locale, std::vector<std::string> args) {
    args.insert(args.begin(),
                {"/usr/bin/env", "LC_ALL=", "LC_MESSAGES=", "LANG=" + locale, PREFLIGHT_BINARY});
    return pft::run(args);
}

// One check that passes (nginx's port) and one that is refused.
std::string two_checks(unsigned short open, unsigned short closed) {
    auto check = [](const char* id, const char* ja, unsigned short port) {
        return std::string("<check id=\"") + id + "\" title=\"Port " + std::to_string(port) +
               "\" severity=\"required\"><title xml:lang=\"ja\">" + ja +
               "</title><probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + std::to_string(port) +
               "\"/><requirement>Port open</requirement><requirement xml:lang=\"ja\">"
               "ポートが開いていること</requirement><fix>Start the service</fix>"
               "<fix xml:lang=\"ja\">サービスを開始します</fix></check>";
    };
    return "<checklist id=\"ports\" title=\"Ports\" timeout=\"3\">"
           "<title xml:lang=\"ja\">ポート</title><source document=\"test\"/>"
           "<section id=\"net\" title=\"Network\"><title xml:lang=\"ja\">ネットワーク</title>" +
           check("net.open", "開いているポート", open) +
           check("net.closed", "閉じたポート", closed) + "</section></checklist>";
}

// Whether s holds hiragana, katakana or kanji: their UTF-8 lead bytes are
// E3 to E9, never ASCII.
bool has_japanese(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0xE3 && c <= 0xE9) return true;
    return false;
}

const json& check_of(const json& report, const std::string& id) {
    for (const auto& s : report.at("sections"))
        for (const auto& c : s.at("checks"))
            if (c.at("id") == id) return c;
    throw std::runtime_error("no check " + id + " in the report");
}

struct Run {
    pft::CommandResult result;
    json report;
};

Run run_ports(const pft::TempDir& t, const std::string& list, std::vector<std::string> extra,
              const std::string& locale = "C.UTF-8") {
    std::vector<std::string> args = {"run", "--checklist", list, "--json", t.file("r.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r{preflight_in_locale(locale, args), {}};
    r.report = json::parse(pft::read_file(t.file("r.json")));
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_language)

BOOST_AUTO_TEST_CASE(lang_ja_words_console_and_json_and_keeps_every_id) {
    pft::Nginx nginx({pft::NginxSite{.tls = false}});
    pft::TempDir t;
    auto list = t.write("ports.xml", two_checks(nginx.port(), pft::unused_port()));

    Run en = run_ports(t, list, {});
    Run ja = run_ports(t, list, {"--lang", "ja", "--junit", t.file("r.xml")});
    BOOST_TEST(en.result.exit_code == 2, en.result.err);
    BOOST_TEST(ja.result.exit_code == en.result.exit_code, ja.result.err);

    // The refused port: connect.refused in Japanese, no English sentence.
    const json& closed = check_of(ja.report, "net.closed");
    std::string summary = closed.at("summary");
    BOOST_TEST(has_japanese(summary), summary);
    BOOST_TEST(summary.find("nothing accepts connections") == std::string::npos, summary);
    BOOST_TEST(std::string(check_of(en.report, "net.closed").at("summary"))
                   .find("nothing accepts connections") != std::string::npos);
    // The checklist's Japanese texts, English ones in the English run.
    BOOST_TEST(closed.at("title") == "閉じたポート");
    BOOST_TEST(closed.at("fix") == "サービスを開始します");
    BOOST_TEST(closed.at("requirement") == "ポートが開いていること");
    BOOST_TEST(ja.report.at("checklist").at("title") == "ポート");
    BOOST_TEST(check_of(en.report, "net.closed").at("fix") == "Start the service");
    // The open port's time in Japanese units.
    std::string open = check_of(ja.report, "net.open").at("summary");
    BOOST_TEST(open.find("ミリ秒") != std::string::npos, open);
    BOOST_TEST(std::string(check_of(en.report, "net.open").at("summary")).find(" ms") !=
               std::string::npos);

    // What machines read is the same in both languages.
    BOOST_TEST(ja.report.at("run").at("lang") == "ja");
    BOOST_TEST(en.report.at("run").at("lang") == "en");
    for (const char* id : {"net.open", "net.closed"}) {
        const json& a = check_of(en.report, id);
        const json& b = check_of(ja.report, id);
        for (const char* key : {"id", "section", "status", "reason", "severity", "probe"})
            BOOST_TEST(a.at(key) == b.at(key), id << " " << key);
        BOOST_TEST(a.at("message").at("key") == b.at("message").at("key"));
    }
    BOOST_TEST(closed.at("reason") == "refused");

    // JUnit: the failure's message in Japanese, the test case named by id.
    std::string junit = pft::read_file(t.file("r.xml"));
    // JUnit test names are ids in every language: CI servers track each test by name.
    BOOST_TEST(junit.find("name=\"net.closed\"") != std::string::npos, junit);
    // The title, shown to people in system-out, is in the run's language.
    BOOST_TEST(junit.find("閉じたポート") != std::string::npos, junit);
    BOOST_TEST(junit.find("message=\"" + summary) != std::string::npos, junit);

    // The console says the same in Japanese.
    BOOST_TEST(ja.result.out.find("閉じたポート") != std::string::npos, ja.result.out);
    BOOST_TEST(ja.result.out.find(summary) != std::string::npos, ja.result.out);
    BOOST_TEST(ja.result.out.find("nothing accepts connections") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(skip_reasons_are_in_the_chosen_language) {
    pft::TempDir t;
    auto list = t.write("ports.xml", two_checks(pft::unused_port(), pft::unused_port()));
    Run ja = run_ports(t, list, {"--lang", "ja", "--skip", "net.open"});
    BOOST_TEST(ja.result.exit_code == 2, ja.result.err);
    const json& skipped = check_of(ja.report, "net.open");
    BOOST_TEST(skipped.at("status") == "skip");
    BOOST_TEST(skipped.at("reason") == "not_selected");
    std::string why = skipped.at("summary");
    BOOST_TEST(has_japanese(why), why);
    BOOST_TEST(why.find("not selected") == std::string::npos, why);
    BOOST_TEST(why.find("net.open") != std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(lang_comes_from_the_flag_then_the_site_file_then_the_locale) {
    pft::TempDir t;
    auto list = t.write("ports.xml", two_checks(pft::unused_port(), pft::unused_port()));
    auto lang_of = [&](const std::string& locale, std::vector<std::string> extra) {
        Run r = run_ports(t, list, std::move(extra), locale);
        BOOST_TEST(r.result.exit_code == 2, r.result.err);
        return std::string(r.report.at("run").at("lang"));
    };
    BOOST_TEST(lang_of("ja_JP.UTF-8", {}) == "ja");
    BOOST_TEST(lang_of("C.UTF-8", {}) == "en");
    BOOST_TEST(lang_of("fr_FR.UTF-8", {}) == "en");
    BOOST_TEST(lang_of("ja_JP.UTF-8", {"--lang", "en"}) == "en");
    auto ja_site = t.write("ja.xml", "<site lang=\"ja\"/>");
    auto en_site = t.write("en.xml", "<site lang=\"en\"/>");
    BOOST_TEST(lang_of("C.UTF-8", {"--site", ja_site}) == "ja");
    BOOST_TEST(lang_of("ja_JP.UTF-8", {"--site", en_site}) == "en");
    BOOST_TEST(lang_of("C.UTF-8", {"--site", ja_site, "--lang", "en"}) == "en");
}

BOOST_AUTO_TEST_CASE(a_bad_language_is_bad_input_named_where_it_was_given) {
    pft::TempDir t;
    auto r = preflight({"run", "--lang", "fr"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("--lang") != std::string::npos, r.err);
    auto site = t.write("s.xml", "<site\n lang=\"de\"/>");
    auto s = preflight({"run", "--site", site});
    BOOST_TEST(s.exit_code == 3);
    BOOST_TEST(s.err.find(site + ":2:") != std::string::npos, s.err);
    BOOST_TEST(s.err.find("lang='de': expected ja or en") != std::string::npos, s.err);
}

BOOST_AUTO_TEST_CASE(every_command_takes_lang) {
    for (auto sub : {"run", "cert", "facts", "list", "schema", "explain"}) {
        auto r = preflight({sub, "--help"});
        BOOST_TEST(r.out.find("--lang") != std::string::npos, sub);
    }
    // A built-in checklist's ids do not change with the language.
    auto en = preflight({"list", "acc-saas", "--lang", "en"});
    auto ja = preflight({"list", "acc-saas", "--lang", "ja"});
    BOOST_TEST(en.exit_code == 0);
    BOOST_TEST(ja.exit_code == 0, ja.err);
    BOOST_TEST(ja.out.find("net.awcm-443") != std::string::npos, ja.out);
}

// preflight cert in Japanese: the listing of the file, the checks' titles
// and fixes, and the verdict tags; the English run keeps its words, which
// scripts and the other tests read.
BOOST_AUTO_TEST_CASE(cert_lang_ja_lists_and_titles_in_japanese) {
    pft::TempDir t;
    pft::CertFactory f;
    auto root = f.root({.cn = "Preflight Lang Root"});
    auto inter = f.issue(root, {.cn = "Preflight Lang CA", .ca = true});
    // SHA-1 signed: one check fails, so its fix is printed too.
    auto leaf = f.issue(inter, {.cn = "arm.uem.example",
                                .dns_sans = {"arm.uem.example"},
                                .ekus = {"serverAuth"},
                                .digest = "sha1"});
    auto root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    auto pfx =
        pft::CertFactory::write_pkcs12(t.file("arm.pfx"), leaf, {&inter, &root}, "Lang-Test-Pa55");
    setenv("PF_LANG_TEST_PASSWORD", "Lang-Test-Pa55", 1);
    auto cert = [&](const std::string& lang) {
        return preflight({"cert", "--lang", lang, "--password", "env:PF_LANG_TEST_PASSWORD",
                          "--trust-store", root_pem, "--profile", "server", "--host",
                          "arm.uem.example", "--html", t.file(lang + ".html"), pfx});
    };
    auto ja = cert("ja");
    auto en = cert("en");
    unsetenv("PF_LANG_TEST_PASSWORD");
    BOOST_TEST(ja.exit_code == 2, ja.out << ja.err);
    BOOST_TEST(en.exit_code == ja.exit_code, en.out << en.err);

    for (const char* word :
         {"秘密鍵 あり", "発行者 ", "有効期限 ", "リーフ証明書", "中間証明書",
          "秘密鍵があり、証明書と一致する", "合格", "失敗", "SHA-256 の署名で証明書を再発行"})
        BOOST_TEST(ja.out.find(word) != std::string::npos, word << "\n" << ja.out);
    for (const char* word :
         {" a private key", "issuer ", "names ", "expires ", "days left", "EKU ", " leaf",
          "Private key present", "No MD5 or SHA-1", "PASS ", "FAIL ", "reissue"})
        BOOST_TEST(ja.out.find(word) == std::string::npos, word << "\n" << ja.out);
    for (const char* word :
         {" a private key)", "     issuer ", "days left",
          " leaf: ", "Private key present and matching the certificate", "PASS  ", "FAIL  "})
        BOOST_TEST(en.out.find(word) != std::string::npos, word << "\n" << en.out);

    // The HTML report: the checklist's title, the tags and the chain roles.
    std::string html = pft::read_file(t.file("ja.html"));
    for (const char* word : {"証明書ファイル", "<td class=\"verdict\">失敗</td>", "必須"})
        BOOST_TEST(html.find(word) != std::string::npos, word);
    for (const char* word : {"Certificate files", ">FAIL<", ">PASS<", ">intermediate<"})
        BOOST_TEST(html.find(word) == std::string::npos, word);
}

// A run in Japanese: the HTML host facts and the console's verdict tags;
// JUnit keeps its property names, which tools read.
BOOST_AUTO_TEST_CASE(run_lang_ja_host_facts_and_tags_in_japanese) {
    pft::Nginx nginx({pft::NginxSite{.tls = false}});
    pft::TempDir t;
    auto list = t.write("ports.xml", two_checks(nginx.port(), pft::unused_port()));
    Run ja = run_ports(t, list,
                       {"--lang", "ja", "--html", t.file("r.html"), "--junit", t.file("r.xml")});
    BOOST_TEST(ja.result.exit_code == 2, ja.result.err);
    std::string html = pft::read_file(t.file("r.html"));
    for (const char* word :
         {"ホスト名", "論理コア数", "管理者権限", "<td class=\"verdict\">失敗</td>", "必須"})
        BOOST_TEST(html.find(word) != std::string::npos, word);
    for (const char* word : {">logical cores<", ">hostname<", ">administrator<", ">FAIL<"})
        BOOST_TEST(html.find(word) == std::string::npos, word);
    std::string junit = pft::read_file(t.file("r.xml"));
    BOOST_TEST(junit.find("name=\"host.logical_cores\"") != std::string::npos, junit);
    // Measurement units for people: the connect time in ミリ秒, not ms.
    BOOST_TEST(junit.find(" ms\n") == std::string::npos, junit);
    BOOST_TEST(junit.find("接続 127.0.0.1=") != std::string::npos, junit);
    BOOST_TEST(junit.find("connect 127.0.0.1=") == std::string::npos, junit);
    BOOST_TEST(html.find(" ms;") == std::string::npos);
    BOOST_TEST(html.find(" ms<") == std::string::npos);
    BOOST_TEST(ja.result.out.find("合格") != std::string::npos, ja.result.out);
    BOOST_TEST(ja.result.out.find("失敗") != std::string::npos, ja.result.out);
    BOOST_TEST(ja.result.out.find("PASS") == std::string::npos, ja.result.out);
    BOOST_TEST(ja.result.out.find("FAIL") == std::string::npos, ja.result.out);

    Run en = run_ports(t, list, {"--html", t.file("en.html")});
    BOOST_TEST(en.result.out.find("PASS  net.open") != std::string::npos, en.result.out);
    BOOST_TEST(en.result.out.find("FAIL  net.closed") != std::string::npos, en.result.out);
    BOOST_TEST(pft::read_file(t.file("en.html")).find("logical cores") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
