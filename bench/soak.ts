/**
 * Soak: 16 audits side by side, each its own process running the built CLI (dist/), against one
 * emulator (its own process) answering 25% of calls 429, 25% 503 and leaving 5% unanswered: half
 * read the demo organization through Cloud Asset Inventory (asset + dns clients), half its platform
 * project through compute, container and dns. Every audit has a kill timer; the figures are how many
 * ended by themselves, their exit codes, their wall times and whether their report was complete or
 * said what was not evaluated. The promise under test: every run ends, with a report that is
 * complete or honest about what it could not read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const ORG = '416203918475';
const PROJECT = 'acme-prod-platform';

export interface SoakOptions {
  audits?: number;
  fault429?: number;
  fault503?: number;
  hang?: number;
  /** Per attempt, as `--timeout-ms`. */
  timeoutMs?: number;
  /** A run still going after this is killed and counted as not ended. */
  killAfterMs?: number;
  log?: (line: string) => void;
}

interface AuditRun {
  scope: string;
  code: number | null;
  ended: boolean;
  wallMs: number;
  report: 'complete' | 'not evaluated' | 'none';
  readErrors: number;
}

function startEmulator(options: Required<Pick<SoakOptions, 'fault429' | 'fault503' | 'hang'>>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [CLI, 'emulator', '--fault-429', String(options.fault429), '--fault-503', String(options.fault503), '--hang', String(options.hang), '--seed', '17'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ url: line.trim(), child });
    });
    child.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before serving`)));
  });
}

function audit(args: string[], killAfterMs: number): Promise<Omit<AuditRun, 'scope'>> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'audit', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, CI: '1', NO_COLOR: '1', METADATA_SERVER_DETECTION: 'none', NO_PROXY: '127.0.0.1' },
  });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  let killed = false;
  const killer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, killAfterMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      let report: AuditRun['report'] = 'none';
      let readErrors = 0;
      try {
        const parsed = JSON.parse(stdout) as { summary: { byStatus: Record<string, number> }; run: { readErrors: unknown[] } };
        readErrors = parsed.run.readErrors.length;
        report = parsed.summary.byStatus['not-evaluated'] > 0 || readErrors > 0 ? 'not evaluated' : 'complete';
      } catch {
        // no report: the scope itself could not be listed (exit 3 with one line), or the run was killed
      }
      resolve({ code: killed ? null : code, ended: !killed, wallMs: performance.now() - started, report, readErrors });
    });
  });
}

export async function runSoak(options: SoakOptions = {}): Promise<Record<string, string | number>[]> {
  const audits = options.audits ?? 16;
  const faults = { fault429: options.fault429 ?? 0.25, fault503: options.fault503 ?? 0.25, hang: options.hang ?? 0.05 };
  const timeoutMs = options.timeoutMs ?? 2_000;
  const killAfterMs = options.killAfterMs ?? 300_000;
  const emulator = await startEmulator(faults);
  options.log?.(`soak: emulator on ${emulator.url}; ${audits} audits side by side`);
  try {
    const runs = await Promise.all(
      Array.from({ length: audits }, async (_, i): Promise<AuditRun> => {
        const org = i % 2 === 0;
        const scope = org ? ['--org', ORG] : ['--project', PROJECT];
        const services = org ? ['asset', 'dns'] : ['compute', 'container', 'dns'];
        const endpoints = services.flatMap((s) => ['--endpoint', `${s}=${emulator.url}`]);
        const run = await audit([...scope, ...endpoints, '--timeout-ms', String(timeoutMs), '--format', 'json'], killAfterMs);
        return { scope: org ? `org ${ORG}` : `project ${PROJECT}`, ...run };
      }),
    );
    const codes = new Map<string, number>();
    for (const r of runs) codes.set(String(r.code ?? 'killed'), (codes.get(String(r.code ?? 'killed')) ?? 0) + 1);
    const walls = runs.map((r) => r.wallMs);
    const summary = {
      run: 'all',
      scope: `${audits} audits`,
      ended: `${runs.filter((r) => r.ended).length}/${audits}`,
      exitCodes: [...codes].sort().map(([c, n]) => `${c}×${n}`).join(' '),
      wallS: `median ${(median(walls) / 1000).toFixed(1)}, max ${(Math.max(...walls) / 1000).toFixed(1)}`,
      reports: `${runs.filter((r) => r.report === 'complete').length} complete, ${runs.filter((r) => r.report === 'not evaluated').length} not evaluated, ${runs.filter((r) => r.report === 'none').length} none`,
      readErrors: runs.reduce((n, r) => n + r.readErrors, 0),
    };
    return [
      summary,
      ...runs.map((r, i) => ({
        run: String(i + 1),
        scope: r.scope,
        ended: r.ended ? 'yes' : 'KILLED',
        exitCodes: String(r.code ?? '-'),
        wallS: (r.wallMs / 1000).toFixed(1),
        reports: r.report,
        readErrors: r.readErrors,
      })),
    ];
  } finally {
    emulator.child.kill('SIGTERM');
  }
}
