/**
 * Terminal report, for a person at a terminal or reading a CI log: what was audited, a table of
 * severity × status, the gate verdict, then the failing findings most severe first — each one line
 * (severity, rule, short resource name, problem) and its fix — then what could not be judged and
 * why (read errors once per project and cause), waivers, and passes only when asked. Lines wrap to
 * the terminal's width with a hanging indent. Colours only when asked (the CLI asks on a TTY).
 */
import pc from 'picocolors';
import { coverageLine } from '../model/coverage.js';
import { SEVERITIES, type AuditReport, type Result, type Severity } from '../engine/types.js';
import type { ReportOptions } from './index.js';
import { inertData } from '../inert.js';
import { byImportance, gateText, groupReadErrors, nothingToCheck, NOTHING_TO_CHECK, problemText, readErrorGroupText, subjectName } from './present.js';

type Colors = ReturnType<typeof pc.createColors>;

/**
 * Word-wraps `text` to `width` columns: the first line after `lead` (already `leadWidth` wide), the
 * others indented by `indent` spaces. A word longer than a line is cut.
 */
export function wrap(text: string, width: number, leadWidth: number, indent: number): string[] {
  if (!Number.isFinite(width) || leadWidth + text.length <= width) return [text];
  const lines: string[] = [];
  let room = Math.max(width - leadWidth, 10);
  let line = '';
  for (const word of text.split(/ +/)) {
    let w = word;
    while (w.length > 0) {
      const sep = line ? 1 : 0;
      if (line.length + sep + w.length <= room) {
        line += (sep ? ' ' : '') + w;
        w = '';
      } else if (!line && w.length > room) {
        lines.push(w.slice(0, room));
        w = w.slice(room);
        room = Math.max(width - indent, 10);
      } else {
        lines.push(line);
        line = '';
        room = Math.max(width - indent, 10);
      }
    }
  }
  if (line) lines.push(line);
  return lines;
}

class Writer {
  readonly lines: string[] = [];
  constructor(private readonly width: number) {}

  /** `lead` (plain text, shown coloured as `leadColored`) then `text` wrapped under a hanging indent. */
  item(lead: string, text: string, indent: number, leadColored = lead, style: (s: string) => string = (s) => s): void {
    const parts = wrap(text, this.width, lead.length, indent);
    this.lines.push(leadColored + style(parts[0]));
    for (const p of parts.slice(1)) this.lines.push(' '.repeat(indent) + style(p));
  }

  blank(): void {
    this.lines.push('');
  }
}

function severityLabel(c: Colors, s: Severity): string {
  const label = s.toUpperCase().padEnd(8);
  return s === 'critical' ? c.bold(c.red(label)) : s === 'high' ? c.red(label) : s === 'medium' ? c.yellow(label) : c.dim(label);
}

function scopeText(report: AuditReport): string {
  const { run } = report;
  const s = run.scope;
  const what = s.kind === 'projects' ? `project${s.projects.length === 1 ? '' : 's'} ${s.projects.join(', ')}` : `${s.kind} ${s.id ?? ''}`.trim();
  const p = run.policy.parameters;
  return (
    `${what}${s.shard ? ` (shard ${s.shard})` : ''} · policy ${run.policy.path ?? '(defaults)'}: vip ${p.vip}, ` +
    `on-prem ${p.onPremRanges.join(', ') || 'none'}, proxy ${p.proxyRanges.join(', ') || 'none'}`
  );
}

const COLUMNS = [
  ['fail', 'fail'],
  ['not-evaluated', 'not evaluated'],
  ['waived', 'waived'],
  ['pass', 'pass'],
  ['not-applicable', 'n/a'],
] as const;

function summaryTable(report: AuditReport, c: Colors): string[] {
  const m = report.summary.matrix;
  const head = ['', ...COLUMNS.map(([, label]) => label)];
  const rows = SEVERITIES.map((s) => [s, ...COLUMNS.map(([key]) => String(m[s][key]))]);
  rows.push(['total', ...COLUMNS.map(([key]) => String(SEVERITIES.reduce((n, s) => n + m[s][key], 0)))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [
    c.dim(fmt(head)),
    ...rows.map((r) => {
      const line = fmt(r);
      return r[1] !== '0' && r[0] !== 'total' ? c.bold(line) : line;
    }),
  ];
}

function gateStyle(report: AuditReport, c: Colors): (s: string) => string {
  const code = report.verdict.exitCode;
  return code === 1 ? (s) => c.bold(c.red(s)) : code === 3 ? (s) => c.bold(c.magenta(s)) : (s) => c.bold(c.green(s));
}

function findingLines(out: Writer, r: Result, c: Colors): void {
  const rule = r.ruleId;
  const name = subjectName(r.resource);
  const mark = r.baseline === 'new' ? ' [new]' : r.baseline === 'existing' ? ' [existing]' : '';
  const lead = `${r.severity.toUpperCase().padEnd(8)} ${rule}  ${name}${mark}: `;
  out.item(lead, problemText(r), 11, `${severityLabel(c, r.severity)} ${c.bold(rule)}  ${c.cyan(name)}${mark ? c.yellow(mark) : ''}: `);
  if (r.resource.file) out.item('         at ', `${r.resource.file}${r.resource.line ? `:${r.resource.line}` : ''}`, 14, c.dim('         at '), c.dim);
  if (r.fix) out.item('         fix: ', r.fix, 14, `         ${c.green('fix:')} `);
}

export function renderText(data: AuditReport, options: ReportOptions = {}): string {
  // Every string of the report is shown with its control and bidi characters visibly escaped.
  const report = inertData(data);
  const c = pc.createColors(options.color ?? false);
  const width = options.width && options.width >= 40 ? options.width : Infinity;
  const out = new Writer(width);
  if (options.quiet) return `${gateStyle(report, c)(gateText(report))}\n`;

  const { run } = report;
  out.item(`${run.tool.name} ${run.tool.version} — `, scopeText(report), 2, c.bold(`${run.tool.name} ${run.tool.version}`) + ' — ');
  for (const w of run.warnings) out.item('warning: ', w, 2, c.yellow('warning: '));
  out.blank();
  if (nothingToCheck(report)) {
    out.item('', `${NOTHING_TO_CHECK}.`, 0);
  } else {
    out.lines.push(...summaryTable(report, c));
  }
  if (run.coverage?.length) out.item('', coverageLine(run.coverage), 2, '', c.dim);
  out.blank();
  out.item('', gateText(report), 2, '', gateStyle(report, c));

  const failing = report.results.filter((r) => r.status === 'fail' && !r.waiver).sort(byImportance);
  if (failing.length) {
    out.blank();
    const counts = report.summary.baseline ? ` — ${report.summary.baseline.new} new, ${report.summary.baseline.existing} existing` : '';
    out.lines.push(c.bold(`Failing (${failing.length})${counts}, most severe first`));
    for (const r of failing) findingLines(out, r, c);
  }

  const groups = groupReadErrors(run.readErrors);
  if (groups.length) {
    out.blank();
    out.lines.push(c.bold(`Could not read (${groups.length} cause${groups.length === 1 ? '' : 's'}) — \`gke-private-audit doctor\` explains missing APIs and permissions`));
    for (const g of groups) out.item('  ', readErrorGroupText(g), 4, c.magenta('  '));
  }

  const notEvaluated = report.results.filter((r) => r.status === 'not-evaluated' && !r.waiver).sort(byImportance);
  if (notEvaluated.length) {
    out.blank();
    out.lines.push(c.bold(`Not evaluated (${notEvaluated.length})`));
    const byReadError = notEvaluated.filter((r) => r.readErrors?.length);
    const rest = notEvaluated.filter((r) => !r.readErrors?.length);
    for (const r of rest) {
      out.item(`  ${r.ruleId}  ${subjectName(r.resource)}: `, problemText(r), 4, `  ${c.bold(r.ruleId)}  ${c.cyan(subjectName(r.resource))}: `);
      if (r.resource.file) out.item('    at ', `${r.resource.file}${r.resource.line ? `:${r.resource.line}` : ''}`, 7, c.dim('    at '), c.dim);
    }
    if (byReadError.length) {
      const rules = new Map<string, number>();
      for (const r of byReadError) rules.set(r.ruleId, (rules.get(r.ruleId) ?? 0) + 1);
      const list = [...rules].map(([id, n]) => (n > 1 ? `${id} ×${n}` : id)).join(', ');
      out.item('  ', `${byReadError.length} result(s) because of the read errors above: ${list}`, 4);
    }
  }

  const waived = report.results.filter((r) => r.waiver).sort(byImportance);
  if (waived.length) {
    out.blank();
    out.lines.push(c.bold(`Waived (${waived.length})`));
    for (const r of waived) {
      out.item(`  ${r.ruleId}  ${subjectName(r.resource)}: `, `until ${r.waiver!.expires}: ${r.waiver!.reason}`, 4, c.dim(`  ${r.ruleId}  ${subjectName(r.resource)}: `), c.dim);
    }
  }

  const passing = report.results.filter((r) => r.status === 'pass' || r.status === 'not-applicable');
  if (passing.length && options.verbose) {
    out.blank();
    out.lines.push(c.bold(`Passed or not applicable (${passing.length})`));
    for (const r of [...passing].sort(byImportance)) {
      const label = r.status === 'pass' ? 'pass' : 'n/a ';
      out.item(`  ${label}  ${r.ruleId}  ${subjectName(r.resource)}: `, problemText(r), 4, `  ${r.status === 'pass' ? c.green(label) : c.dim(label)}  ${r.ruleId}  ${subjectName(r.resource)}: `);
    }
  } else if (passing.length) {
    out.blank();
    out.lines.push(c.dim(`${passing.length} passed or not applicable (--verbose lists them)`));
  }
  return out.lines.join('\n') + '\n';
}
