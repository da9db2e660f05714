/**
 * Terminal report: results grouped by cluster (network-wide results by network), the most severe
 * first; passes are counted, not listed. Colours only when asked (the CLI asks on a TTY).
 */
import { coverageLine } from '../model/coverage.js';
import pc from 'picocolors';
import { displayName } from '../engine/engine.js';
import { SEVERITY_RANK, type AuditReport, type Result } from '../engine/types.js';
import type { ReportOptions } from './index.js';

const STATUS_ORDER = { fail: 0, 'not-evaluated': 1, pass: 2, 'not-applicable': 3 } as const;

function groupKey(r: Result): string {
  return r.clusters.length === 1 ? r.clusters[0] : r.resource.fullName;
}

function groupTitle(key: string, results: Result[]): string {
  if (key.includes('/clusters/')) return `Cluster ${key}`;
  const clusters = [...new Set(results.flatMap((r) => r.clusters))].map((c) => c.split('/').pop());
  const kind = results[0].resource.kind;
  return `${kind === 'network' ? 'Network' : kind[0].toUpperCase() + kind.slice(1)} ${displayName(results[0].resource)}${clusters.length ? ` (clusters: ${clusters.join(', ')})` : ''}`;
}

export function renderText(report: AuditReport, options: ReportOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const sev = (r: Result): string => {
    const label = r.severity.toUpperCase().padEnd(8);
    return r.severity === 'critical' ? c.bold(c.red(label)) : r.severity === 'high' ? c.red(label) : r.severity === 'medium' ? c.yellow(label) : c.dim(label);
  };
  const status = (r: Result): string =>
    r.waiver ? c.dim('WAIVED ') : r.status === 'fail' ? c.red('FAIL   ') : r.status === 'not-evaluated' ? c.magenta('NOT EVALUATED ') : c.green('PASS   ');

  const { run, summary, verdict } = report;
  const lines: string[] = [];
  const scope = run.scope.kind === 'projects' ? `projects ${run.scope.projects.join(', ')}` : `${run.scope.kind} ${run.scope.id ?? ''}`.trim();
  lines.push(c.bold(`${run.tool.name} ${run.tool.version}`) + ` — ${scope}${run.scope.shard ? ` (shard ${run.scope.shard})` : ''}`);
  const p = run.policy.parameters;
  lines.push(
    `policy ${run.policy.path ?? '(defaults)'}: vip ${p.vip}, on-prem ${p.onPremRanges.join(', ') || 'none'}, proxy ${p.proxyRanges.join(', ') || 'none'}`,
  );
  for (const w of run.warnings) lines.push(c.yellow(`warning: ${w}`));
  for (const e of run.readErrors) {
    lines.push(c.magenta(`could not read ${e.collection} of project ${e.project}${e.resource ? ` (${e.resource})` : ''}: ${e.status ? `HTTP ${e.status} ` : ''}${e.message}`));
  }

  const groups = new Map<string, Result[]>();
  for (const r of report.results) {
    const key = groupKey(r);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    const ca = a.includes('/clusters/') ? 0 : 1;
    const cb = b.includes('/clusters/') ? 0 : 1;
    return ca - cb || a.localeCompare(b);
  });
  for (const key of keys) {
    const results = groups.get(key)!;
    lines.push('', c.bold(groupTitle(key, results)));
    const shown = results
      .filter((r) => r.status === 'fail' || r.status === 'not-evaluated')
      .sort((a, b) => Number(!!a.waiver) - Number(!!b.waiver) || STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.ruleId.localeCompare(b.ruleId));
    for (const r of shown) {
      lines.push(`  ${sev(r)} ${status(r)} ${c.bold(r.ruleId)}  ${r.message}`);
      if (r.resource.file) lines.push(c.dim(`           at ${r.resource.file}${r.resource.line ? `:${r.resource.line}` : ''}`));
      if (r.waiver) lines.push(c.dim(`           waived until ${r.waiver.expires}: ${r.waiver.reason}`));
    }
    const passed = results.filter((r) => r.status === 'pass').length;
    const na = results.filter((r) => r.status === 'not-applicable');
    const tail = [`${passed} passed`];
    if (na.length) tail.push(`${na.length} not applicable (${na.map((r) => r.ruleId).join(', ')})`);
    lines.push(c.dim(`  ${tail.join(', ')}`));
  }

  const failed = summary.byStatus.fail - report.results.filter((r) => r.status === 'fail' && r.waiver).length;
  const bySev = Object.entries(summary.failBySeverity).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
  lines.push(
    '',
    c.bold('Summary: ') +
      `${failed} failed${bySev.length ? ` (${bySev.join(', ')})` : ''}, ${summary.byStatus.pass} passed, ${summary.byStatus['not-applicable']} not applicable, ${summary.byStatus['not-evaluated']} not evaluated, ${summary.waived} waived`,
  );
  if (run.coverage?.length) lines.push(c.dim(coverageLine(run.coverage)));
  const gate = `Gate (--fail-on ${run.failOn}): `;
  if (verdict.exitCode === 1) lines.push(c.red(c.bold(`${gate}FAILED — ${verdict.gateFailures} finding(s) at or above ${run.failOn}`)));
  else if (verdict.exitCode === 3) {
    const parts = [verdict.incomplete ? `${verdict.incomplete} result(s) not evaluated` : '', verdict.unread ? `${verdict.unread} part(s) of the scope not read` : ''].filter(Boolean);
    lines.push(c.magenta(c.bold(`${gate}INCOMPLETE — ${parts.join(', ')}`)));
  }
  else lines.push(c.green(c.bold(`${gate}PASSED`)));
  return lines.join('\n') + '\n';
}
