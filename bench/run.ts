/**
 * `npm run bench`: runs every benchmark section, prints one table per section and writes
 * bench/results.json. Not a test: figures depend on the machine. Add a section by adding an entry.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCollectBenchmark } from './collect.js';

interface Section {
  name: string;
  describe: string;
  run: () => Promise<Record<string, string | number>[]>;
}

const sections: Section[] = [
  {
    name: 'collect',
    describe: 'live collector against the emulator: 200 generated projects, 20 ms per call (ratios to the lower bounds)',
    run: async () => (await runCollectBenchmark()) as unknown as Record<string, string | number>[],
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
for (const section of sections) {
  if (only.length && !only.includes(section.name)) continue;
  process.stdout.write(`\n## ${section.name}: ${section.describe}\n`);
  const rows = await section.run();
  process.stdout.write(table(rows));
  (results.sections as Record<string, unknown>)[section.name] = rows;
}
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nwrote ${path.relative(process.cwd(), out)}\n`);
