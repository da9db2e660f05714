import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, compliantSnapshot } from '../helpers/fixtures.js';
import { startEmulator } from '../../src/emulator/server.js';
import { worldFromSnapshot } from '../../src/emulator/world.js';
import { loadSnapshot } from '../../src/model/load.js';
import type { AuditReport } from '../../src/engine/types.js';

const ENV = { ...process.env, CI: '1', METADATA_SERVER_DETECTION: 'none', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', NO_COLOR: '1' };

function cli(args: string[], onStdout?: (chunk: string, kill: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'audit-cli-'));

describe('audit --emulator (the no-account demo)', () => {
  it('audits the whole demo organization through the real clients and gates on its findings', async () => {
    const out = path.join(tmp(), 'report.json');
    const r = await cli(['audit', '--emulator', '--format', 'json', '--output', out, '--report', 'sarif=' + out.replace('.json', '.sarif')]);
    expect(r.stderr).toMatch(/emulator: serving the demo organization acme\.example \(9 projects\) on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as AuditReport;
    expect(report.run.scope).toMatchObject({ kind: 'organization', id: '416203918475' });
    expect(new Set(report.results.map((x) => x.resource.project))).toEqual(new Set(['acme-dev-sandbox', 'acme-net-host', 'acme-prod-analytics', 'acme-prod-data', 'acme-prod-payments', 'acme-prod-platform', 'acme-prod-web', 'acme-stg-platform']));
    const fails = report.results.filter((x) => x.status === 'fail').map((x) => `${x.ruleId} ${x.resource.name}`);
    expect(fails).toEqual(expect.arrayContaining(['private-endpoint stg-legacy', 'dns-endpoint-external stg-psc', 'vip-route sandbox', 'internet-egress analytics']));
    // The Cloud NAT project fails internet-egress (and egress-default-deny, its web allow, which also
    // opens the private VIP: a way out of the perimeter under the restricted policy), nothing else.
    expect(report.results.filter((x) => x.resource.project === 'acme-prod-analytics' && x.status === 'fail').map((x) => x.ruleId).sort()).toEqual([
      'egress-default-deny',
      'internet-egress',
      'vip-egress-firewall',
    ]);
    // payments' VPN router sits in another region of a GLOBAL-routing network.
    expect(report.results.find((x) => x.ruleId === 'router-advertises-control-plane' && x.resource.name === 'payments')?.status).toBe('pass');
    expect(report.results.filter((x) => x.resource.project === 'acme-prod-platform').every((x) => x.status === 'pass' || x.status === 'not-applicable')).toBe(true);
    // Record sets come from Cloud Asset Inventory: the project whose DNS API refuses direct calls is
    // fully evaluated too (the next test reads it per project, where the refusal shows).
    expect(report.results.filter((x) => x.status === 'not-evaluated')).toEqual([]);
    expect(report.results.filter((x) => x.resource.project === 'acme-prod-payments' && x.ruleId === 'dns-googleapis').map((x) => x.status)).toEqual(['pass']);
    expect(report.run.readErrors).toEqual([]);
    expect(existsSync(out.replace('.json', '.sarif'))).toBe(true);
    expect(readFileSync(out, 'utf8')).not.toMatch(/clusterCaCertificate|kube-env|KUBELET/);
  }, 180_000);

  it('ends in exit 3 when a project refuses its DNS API, with the other project fully audited', async () => {
    const out = path.join(tmp(), 'report.json');
    const r = await cli(['audit', '--emulator', '--project', 'acme-prod-platform', '--project', 'acme-prod-payments', '--format', 'json', '--output', out]);
    expect(r.code).toBe(3);
    const report = JSON.parse(readFileSync(out, 'utf8')) as AuditReport;
    expect(report.run.readErrors).toEqual([expect.objectContaining({ project: 'acme-prod-payments', collection: 'managedZones', status: 403, reason: 'SERVICE_DISABLED' })]);
    const platform = report.results.filter((x) => x.resource.project === 'acme-prod-platform');
    expect(platform.length).toBeGreaterThan(20);
    expect(platform.every((x) => x.status === 'pass' || x.status === 'not-applicable')).toBe(true);
    expect(report.results.filter((x) => x.status === 'not-evaluated').every((x) => x.resource.project === 'acme-prod-payments')).toBe(true);
  }, 180_000);
});

describe('audit and collect against an emulator given by --endpoint', () => {
  it('collect writes a valid snapshot atomically; audit of a project whose clusters cannot be listed is incomplete', async () => {
    const world = worldFromSnapshot(compliantSnapshot(), { folders: [], projects: [{ id: 'acme-locked-down', number: '500000000001', refuses: { '*': { status: 403, reason: 'IAM_PERMISSION_DENIED' } } }] });
    const emu = await startEmulator(world);
    try {
      const endpoints = ['compute', 'container', 'dns', 'asset'].flatMap((s) => ['--endpoint', `${s}=${emu.url}`]);
      const file = path.join(tmp(), 'nested', 'snapshot.json');
      const collected = await cli(['collect', '--project', 'acme-prod-platform', ...endpoints, '--out', file]);
      expect(collected.code).toBe(0);
      expect(collected.stderr).toMatch(/collected 1 project\(s\): 2 cluster\(s\)/);
      const snapshot = loadSnapshot(file);
      expect(snapshot.clusters.map((c) => c.name).sort()).toEqual(['alpha', 'beta']);
      expect(readFileSync(file, 'utf8')).not.toMatch(/masterAuth"|kube-env/);

      const audited = await cli(['audit', '--project', 'acme-locked-down', ...endpoints, '--timeout-ms', '2000']);
      expect(audited.code).toBe(3);
      expect(audited.stdout).toMatch(/project acme-locked-down: HTTP 403 .*affects .*clusters/);
      expect(audited.stdout).toMatch(/INCOMPLETE \(gate --fail-on high\): \d+ part\(s\) of the scope not read/);
      expect(emu.requests.every((r) => r.method === 'GET')).toBe(true);
    } finally {
      await emu.close();
    }
  }, 180_000);

  it('collect still writes the snapshot when parts could not be read, then exits 3 (0 with --allow-incomplete)', async () => {
    const world = worldFromSnapshot(compliantSnapshot(), { folders: [], projects: [{ id: 'acme-locked-down', number: '500000000001', refuses: { dns: { status: 403, reason: 'SERVICE_DISABLED' } } }] });
    const emu = await startEmulator(world);
    try {
      const endpoints = ['compute', 'container', 'dns', 'asset'].flatMap((s) => ['--endpoint', `${s}=${emu.url}`]);
      const dir = tmp();
      const file = path.join(dir, 'snapshot.json');
      const incomplete = await cli(['collect', '--project', 'acme-prod-platform', '--project', 'acme-locked-down', ...endpoints, '--out', file]);
      expect(incomplete.code, incomplete.stderr).toBe(3);
      expect(incomplete.stderr).toMatch(/could not read managedZones of acme-locked-down: 403 SERVICE_DISABLED/);
      expect(incomplete.stderr).toMatch(/^wrote .*snapshot\.json$/m);
      const snapshot = loadSnapshot(file);
      expect(snapshot.readErrors).toEqual([expect.objectContaining({ project: 'acme-locked-down', collection: 'managedZones', status: 403 })]);
      expect(snapshot.clusters.map((c) => c.name).sort()).toEqual(['alpha', 'beta']);

      const allowed = await cli(['collect', '--project', 'acme-locked-down', ...endpoints, '--allow-incomplete', '--out', path.join(dir, 'allowed.json')]);
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(loadSnapshot(path.join(dir, 'allowed.json')).readErrors).toHaveLength(1);
    } finally {
      await emu.close();
    }
  }, 180_000);

  it('refuses bad usage with one line and exit 2', async () => {
    const noScope = await cli(['audit']);
    expect(noScope.code).toBe(2);
    expect(noScope.stderr.trim()).toBe('gke-private-audit: audit needs a scope: --project ID (repeatable), --folder ID or --org ID (or --emulator for the demo)');
    const badEndpoint = await cli(['collect', '--project', 'acme-prod-platform', '--endpoint', 'storage=http://127.0.0.1:1', '--out', path.join(tmp(), 'x.json')]);
    expect(badEndpoint.code).toBe(2);
    expect(badEndpoint.stderr).toMatch(/--endpoint storage=http:\/\/127\.0\.0\.1:1: expected SERVICE=URL/);
    const twoScopes = await cli(['collect', '--project', 'acme-prod-platform', '--org', '1', '--out', path.join(tmp(), 'x.json')]);
    expect(twoScopes.code).toBe(2);
  }, 180_000);
});

describe('emulator command', () => {
  it('prints its base URL, serves the demo organization and stops on SIGTERM', async () => {
    let served: Promise<number> | undefined;
    const r = await cli(['emulator', '--page-size', '2'], (stdout, kill) => {
      const url = /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
      if (url && !served) {
        served = fetch(`${url}/compute/v1/projects/acme-prod-platform/global/firewalls`)
          .then((res) => res.json() as Promise<{ items: unknown[] }>)
          .then((body) => body.items.length)
          .finally(kill);
      }
    });
    expect(await served).toBe(2);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/emulator: stopped after 1 request\(s\)/);
  }, 180_000);
});
