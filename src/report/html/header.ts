/** The top of the report: what was audited, with which policy, the totals and the gate verdict. */
import { SEVERITIES, type AuditReport, type Severity } from '../../engine/types.js';
import { VIPS } from '../../model/facts.js';
import { displayStatus, type DisplayStatus } from './checklist.js';
import { html, join, type SafeHtml } from './template.js';
import { NOTHING_TO_CHECK, nothingToCheck } from '../present.js';

const COLUMNS: { status: DisplayStatus; label: string }[] = [
  { status: 'fail', label: 'Fail' },
  { status: 'waived', label: 'Waived' },
  { status: 'not-evaluated', label: 'Not evaluated' },
  { status: 'pass', label: 'Pass' },
  { status: 'not-applicable', label: 'N/A' },
];

export function scopeText(report: AuditReport): string {
  const s = report.run.scope;
  const what =
    s.kind === 'organization' ? `organization ${s.id ?? ''}` : s.kind === 'folder' ? `folder ${s.id ?? ''}` : s.kind === 'plan' ? `Terraform plan ${s.id ?? ''}` : s.kind === 'assets' ? `asset export ${s.id ?? ''}` : s.kind;
  const projects = s.projects.length ? `${s.projects.length === 1 ? 'project' : 'projects'} ${s.projects.join(', ')}` : '';
  const parts = s.kind === 'projects' || s.kind === 'fixture' ? [projects || what] : [what.trim(), projects].filter(Boolean);
  return `${parts.join(' — ')}${s.shard ? ` (shard ${s.shard})` : ''}`;
}

function verdict(report: AuditReport): SafeHtml {
  const { verdict: v, run } = report;
  const gate = run.failOn === 'none' ? 'Gate off (--fail-on none)' : `Gate --fail-on ${run.failOn}`;
  if (v.exitCode === 1) {
    const b = report.summary.baseline;
    const baseline = b ? ` (new; ${b.existing} existing finding${b.existing === 1 ? '' : 's'} in the baseline not counted)` : '';
    return html`<div class="verdict failed" id="verdict">✗ ${gate}: FAILED<span class="sub">${v.gateFailures} failing finding${v.gateFailures === 1 ? '' : 's'} at or above ${run.failOn}${baseline}; exit code 1</span></div>`;
  }
  if (v.exitCode === 3) {
    return html`<div class="verdict incomplete" id="verdict">? ${gate}: INCOMPLETE<span class="sub">${v.incomplete} result${v.incomplete === 1 ? '' : 's'} not evaluated (data could not be read); exit code 3</span></div>`;
  }
  if (nothingToCheck(report)) {
    return html`<div class="verdict passed" id="verdict">✓ ${gate}: PASSED<span class="sub">${NOTHING_TO_CHECK}; exit code 0</span></div>`;
  }
  const note = v.incomplete > 0 ? `, but ${v.incomplete} result${v.incomplete === 1 ? ' was' : 's were'} not evaluated (--allow-incomplete)` : '';
  return html`<div class="verdict passed" id="verdict">✓ ${gate}: PASSED<span class="sub">no unwaived failure at or above ${run.failOn === 'none' ? 'any gate' : run.failOn}${note}; exit code 0</span></div>`;
}

function totals(report: AuditReport): SafeHtml {
  const counts = new Map<string, number>();
  const key = (sev: Severity, st: DisplayStatus) => `${sev} ${st}`;
  for (const r of report.results) counts.set(key(r.severity, displayStatus(r)), (counts.get(key(r.severity, displayStatus(r))) ?? 0) + 1);
  const cell = (n: number) => html`<td class="n${n === 0 ? ' zero' : ''}">${n}</td>`;
  const sum = (st: DisplayStatus) => SEVERITIES.reduce((acc, sev) => acc + (counts.get(key(sev, st)) ?? 0), 0);
  return html`<table class="totals" id="totals"><caption class="muted small">Results by severity and status (${report.summary.total} in all)</caption>
<thead><tr><th>Severity</th>${COLUMNS.map((c) => html`<th><span class="badge s-${c.status}">${c.label}</span></th>`)}</tr></thead>
<tbody>${SEVERITIES.map(
    (sev) => html`<tr><th><span class="badge sev-${sev}">${sev}</span></th>${COLUMNS.map((c) => cell(counts.get(key(sev, c.status)) ?? 0))}</tr>`,
  )}<tr><th>all</th>${COLUMNS.map((c) => cell(sum(c.status)))}</tr></tbody></table>`;
}

export function header(report: AuditReport): SafeHtml {
  const { run } = report;
  const p = run.policy.parameters;
  const vip = VIPS[p.vip];
  const list = (items: string[]) => (items.length ? join(items.map((i) => html`<code>${i}</code>`), ', ') : html`<span class="muted">none</span>`);
  return html`<header class="run card">
<div>
<h1>Private GKE audit</h1>
<div class="muted wrap" id="scope">${scopeText(report)}</div>
<dl class="meta">
<dt>Audited</dt><dd>${run.startedAt}${run.finishedAt && run.finishedAt !== run.startedAt ? html` → ${run.finishedAt}` : ''}</dd>
<dt>Tool</dt><dd>${run.tool.name} ${run.tool.version}</dd>
<dt>Policy</dt><dd>${run.policy.path ? html`<code>${run.policy.path}</code>` : html`<span class="muted">built-in defaults</span>`}</dd>
<dt>VIP</dt><dd>${p.vip} — <code>${vip.host}</code> <code>${vip.ipv4Range}</code></dd>
<dt>On-prem ranges</dt><dd>${list(p.onPremRanges)}</dd>
<dt>Proxy ranges</dt><dd>${list(p.proxyRanges)}</dd>
<dt>Rules</dt><dd>${run.rules.length} enabled (<a href="#rules">list</a>)</dd>
${run.category ? html`<dt>Category</dt><dd><code>${run.category}</code></dd>` : ''}
</dl>
${run.warnings.length ? html`<ul class="warnings">${run.warnings.map((w) => html`<li class="wrap">⚠ ${w}</li>`)}</ul>` : ''}
</div>
<div>${verdict(report)}${totals(report)}</div>
</header>`;
}
