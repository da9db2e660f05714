import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledOrgFile, loadWorld, type World } from '../../../src/emulator/world.js';
import { startEmulator } from '../../../src/emulator/server.js';
import { collectLive, ScopeError } from '../../../src/collectors/live/collect.js';
import { collectFrom, comparable, endpointsOf, FAST, guardLoopbackOnly } from './harness.js';

const ORG = '416203918475';
const PROD_FOLDER = '280337512964';
const ALL = ['acme-dev-sandbox', 'acme-prod-payments', 'acme-prod-platform', 'acme-shared-tools', 'acme-stg-platform'];

describe('live collector, organization and folder scope, through Cloud Asset Inventory', () => {
  const guard = guardLoopbackOnly();
  afterAll(() => guard.restore());
  let world: World;
  let run: Awaited<ReturnType<typeof collectFrom>>;

  beforeAll(async () => {
    world = loadWorld(bundledOrgFile());
    run = await collectFrom(world, { kind: 'organization', id: ORG });
  });

  it('discovers every project of the organization, the empty one included', () => {
    expect(run.snapshot.scope).toEqual({ kind: 'organization', id: ORG, projects: ALL });
  });

  it('builds the same entities as the organization it was served, record sets included where readable', () => {
    const readable = ALL.filter((p) => p !== 'acme-prod-payments');
    expect(comparable(run.snapshot, readable)).toEqual(comparable(world.snapshot, readable));
    expect(run.snapshot.clusters[0].origin.source).toBe('asset-inventory');
  });

  it('records the project whose DNS API is disabled as unread record sets (403), zones kept from the asset API', () => {
    const payments = run.snapshot.managedZones.filter((z) => z.project === 'acme-prod-payments');
    expect(payments.map((z) => z.dnsName).sort()).toEqual(['gcr.io.', 'googleapis.com.', 'pkg.dev.']);
    expect(payments.every((z) => z.recordSets === undefined)).toBe(true);
    expect(run.snapshot.readErrors).toHaveLength(3);
    for (const e of run.snapshot.readErrors) {
      expect(e).toMatchObject({ project: 'acme-prod-payments', collection: 'recordSets', status: 403, reason: 'SERVICE_DISABLED' });
      expect(payments.map((z) => z.fullName)).toContain(e.resource);
    }
  });

  it('lists the whole scope in one paged asset stream, then only record sets, with GET only', () => {
    const assetCalls = run.emulator.requests.filter((r) => r.service === 'asset');
    expect(assetCalls).toHaveLength(1);
    expect(assetCalls[0].path).toBe(`/v1/organizations/${ORG}/assets`);
    expect(assetCalls[0].query).toMatch(/contentType=1/);
    const others = run.emulator.requests.filter((r) => r.service !== 'asset');
    expect(others.every((r) => r.service === 'dns' && r.path.endsWith('/rrsets'))).toBe(true);
    // 4 projects with the three zones each, except staging, which has no pkg.dev zone.
    expect(others).toHaveLength(11);
    expect(new Set(run.emulator.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(run.stats.calls).toBe(run.emulator.requests.length);
    expect(guard.refused).toEqual([]);
  });

  it('pages the asset stream when the page is small', async () => {
    const paged = await collectFrom(world, { kind: 'organization', id: ORG }, { pageSize: 7 });
    const assetCalls = paged.emulator.requests.filter((r) => r.service === 'asset');
    expect(assetCalls.length).toBeGreaterThan(5);
    expect(assetCalls.slice(1).every((r) => r.query.includes('pageToken='))).toBe(true);
    expect(comparable(paged.snapshot)).toEqual(comparable(run.snapshot));
  });

  it('limits a folder scope to the projects under the folder', async () => {
    const folder = await collectFrom(world, { kind: 'folder', id: PROD_FOLDER });
    expect(folder.snapshot.scope).toEqual({ kind: 'folder', id: PROD_FOLDER, projects: ['acme-prod-payments', 'acme-prod-platform'] });
    expect(new Set(folder.snapshot.clusters.map((c) => c.project))).toEqual(new Set(['acme-prod-payments', 'acme-prod-platform']));
  });

  it('stops with a ScopeError when the scope itself cannot be listed', async () => {
    const emulator = await startEmulator(world);
    try {
      await expect(collectLive({ scope: { kind: 'organization', id: '999' }, endpoints: endpointsOf(emulator), policy: FAST })).rejects.toThrow(ScopeError);
      await expect(collectLive({ scope: { kind: 'organization', id: '999' }, endpoints: endpointsOf(emulator), policy: FAST })).rejects.toThrow(
        /organizations\/999: cannot list the scope \(404\)/,
      );
    } finally {
      await emulator.close();
    }
  });
});
