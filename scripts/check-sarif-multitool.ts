/**
 * CI check: writes the SARIF the tool produces for every example snapshot (failures only, with
 * passes, and the merge of them all) and runs Microsoft's SARIF multitool over each with GitHub's
 * ingestion rules (`--rule-kind "Gh;Sarif"`). The multitool exits 0 whatever it finds, so its
 * output log is read and any error-level result or notification fails this script.
 *
 *   npx tsx scripts/check-sarif-multitool.ts [FILE.sarif ...]
 *
 * With files, checks those instead of generating the examples. Output: test-output/sarif-multitool/.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MULTITOOL = path.join(ROOT, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');
const OUT_DIR = path.join(ROOT, 'test-output/sarif-multitool');

interface MultitoolLog {
  runs?: {
    results?: { ruleId?: string; level?: string; message?: { text?: string; id?: string; arguments?: string[] } }[];
    invocations?: { toolExecutionNotifications?: Notice[]; toolConfigurationNotifications?: Notice[]; executionSuccessful?: boolean }[];
  }[];
}
interface Notice {
  level?: string;
  message?: { text?: string };
  descriptor?: { id?: string };
}

/**
 * SARIF2006 (UrisShouldBeReachable) sends an HTTP GET to every URI in the log; checks stay offline,
 * and whether our docs URLs resolve says nothing about whether GitHub accepts the file.
 */
const OFFLINE_CONFIG = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
`;

/** Every error the multitool reports for one SARIF file (GitHub and SARIF rule kinds), one line each. */
export async function multitoolErrors(file: string, outDir = path.dirname(file)): Promise<string[]> {
  if (!existsSync(MULTITOOL)) throw new Error(`the SARIF multitool is not installed at ${MULTITOOL} (npm package @microsoft/sarif-multitool)`);
  const out = path.join(outDir, `${path.basename(file, '.sarif')}.multitool.sarif`);
  const config = path.join(outDir, 'multitool-offline.xml');
  writeFileSync(config, OFFLINE_CONFIG);
  rmSync(out, { force: true });
  const args = ['validate', file, '-o', out, '--rule-kind', 'Gh;Sarif', '--log', 'ForceOverwrite', '-c', config];
  const { stdout, stderr } = await run(MULTITOOL, args, { maxBuffer: 64 * 1024 * 1024 });
  if (!existsSync(out)) return [`the multitool wrote no output for ${file}: ${(stderr || stdout).trim()}`];
  const log = JSON.parse(readFileSync(out, 'utf8')) as MultitoolLog;
  const errors: string[] = [];
  for (const r of log.runs ?? []) {
    for (const result of r.results ?? []) {
      // A result without a level is a warning (SARIF §3.27.10); only errors fail.
      if (result.level !== 'error') continue;
      const text = result.message?.text ?? `${result.message?.id ?? ''} ${(result.message?.arguments ?? []).join(' | ')}`;
      errors.push(`${path.basename(file)}: ${result.ruleId ?? '?'}: ${text}`);
    }
    for (const inv of r.invocations ?? []) {
      for (const n of [...(inv.toolExecutionNotifications ?? []), ...(inv.toolConfigurationNotifications ?? [])]) {
        if (n.level === 'error') errors.push(`${path.basename(file)}: multitool ${n.descriptor?.id ?? 'notification'}: ${n.message?.text ?? ''}`);
      }
      if (inv.executionSuccessful === false) errors.push(`${path.basename(file)}: the multitool did not run successfully`);
    }
  }
  return errors;
}

/** The example outputs: each example snapshot with and without passes, and their merge. */
async function writeExamples(): Promise<string[]> {
  const { audit } = await import('../src/engine/audit.js');
  const { defaultPolicy, loadPolicy } = await import('../src/engine/policy.js');
  const { loadSnapshot } = await import('../src/model/load.js');
  const { renderSarif } = await import('../src/report/sarif.js');
  const { mergeShards, parseShard } = await import('../src/report/merge.js');
  const policy = existsSync(path.join(ROOT, 'rules.yaml')) ? loadPolicy(path.join(ROOT, 'rules.yaml')) : defaultPolicy();
  const examples = readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.snapshot.json')).sort();
  if (examples.length === 0) throw new Error('no examples/*.snapshot.json to check');
  // Start clean: a stale file from an earlier run must not pass for a fresh one.
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const files: string[] = [];
  const shards = [];
  for (const example of examples) {
    const name = example.replace(/\.snapshot\.json$/, '');
    const report = audit(loadSnapshot(path.join(ROOT, 'examples', example)), policy, { failOn: 'high', category: `gke-private-audit/example-${name}` });
    for (const [suffix, passes] of [['', false], ['.with-passes', true]] as const) {
      const file = path.join(OUT_DIR, `${name}${suffix}.sarif`);
      const text = renderSarif(report, { sarifPasses: passes });
      writeFileSync(file, text);
      files.push(file);
      if (!passes) shards.push(parseShard(text, file));
    }
  }
  const merged = path.join(OUT_DIR, 'merged.sarif');
  writeFileSync(merged, mergeShards(shards).text);
  files.push(merged);
  return files;
}

async function main(argv: string[]): Promise<number> {
  const given = argv.filter((a) => !a.startsWith('--'));
  const files = given.length ? given.map((f) => path.resolve(f)) : await writeExamples();
  mkdirSync(OUT_DIR, { recursive: true });
  let failed = 0;
  for (const file of files) {
    const errors = await multitoolErrors(file, OUT_DIR);
    if (errors.length) {
      failed++;
      for (const e of errors) process.stderr.write(`${e}\n`);
    } else {
      process.stdout.write(`ok  ${path.relative(ROOT, file)}\n`);
    }
  }
  process.stdout.write(`${files.length - failed}/${files.length} SARIF file(s) pass the multitool's GitHub and SARIF rules\n`);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`check-sarif-multitool: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}
