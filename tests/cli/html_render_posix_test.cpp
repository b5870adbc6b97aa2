// The HTML report as a support engineer sees it: real `preflight run` and
// `preflight cert` reports opened in headless Chromium (Debian's chromium)
// at 1,024, 1,280 and 400 px and printed to PDF. The page's own layout
// measurements decide: nothing wider than the window, no cell whose content
// spills out of it, the verdict banner and the first problems with their fix
// on the first screen at 1280x800, and the folded evidence in the PDF.
//
// The report itself needs no script; the measuring script goes only into a
// copy made for the test. Screenshots and PDFs stay in the build directory
// (tests/html_render/) and their paths are printed.
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/served_pki_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/silent_peers_posix.hpp"
#include "support/text_match.hpp"
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const auto with_chromium = pft::needs_programs({"chromium", "pdftotext", "nginx", "timeout"});

// Where the screenshots and PDFs are kept after the test.
fs::path artifacts() {
    fs::path dir = fs::path(PREFLIGHT_BINARY).parent_path() / "tests" / "html_render";
    fs::create_directories(dir);
    return dir;
}

// Runs after the page is parsed, before the dump: reads the layout the way
// a reader's window has it. Hidden elements (print-only blocks) have no box.
const std::string measure_script = R"(<script>
(function(){
  var d = document.documentElement, cw = d.clientWidth, out = {
    inner: innerWidth, doc_scroll: d.scrollWidth, doc_client: cw,
    tables: [], wide: [], spilled: []};
  var name = function(e){ return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''); };
  document.querySelectorAll('table').forEach(function(t){
    var b = t.getBoundingClientRect();
    out.tables.push({cls: t.className, scroll: t.scrollWidth, client: t.clientWidth,
                     right: Math.ceil(b.right)});
  });
  document.querySelectorAll('body *').forEach(function(e){
    var b = e.getBoundingClientRect();
    if (b.width > 0 && b.right > cw + 1) out.wide.push(name(e) + ' right ' + Math.ceil(b.right));
    if ((e.tagName == 'TD' || e.tagName == 'TH') && e.scrollWidth > e.clientWidth + 1)
      out.spilled.push(name(e) + ' ' + e.scrollWidth + '>' + e.clientWidth);
  });
  var box = function(sel){ var e = document.querySelector(sel);
    return e ? e.getBoundingClientRect() : null; };
  var banner = box('#pf-verdict'), problems = box('#pf-problems h2'),
      first = box('ol.problems li:first-child'), fix = box('ol.problems li:first-child .fix');
  out.banner_bottom = banner ? banner.bottom : -1;
  out.problems_top = problems ? problems.top : -1;
  out.first_problem_bottom = first ? first.bottom : -1;
  out.first_fix_bottom = fix ? fix.bottom : -1;
  out.narrowest_sha256 = 1e9;
  document.querySelectorAll('td.thumb').forEach(function(e){
    out.narrowest_sha256 = Math.min(out.narrowest_sha256, e.getBoundingClientRect().width); });
  // Ten CJK characters in the page's own font, at 20 px: real glyphs are a
  // full em wide each; the boxes drawn for missing glyphs are narrower.
  var cjk = document.createElement('span');
  cjk.style.fontSize = '20px'; cjk.style.whiteSpace = 'nowrap';
  cjk.textContent = '\u8a3c\u660e\u66f8\u8a3c\u660e\u66f8\u8a3c\u660e\u66f8\u8a3c';
  document.body.appendChild(cjk);
  out.cjk_em = cjk.getBoundingClientRect().width / 200;
  document.body.removeChild(cjk);
  var p = document.createElement('pre'); p.id = 'measure';
  var text = JSON.stringify(out).replace(/[<>&]/g, ' ');
  if (window.parent !== window) { window.parent.postMessage(text, '*'); return; }
  p.textContent = text;
  document.body.appendChild(p);
})();
</script>)";

// No name is looked up and nothing is fetched: the report is a local file
// with no external asset, and Chromium's own background traffic is off.
std::vector<std::string> chromium(const fs::path& profile, int width, int height) {
    return {"timeout", // a hung browser fails the case instead of holding the suite
            "120",
            "chromium",
            "--headless=new",
            "--no-sandbox", // the tests run as root
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=" + profile.string(),
            "--hide-scrollbars",
            "--window-size=" + std::to_string(width) + "," + std::to_string(height),
            "--virtual-time-budget=2000"};
}

// Headless Chromium makes no window narrower than 500 px; a phone's 400 px
// viewport is an iframe of that size in a 500 px window. The page inside
// lays out (media queries too) at the iframe's width. The measuring script
// posts its result to this wrapper, which puts it where --dump-dom shows it.
constexpr int narrowest_window = 500;
std::string framed(const std::string& file, int width, int height) {
    return "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"file://" + file +
           "\" style=\"border:0;display:block;width:" + std::to_string(width) +
           "px;height:" + std::to_string(height) +
           "px\"></iframe><script>addEventListener('message',function(e){var "
           "p=document.createElement('pre');p.id='measure';p.textContent=e.data;"
           "document.body.appendChild(p);});</script></body></html>";
}

struct Rendered {
    explicit Rendered(fs::path file) : html(std::move(file)) {}
    fs::path html; // the product's file, kept as an artifact too
    pft::TempDir profile;

    // The page at width x height, in a frame when the window cannot be that narrow.
    std::string url(const std::string& file, int width, int height) {
        if (width >= narrowest_window) return "file://" + file;
        return "file://" + profile.write("framed.html", framed(file, width, height));
    }

    json measure(int width, int height = 800) {
        std::string page = pft::read_file(html.string());
        auto at = page.rfind("</body>");
        BOOST_TEST_REQUIRE(at != std::string::npos);
        page.insert(at, measure_script);
        auto copy = profile.write("measured.html", page);
        auto argv = chromium(profile.path(), std::max(width, narrowest_window), height);
        argv.push_back("--dump-dom");
        argv.push_back(url(copy, width, height));
        auto r = pft::run(argv);
        auto open = r.out.find("<pre id=\"measure\">"), close = r.out.find("</pre>", open);
        BOOST_TEST_REQUIRE(open != std::string::npos, "no measurements: " << r.err);
        open += std::string("<pre id=\"measure\">").size();
        auto m = json::parse(r.out.substr(open, close - open));
        BOOST_TEST(m["inner"].get<int>() == width, "the page was laid out at " << m["inner"]);
        return m;
    }

    fs::path screenshot(int width, int height = 800) {
        fs::path png = html;
        png.replace_extension(std::to_string(width) + "x" + std::to_string(height) + ".png");
        auto argv = chromium(profile.path(), std::max(width, narrowest_window), height);
        argv.push_back("--screenshot=" + png.string());
        argv.push_back(url(html.string(), width, height));
        auto r = pft::run(argv);
        BOOST_TEST(fs::exists(png), r.err);
        BOOST_TEST_MESSAGE("screenshot: " << png.string());
        return png;
    }

    // The PDF as printed (Chromium's default paper, Letter, with the
    // report's own @page margins): its text, and the rightmost edge of any
    // word against the page width, in points.
    struct Printed {
        std::string text;
        double page_width = 0, rightmost = 0;
    };
    Printed print() {
        fs::path pdf = html;
        pdf.replace_extension(".pdf");
        auto argv = chromium(profile.path(), 1280, 800);
        argv.push_back("--no-pdf-header-footer");
        argv.push_back("--print-to-pdf=" + pdf.string());
        argv.push_back("file://" + html.string());
        auto r = pft::run(argv);
        BOOST_TEST_REQUIRE(fs::exists(pdf), r.err);
        BOOST_TEST_MESSAGE("pdf: " << pdf.string());
        Printed p;
        auto text = pft::run({"pdftotext", "-layout", pdf.string(), "-"});
        BOOST_TEST(text.exit_code == 0, text.err);
        p.text = text.out;
        auto boxes = pft::run({"pdftotext", "-bbox", pdf.string(), "-"});
        BOOST_TEST(boxes.exit_code == 0, boxes.err);
        p.page_width = number_after(boxes.out, 0, "<page width=\"");
        for (auto at = boxes.out.find("xMax=\""); at != std::string::npos;
             at = boxes.out.find("xMax=\"", at + 1))
            p.rightmost = std::max(p.rightmost, number_after(boxes.out, at, "xMax=\""));
        return p;
    }

    static double number_after(const std::string& s, std::size_t from, const std::string& key) {
        auto at = s.find(key, from);
        return at == std::string::npos ? 0 : std::strtod(s.c_str() + at + key.size(), nullptr);
    }
};

// Nothing wider than the window, no cell spilling into its neighbour.
void fits(const json& m, const std::string& what) {
    BOOST_TEST_INFO(what << " at " << m["inner"] << " px: " << m.dump());
    BOOST_TEST(m["doc_scroll"].get<int>() <= m["doc_client"].get<int>());
    BOOST_TEST(m["wide"].empty());
    BOOST_TEST(m["spilled"].empty());
    for (const auto& t : m["tables"]) {
        BOOST_TEST(t["scroll"].get<int>() <= t["client"].get<int>(), t["cls"]);
        BOOST_TEST(t["right"].get<int>() <= m["doc_client"].get<int>(), t["cls"]);
    }
}

// Copies a report into the artifacts directory under a stable name.
fs::path keep(const std::string& from, const std::string& name) {
    fs::path to = artifacts() / name;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    BOOST_TEST_MESSAGE("report: " << to.string());
    return to;
}

// At each width and printed: returns the printed text.
std::string renders_everywhere(Rendered& page, const std::string& what) {
    for (int width : {1024, 1280, 400}) {
        fits(page.measure(width), what);
        page.screenshot(width);
    }
    // The printable width of A4 with the report's margins, in CSS px
    // (Letter's is 725): print lays the page out at that width.
    fits(page.measure(700, 1000), what + " (A4 printable width)");
    auto pdf = page.print();
    BOOST_TEST(pdf.page_width > 500, what);
    BOOST_TEST(pdf.rightmost <= pdf.page_width - 28,
               what << ": a word at " << pdf.rightmost << " of " << pdf.page_width << " pt");
    return pdf.text;
}

std::string checklist(const pft::TempDir& d, unsigned short tls_port, unsigned short refused) {
    const std::string tls_probe =
        "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" + std::to_string(tls_port) + "\"/>";
    return d.write("acc.xml",
                   R"(<?xml version="1.0"?>
<checklist id="acc-render" title="Cloud Connector prerequisites, render test" timeout="5">
  <source document="VMware Workspace ONE UEM Cloud Connector Installation Guide" section="Network requirements"/>
  <parameters><param name="awcm_host" default="awcm.example.com"/><param name="region" default="eu"/>
    <param name="tenant" default="default-tenant"/></parameters>
  <section id="net" title="Network">
    <check id="net.awcm-443" title="AWCM answers with a trusted certificate on 443" severity="required">
      )" + tls_probe + R"(
      <requirement>The Cloud Connector reaches AWCM over HTTPS with a certificate chaining to a trusted root: https://docs.example.com/workspace-one/uem/cloud-connector/installation/network-requirements-for-the-cloud-connector?lang=en-US#outbound</requirement>
      <fix>Renew the AWCM certificate (it has expired) and install the full chain on the server, then run preflight again.</fix>
    </check>
    <check id="net.console-443-a-very-long-check-identifier-that-must-wrap-somewhere" title="Console port open" severity="required">
      <probe kind="tcp" host="127.0.0.1" port=")" +
                       std::to_string(refused) + R"("/>
      <requirement>Outbound TCP 443 to the console.</requirement>
      <fix>Open TCP )" +
                       std::to_string(refused) +
                       R"( to the console in the firewall, or start the console service.</fix>
    </check>
    <check id="net.console-optional" title="Console port, recommended" severity="recommended">
      <probe kind="tcp" host="127.0.0.1" port=")" +
                       std::to_string(refused) + R"("/>
      <requirement>Recommended.</requirement><fix>Open the port.</fix>
    </check>
    <check id="net.dns" title="Name resolution" severity="required">
      <probe kind="dns" host="localhost"/>
      <requirement>Names resolve.</requirement><fix>Fix DNS.</fix>
    </check>
  </section>
</checklist>
)");
}

} // namespace

BOOST_AUTO_TEST_SUITE(html_render)

BOOST_AUTO_TEST_CASE(a_failing_run_fits_every_width_and_prints_its_evidence, *with_chromium) {
    pft::ServedPki pki;
    auto expired = pki.leaf({.not_before_days = -60, .not_after_days = -2});
    pft::Nginx nginx({pki.site(expired)});
    auto refused = pft::unused_port();
    pft::TempDir t;
    auto list = checklist(t, nginx.port(0), refused);
    auto run = pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--set", "region=us",
                         "--trust-store", pki.root_pem, "--public-roots", pki.root_pem, "--html",
                         t.file("run.html")});
    BOOST_TEST_REQUIRE(run.exit_code == 2, run.out << run.err);
    Rendered page(keep(t.file("run.html"), "failing-run.html"));
    std::string html = pft::read_file(page.html.string());
    BOOST_TEST(pft::contains(html, "<title>NOT READY"));
    BOOST_TEST(!pft::contains(html, "<script"));
    const std::string pdf = renders_everywhere(page, "failing run");

    // At 1280x800 the verdict and the first problem with its fix are on the
    // first screen, and the problem is the expired certificate (worst first).
    auto m = page.measure(1280, 800);
    BOOST_TEST_INFO(m.dump());
    BOOST_TEST(m["banner_bottom"].get<double>() > 0);
    BOOST_TEST(m["banner_bottom"].get<double>() <= 800);
    BOOST_TEST(m["problems_top"].get<double>() > 0);
    BOOST_TEST(m["first_fix_bottom"].get<double>() > 0);
    BOOST_TEST(m["first_fix_bottom"].get<double>() <= 800);
    page.screenshot(1280, 800);

    // Printed: the certificate chain, folded on screen (its SPKI pins are
    // nowhere else in the report), is in the PDF, and no word runs into the
    // right margin.
    const std::string folded_only = "SPKI SHA-256 (pin)";
    BOOST_TEST(html.find(folded_only) > html.find("<details class=\"block\">"));
    BOOST_TEST(pft::contains(pdf, folded_only), pdf);
    BOOST_TEST(pft::contains(pdf, "NOT READY"));
}

// The built-in checklist as an admin first runs it on a Linux box: the
// Windows checks fail, AWCM and the console are refused, 40-odd parameters.
BOOST_AUTO_TEST_CASE(the_builtin_checklist_fits_and_folds_its_default_parameters, *with_chromium) {
    pft::TempDir t;
    auto refused = std::to_string(pft::unused_port());
    auto run = pft::run({PREFLIGHT_BINARY, "run", "--set", "awcm_host=127.0.0.1", "--set",
                         "awcm_port=" + refused, "--set", "console_host=127.0.0.1", "--set",
                         "console_port=" + refused, "--idle", "0", "--timeout", "3", "--quiet",
                         "--html", t.file("acc.html")});
    BOOST_TEST_REQUIRE(run.exit_code == 2, run.out << run.err);
    Rendered page(keep(t.file("acc.html"), "builtin-run.html"));
    std::string html = pft::read_file(page.html.string());
    // The four values given are shown; the rest wait behind one line.
    auto params = html.substr(html.find("id=\"pf-parameters\""));
    params = params.substr(0, params.find("</section>"));
    auto fold = params.find("<details class=\"defaults\">");
    BOOST_TEST_REQUIRE(fold != std::string::npos);
    BOOST_TEST(params.find("awcm_port") < fold);
    BOOST_TEST(params.find("smtp_port") > fold);
    renders_everywhere(page, "built-in checklist");
    auto m = page.measure(1280, 800);
    BOOST_TEST(m["first_fix_bottom"].get<double>() > 0, m.dump());
    BOOST_TEST(m["first_fix_bottom"].get<double>() <= 800, m.dump());
}

// The same run in Japanese, as a Japanese-reading admin opens it: Japanese
// glyphs (not boxes) from the fonts the page names, and the layout still fits.
BOOST_AUTO_TEST_CASE(a_japanese_report_shows_japanese_glyphs_and_fits, *with_chromium) {
    pft::TempDir t;
    auto refused = std::to_string(pft::unused_port());
    auto run = pft::run({PREFLIGHT_BINARY, "run", "--lang", "ja", "--set", "awcm_host=127.0.0.1",
                         "--set", "awcm_port=" + refused, "--idle", "0", "--timeout", "3",
                         "--quiet", "--html", t.file("ja.html")});
    BOOST_TEST_REQUIRE(run.exit_code == 2, run.out << run.err);
    Rendered page(keep(t.file("ja.html"), "builtin-run-ja.html"));
    std::string html = pft::read_file(page.html.string());
    BOOST_TEST(pft::contains(html, "<html lang=\"ja\">"));
    BOOST_TEST(pft::contains(html, "Noto Sans CJK JP"));
    std::string pdf = renders_everywhere(page, "Japanese report");
    BOOST_TEST(pft::contains(pdf, "準備未完了"), pdf);
    BOOST_TEST(!pft::contains(pdf, "NOT READY"), pdf);
    auto m = page.measure(1280, 800);
    BOOST_TEST(m["cjk_em"].get<double>() >= 0.9, "CJK glyphs " << m["cjk_em"] << " em wide");
    BOOST_TEST(m["first_fix_bottom"].get<double>() > 0, m.dump());
    BOOST_TEST(m["first_fix_bottom"].get<double>() <= 800, m.dump());
}

BOOST_AUTO_TEST_CASE(a_cert_report_shows_files_and_certificates_not_the_host, *with_chromium) {
    pft::ServedPki pki;
    auto leaf = pki.leaf();
    auto site = pki.site(leaf);
    pft::TempDir t;
    auto run = pft::run({PREFLIGHT_BINARY, "cert", "--trust-store", pki.root_pem, "--profile",
                         "server", "--host", "awcm.e2e.example", "--html", t.file("cert.html"),
                         site.cert_file, site.key_file});
    BOOST_TEST_REQUIRE(pft::read_file(t.file("cert.html")).size() > 0u, run.out << run.err);
    Rendered page(keep(t.file("cert.html"), "cert.html"));
    std::string html = pft::read_file(page.html.string());
    // The files and their certificates; no host table, services or
    // administrator row of a host the command never looked at.
    BOOST_TEST(pft::contains(html, site.cert_file));
    BOOST_TEST(pft::contains(html, "<h2>Certificates</h2>"));
    BOOST_TEST(pft::contains(html, "CN=awcm.e2e.example"));
    for (const char* absent : {"Host facts", "Integration services", "administrator",
                               "No integration services", "unknown"})
        BOOST_TEST(!pft::contains(html, absent), absent);
    auto pdf = renders_everywhere(page, "cert report");
    BOOST_TEST(pft::contains(pdf, "Certificate files"));
    auto m = page.measure(1024, 800);
    BOOST_TEST(m["narrowest_sha256"].get<double>() >= 90, m.dump());
}

BOOST_AUTO_TEST_CASE(an_interrupted_run_says_it_could_not_run, *with_chromium) {
    pft::UnansweredConnect silent;
    pft::TempDir t;
    auto list = t.write("slow.xml", R"(<checklist id="slow" title="Slow" timeout="30">
<source document="t"/><section id="s" title="S">
<check id="s.wait" title="Waits" severity="required"><probe kind="tcp" host="127.0.0.1" port=")" +
                                        silent.port_text() + R"("/>
<requirement>r</requirement><fix>f</fix></check></section></checklist>)");
    pft::Background run(
        {PREFLIGHT_BINARY, "run", "--checklist", list, "--html", t.file("stopped.html")},
        t.file("out.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    kill(run.pid(), SIGINT);
    BOOST_TEST_REQUIRE(run.wait() == 3, pft::read_file(t.file("out.log")));
    Rendered page(keep(t.file("stopped.html"), "interrupted.html"));
    std::string html = pft::read_file(page.html.string());
    BOOST_TEST(pft::contains(html, "<title>COULD NOT RUN"));
    BOOST_TEST(pft::contains(html, "INTERRUPTED"));
    auto pdf = renders_everywhere(page, "interrupted run");
    BOOST_TEST(pft::contains(pdf, "COULD NOT RUN"));
    auto m = page.measure(1280, 800);
    BOOST_TEST(m["banner_bottom"].get<double>() <= 800, m.dump());
}

BOOST_AUTO_TEST_SUITE_END()
