/**
 * Runs the engine and report benchmarks alone (bench/run.ts runs every section):
 *   npm run build && node --expose-gc --import tsx bench/engine-only.ts [--projects N] [--skip-reports]
 * The engine's children evaluate the built engine (dist/), so build first.
 */
import { benchEngine, type BenchRow } from './engine.js';
import { benchReports } from './reports.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function table(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.section, r.name, `${r.value} ${r.unit}`, r.target ?? '', r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED', r.note ?? '']);
  const head = ['section', 'measure', 'value', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const projects = arg('--projects') ? Number(arg('--projects')) : undefined;
const log = (line: string) => process.stderr.write(`${line}\n`);
const rows = [...(await benchEngine({ projects, log }))];
if (!process.argv.includes('--skip-reports')) rows.push(...(await benchReports({ log })));
process.stdout.write(`${table(rows)}\n`);
