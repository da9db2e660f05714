import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledOrgFile, loadWorld, type World } from '../../../src/emulator/world.js';
import { startEmulator } from '../../../src/emulator/server.js';
import { collectLive, READ_TIME_LAG_MS, ScopeError } from '../../../src/collectors/live/collect.js';
import { SCOPE_STREAMS } from '../../../src/collectors/live/scope.js';
import { collectFrom, comparable, endpointsOf, FAST, guardLoopbackOnly, officialClientHeader } from './harness.js';
import { shardOf } from '../../../src/shard.js';

const ORG = '416203918475';
const PROD_FOLDER = '280337512964';
const ALL = ['acme-dev-sandbox', 'acme-net-host', 'acme-prod-analytics', 'acme-prod-data', 'acme-prod-payments', 'acme-prod-platform', 'acme-prod-web', 'acme-shared-tools', 'acme-stg-platform'];

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

  it('builds the same entities as the organization it was served, the record sets of every zone that matters included', () => {
    expect(comparable(run.snapshot)).toEqual(comparable(world.snapshot));
    expect(run.snapshot.clusters[0].origin.source).toBe('asset-inventory');
    expect(run.snapshot.readErrors).toEqual([]);
    // The DNS API refusal of acme-prod-payments does not matter: its record sets come from the inventory.
    const payments = run.snapshot.managedZones.filter((z) => z.project === 'acme-prod-payments');
    expect(payments.map((z) => z.dnsName).sort()).toEqual(['gcr.io.', 'googleapis.com.', 'pkg.dev.']);
    expect(payments.every((z) => (z.recordSets?.length ?? 0) > 0)).toBe(true);
  });

  it('reads the PSC project through Cloud Asset Inventory: its endpoint, its response policy with the rules, the perimeter, the project numbers', () => {
    const data = 'acme-prod-data';
    expect(run.snapshot.forwardingRules).toEqual([expect.objectContaining({ project: data, name: 'pscvpcsc', target: 'vpc-sc', IPAddress: '10.10.100.5' })]);
    expect(run.snapshot.addresses).toEqual([expect.objectContaining({ project: data, purpose: 'PRIVATE_SERVICE_CONNECT', address: '10.10.100.5' })]);
    const policy = run.snapshot.responsePolicies.find((p) => p.project === data)!;
    expect(policy.rules?.map((r) => r.ruleName).sort()).toEqual(['gcr', 'gcr-wildcard', 'googleapis', 'pkg', 'pkg-wildcard']);
    expect(run.snapshot.servicePerimeters.map((p) => p.fullName)).toEqual(world.snapshot.servicePerimeters.map((p) => p.fullName));
    expect(run.snapshot.servicePerimeters[0].status).toEqual(world.snapshot.servicePerimeters[0].status);
    expect(run.snapshot.projects.find((p) => p.projectId === data)).toMatchObject({ projectNumber: '482915067344', ancestors: [`folders/${PROD_FOLDER}`, `organizations/${ORG}`] });
    const covered = run.snapshot.coverage.filter((c) => c.project === data && ['addresses', 'forwardingRules', 'responsePolicies', 'dnsPolicies', 'servicePerimeters', 'projects'].includes(c.collection));
    expect(covered.map((c) => c.state)).toEqual(['read', 'read', 'read', 'read', 'read', 'read']);
  });

  it('reads one listAssets stream per asset type, record sets included, all at one readTime and the largest page, GET only, no DNS call', () => {
    // The perimeters come from one more call, content type ACCESS_POLICY (5), under the organization.
    const perimeterCalls = run.emulator.requests.filter((r) => r.service === 'asset' && new URLSearchParams(r.query).get('contentType') === '5');
    expect(perimeterCalls.map((r) => r.path)).toEqual([`/v1/organizations/${ORG}/assets`]);
    const assetCalls = run.emulator.requests.filter((r) => r.service === 'asset' && !perimeterCalls.includes(r));
    const params = assetCalls.map((r) => new URLSearchParams(r.query));
    expect(params.map((q) => q.get('assetTypes')).sort()).toEqual(SCOPE_STREAMS.flatMap((s) => s.assetTypes).sort());
    expect(params.map((q) => q.get('assetTypes'))).toContain('dns.googleapis.com/ResourceRecordSet');
    expect(assetCalls.every((r) => r.path === `/v1/organizations/${ORG}/assets`)).toBe(true);
    expect(new Set(params.map((q) => q.get('readTime'))).size).toBe(1);
    expect(params.every((q) => q.get('pageSize') === '1000' && q.get('contentType') === '1')).toBe(true);
    expect(params.map((q) => q.get('assetTypes'))).toContain('networkconnectivity.googleapis.com/PolicyBasedRoute');
    // Learned routes have no asset type: one routers.getRouterStatus per router with BGP peers, nothing else.
    const others = run.emulator.requests.filter((r) => r.service !== 'asset');
    expect(others.every((r) => r.service === 'compute' && r.path.endsWith('/getRouterStatus'))).toBe(true);
    expect(others.map((r) => r.path)).toContain('/compute/v1/projects/acme-prod-payments/regions/asia-northeast2/routers/onprem-vpn-router/getRouterStatus');
    expect(run.snapshot.routes.filter((r) => r.learnedBy).map((r) => r.destRange)).toEqual(['10.100.0.0/16']);
    expect(new Set(run.emulator.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(run.stats.calls).toBe(run.emulator.requests.length);
    expect(guard.refused).toEqual([]);
  });

  it('asks the routers what they learned and lists the perimeters while a longer stream still pages', async () => {
    // Four assets a page and 80 ms a call: the record sets' chain (17 pages) is far longer than the
    // projects' and routers' (3 and 2); every stream in flight at once, within a minute's asset quota.
    const paged = await collectFrom(world, { kind: 'organization', id: ORG }, { latencyMs: 80 }, { pageSize: 4, policy: { ...FAST, concurrency: 32 } });
    const requests = paged.emulator.requests;
    const types = (i: number) => new URLSearchParams(requests[i].query).get('assetTypes');
    const lastRecordSetPage = requests.findLastIndex((r, i) => r.service === 'asset' && types(i) === 'dns.googleapis.com/ResourceRecordSet');
    const firstStatus = requests.findIndex((r) => r.path.endsWith('/getRouterStatus'));
    const perimeters = requests.findIndex((r) => r.service === 'asset' && new URLSearchParams(r.query).get('contentType') === '5');
    expect(firstStatus).toBeGreaterThan(-1);
    expect(firstStatus).toBeLessThan(lastRecordSetPage);
    expect(perimeters).toBeGreaterThan(-1);
    expect(perimeters).toBeLessThan(lastRecordSetPage);
    // Started early, they read the same: every learned route, every perimeter, nothing unread.
    expect(comparable(paged.snapshot)).toEqual(comparable(world.snapshot));
    expect(paged.snapshot.readErrors).toEqual([]);
  });

  it('pins every stream to the readTime asked for (a minute before the clock by default)', async () => {
    const at = new Date(Date.now() - 3_600_000);
    const pinned = await collectFrom(world, { kind: 'organization', id: ORG }, { pageSize: 7 }, { readTime: at });
    const times = pinned.emulator.requests.filter((r) => r.service === 'asset').map((r) => new URLSearchParams(r.query).get('readTime'));
    expect(new Set(times)).toEqual(new Set([at.toISOString()]));
    const byDefault = new Date(new URLSearchParams(run.emulator.requests[0].query).get('readTime')!).getTime();
    expect(Date.now() - byDefault).toBeGreaterThanOrEqual(READ_TIME_LAG_MS);
    expect(Date.now() - byDefault).toBeLessThan(READ_TIME_LAG_MS + 120_000);
  });

  it('reads assets through the official client (@google-cloud/asset over gax REST), as its x-goog-api-client header shows', () => {
    const assetCalls = run.emulator.requests.filter((r) => r.service === 'asset');
    expect(assetCalls.length).toBeGreaterThan(0);
    for (const r of assetCalls) expect(r.apiClient).toMatch(officialClientHeader('asset'));
    // The gax REST fallback asks for enums as numbers; a hand-written reader would not.
    expect(assetCalls[0].query).toMatch(/enum-encoding=int/);
  });

  it('pages every stream when the page is small, each later page continuing its own listing', async () => {
    const paged = await collectFrom(world, { kind: 'organization', id: ORG }, { pageSize: 7 });
    const assetCalls = paged.emulator.requests.filter((r) => r.service === 'asset' && new URLSearchParams(r.query).get('contentType') === '1');
    expect(assetCalls.length).toBeGreaterThan(SCOPE_STREAMS.length + 5);
    expect(assetCalls.every((r) => r.status === 200)).toBe(true);
    const firstPages = assetCalls.filter((r) => !r.query.includes('pageToken='));
    expect(firstPages).toHaveLength(SCOPE_STREAMS.length);
    expect(comparable(paged.snapshot)).toEqual(comparable(run.snapshot));
  });

  it('falls back to Cloud DNS, zone by zone, where the asset API does not list record sets, and says so', async () => {
    const notices: string[] = [];
    const fallback = await collectFrom(
      world,
      { kind: 'organization', id: ORG },
      { unsupportedAssetTypes: ['dns.googleapis.com/ResourceRecordSet'] },
      { notice: (line) => notices.push(line) },
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/did not list dns\.googleapis\.com\/ResourceRecordSet under organizations\/416203918475 \(400: Invalid asset type.*Cloud DNS API instead/);
    const dnsCalls = fallback.emulator.requests.filter((r) => r.service === 'dns');
    // 5 projects and the Shared VPC host with the three zones each, except staging, which has no
    // pkg.dev zone (the payments project's calls are made and refused).
    expect(dnsCalls).toHaveLength(17);
    expect(dnsCalls.every((r) => r.path.endsWith('/rrsets'))).toBe(true);
    for (const r of dnsCalls) expect(r.apiClient).toMatch(officialClientHeader('dns'));
    // Where the DNS API itself is disabled, the zones are kept and their record sets are unread (403).
    const payments = fallback.snapshot.managedZones.filter((z) => z.project === 'acme-prod-payments');
    expect(payments.every((z) => z.recordSets === undefined)).toBe(true);
    expect(fallback.snapshot.readErrors).toHaveLength(3);
    for (const e of fallback.snapshot.readErrors) {
      expect(e).toMatchObject({ project: 'acme-prod-payments', collection: 'recordSets', status: 403, reason: 'SERVICE_DISABLED' });
      expect(payments.map((z) => z.fullName)).toContain(e.resource);
    }
    const readable = ALL.filter((p) => p !== 'acme-prod-payments');
    expect(comparable(fallback.snapshot, readable)).toEqual(comparable(run.snapshot, readable));
  });

  it('records a type the asset API would not list as unread, for every project, and keeps the rest', async () => {
    const partial = await collectFrom(world, { kind: 'organization', id: ORG }, { unsupportedAssetTypes: ['compute.googleapis.com/Router'] });
    expect(partial.snapshot.routers).toEqual([]);
    expect(partial.snapshot.readErrors.map((e) => [e.project, e.collection, e.status])).toEqual(ALL.map((p) => [p, 'routers', 400]));
    expect(comparable(partial.snapshot).clusters).toEqual(comparable(run.snapshot).clusters);
  });

  it('reads each project per service with fresh, the project list alone from the inventory', async () => {
    const fresh = await collectFrom(world, { kind: 'organization', id: ORG }, {}, { fresh: true });
    const assetCalls = fresh.emulator.requests.filter((r) => r.service === 'asset' && r.path === `/v1/organizations/${ORG}/assets`);
    // The organization's project list and its perimeters (content type ACCESS_POLICY); each project's
    // record, DNS policies and policy-based routes come from listings under the project, as in a project scope.
    expect(assetCalls.map((r) => new URLSearchParams(r.query).get('assetTypes'))).toEqual([
      'cloudresourcemanager.googleapis.com/Project',
      'accesscontextmanager.googleapis.com/ServicePerimeter',
    ]);
    expect(fresh.emulator.requests.some((r) => r.service === 'compute')).toBe(true);
    expect(fresh.snapshot.scope.projects).toEqual(ALL);
    expect(fresh.snapshot.clusters[0].origin.source).toBe('api');
    const readable = ALL.filter((p) => p !== 'acme-prod-payments');
    expect(comparable(fresh.snapshot, readable)).toEqual(comparable(run.snapshot, readable));
  });

  it('limits a folder scope to the projects under the folder', async () => {
    const folder = await collectFrom(world, { kind: 'folder', id: PROD_FOLDER });
    expect(folder.snapshot.scope).toEqual({ kind: 'folder', id: PROD_FOLDER, projects: ['acme-net-host', 'acme-prod-analytics', 'acme-prod-data', 'acme-prod-payments', 'acme-prod-platform', 'acme-prod-web'] });
    expect(new Set(folder.snapshot.clusters.map((c) => c.project))).toEqual(new Set(['acme-prod-analytics', 'acme-prod-data', 'acme-prod-payments', 'acme-prod-platform', 'acme-prod-web']));
  });

  it('keeps only a shard\'s projects: each stream listed once, other shards\' assets dropped', async () => {
    const slices = [];
    for (const index of [1, 2]) {
      const part = await collectFrom(world, { kind: 'organization', id: ORG }, {}, { shard: { index, count: 2 } });
      const mine = ALL.filter((p) => shardOf(p, 2) === index);
      expect(part.snapshot.scope).toEqual({ kind: 'organization', id: ORG, projects: mine, shard: `${index}/2` });
      expect(comparable(part.snapshot)).toEqual(comparable(run.snapshot, mine));
      expect(part.emulator.requests.filter((r) => r.service === 'asset' && new URLSearchParams(r.query).get('contentType') === '1')).toHaveLength(SCOPE_STREAMS.length);
      expect(part.emulator.requests.filter((r) => r.service === 'dns')).toEqual([]);
      slices.push(...mine);
    }
    expect(slices.sort()).toEqual(ALL);
  });

  it('filters a project scope by shard', async () => {
    const projects = ['acme-prod-platform', 'acme-stg-platform', 'acme-dev-sandbox'];
    const index = shardOf('acme-prod-platform', 2);
    const part = await collectFrom(world, { kind: 'projects', projects }, {}, { shard: { index, count: 2 } });
    expect(part.snapshot.scope.projects).toEqual(projects.filter((p) => shardOf(p, 2) === index).sort());
    const perProject = part.emulator.requests.filter((r) => r.path.includes('/projects/'));
    expect(new Set(perProject.map((r) => /\/projects\/([^/]+)/.exec(r.path)?.[1]))).toEqual(new Set(part.snapshot.scope.projects));
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
