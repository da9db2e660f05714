/**
 * Report writing for 25,000 results (GitHub's per-run limit): render time and size of every
 * format, SARIF with the passing results included so it really carries all 25,000.
 *
 * Run alone: `node --expose-gc --import tsx bench/reports.ts [results]` (bench/run.ts runs it too).
 *
 * The results come from a real evaluation of a small generated organization, replicated under
 * other project ids (fresh fingerprints, summary and verdict recomputed), so the messages, rule
 * mix and cluster diagrams are what an organization of that size would produce.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { audit, summarize, verdictOf } from '../src/engine/audit.js';
import { fingerprintOf } from '../src/engine/engine.js';
import { loadPolicy } from '../src/engine/policy.js';
import type { AuditReport, ClusterTopology, Result } from '../src/engine/types.js';
import { render, REPORT_FORMATS, type ReportFormat, type ReportOptions } from '../src/report/index.js';
import { generateSnapshot, type BenchRow } from './engine.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPORT_RESULTS = 25_000;
/** Projects evaluated for real; the rest are copies of them under other project ids. */
const BASE_PROJECTS = 10;
const PROJECT_ID = /bench-(\d{4})-prod/g;

function renumber<T>(value: T, copy: number): T {
  const text = JSON.stringify(value).replace(PROJECT_ID, (_, n: string) => `bench-${String(copy * BASE_PROJECTS + Number(n)).padStart(4, '0')}-prod`);
  return JSON.parse(text) as T;
}

/** An AuditReport with exactly `count` results. */
export function reportWithResults(count = REPORT_RESULTS): AuditReport {
  const policy = loadPolicy(path.join(REPO_ROOT, 'rules.yaml'));
  const base = audit(generateSnapshot(BASE_PROJECTS), policy, { failOn: 'high', now: new Date('2026-11-20T00:00:00Z') });
  if (base.results.length === 0) throw new Error('the generated organization produced no results');
  const results: Result[] = [];
  const clusters: ClusterTopology[] = [];
  for (let copy = 0; results.length < count; copy++) {
    // Copies go through JSON (plain results), so their fingerprints are recomputed for their new ids.
    const copied = copy === 0 ? base.results : renumber(base.results, copy);
    if (copy > 0) for (const r of copied) r.fingerprint = fingerprintOf(r.ruleId, r.resource);
    results.push(...copied);
    clusters.push(...(copy === 0 ? base.clusters : renumber(base.clusters, copy)));
  }
  results.length = count;
  const projects = new Set(results.map((r) => r.resource.project));
  const kept = clusters.filter((c) => projects.has(c.project));
  const run = { ...base.run, scope: { ...base.run.scope, projects: [...projects] } };
  return { run, results, clusters: kept, summary: summarize(results), verdict: verdictOf(results, run.failOn, run.allowIncomplete) };
}

interface Timed {
  ms: number;
  /** CPU of the same (best) render: on a loaded machine the wall clock also counts waiting for a core. */
  cpuMs: number;
  bytes: number;
}

async function timeRender(format: ReportFormat, report: AuditReport, options: ReportOptions): Promise<Timed> {
  // The first render loads the format's module; the figure is the best of two renders after it.
  await render(format, report, options);
  let best = Infinity;
  let cpuMs = 0;
  let bytes = 0;
  for (let i = 0; i < 2; i++) {
    // The previous render's garbage (tens of MiB of strings) is not this render's cost.
    (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const t = performance.now();
    const text = await render(format, report, options);
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    if (ms < best) {
      best = ms;
      cpuMs = (used.user + used.system) / 1000;
    }
    bytes = Buffer.byteLength(text);
  }
  return { ms: best, cpuMs, bytes };
}

const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

/** The target: all six formats for 25,000 results rendered in under this, together. */
const ALL_FORMATS_TARGET_MS = 1000;

/** The reports section: every format for 25,000 results; all six together under 1 s. */
export async function benchReports(options: { results?: number; log?: (line: string) => void } = {}): Promise<BenchRow[]> {
  const count = options.results ?? REPORT_RESULTS;
  const log = options.log ?? (() => {});
  const section = 'reports';
  log(`reports: building ${count} results…`);
  const report = reportWithResults(count);
  const rows: BenchRow[] = [];
  let sarifAndHtml = 0;
  // Each of the six formats once, SARIF as written by default.
  let allSix = 0;
  let allSixCpu = 0;
  const byStatus = Object.entries(report.summary.byStatus).map(([s, n]) => `${n} ${s}`).join(', ');
  for (const format of REPORT_FORMATS) {
    const variants: [string, ReportOptions][] = format === 'sarif' ? [['sarif (with passes)', { sarifPasses: true }], ['sarif (default)', {}]] : [[format, {}]];
    for (const [label, opts] of variants) {
      log(`reports: ${label}…`);
      const { ms, cpuMs, bytes } = await timeRender(format, report, opts);
      if (label === 'html' || label === 'sarif (with passes)') sarifAndHtml += ms;
      if (label !== 'sarif (with passes)') {
        allSix += ms;
        allSixCpu += cpuMs;
      }
      rows.push({ section, name: `${label}, ${count} results`, value: round(ms), unit: 'ms', note: `${round(bytes / 1024 / 1024, 1)} MiB; CPU ${round(cpuMs)} ms` });
    }
  }
  rows.push({ section, name: `sarif (with passes) + html, ${count} results`, value: round(sarifAndHtml), unit: 'ms' });
  rows.push({
    section,
    name: `all six formats (sarif by default), ${count} results`,
    value: round(allSix),
    unit: 'ms',
    target: `< ${ALL_FORMATS_TARGET_MS} ms`,
    ok: allSix < ALL_FORMATS_TARGET_MS,
    note: `CPU ${round(allSixCpu)} ms; ${report.clusters.length} clusters; ${byStatus}`,
  });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = Number(process.argv[2]) || undefined;
  for (const r of await benchReports({ results, log: (line) => process.stderr.write(`${line}\n`) })) {
    process.stdout.write(`${r.name.padEnd(48)} ${String(r.value).padStart(6)} ${r.unit}  ${r.target ?? ''}${r.ok === undefined ? '' : r.ok ? ' ok' : ' MISSED'}  ${r.note ?? ''}\n`);
  }
}
