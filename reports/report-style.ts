/** The run report's own CSS, on top of the shared page shell's. */
export const REPORT_STYLE = `
header h1{margin:2px 0 4px}
.small{font-size:12px}
.banner{margin:14px 0 8px;padding:10px 14px;border-radius:6px;font-size:16px;border:1px solid}
.banner-valid{background:#dafbe1;border-color:#4ac26b;color:#116329}
.banner-violation{background:#ffebe9;border-color:#ff8182;color:#82071e}
.banner-unknown{background:#fff8c5;border-color:#d4a72c;color:#7d4e00}
.incomplete,.problems{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;margin:8px 0}
.problems ul{margin:4px 0 0 0}
table.verdicts{width:100%}table.verdicts td:first-child{white-space:nowrap}
table.facts th{width:150px;font-weight:600}
table.ops{font-size:12px}
pre.command{font-size:13px;border-left:3px solid #0969da}
.sentence{background:#ffebe9;border-left:4px solid #cf222e;padding:8px 12px;margin:8px 0;font-size:15px}
.anomaly{margin-bottom:24px}
.expected-label{background:#ddf4ff;border-left:4px solid #0969da;padding:8px 12px;margin:8px 0;font-size:15px}
td.expected{color:#0969da;font-weight:600}
.side-by-side{display:flex;gap:24px;flex-wrap:wrap}.side-by-side>div{flex:1;min-width:300px}
h4{font-size:14px;margin:12px 0 4px}
details summary{cursor:pointer;color:#0969da;margin:4px 0}
hr{border:none;border-top:1px dashed #d0d7de;margin:16px 0}
footer{margin-top:32px;border-top:1px solid #d0d7de;padding-top:8px}
`;
