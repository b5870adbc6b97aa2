// Bad input is reported in the language of the run: with the Japanese
// catalog the sentence is Japanese and still names the place (file:line:column
// or the option) and the field; with the English one it is the sentence
// scripts and other tests have always read, byte for byte.
#include "app/registries.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/language.hpp"
#include "base/param_types.hpp"
#include "base/read_file.hpp"
#include "base/write_file.hpp"
#include "core/check_selection.hpp"
#include "core/loader.hpp"
#include "core/plan.hpp"
#include "core/proxy_config.hpp"
#include "core/secrets.hpp"
#include "core/site.hpp"
#include "hardware/facts_json.hpp"
#include "reports/baseline.hpp"
#include "support/japanese_text.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>

using namespace pf;

namespace {

using pft::contains;
using pft::has_japanese;

// The active catalog for a scope, and the one before it back afterwards.
class CatalogScope {
  public:
    explicit CatalogScope(const Catalog& c) : before_(active_catalog()) { set_active_catalog(c); }
    ~CatalogScope() { set_active_catalog(before_); }
    CatalogScope(const CatalogScope&) = delete;
    CatalogScope& operator=(const CatalogScope&) = delete;

  private:
    const Catalog& before_;
};

// The message of the exception f throws, "" when it throws none.
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

struct Both {
    std::string en, ja;
};

Both in_both(const std::function<void()>& f) {
    Both b;
    {
        CatalogScope s(english_catalog());
        b.en = error_of(f);
    }
    {
        CatalogScope s(catalog_for(Language::ja));
        b.ja = error_of(f);
    }
    return b;
}

// The English is exactly en; the Japanese is Japanese, starts with the same
// place (en's text up to place) and names every one of names.
void expect(const Both& b, const std::string& en, const std::string& place,
            const std::vector<std::string>& names) {
    BOOST_TEST(b.en == en);
    BOOST_TEST(has_japanese(b.ja), b.ja);
    BOOST_TEST(b.ja.rfind(place, 0) == 0, b.ja);
    BOOST_TEST(!contains(b.ja, en.substr(place.size())), b.ja);
    for (const auto& n : names)
        BOOST_TEST(contains(b.ja, n), n << " in " << b.ja);
}

// One check on line 5 (its opening tag, attributes from column 12) with its
// probe on line 6 (attributes from column 14).
std::string
checklist(const std::string& check = "id=\"net.tcp\" title=\"Port\" severity=\"required\"",
          const std::string& probe = "kind=\"tcp\" host=\"127.0.0.1\" port=\"${port}\"",
          const std::string& root = "") {
    return "<checklist id=\"t\" title=\"T\"" + root +
           ">\n"
           "  <source document=\"Guide\"/>\n"
           "  <parameters><param name=\"port\" description=\"The port\" hint=\"Ask the "
           "admin\"/></parameters>\n"
           "  <section id=\"net\" title=\"Network\">\n"
           "    <check " +
           check +
           ">\n"
           "      <probe " +
           probe +
           "/>\n"
           "      <requirement>open</requirement><fix>open it</fix>\n"
           "    </check>\n"
           "  </section>\n"
           "</checklist>\n";
}

Both load_errors(const std::string& text) {
    return in_both([&] { load_checklist_text(text, "t.xml", builtin_probes()); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(input_errors_lang)

BOOST_AUTO_TEST_CASE(xml_structure_errors_name_the_place_and_the_element) {
    expect(load_errors(
               checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\" colour=\"red\"")),
           "t.xml:5:58: unknown attribute 'colour' on <check>; expected id, title, severity, "
           "service, timeout",
           "t.xml:5:58: ", {"'colour'", "<check>", "severity"});
    expect(load_errors(checklist("id=\"net.tcp\" severity=\"required\"")),
           "t.xml:5:5: <check> needs the attribute 'title'", "t.xml:5:5: ", {"<check>", "'title'"});
    auto broken = in_both([] { load_checklist_text("<checklist", "t.xml", builtin_probes()); });
    BOOST_TEST(broken.en.rfind("t.xml:1:", 0) == 0, broken.en);
    BOOST_TEST(contains(broken.en, ": not well-formed XML: "), broken.en);
    BOOST_TEST(broken.ja.rfind("t.xml:1:", 0) == 0, broken.ja);
    BOOST_TEST(contains(broken.ja, "整形式の XML ではありません"), broken.ja);
}

BOOST_AUTO_TEST_CASE(checklist_field_errors_name_the_field_and_the_value) {
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"bogus\"")),
           "t.xml:5:38: severity 'bogus': expected required, recommended or optional",
           "t.xml:5:38: ", {"severity 'bogus'", "required"});
    expect(load_errors(checklist("id=\"bad id\" title=\"Port\" severity=\"required\"")),
           "t.xml:5:12: 'bad id' is not a valid id: use letters, digits, '.', '_' and '-'",
           "t.xml:5:12: ", {"'bad id'", "id"});
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"tcp\" host=\"127.0.0.1\" port=\"${port}\"",
                                 " timeout=\"forever\"")),
           "t.xml:1:29: timeout 'forever': expected a duration from 0.001 to 3600 seconds such as "
           "5 or 2.5 (ms and min suffixes allowed)",
           "t.xml:1:29: ", {"timeout 'forever'", "0.001", "3600"});
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"tcp\" host=\"127.0.0.1\" port=\"99999\"")),
           "t.xml:6:42: port='99999': expected a port (1-65535) or a range such as 49152-65535",
           "t.xml:6:42: ", {"port='99999'", "1-65535"});
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"tcp\" host=\"127.0.0.1\" port=\"${port}\" sample=\"0\"")),
           "t.xml:6:57: sample='0': expected a whole number from 1 to 65535",
           "t.xml:6:57: ", {"sample='0'", "1", "65535"});
    auto kind = load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                      "kind=\"nosuch\" host=\"h\" port=\"1\""));
    BOOST_TEST(kind.en.rfind("t.xml:6:14: unknown probe kind 'nosuch'; known kinds: ", 0) == 0,
               kind.en);
    BOOST_TEST(kind.ja.rfind("t.xml:6:14: プローブの種類 'nosuch' は不明です", 0) == 0, kind.ja);
    BOOST_TEST(contains(kind.ja, "tcp"), kind.ja);
    auto builtin = in_both([] { load_checklist("nosuch", builtin_probes()); });
    BOOST_TEST(builtin.en.rfind("--checklist nosuch: no built-in checklist of that name (built "
                                "in: ",
                                0) == 0,
               builtin.en);
    BOOST_TEST(contains(builtin.en, "acc-saas"));
    BOOST_TEST(contains(builtin.en, "); give a path to use a file"));
    BOOST_TEST(builtin.ja.rfind("--checklist nosuch: その名前の組み込みチェックリストはありません",
                                0) == 0,
               builtin.ja);
}

BOOST_AUTO_TEST_CASE(run_settings_errors_name_the_option) {
    Checklist c;
    {
        CatalogScope s(english_catalog());
        c = load_checklist_text(checklist(), "t.xml", builtin_probes());
    }
    auto plan_with = [&](const std::string& name, const std::string& value) {
        return in_both([&, name, value] {
            RunSettings s;
            s.values[name] = SettingValue{value, "--set " + name};
            plan_run(c, builtin_probes(), s);
        });
    };
    expect(plan_with("nosuch", "1"),
           "--set nosuch: checklist 't' has no parameter 'nosuch' (its parameters: port)",
           "--set nosuch: ", {"'t'", "'nosuch'", "port"});
    expect(plan_with("port", "0"),
           "--set port: '0' is not valid for port of check 'net.tcp' (t.xml:6:42): expected a port "
           "(1-65535) or a range such as 49152-65535. Ask the admin",
           "--set port: ", {"'0'", "port", "'net.tcp'", "t.xml:6:42", "Ask the admin"});
    // A default checked where it is used inside a longer value.
    Checklist d;
    {
        CatalogScope s(english_catalog());
        d = load_checklist_text(
            "<checklist id=\"t\" title=\"T\">\n"
            "  <source document=\"Guide\"/>\n"
            "  <parameters><param name=\"h\" description=\"Host\" default=\"a b\"/></parameters>\n"
            "  <section id=\"net\" title=\"Network\">\n"
            "    <check id=\"net.tcp\" title=\"Port\" severity=\"required\">\n"
            "      <probe kind=\"tcp\" host=\"x${h}\" port=\"1\"/>\n"
            "      <requirement>open</requirement><fix>open it</fix>\n"
            "    </check>\n"
            "  </section>\n"
            "</checklist>\n",
            "t.xml", builtin_probes());
    }
    auto by_default = in_both([&] { plan_run(d, builtin_probes(), RunSettings{}); });
    BOOST_TEST(by_default.en ==
               "default at t.xml:3:15: 'xa b' is not valid for host of check 'net.tcp' "
               "(t.xml:6:25): expected a host name of letters, digits, '-' and '.', not ' '");
    BOOST_TEST(by_default.ja.rfind("t.xml:3:15 の既定値: 'xa b' はチェック 'net.tcp' の host", 0) ==
                   0,
               by_default.ja);
    auto only = [&](const std::string& pattern) {
        return in_both([&, pattern] {
            CheckSelection sel;
            sel.only = parse_select_patterns({pattern}, "--only");
            require_matches(sel, c);
        });
    };
    expect(only("a b"),
           "--only 'a b': expected a check id, a section id or a glob of them (letters, digits, "
           "'.', '-', '_', '*', '?')",
           "--only 'a b': ", {});
    expect(only("net.tc"),
           "--only 'net.tc': matches no check id or section of checklist 't' (its sections: net; "
           "its check ids: preflight list t); did you mean 'net.tcp'?",
           "--only 'net.tc': ", {"'t'", "net", "preflight list t", "'net.tcp'"});
}

BOOST_AUTO_TEST_CASE(site_file_errors_name_the_line_and_the_attribute) {
    pft::TempDir t;
    auto lang = t.write("lang.xml", "<site lang=\"de\"/>\n");
    expect(in_both([&] { load_site_file(lang); }), lang + ":1:7: lang='de': expected ja or en",
           lang + ":1:7: ", {"lang='de'", "ja", "en"});
    auto users = t.write("users.xml", "<site users=\"0\"/>\n");
    expect(in_both([&] { load_site_file(users); }),
           users + ":1:7: users='0': expected a number of users from 1 to 10000000",
           users + ":1:7: ", {"users='0'", "10000000"});
    auto root = t.write("root.xml", "<checklist/>\n");
    expect(in_both([&] { load_site_file(root); }),
           root + ":1:1: the root element is <checklist> but a site file starts with <site>",
           root + ":1:1: ", {"<checklist>", "<site>"});
}

BOOST_AUTO_TEST_CASE(secret_and_proxy_errors_name_the_option) {
    expect(
        in_both([] { require_secret_source("hunter2", "--proxy-password", "the proxy password"); }),
        "--proxy-password: the proxy password must say where the secret is: expected env:NAME, "
        "file:PATH or prompt, never the secret itself (the value given is not shown)",
        "--proxy-password: ", {"env:NAME", "file:PATH", "prompt"});
    auto secret = in_both([] { require_secret_source("hunter2", "--proxy-password", "x"); });
    BOOST_TEST(!contains(secret.ja, "hunter2"));
    expect(in_both([] { read_secret("env:PF_INPUT_ERRORS_TEST_UNSET", "x"); }),
           "x: the environment variable PF_INPUT_ERRORS_TEST_UNSET is not set",
           "x: ", {"PF_INPUT_ERRORS_TEST_UNSET"});
    expect(in_both([] { parse_proxy_url("socks5://h:1080", "--proxy", false); }),
           "--proxy: proxy scheme 'socks5' is not supported: the ACC talks to an HTTP proxy "
           "(http://host:port)",
           "--proxy: ", {"'socks5'", "http://host:port"});
    expect(in_both([] { parse_proxy_url("http://h:99999", "--proxy", false); }),
           "--proxy: proxy port '99999': expected a port number from 1 to 65535",
           "--proxy: ", {"'99999'", "65535"});
    expect(in_both([] { parse_proxy_url("http://h/x:1", "HTTPS_PROXY", true); }),
           "HTTPS_PROXY: a proxy URL has no path: expected http://[user@]host[:port]",
           "HTTPS_PROXY: ", {"http://[user@]host[:port]"});
    expect(in_both([] { parse_proxy_url("http://a b:1", "--proxy", false); }),
           "--proxy: proxy host 'a b': expected a host name of letters, digits, '-' and '.', not "
           "' '",
           "--proxy: ", {"'a b'"});
}

BOOST_AUTO_TEST_CASE(file_errors_name_the_file) {
    pft::TempDir t;
    expect(in_both([&] { load_checklist_file(t.path(), builtin_probes()); }),
           t.path() + ": cannot use it as a checklist file: it is a directory", t.path() + ": ",
           {"チェックリスト ファイル", "ディレクトリ"});
    expect(in_both([] {
               refuse_shared_paths({{"json", "r.json"}, {"html", "./r.json"}});
           }),
           "--json and --html both name ./r.json: give each report its own file", "",
           {"--json", "--html", "./r.json"});
    auto missing = t.file("missing/r.json");
#ifdef _WIN32
    // Windows opens the temporary file through a stream, which has no errno.
    expect(in_both([&] { write_file_atomically(missing, "x"); }),
           "cannot write " + missing + ": cannot create a file beside it", "", {missing});
#else
    expect(in_both([&] { write_file_atomically(missing, "x"); }),
           "cannot write " + missing + ": No such file or directory", "",
           {missing, "No such file or directory"});
#endif
}

BOOST_AUTO_TEST_CASE(facts_and_baseline_errors_name_the_field) {
    expect(in_both([] { facts_from_json("[]", "f.json"); }),
           "f.json: expected a JSON object of host facts", "f.json: ", {"JSON"});
    expect(in_both([] {
               facts_from_json(R"({"format":"preflight-facts/1","logical_cores":"many"})",
                               "f.json");
           }),
           "f.json: field 'logical_cores': expected a number", "f.json: ", {"'logical_cores'"});
    expect(
        in_both([] { facts_from_json(R"({"format":"preflight-facts/1","colour":1})", "f.json"); }),
        "f.json: unknown field 'colour' (not in preflight-facts/1)",
        "f.json: ", {"'colour'", "preflight-facts/1"});
    expect(in_both([] { parse_baseline("{}", "b.json"); }),
           "b.json: field 'format': expected \"preflight-report/1\" (a report of 'preflight run "
           "--json' from this version)",
           "b.json: ", {"'format'", "\"preflight-report/1\"", "preflight run --json"});
    expect(in_both([] { parse_baseline("[1]", "b.json"); }),
           "b.json: not a JSON report of preflight (not an object)", "b.json: ", {"JSON"});
    expect(in_both([] {
               parse_baseline(R"({"format":"preflight-report/1","started":"x","sections":[1]})",
                              "b.json");
           }),
           "b.json: field 'sections[0]': expected an object", "b.json: ", {"'sections[0]'"});
}

BOOST_AUTO_TEST_CASE(xml_parse_errors_say_what_pugixml_found_in_the_language) {
    // pugixml's own English stays the English text; Japanese replaces it.
    auto open = load_errors("<checklist");
    BOOST_TEST(open.en == "t.xml:1:10: not well-formed XML: Error parsing start element tag");
    BOOST_TEST(open.ja ==
               "t.xml:1:10: 整形式の XML ではありません: 開始タグの解析でエラーが発生しました");
    auto mismatch = load_errors("<checklist><section></checklist>");
    BOOST_TEST(mismatch.en.rfind("t.xml:1:", 0) == 0, mismatch.en);
    BOOST_TEST(contains(mismatch.en, ": not well-formed XML: Start-end tags mismatch"),
               mismatch.en);
    BOOST_TEST(contains(mismatch.ja, "開始タグと終了タグが一致しません"), mismatch.ja);
    BOOST_TEST(!contains(mismatch.ja, "mismatch"), mismatch.ja);
}

BOOST_AUTO_TEST_CASE(a_probe_form_names_what_it_takes_in_the_language) {
    // The probe's own form of value (an RPC interface UUID), in the checklist
    // and through --set.
    expect(
        load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                              "kind=\"rpc_epmap\" host=\"h\" interface=\"nope\"")),
        "t.xml:6:40: interface='nope': expected a UUID such as "
        "91ae6020-9e3c-11cf-8d7c-00aa00c091be",
        "t.xml:6:40: ", {"interface='nope'", "UUID (91ae6020-9e3c-11cf-8d7c-00aa00c091be など)"});
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"smtp\" host=\"h\" to=\"a@example.com;b\"")),
           "t.xml:6:35: to='a@example.com;b': expected mail addresses separated by commas, such "
           "as a@example.com,b@example.com",
           "t.xml:6:35: ", {"to='a@example.com;b'", "コンマで区切ったメール アドレス"});
    Checklist c;
    {
        CatalogScope s(english_catalog());
        c = load_checklist_text(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                          "kind=\"http\" host=\"h\" expect=\"${port}\""),
                                "t.xml", builtin_probes());
    }
    expect(in_both([&] {
               RunSettings s;
               s.values["port"] = SettingValue{"600", "--set port"};
               plan_run(c, builtin_probes(), s);
           }),
           "--set port: '600' is not valid for expect of check 'net.tcp' (t.xml:6:35): expected "
           "HTTP status codes (100-599) or ranges, comma-separated, such as 200, 200-399 or "
           "401,403. Ask the admin",
           "--set port: ",
           {"'600'", "expect", "'net.tcp'", "HTTP ステータス コード", "Ask the admin"});
}

BOOST_AUTO_TEST_CASE(a_required_parameter_left_out_is_described_in_the_language) {
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"tcp\" port=\"${port}\"")),
           "t.xml:6:7: probe kind 'tcp' needs the parameter 'host' (host name or IP address to "
           "connect to)",
           "t.xml:6:7: ", {"'tcp'", "'host'", "接続先のホスト名または IP アドレス"});
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"hardware\" resource=\"ram\"")),
           "t.xml:6:7: probe kind 'hardware' needs the parameter 'minimum' (the least acceptable "
           "value: a count for cores (2), a frequency for cpu_clock (2.0GHz), a size for ram and "
           "disk (2GB))",
           "t.xml:6:7: ", {"'hardware'", "'minimum'", "許容できる最小値"});
}

BOOST_AUTO_TEST_CASE(values_wrong_together_name_what_the_probe_expects_in_the_language) {
    // A hardware minimum in the wrong unit for its resource: the loader
    // catches it when the checklist fixes both, the planner through --set.
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"hardware\" resource=\"ram\" minimum=\"2GHz\"")),
           "t.xml:6:45: minimum='2GHz': expected a size up to 1 PiB such as 2GB, 512MB or 1TB "
           "(the minimum of ram)",
           "t.xml:6:45: ", {"minimum='2GHz'", "1 PiB までのサイズ", "ram の最小値"});
    auto plan_of = [](const std::string& probe, const std::string& port) {
        Checklist c;
        {
            CatalogScope s(english_catalog());
            c = load_checklist_text(
                checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"", probe), "t.xml",
                builtin_probes());
        }
        return in_both([c, port] {
            RunSettings s;
            s.values["port"] = SettingValue{port, "--set port"};
            plan_run(c, builtin_probes(), s);
        });
    };
    expect(plan_of("kind=\"hardware\" resource=\"ram\" minimum=\"${port}\"", "2GHz"),
           "--set port: '2GHz' is not valid for minimum of check 'net.tcp' (t.xml:6:45): expected "
           "a size up to 1 PiB such as 2GB, 512MB or 1TB (the minimum of ram). Ask the admin",
           "--set port: ", {"'2GHz'", "ram の最小値", "Ask the admin"});
    // A parameter the check does not give at all (from, for the test message).
    expect(plan_of("kind=\"smtp\" host=\"h\" to=\"${port}\"", "a@example.com"),
           "t.xml:6:7: check 'net.tcp' needs from: expected a sender for the test message to "
           "a@example.com",
           "t.xml:6:7: ", {"'net.tcp'", "from", "a@example.com 宛てのテスト メッセージの送信者"});
    expect(
        load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                              "kind=\"cert-file\" path=\"c.pem\" profile=\"apns\" check=\"san\"")),
        "t.xml:6:59: check='san': expected a check of profile apns (san is one of profile "
        "eas-client)",
        "t.xml:6:59: ", {"check='san'", "プロファイル apns のチェック", "eas-client"});
    expect(load_errors(checklist("id=\"net.tcp\" title=\"Port\" severity=\"required\"",
                                 "kind=\"tls\" host=\"h\" expiry_warn=\"10\" expiry_fail=\"20\"")),
           "t.xml:6:51: expiry_fail='20': expected at most expiry_warn (10): failing must come "
           "after warning",
           "t.xml:6:51: ", {"expiry_fail='20'", "expiry_warn (10) 以下の値"});
}

BOOST_AUTO_TEST_CASE(the_catalog_before_a_test_is_back_after_it) {
    const Catalog* before = &active_catalog();
    in_both([] { load_checklist("nosuch", builtin_probes()); });
    BOOST_TEST(&active_catalog() == before);
}

BOOST_AUTO_TEST_SUITE_END()
