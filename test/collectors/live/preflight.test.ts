/**
 * doctor's checks through the real Service Usage and Resource Manager clients against the emulator:
 * enabled APIs, missing read permissions, and the organization's projects listed through assets.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkReadiness, readinessLines, readinessProblems } from '../../../src/collectors/live/preflight.js';
import { startEmulator } from '../../../src/emulator/server.js';
import { bundledOrgFile, loadWorld, worldFromSnapshot } from '../../../src/emulator/world.js';
import { REPO_ROOT, compliantSnapshot } from '../../helpers/fixtures.js';
import { runCli } from '../../helpers/cli.js';

const endpointsOf = (url: string) => {
  const u = new URL(url);
  return { serviceusage: u, resourcemanager: u, asset: u };
};

describe('preflight readiness', () => {
  it('finds a disabled API and missing permissions per project, each with its fix', async () => {
    const snapshot = compliantSnapshot();
    const world = worldFromSnapshot(snapshot, {
      folders: [],
      projects: [
        { id: 'acme-prod-platform', number: '482915067311', missingPermissions: ['compute.firewalls.list', 'compute.instances.list'] },
        { id: 'acme-no-dns', number: '482915067399', refuses: { dns: { status: 403, reason: 'SERVICE_DISABLED' } } },
        { id: 'acme-no-clusters', number: '482915067398', refuses: { container: { status: 403, reason: 'IAM_PERMISSION_DENIED' } } },
      ],
    });
    const emulator = await startEmulator(world);
    try {
      const readiness = await checkReadiness({
        scope: { kind: 'projects', projects: ['acme-prod-platform', 'acme-no-dns', 'acme-no-clusters'] },
        endpoints: endpointsOf(emulator.url),
        timeoutMs: 5000,
      });
      const [platform, noDns, noClusters] = readiness.projects;
      expect(platform.disabled).toEqual([]);
      expect(platform.missing).toEqual([
        { permission: 'compute.firewalls.list', role: 'roles/compute.networkViewer' },
        { permission: 'compute.instances.list', role: 'roles/compute.viewer' },
      ]);
      expect(noDns.disabled).toEqual(['dns.googleapis.com']);
      expect(noClusters.missing?.map((m) => m.permission)).toEqual(['container.clusters.list']);
      expect(readinessProblems(readiness)).toBe(3);
      const lines = readinessLines(readiness);
      expect(lines[1]).toBe('project acme-no-dns: API disabled: dns.googleapis.com (gcloud services enable dns.googleapis.com --project acme-no-dns); read permissions ok');
      expect(lines[2]).toContain('missing container.clusters.list (grant roles/container.clusterViewer)');
      // Only the two read calls per project, through the official clients (gax names itself).
      const calls = emulator.requests.map((r) => `${r.method} ${r.service}`);
      expect(calls.filter((c) => c === 'GET serviceusage')).toHaveLength(3);
      expect(calls.filter((c) => c === 'POST resourcemanager')).toHaveLength(3);
      expect(emulator.requests.every((r) => /gax\//.test(r.apiClient ?? ''))).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('lists an organization\'s projects through Cloud Asset Inventory and tests the organization', async () => {
    const emulator = await startEmulator(loadWorld(bundledOrgFile()));
    try {
      const readiness = await checkReadiness({ scope: { kind: 'organization', id: '416203918475' }, endpoints: endpointsOf(emulator.url), timeoutMs: 5000 });
      expect(readiness.node).toEqual({ name: 'organizations/416203918475', missing: [] });
      const world = loadWorld(bundledOrgFile());
      expect(readiness.projects.map((p) => p.project)).toEqual(world.projects.map((p) => p.id).sort());
      expect(readiness.projects.find((p) => p.project === 'acme-prod-payments')!.disabled).toEqual(['dns.googleapis.com']);
    } finally {
      await emulator.close();
    }
  });

  it('the emulator answers testIamPermissions only as POST and refuses every other write', async () => {
    const emulator = await startEmulator(loadWorld(bundledOrgFile()));
    try {
      const post = (p: string, body: unknown) => fetch(`${emulator.url}${p}`, { method: 'POST', body: JSON.stringify(body) });
      const granted = await post('/v3/projects/acme-prod-platform:testIamPermissions', { permissions: ['dns.managedZones.list'] });
      expect(await granted.json()).toEqual({ permissions: ['dns.managedZones.list'] });
      expect((await post('/compute/v1/projects/acme-prod-platform/global/networks', {})).status).toBe(405);
    } finally {
      await emulator.close();
    }
  });
});

describe('audit --project', () => {
  it('explains a disabled API in one preflight line before collecting', async () => {
    // In an organization, with the number its perimeter names: the project is compliant but for the refused API.
    const world = worldFromSnapshot(compliantSnapshot(), {
      organization: { id: '433637338589' },
      folders: [],
      projects: [{ id: 'acme-prod-platform', number: '418263790112', parent: 'organizations/433637338589', refuses: { dns: { status: 403, reason: 'SERVICE_DISABLED' } } }],
    });
    const emulator = await startEmulator(world);
    try {
      const endpoints = ['compute', 'container', 'dns', 'asset', 'serviceusage', 'resourcemanager'].flatMap((s) => ['--endpoint', `${s}=${emulator.url}`]);
      const tsx = pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
      // Asynchronous: the emulator answers from this process while the CLI runs.
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'src/cli.ts'), 'audit', '--project', 'acme-prod-platform', ...endpoints, '--quiet'], {
          cwd: REPO_ROOT,
          env: { ...process.env, NO_COLOR: '1', METADATA_SERVER_DETECTION: 'none' },
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(r.code).toBe(3);
      const preflight = r.stderr.split('\n').filter((l) => l.startsWith('preflight: '));
      expect(preflight).toEqual([
        'preflight: project acme-prod-platform: API disabled: dns.googleapis.com (gcloud services enable dns.googleapis.com --project acme-prod-platform); read permissions ok',
      ]);
      const first = emulator.requests.findIndex((q) => q.service === 'compute' || q.service === 'container' || q.service === 'dns');
      expect(emulator.requests.slice(0, first).map((q) => q.service).sort()).toEqual(['resourcemanager', 'serviceusage']);
    } finally {
      await emulator.close();
    }
  });
});

describe('doctor', () => {
  it('checks the demo organization with the real clients and exits 3 for its disabled DNS API', () => {
    const r = runCli(['doctor', '--emulator']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('project acme-prod-payments: API disabled: dns.googleapis.com (gcloud services enable dns.googleapis.com --project acme-prod-payments)');
    expect(r.stdout).toContain('1 problem(s)');
  });
});
