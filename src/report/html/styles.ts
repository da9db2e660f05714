/**
 * The report's stylesheet, inlined into the page (and hashed into its Content-Security-Policy).
 * System fonts only: the report must not fetch anything. No inline `style` attributes anywhere,
 * since the CSP allows this one block and nothing else.
 */
export const REPORT_CSS = `
:root{--fail:#c62828;--fail-bg:#fdecea;--pass:#2e7d32;--pass-bg:#e8f5e9;--waived:#b26a00;--waived-bg:#fff4e0;
--ne:#616161;--ne-bg:#eeeeee;--na:#757575;--na-bg:#fafafa;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--accent:#0b57d0}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif;color:var(--ink);background:#f6f8fa}
main{max-width:1240px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:0 0 6px}
a{color:var(--accent)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:12px 0}
.muted{color:var(--muted)}.small{font-size:12px}
.wrap{overflow-wrap:anywhere;word-break:break-word}
header.run{display:grid;grid-template-columns:minmax(0,1.2fr) minmax(0,1fr);gap:16px;align-items:start}
dl.meta{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;margin:8px 0 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
.verdict{border-radius:8px;padding:10px 14px;font-weight:600;margin-bottom:10px;border:2px solid}
.verdict.failed{color:var(--fail);background:var(--fail-bg);border-color:var(--fail)}
.verdict.passed{color:var(--pass);background:var(--pass-bg);border-color:var(--pass)}
.verdict.incomplete{color:var(--ne);background:var(--ne-bg);border-color:var(--ne)}
.verdict .sub{display:block;font-weight:400;font-size:13px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;unicode-bidi:isolate}
code,li,h3,dd{unicode-bidi:isolate}
th{background:#f0f3f6;font-weight:600}
table.totals td.n{text-align:right;font-variant-numeric:tabular-nums}
table.totals td.zero{color:#a0a7ae}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap;border:1px solid transparent}
.s-fail{color:var(--fail);background:var(--fail-bg);border-color:var(--fail)}
.s-pass{color:var(--pass);background:var(--pass-bg);border-color:var(--pass)}
.s-waived{color:var(--waived);background:var(--waived-bg);border-color:var(--waived)}
.s-not-evaluated{color:var(--ne);background:var(--ne-bg);border-color:var(--ne)}
.s-not-applicable,.s-not-run{color:var(--na);background:var(--na-bg);border-color:#bdbdbd}
.sev-critical{color:#fff;background:#8e0000}.sev-high{color:#fff;background:#c62828}
.sev-medium{color:#3e2723;background:#ffb74d}.sev-low{color:#263238;background:#cfd8dc}
ol.checklist{list-style:none;display:flex;flex-wrap:wrap;gap:6px;padding:0;margin:10px 0}
ol.checklist>li{flex:1 1 118px;min-width:118px;border:2px solid;border-radius:8px;padding:6px 8px;position:relative}
ol.checklist>li.s-not-run{border-style:dashed}
ol.checklist>li .step-no{font-size:11px;opacity:.8}
ol.checklist>li .step-label{display:block;font-weight:700;font-size:13px;color:var(--ink);overflow-wrap:break-word}
ol.checklist>li .step-detail{display:block;font-size:11px;color:var(--muted)}
ol.checklist>li .step-state{display:block;font-weight:700;margin-top:2px}
ol.checklist li ul{list-style:none;padding:0;margin:4px 0 0;font-size:11px;overflow-wrap:anywhere}
ol.checklist li ul a{color:inherit}
ol.checklist.side>li{flex:0 1 200px}
.cluster-head{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:baseline}
svg.diagram{width:100%;max-width:980px;height:auto;display:block;margin:6px 0 0}
svg.diagram text{font:11px system-ui,sans-serif;fill:var(--ink)}
svg.diagram .box rect{fill:#f4f8ff;stroke:#6b7a90;stroke-width:1.5}
svg.diagram .box.flagged rect{fill:var(--fail-bg);stroke:var(--fail);stroke-width:2.5}
svg.diagram .box-title{font-weight:700}
svg.diagram text.flag{fill:var(--fail);font-weight:700}
svg.diagram .link line{stroke-width:2.5}
svg.diagram .link.ok line{stroke:var(--pass)}
svg.diagram .link.broken line{stroke:var(--fail);stroke-dasharray:7 4}
svg.diagram .link.unknown line{stroke:#9e9e9e;stroke-dasharray:3 4}
svg.diagram .arrow.ok path{fill:var(--pass)}svg.diagram .arrow.broken path{fill:var(--fail)}svg.diagram .arrow.unknown path{fill:#9e9e9e}
svg.diagram text.cross{fill:var(--fail);font-size:15px;font-weight:700}
svg.diagram .link-label.broken{fill:var(--fail);font-weight:600}
svg.diagram .link-label.unknown{fill:var(--ne)}
svg.diagram .link-label.ok{fill:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;margin:8px 0}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
.filters select,.filters input{font:inherit;padding:3px 6px;min-width:150px;max-width:280px}
.filters output{font-size:13px}
table.findings{table-layout:fixed}
table.findings col.c-sev{width:92px}table.findings col.c-status{width:132px}table.findings col.c-rule{width:170px}table.findings col.c-resource{width:260px}
section.cluster,#rules>.card{content-visibility:auto;contain-intrinsic-size:auto 720px}
#rules>.card{contain-intrinsic-size:auto 220px}
/* A table of thousands of rows would be laid out again every time the parser yields while the
   page loads; offscreen, a long section is skipped until the reader scrolls to it. */
section.long{content-visibility:auto;contain-intrinsic-size:auto 200000px}
/* A long findings table is drawn as a grid per row, so each row can be skipped on its own until it
   scrolls near: a table box is laid out whole, which took seconds for 25,000 rows. Screen only:
   printed, it is the plain table. */
@media screen{
section.long table.findings,section.long table.findings>thead,section.long table.findings>tbody{display:block}
section.long table.findings>colgroup{display:none}
section.long table.findings tr{display:grid;grid-template-columns:92px 132px 170px 260px minmax(0,1fr)}
section.long table.findings>tbody>tr{content-visibility:auto;contain-intrinsic-size:auto 96px}
/* The row a link lands on is always drawn, so the browser can keep it in place while the rows
   around it are drawn and change height; otherwise the link lands a screen away. */
section.long table.findings>tbody>tr:target{content-visibility:visible}
section.long table.findings th,section.long table.findings td{border-width:0 1px 1px 0}
section.long table.findings tr>:first-child{border-left-width:1px}
section.long table.findings>thead th{border-top-width:1px}
}
table.findings tr.finding.s-row-fail td:first-child{border-left:4px solid var(--fail)}
table.findings tr.finding.s-row-waived td:first-child{border-left:4px solid var(--waived)}
table.findings tr.finding.s-row-not-evaluated td:first-child{border-left:4px solid var(--ne)}
table.findings tr.finding.s-row-pass td:first-child{border-left:4px solid var(--pass)}
table.findings tr:target td{background:#fff8c5}
details{margin:4px 0}summary{cursor:pointer;color:var(--accent)}
.fix h4{margin:8px 0 2px;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.code{position:relative}
.code pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:0;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.code button.copy{position:absolute;top:4px;right:4px;font:12px system-ui,sans-serif;padding:1px 8px;cursor:pointer}
ul.related{margin:2px 0;padding-left:18px}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media (max-width:800px){header.run{grid-template-columns:1fr}}
@media print{
@page{size:A4 landscape;margin:12mm}
body{background:#fff;font-size:10.5pt}
main{max-width:none;padding:0}
.card{border-color:#999;break-inside:avoid}
section.cluster{break-inside:avoid}
section.cluster,#rules>.card,section.long{content-visibility:visible}
.filters,button.copy,.no-print{display:none!important}
tr{break-inside:avoid}
thead{display:table-header-group}
details>summary{color:var(--ink)}
details::details-content{content-visibility:visible;display:contents}
a{color:inherit;text-decoration:none}
.badge,.verdict,ol.checklist li,svg.diagram{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
`;
