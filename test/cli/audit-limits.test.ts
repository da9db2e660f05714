/**
 * Quota-aware collection and the pre-deploy gate, through the CLI against the emulator:
 * `--max-rps` bounds the request rate the emulator sees per API, a spent `--retry-budget` turns
 * throttled calls into read errors at once (exit 3), and `audit --plan` judges a plan over the
 * collected state.
 */
import { SCOPE_STREAMS } from '../../src/collectors/live/scope.js';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { startEmulator } from '../../src/emulator/server.js';
import { bundledOrgFile, loadWorld } from '../../src/emulator/world.js';
import type { AuditReport } from '../../src/engine/types.js';

const ENV = { ...process.env, CI: '1', METADATA_SERVER_DETECTION: 'none', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', NO_COLOR: '1' };

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'audit-limits-'));
const endpointArgs = (url: string) => ['compute', 'container', 'dns', 'asset'].flatMap((s) => ['--endpoint', `${s}=${url}`]);

describe('audit --max-rps', () => {
  it('keeps every API under the rate the emulator sees', async () => {
    const emu = await startEmulator(loadWorld(bundledOrgFile()));
    try {
      const projects = ['acme-prod-platform', 'acme-stg-platform', 'acme-dev-sandbox'].flatMap((p) => ['--project', p]);
      const r = await cli(['audit', ...projects, ...endpointArgs(emu.url), '--max-rps', '4', '--format', 'json', '--output', path.join(tmp(), 'r.json')]);
      expect(r.code, r.stderr).toBe(1);
      const compute = emu.requests.filter((x) => x.service === 'compute').length;
      // 3 projects × (8 compute lists (6 + global addresses and forwarding rules) + the effective firewall policies, global and regional, + the VPN router's status): unlimited, they would all go out at once.
      expect(compute).toBe(33);
      // 4 per second: n calls of one API start at least (n - 1) / 4 s apart from first to last. The
      // span is measured where they arrive, so a loaded machine can only bunch arrivals (a peak per
      // second window is noise there) or delay the first: a one-second margin for that.
      for (const service of ['compute', 'dns']) {
        const times = emu.requests.filter((x) => x.service === service).map((x) => x.at);
        expect(Math.max(...times) - Math.min(...times), service).toBeGreaterThanOrEqual(((times.length - 1) / 4) * 1000 - 1000);
      }
      expect(r.stderr).toMatch(/^api calls: compute 33 call\(s\) \(0 retried, 0 failed\); container 3 call\(s\) \(0 retried, 0 failed\); dns \d+ call\(s\)/m);
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('refuses a rate that is not above 0', async () => {
    const r = await cli(['audit', '--emulator', '--max-rps', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('gke-private-audit: --max-rps 0: expected a number of requests per second above 0');
  }, 60_000);
});

describe('audit --retry-budget', () => {
  it('with a budget of 0 and every call throttled, tries each call once and ends in read errors and exit 3', async () => {
    const emu = await startEmulator(loadWorld(bundledOrgFile()), { fault429: 1 });
    try {
      const out = path.join(tmp(), 'r.json');
      const r = await cli(['audit', '--project', 'acme-prod-platform', ...endpointArgs(emu.url), '--retry-budget', '0', '--format', 'json', '--output', out]);
      expect(r.code).toBe(3);
      const report = JSON.parse(readFileSync(out, 'utf8')) as AuditReport;
      // Every call of the project (8 compute lists, clusters, zones, two asset listings), each refused
      // once and not retried; the asset listings leave the project record, both DNS policy kinds, the
      // policy-based routes and the perimeters unread (its organization is not known); the routers
      // were not read, so no router is asked for its status.
      expect(emu.requests).toHaveLength(12);
      expect(emu.requests.every((x) => x.status === 429)).toBe(true);
      // Every call, and the firewall policies that were not asked for once the networks failed.
      expect(report.run.readErrors).toHaveLength(16);
      for (const e of report.run.readErrors) expect(e).toMatchObject({ project: 'acme-prod-platform', status: 429, reason: 'RETRY_BUDGET_EXHAUSTED' });
      expect(report.results.every((x) => x.status !== 'pass')).toBe(true);
      expect(r.stderr).toMatch(/^api calls: compute 8 call\(s\) \(0 retried, 8 failed, 8 not retried: budget spent\); container 1 call\(s\) \(0 retried, 1 failed, 1 not retried: budget spent\); dns 1 call\(s\)/m);
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('stops an organization whose asset listing is throttled with one line and the call summary, exit 3', async () => {
    const emu = await startEmulator(loadWorld(bundledOrgFile()), { fault429: 1 });
    try {
      const r = await cli(['audit', '--org', '416203918475', ...endpointArgs(emu.url), '--retry-budget', '0']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^gke-private-audit: organizations\/416203918475: cannot list the scope \(429 RETRY_BUDGET_EXHAUSTED\)/m);
      // Every stream's first page refused at once (they start together), none retried.
      const n = SCOPE_STREAMS.length;
      expect(r.stderr.split('\n')).toContain(`api calls: asset ${n} call(s) (0 retried, ${n} failed, ${n} not retried: budget spent)`);
      expect(emu.requests).toHaveLength(n);
    } finally {
      await emu.close();
    }
  }, 120_000);
});

describe('audit --plan', () => {
  it('applies the plan over the collected state and gates on the result, pointing at the .tf line', async () => {
    const out = path.join(tmp(), 'r.json');
    const r = await cli(['audit', '--emulator', '--project', 'acme-prod-platform', '--plan', 'examples/terraform/plan.json', '--format', 'json', '--output', out]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as AuditReport;
    const gamma = report.results.filter((x) => x.resource.name === 'gamma');
    expect(gamma.length).toBeGreaterThan(5);
    const fails = report.results.filter((x) => x.status === 'fail');
    expect(fails.map((x) => `${x.ruleId} ${x.resource.name}`)).toEqual(['router-advertises-control-plane gamma']);
    expect(fails[0].resource).toMatchObject({ file: 'examples/terraform/main.tf', line: expect.any(Number) });
    // alpha and beta come from the live (emulated) APIs, untouched by the plan.
    expect(report.results.filter((x) => ['alpha', 'beta'].includes(x.resource.name)).every((x) => x.status === 'pass' || x.status === 'not-applicable')).toBe(true);
  }, 120_000);

  it('reads the plan before collecting anything: a bad plan is one line, exit 2, no report', async () => {
    const dir = tmp();
    const out = path.join(dir, 'r.json');
    const r = await cli(['audit', '--emulator', '--project', 'acme-prod-platform', '--plan', path.join(dir, 'missing.json'), '--format', 'json', '--output', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/missing\.json/);
    expect(r.stderr).not.toMatch(/emulator: serving/);
    expect(existsSync(out)).toBe(false);
    const tfDirAlone = await cli(['audit', '--emulator', '--tf-dir', 'examples/terraform']);
    expect(tfDirAlone.code).toBe(2);
    expect(tfDirAlone.stderr.trim()).toBe('gke-private-audit: --tf-dir only applies with --plan');
  }, 120_000);
});
