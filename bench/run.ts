/**
 * `npm run bench`: runs every benchmark section, prints one table per section and writes
 * bench/results.json. Not a test: figures depend on the machine. Add a section by adding an entry.
 * `npm run bench -- collect engine` runs only the sections named (the other sections' figures in
 * bench/results.json are kept). A section that fails is reported as failed (its error in the
 * JSON) and the others still run; the exit status is then 1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCollectBenchmark, runCollectFloor } from './collect.js';
import { benchEngine, tableRows } from './engine.js';
import { benchReports } from './reports.js';
import { benchHtmlReports } from './report-html.js';
import { runSoak } from './soak.js';
import { benchNoCredentials } from './credentials.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number) => Math.round(n);

interface Section {
  name: string;
  describe: string;
  run: () => Promise<Record<string, string | number>[]>;
}

const sections: Section[] = [
  {
    name: 'collect',
    describe:
      'organization collection with the CLI\'s default options through the emulator (own process): 1,000 generated projects, 1% 429s, 1 process; at 50 ms and 150 ms per call, record sets as assets (median of 3 runs), and at 150 ms with record sets read zone by zone (the fallback, and the design before; 1 run); target at 150 ms: wall ≤ 1.5× the dependent-page bound, calls ≤ 1.1× the minimum, 0 failed projects',
    run: async () =>
      [
        ...(await runCollectBenchmark({ latencyMs: 50, shardCounts: [1], log })),
        ...(await runCollectBenchmark({ latencyMs: 150, shardCounts: [1], log })),
        ...(await runCollectBenchmark({ latencyMs: 150, shardCounts: [1], recordSetsPerZone: true, runs: 1, log })),
      ] as unknown as Record<string, string | number>[],
  },
  {
    name: 'collect-floor',
    describe:
      'the same 1,000 projects at 0 ms latency and no faults, 1 process, median of 3 runs: the wall time and CPU the official clients and the emulator need on this machine with no latency (the wall itself; both CPUs spread over the cores) against the 150 ms target\'s budget (1.5× its bound)',
    run: async () => (await runCollectFloor({ log })) as unknown as Record<string, string | number>[],
  },
  {
    name: 'soak',
    describe:
      '16 audits side by side (built CLI, own processes; half an organization through asset + dns, half a project through compute, container and dns) against the emulator answering 25% 429, 25% 503 and 5% never; every run must end by itself with a complete or not-evaluated report',
    run: () => runSoak({ log }),
  },
  {
    name: 'no-credentials',
    describe: 'each live command with no Application Default Credentials: one line, exit 2, median of 3 runs of the built CLI; target under 5 s',
    run: async () => benchNoCredentials(),
  },
  {
    name: 'engine',
    describe: 'rule evaluation of a generated organization (10,000 clusters, 100,000 firewall rules, 50,000 routes) and of a tenth of it, each in its own process',
    run: async () => tableRows(await benchEngine({ log })),
  },
  {
    name: 'reports',
    describe: 'rendering every report format for 25,000 results (best of two renders)',
    run: async () => tableRows(await benchReports({ log })),
  },
  {
    name: 'html',
    describe: 'HTML report opened from file:// in Chromium: render, load and one filter change',
    run: async () =>
      (await benchHtmlReports()).map((r) => ({
        findings: r.findings,
        clusters: r.clusters,
        renderMs: round(r.renderMs),
        MiB: Number((r.bytes / 1024 / 1024).toFixed(1)),
        loadMs: round(r.loadMs),
        filterMs: round(r.filterMs),
      })),
  },
];

function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '(no rows)\n';
  const keys = Object.keys(rows[0]);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => String(r[k]))))].join('\n') + '\n';
}

const only = process.argv.slice(2);
const results: Record<string, unknown> = { generatedAt: new Date().toISOString(), node: process.version, sections: {} };
const unknown = only.filter((name) => !sections.some((s) => s.name === name));
if (unknown.length) {
  process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')} (sections: ${sections.map((s) => s.name).join(', ')})\n`);
  process.exit(2);
}
let failed = false;
for (const section of sections) {
  if (only.length && !only.includes(section.name)) continue;
  process.stdout.write(`\n## ${section.name}: ${section.describe}\n`);
  try {
    const rows = await section.run();
    process.stdout.write(table(rows));
    (results.sections as Record<string, unknown>)[section.name] = rows;
  } catch (e) {
    failed = true;
    const message = (e as Error).message.split('\n')[0];
    process.stdout.write(`FAILED: ${message}\n`);
    (results.sections as Record<string, unknown>)[section.name] = { error: message };
  }
}
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');
if (only.length) {
  // A run of some sections keeps the others' last figures, so bench/results.json stays whole.
  try {
    const previous = JSON.parse(readFileSync(out, 'utf8')) as { sections?: Record<string, unknown> };
    results.sections = { ...previous.sections, ...(results.sections as Record<string, unknown>) };
  } catch {
    // no previous results (or unreadable): this run's sections alone
  }
}
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nwrote ${path.relative(process.cwd(), out)}\n`);
if (failed) process.exitCode = 1;
