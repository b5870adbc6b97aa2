// The page's only styling, inline. Verdicts are words, colours decoration,
// so a black-and-white printout loses nothing. Tables have a fixed layout
// (column widths from <colgroup>, text wrapping anywhere), so that no
// content can widen them past the window: nothing scrolls sideways from
// 1,024 px up; below 800 px each row becomes a card.
#include "reports/html_parts.hpp"

namespace pf::html {

namespace {

constexpr std::string_view css = R"(
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;padding:1em 1.5em;color:#1b1b1b;line-height:1.4;overflow-wrap:anywhere}
:lang(ja) body{font-family:"Yu Gothic","Meiryo","Noto Sans CJK JP",sans-serif}
h1{font-size:1.4em;margin:.2em 0 .4em}
h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:2px solid #ccc}
.id,td.check,td.thumb,pre{font-family:ui-monospace,Consolas,"DejaVu Sans Mono",monospace}
.meta,.muted{color:#555;font-size:.9em}
.banner{border:3px solid #555;border-radius:6px;padding:.5em 1em;margin:0 0 .8em;background:#eee}
.banner .word{font-size:1.9em;font-weight:800;line-height:1.15}
.banner .what{font-size:1.05em;font-weight:600}
.banner .counts{margin:.3em 0 0}.banner .counts span{display:inline-block;margin-right:1.1em;white-space:nowrap}
.banner.ready{border-color:#1b5e20;background:#e8f5e9;color:#1b5e20}
.banner.warnings{border-color:#8a5a00;background:#fff6e0;color:#5c3c00}
.banner.not-ready{border-color:#b00020;background:#fdecea;color:#8e0018}
.banner .interrupted{font-weight:bold;margin:.4em 0 0}
section.problems h2{margin-top:.6em}
ol.problems{margin:.2em 0;padding-left:1.8em}
ol.problems li{margin:0 0 .55em;padding-left:.2em}
ol.problems .head{font-weight:600}
ol.problems .tag{font-weight:800}
ol.problems a{color:inherit}
ol.problems .diag,ol.problems .fix{margin-left:.2em}
li.fail .tag,tr.fail .verdict{color:#b00020}li.error .tag,tr.error .verdict{color:#7b1fa2}
li.warn .tag,tr.warn .verdict{color:#8a5a00}tr.pass .verdict{color:#1b5e20}tr.skip .verdict{color:#666}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}
table.kv col.k{width:13em}table.kv th{font-weight:normal;color:#444}table.kv td{white-space:pre-wrap}
col.c-verdict{width:5.4em}col.c-id{width:14%}col.c-title{width:13%}col.c-req{width:18%}col.c-fix{width:18%}
col.c-check{width:11%}col.c-source{width:12%}col.c-expires{width:11%}col.c-key{width:12%}col.c-sha1{width:13%}col.c-sha256{width:17%}
tr.fail{background:#fdecea}tr.error{background:#f5e9f8}tr.warn{background:#fff6e0}
.verdict{font-weight:bold}
td.thumb{font-size:.8em;word-break:break-all}
ul.evidence{margin:.3em 0 0 1.1em;padding:0;font-family:ui-monospace,Consolas,monospace;font-size:.85em}
.alert{border:2px solid #b00020;background:#fff;color:#b00020;font-weight:bold;padding:.3em .5em;margin:.3em 0}
details.block{margin:.3em 0}details.block summary,details.defaults summary{cursor:pointer;color:#333}
.block pre{margin:.2em 0 0 1em;font-size:.8em;white-space:pre-wrap}
.print-only{display:none}.print-only .title{color:#333;font-style:italic}
.fix{font-weight:bold;border-left:4px solid #b00020;padding-left:.4em}
.fix .label{font-weight:800}
.req,.fix,.diag{white-space:pre-wrap}
table.certs{font-size:.85em}
@media screen and (max-width:800px){
body{padding:.6em}
table.checks,table.checks tbody,table.checks tr,table.checks td,table.certs,table.certs tbody,table.certs tr,table.certs td{display:block;width:auto}
table.checks thead,table.certs thead,table.checks colgroup,table.certs colgroup{display:none}
table.checks tr,table.certs tr{border:1px solid #bbb;border-radius:4px;margin:0 0 .8em;padding:.2em 0}
table.checks td,table.certs td{border:0;border-top:1px solid #e4e4e4}
table.checks td.verdict,table.checks td.id{display:inline-block;border:0}
td[data-label]::before,td.thumb::before{display:block;font-weight:bold;font-size:.8em;color:#555;font-family:system-ui,Arial,sans-serif}
td[data-label]::before{content:attr(data-label)}
table.kv col.k{width:8.5em}
}
@page{margin:14mm 12mm}
@media print{
body{padding:0;font-size:9pt}
.print-only{display:block}details.block{display:none}
section.checks{break-before:page}
tr,li{break-inside:avoid}h2{break-after:avoid}
thead{display:table-header-group}
a{color:inherit;text-decoration:none}
}
)";

} // namespace

std::string_view stylesheet() {
    return css;
}

} // namespace pf::html
