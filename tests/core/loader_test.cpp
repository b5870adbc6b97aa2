#include "app/registries.hpp"
#include "base/errors.hpp"
#include "core/builtin_checklists.hpp"
#include "core/loader.hpp"
#include "support/checklist_text.hpp"
#include "support/preconditions.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

// A minimal valid checklist; tests replace one piece to make one error.
std::string checklist(const std::string& body, const std::string& params = "") {
    return "<?xml version=\"1.0\"?>\n"
           "<checklist id=\"t\" title=\"T\">\n"
           "  <source document=\"Guide\" section=\"Prereqs\"/>\n"
           "  <parameters>\n" +
           params +
           "  </parameters>\n"
           "  <services><service id=\"ldap\" title=\"Directory\"/></services>\n"
           "  <section id=\"net\" title=\"Network\">\n" +
           body +
           "  </section>\n"
           "</checklist>\n";
}

std::string check(const std::string& probe,
                  const std::string& attrs = "id=\"c1\" title=\"C\" severity=\"required\"") {
    return "    <check " + attrs + ">\n      " + probe +
           "\n      <requirement>words</requirement>\n      <fix>do it</fix>\n    </check>\n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(loader)

BOOST_AUTO_TEST_CASE(valid_checklist_loads_with_its_parts) {
    auto c = load_checklist_text(
        checklist(check("<probe kind=\"tcp\" host=\"${h}\" port=\"443\"/>"),
                  "    <param name=\"h\" description=\"a host\" default=\"127.0.0.1\"/>\n"),
        "t.xml", builtin_probes());
    BOOST_TEST(c.id == "t");
    BOOST_TEST(c.source_document == "Guide");
    BOOST_TEST(c.params.size() == 1u);
    BOOST_TEST(*c.params[0].default_value == "127.0.0.1");
    BOOST_TEST(c.check_count() == 1u);
    const Check* k = c.find_check("c1");
    BOOST_REQUIRE(k);
    BOOST_TEST(k->probe.kind == "tcp");
    BOOST_TEST(k->requirement == "words");
    BOOST_TEST(k->section_id == "net");
}

// Every location in a file names it through one shared string: a copy in
// each check, probe and parameter was a quarter of a large checklist's model.
BOOST_AUTO_TEST_CASE(locations_share_their_files_name) {
    auto c =
        load_checklist_text(checklist(check("<probe kind=\"tcp\" host=\"h\" port=\"443\"/>")),
                            "a-checklist-path-longer-than-short-strings.xml", builtin_probes());
    const Check* k = c.find_check("c1");
    BOOST_REQUIRE(k);
    BOOST_REQUIRE(k->where.file);
    BOOST_TEST(k->where.str().starts_with("a-checklist-path-longer-than-short-strings.xml:"));
    BOOST_TEST(k->where.file.get() == k->probe.where.file.get());
    BOOST_REQUIRE(!k->probe.args.empty());
    BOOST_TEST(k->where.file.get() == k->probe.args[0].where.file.get());
}

BOOST_AUTO_TEST_CASE(malformed_xml_names_line_and_column) {
    auto e = pft::checklist_error(
        "<checklist id=\"t\" title=\"T\">\n  <source document=\"x\">\n</checklist>\n");
    BOOST_TEST(e.find("t.xml:3:") == 0, e);
    BOOST_TEST(e.find("not well-formed") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(unknown_probe_kind_is_an_error_at_its_attribute) {
    auto text = checklist(check("<probe kind=\"telnet\" host=\"a\"/>"));
    auto e = pft::checklist_error(text);
    BOOST_TEST(e.find("t.xml:9:14: unknown probe kind 'telnet'") == 0, e);
    BOOST_TEST(e.find("tcp") != std::string::npos, e); // lists the known kinds
}

BOOST_AUTO_TEST_CASE(port_out_of_range_is_an_error) {
    auto e =
        pft::checklist_error(checklist(check("<probe kind=\"tcp\" host=\"a\" port=\"70000\"/>")));
    BOOST_TEST(e.find("t.xml:9:34: port='70000': expected a port") == 0, e);
}

BOOST_AUTO_TEST_CASE(host_with_scheme_is_an_error) {
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"tcp\" host=\"https://awcm.example\" port=\"443\"/>")));
    BOOST_TEST(
        e.find("t.xml:9:25: host='https://awcm.example': expected a host name without a scheme") ==
            0,
        e);
}

BOOST_AUTO_TEST_CASE(host_with_path_or_port_is_an_error) {
    BOOST_TEST(
        pft::checklist_error(checklist(check("<probe kind=\"dns\" host=\"a.example/awcm\"/>")))
            .find("without a path") != std::string::npos);
    BOOST_TEST(
        pft::checklist_error(checklist(check("<probe kind=\"dns\" host=\"a.example:443\"/>")))
            .find("without a port") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_probe_parameter_is_an_error) {
    auto e = pft::checklist_error(checklist(check("<probe kind=\"tcp\" host=\"a\"/>")));
    BOOST_TEST(e.find("t.xml:9:7: probe kind 'tcp' needs the parameter 'port'") == 0, e);
}

BOOST_AUTO_TEST_CASE(unknown_probe_parameter_is_an_error) {
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"tcp\" host=\"a\" port=\"1\" prot=\"x\"/>")));
    BOOST_TEST(e.find("t.xml:9:43: probe kind 'tcp' has no parameter 'prot'") == 0, e);
}

BOOST_AUTO_TEST_CASE(duplicate_check_id_is_an_error) {
    auto one = check("<probe kind=\"dns\" host=\"a\"/>");
    auto e = pft::checklist_error(checklist(one + one));
    BOOST_TEST(e.find("t.xml:13:12: duplicate check id 'c1'") == 0, e);
}

BOOST_AUTO_TEST_CASE(undeclared_parameter_reference_is_an_error) {
    auto e = pft::checklist_error(checklist(check("<probe kind=\"dns\" host=\"${nope}\"/>")));
    BOOST_TEST(e.find("t.xml:9:25: '${nope}' refers to a parameter not declared") == 0, e);
}

BOOST_AUTO_TEST_CASE(undeclared_service_is_an_error) {
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"dns\" host=\"a\"/>",
                        "id=\"c1\" title=\"C\" severity=\"required\" service=\"smtp\"")));
    BOOST_TEST(e.find("t.xml:8:50: service 'smtp' is not declared") == 0, e);
    BOOST_TEST(e.find("declared: ldap") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(bad_severity_is_an_error) {
    auto e = pft::checklist_error(checklist(
        check("<probe kind=\"dns\" host=\"a\"/>", "id=\"c1\" title=\"C\" severity=\"must\"")));
    BOOST_TEST(
        e.find("t.xml:8:30: severity 'must': expected required, recommended or optional") == 0, e);
}

BOOST_AUTO_TEST_CASE(missing_fix_or_requirement_is_an_error) {
    auto text = checklist("    <check id=\"c1\" title=\"C\" severity=\"required\">\n"
                          "      <probe kind=\"dns\" host=\"a\"/>\n      "
                          "<requirement>w</requirement>\n    </check>\n");
    auto e = pft::checklist_error(text);
    BOOST_TEST(e.find("t.xml:8:5: check 'c1' needs a non-empty <fix>") == 0, e);
}

BOOST_AUTO_TEST_CASE(unknown_element_and_attribute_are_errors) {
    auto e = pft::checklist_error(checklist(check("<probe kind=\"dns\" host=\"a\"/><note/>")));
    BOOST_TEST(e.find("t.xml:9:35: unexpected element <note> inside <check>") == 0, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"dns\" host=\"a\"/>",
                        "id=\"c1\" title=\"C\" severity=\"required\" colour=\"red\"")));
    BOOST_TEST(e.find("t.xml:8:50: unknown attribute 'colour' on <check>") == 0, e);
}

BOOST_AUTO_TEST_CASE(bad_timeout_and_parameter_name_are_errors) {
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"dns\" host=\"a\"/>",
                        "id=\"c1\" title=\"C\" severity=\"required\" timeout=\"soon\"")));
    BOOST_TEST(e.find("t.xml:8:50: timeout 'soon'") == 0, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"dns\" host=\"a\"/>"), "    <param name=\"9x\"/>\n"));
    BOOST_TEST(e.find("t.xml:5:12: '9x' is not a valid name") == 0, e);
}

BOOST_AUTO_TEST_CASE(param_references_are_listed_in_order) {
    auto refs = param_references("https://${host}:${port}/x");
    BOOST_TEST(refs.size() == 2u);
    BOOST_TEST(refs[0] == "host");
    BOOST_TEST(refs[1] == "port");
}

BOOST_AUTO_TEST_CASE(every_builtin_checklist_loads) {
    BOOST_TEST(!embedded_checklists().empty());
    for (const auto& e : embedded_checklists()) {
        BOOST_TEST_CONTEXT(e.name) {
            auto c = load_checklist_text(std::string(e.text), "builtin:" + std::string(e.name),
                                         builtin_probes());
            BOOST_TEST(c.id == e.name);
            BOOST_TEST(c.check_count() > 0u);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_shipped_checklist_validates_against_the_xsd, *pft::needs_xmllint()) {
    std::string dir = PREFLIGHT_SOURCE_DIR "/checklists";
    int n = 0;
    for (const auto& e : embedded_checklists()) {
        auto r = pft::run({XMLLINT, "--nonet", "--noout", "--schema", dir + "/checklist.xsd",
                           dir + "/" + std::string(e.name) + ".xml"});
        BOOST_TEST(r.exit_code == 0, e.name << ": " << r.err);
        ++n;
    }
    BOOST_TEST(n >= 1);
}

BOOST_AUTO_TEST_CASE(xsd_rejects_what_the_loader_rejects, *pft::needs_xmllint()) {
    // The schema is the documented format: a duplicate id and a bad severity
    // must fail there too, not only in the loader.
    pft::TempDir t;
    auto one = check("<probe kind=\"dns\" host=\"a\"/>");
    auto dup = t.write("dup.xml", checklist(one + one));
    auto sev = t.write("sev.xml", checklist(check("<probe kind=\"dns\" host=\"a\"/>",
                                                  "id=\"c1\" title=\"C\" severity=\"must\"")));
    std::string xsd = PREFLIGHT_SOURCE_DIR "/checklists/checklist.xsd";
    BOOST_TEST(pft::run({XMLLINT, "--noout", "--schema", xsd, dup}).exit_code != 0);
    BOOST_TEST(pft::run({XMLLINT, "--noout", "--schema", xsd, sev}).exit_code != 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(loader_declared_values)

// Every choice, form and bound lives in the probe's declaration; the loader
// refuses a bad literal at its attribute, naming what is allowed.
BOOST_AUTO_TEST_CASE(choices_and_forms_are_checked_at_load_time_with_the_allowed_values) {
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"rpc_epmap\" host=\"a\" version=\"x\"/>")));
    BOOST_TEST(e.find("t.xml:9:40: version='x': expected an interface version major.minor") == 0,
               e);
    e = pft::checklist_error(checklist(check("<probe kind=\"tls\" host=\"a\" via=\"sideways\"/>")));
    BOOST_TEST(e.find("t.xml:9:34: via='sideways': expected auto, direct or proxy") == 0, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"ldap\" host=\"a\" security=\"ssl\"/>")));
    BOOST_TEST(e.find("t.xml:9:35: security='ssl': expected none, starttls or ldaps") == 0, e);
    e = pft::checklist_error(checklist(check("<probe kind=\"http\" host=\"a\" expect=\"2xx\"/>")));
    BOOST_TEST(e.find("t.xml:9:35: expect='2xx': expected HTTP status codes") == 0, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"smtp\" host=\"a\" starttls=\"maybe\"/>")));
    BOOST_TEST(e.find("starttls='maybe': expected require, try or no") != std::string::npos, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"syslog\" host=\"a\" transport=\"sctp\"/>")));
    BOOST_TEST(e.find("transport='sctp': expected tcp, tls or udp") != std::string::npos, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"tcp\" host=\"a\" port=\"1-9\" sample=\"0\"/>")));
    BOOST_TEST(e.find("sample='0': expected a whole number from 1 to 65535") != std::string::npos,
               e);
    BOOST_TEST(pft::checklist_error(
                   checklist(check("<probe kind=\"http\" host=\"a\" expect=\"200-399\"/>")))
                   .empty());
}

BOOST_AUTO_TEST_CASE(a_default_its_own_check_rejects_is_an_error) {
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"ldap\" host=\"a\" security=\"${sec}\"/>"),
                  "    <param name=\"sec\" default=\"ssl\"/>\n"));
    BOOST_TEST(e.find("t.xml:10:35: security='${sec}': the default 'ssl' of sec (t.xml:5:5)") == 0,
               e);
    BOOST_TEST(e.find("expected none, starttls or ldaps") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(values_that_depend_on_each_other_are_checked_at_load_time) {
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"hardware\" resource=\"cores\" minimum=\"2GB\"/>")));
    BOOST_TEST(e.find("t.xml:9:47: minimum='2GB': expected a whole number") == 0, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"smtp\" host=\"a\" to=\"b@example.com\"/>")));
    BOOST_TEST(e.find("from='': expected a sender") != std::string::npos, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"tls\" host=\"a\" expiry_warn=\"10\" expiry_fail=\"30\"/>")));
    BOOST_TEST(e.find("expiry_fail='30': expected at most expiry_warn (10)") != std::string::npos,
               e);
    e = pft::checklist_error(checklist(check("<probe kind=\"scep\" port=\"443\"/>")));
    BOOST_TEST(e.find("host='': expected the NDES server's name, or url") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(out_of_range_numbers_are_errors_where_they_are_parsed) {
    auto timeout = [](const std::string& t) {
        return pft::checklist_error(
            checklist(check("<probe kind=\"dns\" host=\"a\"/>",
                            "id=\"c1\" title=\"C\" severity=\"required\" timeout=\"" + t + "\"")));
    };
    for (auto t : {"1e10", "99999999999999999999", "0.0000001", "3601", "0", "nan"}) {
        auto e = timeout(t);
        BOOST_TEST(e.find(std::string("t.xml:8:50: timeout '") + t +
                          "': expected a duration from 0.001 to 3600 seconds") == 0,
                   t << ": " << e);
    }
    BOOST_TEST(timeout("3600").empty());
    BOOST_TEST(timeout("1ms").empty());
    auto e = pft::checklist_error(
        checklist(check("<probe kind=\"hardware\" resource=\"ram\" minimum=\"20000000000GB\"/>")));
    BOOST_TEST(e.find("a size up to 1 PiB") != std::string::npos, e);
    e = pft::checklist_error(
        checklist(check("<probe kind=\"tls\" host=\"a\" expiry_warn=\"99999\"/>")));
    BOOST_TEST(e.find("expiry_warn='99999': expected a whole number from 0 to 3650") !=
                   std::string::npos,
               e);
}

BOOST_AUTO_TEST_CASE(lone_cr_line_endings_count_lines) {
    std::string text = checklist(check("<probe kind=\"tcp\" host=\"a\" port=\"70000\"/>"));
    for (auto& ch : text)
        if (ch == '\n') ch = '\r';
    auto e = pft::checklist_error(text);
    BOOST_TEST(e.find("t.xml:9:34: port='70000'") == 0, e);
}

BOOST_AUTO_TEST_SUITE_END()
