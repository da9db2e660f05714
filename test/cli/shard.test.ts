/**
 * `audit --shard i/n` end to end on the emulated organization: three shards, merged, equal one
 * whole run (results by fingerprint, summary, verdict, one SARIF run); the shards partition the
 * projects; `--shard auto` reads the job engine's environment.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { REPO_ROOT } from '../helpers/fixtures.js';
import type { AuditReport } from '../../src/engine/types.js';
import { SCOPE_STREAMS } from '../../src/collectors/live/scope.js';
import { shardOf } from '../../src/shard.js';

const ENV = { ...process.env, CI: '1', METADATA_SERVER_DETECTION: 'none', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', NO_COLOR: '1' };
const ALL = ['acme-dev-sandbox', 'acme-net-host', 'acme-prod-analytics', 'acme-prod-data', 'acme-prod-payments', 'acme-prod-platform', 'acme-prod-web', 'acme-shared-tools', 'acme-stg-platform'];

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env: { ...ENV, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const byFingerprint = (r: AuditReport) => Object.fromEntries(r.results.map((x) => [x.fingerprint, `${x.ruleId} ${x.status} ${x.severity} ${x.resource.fullName}`]));

describe('audit --shard i/n over the emulated organization, merged', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shard-cli-'));
  const file = (name: string) => path.join(dir, name);
  let whole: AuditReport;
  let wholeSarif: Log;
  let shards: AuditReport[];
  let merged: AuditReport;
  let mergedSarif: Log;
  let runs: { code: number | null; stderr: string }[];

  beforeAll(async () => {
    runs = await Promise.all([
      cli(['audit', '--emulator', '--report', `json=${file('whole.json')}`, '--report', `sarif=${file('whole.sarif')}`, '--format', 'text', '--output', file('whole.txt')]),
      ...[1, 2, 3].map((i) =>
        cli(['audit', '--emulator', '--shard', `${i}/3`, '--report', `json=${file(`shard-${i}.json`)}`, '--report', `sarif=${file(`shard-${i}.sarif`)}`, '--output', file(`shard-${i}.txt`)]),
      ),
    ]);
    const jsonMerge = await cli(['merge', file('shard-1.json'), file('shard-2.json'), file('shard-3.json'), '--output', file('merged.json')]);
    const sarifMerge = await cli(['merge', file('shard-1.sarif'), file('shard-2.sarif'), file('shard-3.sarif'), '--output', file('merged.sarif')]);
    expect(jsonMerge.code, jsonMerge.stderr).toBe(0);
    expect(sarifMerge.code, sarifMerge.stderr).toBe(0);
    whole = json(file('whole.json'));
    wholeSarif = json(file('whole.sarif'));
    shards = [1, 2, 3].map((i) => json<AuditReport>(file(`shard-${i}.json`)));
    merged = json(file('merged.json'));
    mergedSarif = json(file('merged.sarif'));
  }, 240_000);

  it('gives each shard a disjoint slice of the projects, together the whole organization, as the hash says', () => {
    const slices = shards.map((s) => s.run.scope.projects);
    expect(slices.flat().sort()).toEqual(ALL);
    expect(new Set(slices.flat()).size).toBe(ALL.length);
    shards.forEach((s, i) => {
      expect(s.run.scope).toMatchObject({ kind: 'organization', id: '416203918475', shard: `${i + 1}/3` });
      for (const p of s.run.scope.projects) expect(shardOf(p, 3)).toBe(i + 1);
      for (const r of s.results) expect(s.run.scope.projects).toContain(r.resource.project);
    });
    expect(runs.slice(1).every((r) => /collected \d+ project\(s\) \(shard \d\/3\)/.test(r.stderr))).toBe(true);
  });

  it('merges into the same results (by fingerprint), summary and verdict as one whole run', () => {
    expect(runs[0].code).toBe(1);
    expect(byFingerprint(merged)).toEqual(byFingerprint(whole));
    expect(merged.summary).toEqual(whole.summary);
    expect(merged.verdict).toEqual(whole.verdict);
    expect(merged.run.scope.projects).toEqual(whole.run.scope.projects);
    expect(merged.run.readErrors).toEqual(whole.run.readErrors);
    expect(merged.run.category).toBe(whole.run.category);
  });

  it('keeps one SARIF category across shards, so the merged log has one run with the whole run\'s results', () => {
    const categories = [1, 2, 3].map((i) => json<Log>(file(`shard-${i}.sarif`)).runs[0].automationDetails?.id);
    expect(new Set(categories)).toEqual(new Set([wholeSarif.runs[0].automationDetails?.id]));
    expect(mergedSarif.runs).toHaveLength(1);
    const key = (l: Log) => (l.runs[0].results ?? []).map((r) => `${r.ruleId} ${JSON.stringify(r.partialFingerprints)}`).sort();
    expect(key(mergedSarif)).toEqual(key(wholeSarif));
  });

  it('prints the calls made, retried and failed per API on stderr', () => {
    // One listAssets call per stream (the demo organization fits in one page each), record sets
    // included: no Cloud DNS call at all; one for the organization's access policies (perimeters);
    // and the status of the shard's VPN routers: learned routes have no asset type.
    const line = new RegExp(`^api calls: (compute \\d+ call\\(s\\) \\(\\d+ retried, 0 failed\\); )?asset ${SCOPE_STREAMS.length + 1} call\\(s\\) \\(0 retried, 0 failed\\)$`, 'm');
    for (const r of runs) expect(r.stderr).toMatch(line);
  });
});

describe('audit --shard auto and bad shards', () => {
  it('takes the shard from the Cloud Run task index and count', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'shard-auto-')), 'r.json');
    const r = await cli(['audit', '--emulator', '--shard', 'auto', '--format', 'json', '--output', out], { CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '2' });
    expect([0, 1, 3]).toContain(r.code);
    const report = json<AuditReport>(out);
    expect(report.run.scope.shard).toBe('2/2');
    expect(report.run.scope.projects).toEqual(ALL.filter((p) => shardOf(p, 2) === 2));
  }, 120_000);

  it('refuses a shard that does not exist, in one line, before any call', async () => {
    const r = await cli(['audit', '--emulator', '--shard', '4/3']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('gke-private-audit: --shard 4/3: shard 4 of 3 does not exist (shards are 1..3)');
  }, 120_000);
});
