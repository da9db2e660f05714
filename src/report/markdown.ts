/**
 * Markdown for `$GITHUB_STEP_SUMMARY` (GitHub keeps at most 1 MiB per step): the gate verdict, a
 * summary table, then the failing, not-evaluated and waived results, most severe first. Past the
 * budget the tables stop and say how many rows were left out, so the summary is never rejected.
 */
import { COLLECTION_LABELS } from '../model/coverage.js';
import { displayName } from '../engine/engine.js';
import { SEVERITIES, SEVERITY_RANK, type AuditReport, type Result } from '../engine/types.js';
import type { ReportOptions } from './index.js';

/** GitHub's limit for one step summary. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;
/** Room kept for the closing lines after the tables stop. */
const RESERVE = 8 * 1024;

/** One table cell: no line breaks, no pipes, no HTML. */
export function cell(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|');
}

function code(s: string): string {
  return `\`${cell(s).replace(/`/g, "'")}\``;
}

const SEVERITY_LABEL: Record<string, string> = { critical: '🟥 critical', high: '🟧 high', medium: '🟨 medium', low: '⬜ low' };

function bySeverity(a: Result, b: Result): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.ruleId.localeCompare(b.ruleId) || displayName(a.resource).localeCompare(displayName(b.resource));
}

class Budget {
  private readonly parts: string[] = [];
  private bytes = 0;
  omitted = 0;

  constructor(private readonly limit: number) {}

  /** Adds a line if it fits; returns false (and counts it) when over budget. */
  row(line: string): boolean {
    const size = Buffer.byteLength(line) + 1;
    if (this.omitted > 0 || this.bytes + size > this.limit) {
      this.omitted++;
      return false;
    }
    this.parts.push(line);
    this.bytes += size;
    return true;
  }

  /** Headings and closing lines are always written (the reserve pays for them). */
  always(...lines: string[]): void {
    for (const line of lines) {
      this.parts.push(line);
      this.bytes += Buffer.byteLength(line) + 1;
    }
  }

  text(): string {
    return this.parts.join('\n') + '\n';
  }
}

function scopeLine(report: AuditReport): string {
  const s = report.run.scope;
  const what = s.kind === 'projects' ? `projects ${s.projects.join(', ')}` : `${s.kind} ${s.id ?? ''}`.trim();
  return `${what}${s.shard ? ` (shard ${s.shard})` : ''}`;
}

export function renderMarkdown(report: AuditReport, options: ReportOptions & { limit?: number } = {}): string {
  const { run, summary, verdict } = report;
  const out = new Budget((options.limit ?? STEP_SUMMARY_LIMIT) - RESERVE);
  const gate = `--fail-on ${run.failOn}`;
  const verdictLine =
    verdict.exitCode === 1
      ? `**❌ Gate failed** (${gate}): ${verdict.gateFailures} finding(s) at or above ${run.failOn}.`
      : verdict.exitCode === 3
        ? `**⚠️ Audit incomplete**: ${verdict.incomplete} result(s) not evaluated.`
        : `**✅ Gate passed** (${gate}).`;
  const helpUris = new Map(run.rules.map((r) => [r.id, r.helpUri]));
  const ruleUri = (id: string) => helpUris.get(id) ?? '#';
  const failing = report.results.filter((r) => r.status === 'fail' && !r.waiver).sort(bySeverity);
  const notEvaluated = report.results.filter((r) => r.status === 'not-evaluated' && !r.waiver).sort(bySeverity);
  const waived = report.results.filter((r) => r.waiver).sort(bySeverity);

  out.always(
    `## ${cell(run.tool.name)} ${cell(run.tool.version)}: ${cell(scopeLine(report))}`,
    '',
    verdictLine,
    '',
    '| Failed | Passed | Not applicable | Not evaluated | Waived |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${failing.length} | ${summary.byStatus.pass} | ${summary.byStatus['not-applicable']} | ${summary.byStatus['not-evaluated']} | ${summary.waived} |`,
    '',
    '| Severity | Failing |',
    '| --- | ---: |',
    ...SEVERITIES.map((s) => `| ${SEVERITY_LABEL[s]} | ${summary.failBySeverity[s]} |`),
  );
  for (const w of run.warnings) out.always('', `> ⚠️ ${cell(w)}`);

  if (failing.length) {
    out.always('', `### Failing (${failing.length})`, '', '| Severity | Rule | Resource | Finding |', '| --- | --- | --- | --- |');
    for (const r of failing) {
      const at = r.resource.file ? ` (${code(`${r.resource.file}${r.resource.line ? `:${r.resource.line}` : ''}`)})` : '';
      out.row(`| ${SEVERITY_LABEL[r.severity]} | [${code(r.ruleId)}](${ruleUri(r.ruleId)}) | ${code(displayName(r.resource))}${at} | ${cell(r.message)} |`);
    }
  }
  if (notEvaluated.length && out.omitted === 0) {
    out.always('', `### Not evaluated (${notEvaluated.length})`, '', '| Rule | Resource | Why |', '| --- | --- | --- |');
    for (const r of notEvaluated) out.row(`| ${code(r.ruleId)} | ${code(displayName(r.resource))} | ${cell(r.message)} |`);
  } else if (notEvaluated.length) out.omitted += notEvaluated.length;
  if (waived.length && out.omitted === 0) {
    out.always('', `### Waived (${waived.length})`, '', '| Rule | Resource | Until | Reason |', '| --- | --- | --- | --- |');
    for (const r of waived) out.row(`| ${code(r.ruleId)} | ${code(displayName(r.resource))} | ${r.waiver!.expires} | ${cell(r.waiver!.reason)} |`);
  } else if (waived.length) out.omitted += waived.length;
  if (run.readErrors.length && out.omitted === 0) {
    out.always('', `### Could not read (${run.readErrors.length})`, '');
    for (const e of run.readErrors) out.row(`- ${cell(`${e.collection} of project ${e.project}${e.resource ? ` (${e.resource})` : ''}: ${e.status ? `HTTP ${e.status} ` : ''}${e.message}`)}`);
  } else if (run.readErrors.length) out.omitted += run.readErrors.length;

  // Only the projects with gaps get a row: an organization has hundreds of projects read in full.
  const coverage = run.coverage ?? [];
  const gaps = coverage.filter((s) => s.notRead.length > 0);
  if (coverage.length && out.omitted === 0) {
    const whole = coverage.length - gaps.length;
    out.always('', `### Coverage (${coverage.length} project(s), ${whole} read in full)`);
    if (gaps.length) {
      out.always('', '| Project | Not read (why) | Read |', '| --- | --- | --- |');
      for (const s of gaps) {
        const project = `${code(s.project)}${s.includedAs === 'shared-vpc-host' ? ' (Shared VPC host)' : ''}`;
        const notRead = s.notRead.map((e) => `${COLLECTION_LABELS[e.collection]} (${e.state === 'out-of-scope' ? 'out of scope' : 'not read'}${e.reason ? `: ${e.reason}` : ''})`);
        out.row(`| ${project} | ${cell(notRead.join('; '))} | ${cell(s.read.map((k) => COLLECTION_LABELS[k]).join(', ') || 'nothing')} |`);
      }
    }
  } else if (gaps.length) out.omitted += gaps.length;

  if (out.omitted > 0) {
    out.always('', `_${out.omitted} more row(s) left out to stay under GitHub's 1 MiB step-summary limit; the SARIF and JSON reports have them all._`);
  }
  return out.text();
}
