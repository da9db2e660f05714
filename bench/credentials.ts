/**
 * Time to the one-line "no usable Google credentials" exit (code 2) of each live command, run as
 * users run it (the built CLI in its own process), with no Application Default Credentials and the
 * metadata-server probe off (nothing here may leave 127.0.0.1). Target: under 5 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NO_CREDENTIALS_TARGET_S = 5;

const COMMANDS: string[][] = [
  ['audit', '--project', 'acme-prod-platform'],
  ['collect', '--project', 'acme-prod-platform', '--out', path.join(os.tmpdir(), 'gpa-bench-never-written.json')],
  ['audit', '--org', '416203918475'],
  ['doctor', '--project', 'acme-prod-platform'],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function benchNoCredentials(runs = 3): Record<string, string | number>[] {
  const home = mkdtempSync(path.join(os.tmpdir(), 'gpa-bench-no-adc-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CLOUDSDK_CONFIG: path.join(home, 'gcloud'), METADATA_SERVER_DETECTION: 'none' };
  delete env.GOOGLE_APPLICATION_CREDENTIALS;
  return COMMANDS.map((args) => {
    const times: number[] = [];
    let lines = 0;
    let code: number | null = null;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/gke-private-audit'), ...args], { env, encoding: 'utf8' });
      times.push((performance.now() - started) / 1000);
      code = r.status;
      lines = r.stderr.trimEnd().split('\n').length;
    }
    const seconds = median(times);
    return { command: args.slice(0, 2).join(' '), exitCode: code ?? -1, stderrLines: lines, seconds: Number(seconds.toFixed(2)), target: `< ${NO_CREDENTIALS_TARGET_S} s`, met: seconds < NO_CREDENTIALS_TARGET_S && code === 2 && lines === 1 ? 'yes' : 'NO' };
  });
}
