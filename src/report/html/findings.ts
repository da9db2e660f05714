/**
 * The findings table (a plain table that filters when the script runs), the waived findings, what
 * could not be evaluated and why, and the rules that ran.
 */
import { COLLECTION_LABELS } from '../../model/coverage.js';
import { displayName } from '../../engine/engine.js';
import { SEVERITIES, SEVERITY_RANK, type AuditReport, type Result, type RunInfo, type Severity } from '../../engine/types.js';
import type { ReadError } from '../../model/snapshot.js';
import { displayStatus, STATE_LABEL, STATE_MARK, type DisplayStatus } from './checklist.js';
import type { AnchorOf } from './clusters.js';
import { html, type Interpolation, type SafeHtml } from './template.js';

type RuleInfo = RunInfo['rules'][number];

const STATUS_ORDER: Record<DisplayStatus, number> = { fail: 0, 'not-evaluated': 1, waived: 2, pass: 3, 'not-applicable': 4 };
const STATUS_OPTIONS: DisplayStatus[] = ['fail', 'not-evaluated', 'waived', 'pass', 'not-applicable'];

/**
 * Up to this many findings to fix, each row carries its own rationale and remediation. Beyond it
 * (an organization-wide run) rows link to their rule's card instead: thousands of copies of the
 * same sixteen texts would make the page slow to open and add nothing to read.
 */
export const INLINE_EXPLANATIONS_MAX = 500;

/**
 * A section with more rows than this is laid out only when the reader scrolls near it (CSS
 * `content-visibility`): a table of thousands of rows otherwise costs a full layout each time the
 * parser yields, which made a 25,000-finding page take half a minute to open.
 */
export const LONG_SECTION_ROWS = 1000;

function longSection(rows: number): Interpolation {
  return rows > LONG_SECTION_ROWS && html` class="long"`;
}

export function sortFindings(results: readonly Result[]): Result[] {
  return [...results].sort(
    (a, b) =>
      STATUS_ORDER[displayStatus(a)] - STATUS_ORDER[displayStatus(b)] ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.ruleId.localeCompare(b.ruleId) ||
      displayName(a.resource).localeCompare(displayName(b.resource)),
  );
}

function codeBlock(title: string, code: string): SafeHtml {
  return html`<h4>${title}</h4><div class="code"><button type="button" class="copy" hidden>Copy</button><pre><code>${code}</code></pre></div>`;
}

function readErrorText(e: ReadError): string {
  return `${e.collection} of project ${e.project}${e.resource ? ` (${e.resource})` : ''}: ${e.status ? `HTTP ${e.status}` : 'no response'}${e.reason ? ` ${e.reason}` : ''} — ${e.message}`;
}

function location(r: Result): Interpolation {
  if (!r.resource.file) return '';
  return html`<div class="muted small">at <code>${r.resource.file}${r.resource.line !== undefined ? `:${r.resource.line}` : ''}</code></div>`;
}

/**
 * Fragments that repeat from row to row (a rule's texts, the badge cells), made once per report
 * and joined at once, so each row adds one ready part instead of rebuilding and re-escaping them.
 */
function memo<K>(make: (key: K) => SafeHtml): (key: K) => SafeHtml {
  const made = new Map<K, SafeHtml>();
  return (key) => {
    let fragment = made.get(key);
    if (!fragment) {
      fragment = make(key);
      fragment.toString();
      made.set(key, fragment);
    }
    return fragment;
  };
}

/** What a row says about its rule: a link to the card, or the whole explanation inline. */
interface RuleBlocks {
  about: (rule: RuleInfo) => SafeHtml;
  link: (rule: RuleInfo) => SafeHtml;
  fix: (rule: RuleInfo) => SafeHtml;
}

function ruleBlocks(): RuleBlocks {
  return {
    about: memo((rule) => html`<a class="small" href="#rule-${rule.id}">about ${rule.id}</a>`),
    link: memo((rule) => html`<a class="small" href="#rule-${rule.id}">Why it matters and how to fix it (${rule.id})</a>`),
    fix: memo(
      (rule) =>
        html`<details class="fix"><summary>Why it matters and how to fix it</summary><p>${rule.rationale}</p>${codeBlock('gcloud', rule.remediation.gcloud)}${codeBlock('Terraform', rule.remediation.terraform)}<p class="small"><a href="#rule-${rule.id}">about ${rule.id}</a> · article: ${rule.articleSection}</p></details>`,
    ),
  };
}

function explanation(r: Result, rule: RuleInfo | undefined, inline: boolean, blocks: RuleBlocks): SafeHtml {
  const involved = r.related.length
    ? html`<div><span class="muted small">Resources involved</span><ul class="related mono small">${r.related.map((x) => html`<li class="wrap">${x}</li>`)}</ul></div>`
    : '';
  const errors = r.readErrors?.length
    ? html`<div><span class="muted small">Could not read</span><ul class="related small">${r.readErrors.map((e) => html`<li class="wrap">${readErrorText(e)}</li>`)}</ul></div>`
    : '';
  const waiver = r.waiver ? html`<div class="small">Waived until <strong>${r.waiver.expires}</strong>: ${r.waiver.reason}</div>` : '';
  if (r.status === 'pass' || r.status === 'not-applicable' || !rule) {
    return html`${waiver}${involved}${errors}${rule ? blocks.about(rule) : ''}`;
  }
  return html`${waiver}${involved}${errors}${inline ? blocks.fix(rule) : blocks.link(rule)}`;
}

/** The severity and status cells, one pair per combination. */
const badgeCells = (): ((key: `${Severity} ${DisplayStatus}`) => SafeHtml) =>
  memo((key) => {
    const [severity, st] = key.split(' ') as [Severity, DisplayStatus];
    return html`<td><span class="badge sev-${severity}">${severity}</span></td><td><span class="badge s-${st}">${STATE_MARK[st]} ${STATE_LABEL[st]}</span></td>`;
  });

interface RowContext {
  rules: Map<string, RuleInfo>;
  anchorOf: AnchorOf;
  inline: boolean;
  blocks: RuleBlocks;
  badges: ReturnType<typeof badgeCells>;
}

function row(r: Result, c: RowContext): SafeHtml {
  const st = displayStatus(r);
  // One line per row: whitespace between cells would be thousands of text nodes in a large report.
  return html`<tr class="finding s-row-${st}" id="${c.anchorOf(r)}" data-severity="${r.severity}" data-status="${st}" data-rule="${r.ruleId}" data-project="${r.resource.project}">${c.badges(`${r.severity} ${st}`)}<td><code>${r.ruleId}</code><div class="small muted">${r.title}</div></td><td class="wrap"><span class="mono small">${displayName(r.resource)}</span>${location(r)}<div class="small muted">${r.resource.kind} in ${r.resource.project}</div></td><td class="msg wrap">${r.message}${explanation(r, c.rules.get(r.ruleId), c.inline, c.blocks)}</td></tr>
`;
}

function select(name: string, label: string, values: string[], text: (v: string) => string = (v) => v): SafeHtml {
  return html`<label>${label}<select data-filter="${name}"><option value="">all</option>${values.map((v) => html`<option value="${v}">${text(v)}</option>`)}</select></label>`;
}

export function findingsSection(report: AuditReport, sorted: Result[], rules: Map<string, RuleInfo>, anchorOf: AnchorOf): SafeHtml {
  const present = <T extends string>(f: (r: Result) => T) => [...new Set(sorted.map(f))];
  const severities = SEVERITIES.filter((s) => sorted.some((r) => r.severity === s));
  const statuses = STATUS_OPTIONS.filter((s) => sorted.some((r) => displayStatus(r) === s));
  const toFix = sorted.filter((r) => r.status === 'fail' || r.status === 'not-evaluated').length;
  const inline = toFix <= INLINE_EXPLANATIONS_MAX;
  const context: RowContext = { rules, anchorOf, inline, blocks: ruleBlocks(), badges: badgeCells() };
  return html`<section id="findings-section"${longSection(sorted.length)}><h2>Findings (${sorted.length})</h2>
<div class="filters" id="filters" hidden>
${select('severity', 'Severity', severities)}
${select('status', 'Status', statuses, (s) => STATE_LABEL[s as DisplayStatus])}
${select('rule', 'Rule', present((r) => r.ruleId).sort())}
${select('project', 'Project', present((r) => r.resource.project).sort())}
<label>Text<input type="search" data-filter="text" placeholder="name, message…"></label>
<button type="button" id="filter-reset">Show all</button>
<output id="finding-count" aria-live="polite"></output>
</div>
${
  sorted.length === 0
    ? html`<p class="empty">No results: no enabled rule applied to anything in the snapshot.</p>`
    : html`${inline ? '' : html`<p class="muted small">${toFix} findings to fix: each links to its rule's rationale and remediation under <a href="#rules">Rules checked</a>.</p>`}<table class="findings" id="findings"><colgroup><col class="c-sev"><col class="c-status"><col class="c-rule"><col class="c-resource"><col class="c-msg"></colgroup><thead><tr><th>Severity</th><th>Status</th><th>Rule</th><th>Resource</th><th>Message</th></tr></thead>
<tbody>${sorted.map((r) => row(r, context))}</tbody></table>`
}</section>`;
}

export function waivedSection(sorted: Result[], anchorOf: AnchorOf): SafeHtml {
  const waived = sorted.filter((r) => r.waiver);
  return html`<section id="waived"${longSection(waived.length)}><h2>Waived findings (${waived.length})</h2>${
    waived.length === 0
      ? html`<p class="empty">No finding is waived.</p>`
      : html`<table class="waivers"><thead><tr><th>Rule</th><th>Resource</th><th>Reason</th><th>Expires</th><th>Finding</th></tr></thead><tbody>${waived.map(
          (r) =>
            html`<tr><td><code>${r.ruleId}</code></td><td class="wrap mono small">${displayName(r.resource)}</td><td class="wrap">${r.waiver!.reason}</td><td><strong>${r.waiver!.expires}</strong></td><td class="wrap"><a href="#${anchorOf(r)}">${r.status === 'fail' ? 'fail' : 'not evaluated'}</a>: ${r.message}</td></tr>`,
        )}</tbody></table>`
  }</section>`;
}

export function notEvaluatedSection(report: AuditReport, sorted: Result[], anchorOf: AnchorOf): SafeHtml {
  const results = sorted.filter((r) => r.status === 'not-evaluated');
  const errors = report.run.readErrors;
  return html`<section id="not-evaluated"${longSection(results.length + errors.length)}><h2>Not evaluated (${results.length})</h2>
<p class="muted small">Not evaluated is never a pass: the data these checks need could not be read, or is unknown until a Terraform apply.</p>
${
  results.length
    ? html`<table><thead><tr><th>Rule</th><th>Resource</th><th>Why</th></tr></thead><tbody>${results.map(
        (r) =>
          html`<tr><td><code>${r.ruleId}</code>${r.waiver ? html` <span class="badge s-waived">waived</span>` : ''}</td><td class="wrap mono small"><a href="#${anchorOf(r)}">${displayName(r.resource)}</a></td><td class="wrap">${r.message}${
            r.readErrors?.length ? html`<ul class="related small">${r.readErrors.map((e) => html`<li>${readErrorText(e)}</li>`)}</ul>` : ''
          }</td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">Every check was evaluated.</p>`
}
<h3 id="read-errors">Read errors (${errors.length})</h3>
${
  errors.length
    ? html`<table><thead><tr><th>Project</th><th>Collection</th><th>Resource</th><th>Status</th><th>Message</th></tr></thead><tbody>${errors.map(
        (e) =>
          html`<tr><td><code>${e.project}</code></td><td>${e.collection}</td><td class="wrap mono small">${e.resource ?? '—'}</td><td>${e.status ? `HTTP ${e.status}` : 'no response'}${e.reason ? html` <span class="muted">${e.reason}</span>` : ''}</td><td class="wrap">${e.message}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">Everything in scope was read.</p>`
}${coverageTable(report)}</section>`;
}

/** What the input covered, per project: read, not read and why (issue 11). */
function coverageTable(report: AuditReport): SafeHtml | string {
  const coverage = report.run.coverage ?? [];
  if (coverage.length === 0) return '';
  return html`<h3 id="coverage">Coverage (${coverage.length} project${coverage.length === 1 ? '' : 's'})</h3>
<table><thead><tr><th>Project</th><th>Read</th><th>Not read</th></tr></thead><tbody>${coverage.map(
    (s) =>
      html`<tr><td><code>${s.project}</code>${s.includedAs === 'shared-vpc-host' ? html` <span class="muted small">Shared VPC host</span>` : ''}</td><td class="wrap small">${
        s.read.map((k) => COLLECTION_LABELS[k]).join(', ') || '—'
      }</td><td class="wrap small">${
        s.notRead.length
          ? html`<ul class="related">${s.notRead.map((e) => html`<li>${COLLECTION_LABELS[e.collection]} (${e.state === 'out-of-scope' ? 'out of scope' : 'not read'}${e.reason ? `: ${e.reason}` : ''})</li>`)}</ul>`
          : '—'
      }</td></tr>`,
  )}</tbody></table>`;
}

export function rulesSection(report: AuditReport): SafeHtml {
  return html`<section id="rules"><h2>Rules checked (${report.run.rules.length})</h2>${report.run.rules.map(
    (rule) => html`<div class="card" id="rule-${rule.id}"><h3><code>${rule.id}</code> <span class="badge sev-${rule.severity}">${rule.severity}</span> ${rule.title}</h3>
<p>${rule.description}</p><p class="muted">${rule.rationale}</p><p class="small">Article: ${rule.articleSection}${
      /^https:\/\//.test(rule.helpUri) ? html` · <a href="${rule.helpUri}">documentation</a>` : ''
    }</p>
<details><summary>Remediation</summary><div class="fix">${codeBlock('gcloud', rule.remediation.gcloud)}${codeBlock('Terraform', rule.remediation.terraform)}</div></details></div>`,
  )}</section>`;
}
