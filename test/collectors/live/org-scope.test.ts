import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledOrgFile, loadWorld, type World } from '../../../src/emulator/world.js';
import { startEmulator } from '../../../src/emulator/server.js';
import { collectLive, ScopeError } from '../../../src/collectors/live/collect.js';
import { collectFrom, comparable, endpointsOf, FAST, guardLoopbackOnly, officialClientHeader } from './harness.js';
import { shardOf } from '../../../src/shard.js';

const ORG = '416203918475';
const PROD_FOLDER = '280337512964';
const ALL = ['acme-dev-sandbox', 'acme-prod-analytics', 'acme-prod-payments', 'acme-prod-platform', 'acme-shared-tools', 'acme-stg-platform'];

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

  it('lists the whole scope in one paged asset stream, then only record sets and router status, with GET only', () => {
    const assetCalls = run.emulator.requests.filter((r) => r.service === 'asset');
    expect(assetCalls).toHaveLength(1);
    expect(assetCalls[0].path).toBe(`/v1/organizations/${ORG}/assets`);
    expect(assetCalls[0].query).toMatch(/contentType=1/);
    expect(decodeURIComponent(assetCalls[0].query)).toContain('networkconnectivity.googleapis.com/PolicyBasedRoute');
    const others = run.emulator.requests.filter((r) => r.service !== 'asset');
    const rrsets = others.filter((r) => r.service === 'dns' && r.path.endsWith('/rrsets'));
    // Learned routes have no asset type: one routers.getRouterStatus per router with BGP peers.
    const statuses = others.filter((r) => r.service === 'compute' && r.path.endsWith('/getRouterStatus'));
    expect(rrsets.length + statuses.length).toBe(others.length);
    // 5 projects with the three zones each, except staging, which has no pkg.dev zone.
    expect(rrsets).toHaveLength(14);
    expect(statuses.map((r) => r.path).sort()).toEqual(
      ['acme-dev-sandbox', 'acme-prod-analytics', 'acme-prod-payments', 'acme-prod-platform', 'acme-stg-platform'].map(
        (p) => `/compute/v1/projects/${p}/regions/${p === 'acme-prod-payments' ? 'asia-northeast2' : 'asia-northeast1'}/routers/onprem-vpn-router/getRouterStatus`,
      ),
    );
    expect(run.snapshot.routes.filter((r) => r.learnedBy).map((r) => r.destRange)).toEqual(['10.100.0.0/16']);
    expect(new Set(run.emulator.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(run.stats.calls).toBe(run.emulator.requests.length);
    expect(guard.refused).toEqual([]);
  });

  it('reads assets and record sets through the official clients (@google-cloud/asset over gax REST, @google-cloud/dns), as their x-goog-api-client header shows', () => {
    const byService = (service: string) => run.emulator.requests.filter((r) => r.service === service);
    expect(byService('asset').length).toBeGreaterThan(0);
    expect(byService('dns').length).toBeGreaterThan(0);
    for (const r of byService('asset')) expect(r.apiClient).toMatch(officialClientHeader('asset'));
    for (const r of byService('dns')) expect(r.apiClient).toMatch(officialClientHeader('dns'));
    // The gax REST fallback asks for enums as numbers; a hand-written reader would not.
    expect(byService('asset')[0].query).toMatch(/enum-encoding=int/);
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
    expect(folder.snapshot.scope).toEqual({ kind: 'folder', id: PROD_FOLDER, projects: ['acme-prod-analytics', 'acme-prod-payments', 'acme-prod-platform'] });
    expect(new Set(folder.snapshot.clusters.map((c) => c.project))).toEqual(new Set(['acme-prod-analytics', 'acme-prod-payments', 'acme-prod-platform']));
  });

  it('keeps only a shard\'s projects: the organization listed once, other shards\' assets and record sets never read', async () => {
    const slices = [];
    for (const index of [1, 2]) {
      const part = await collectFrom(world, { kind: 'organization', id: ORG }, {}, { shard: { index, count: 2 } });
      const mine = ALL.filter((p) => shardOf(p, 2) === index);
      expect(part.snapshot.scope).toEqual({ kind: 'organization', id: ORG, projects: mine, shard: `${index}/2` });
      expect(comparable(part.snapshot)).toEqual(comparable(run.snapshot, mine));
      expect(part.emulator.requests.filter((r) => r.service === 'asset')).toHaveLength(1);
      const rrsetProjects = part.emulator.requests.filter((r) => r.service === 'dns').map((r) => r.path.split('/')[4]);
      expect(rrsetProjects.every((p) => mine.includes(p))).toBe(true);
      slices.push(...mine);
    }
    expect(slices.sort()).toEqual(ALL);
  });

  it('filters a project scope by shard', async () => {
    const projects = ['acme-prod-platform', 'acme-stg-platform', 'acme-dev-sandbox'];
    const index = shardOf('acme-prod-platform', 2);
    const part = await collectFrom(world, { kind: 'projects', projects }, {}, { shard: { index, count: 2 } });
    expect(part.snapshot.scope.projects).toEqual(projects.filter((p) => shardOf(p, 2) === index).sort());
    expect(new Set(part.emulator.requests.map((r) => /\/projects\/([^/]+)/.exec(r.path)?.[1]))).toEqual(new Set(part.snapshot.scope.projects));
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
