import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { bundledOrgFile, loadWorld, worldFromSnapshot } from '../../src/emulator/world.js';
import { FAKE_SECRETS } from '../../src/emulator/wire.js';
import { InputError } from '../../src/errors.js';

const P = 'acme-prod-platform';

describe('emulator (plain HTTP, Google wire format)', () => {
  let emu: RunningEmulator;
  // Response bodies are Google's loosely typed JSON; the assertions say what they must hold.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Body = Record<string, any>;
  const get = async (p: string, init?: RequestInit) => {
    const res = await fetch(`${emu.url}${p}`, init);
    return { status: res.status, body: (await res.json()) as Body };
  };

  beforeAll(async () => {
    emu = await startEmulator(loadWorld(bundledOrgFile()), { pageSize: 3 });
  });
  afterAll(() => emu.close());

  it('listens on 127.0.0.1 only', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('pages lists with nextPageToken until the last page', async () => {
    const names: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const { status, body } = await get(`/compute/v1/projects/${P}/global/firewalls?maxResults=500${token ? `&pageToken=${token}` : ''}`);
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(3);
      names.push(...body.items.map((i: { name: string }) => i.name));
      token = body.nextPageToken ?? '';
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toHaveLength(7);
    expect(new Set(names).size).toBe(7);
  });

  it('groups aggregated lists by scope and warns for scopes empty on the page', async () => {
    const { body } = await get(`/compute/v1/projects/${P}/aggregated/subnetworks`);
    expect(body.items['regions/asia-northeast1'].subnetworks[0]).toMatchObject({
      name: 'gke-nodes',
      region: `https://www.googleapis.com/compute/v1/projects/${P}/regions/asia-northeast1`,
      network: `https://www.googleapis.com/compute/v1/projects/${P}/global/networks/vpc-private`,
    });
    expect(body.items['regions/us-central1']).toEqual({ warning: expect.objectContaining({ code: 'NO_RESULTS_ON_PAGE' }) });
  });

  it('serves what a real response carries, secrets included, in REST shapes', async () => {
    const { body } = await get(`/v1/projects/${P}/locations/-/clusters`);
    const alpha = body.clusters.find((c: { name: string }) => c.name === 'alpha');
    expect(alpha.masterAuth.clusterCaCertificate).toBe(FAKE_SECRETS.clusterCaCertificate);
    expect(alpha.networkConfig.network).toBe(`projects/${P}/global/networks/vpc-private`);
    expect(alpha.id.slice(0, 8)).toBe('3f2a1b9c');
    const inst = await get(`/compute/v1/projects/${P}/aggregated/instances`);
    const node = inst.body.items['zones/asia-northeast1-a'].instances[0];
    expect(node.metadata.items.map((i: { key: string }) => i.key)).toEqual(['cluster-name', 'kube-env']);
    expect(node.tags.items).toEqual(['gke-alpha-3f2a1b9c-node']);
    const zones = await get(`/dns/v1/projects/${P}/managedZones`);
    expect(zones.body.managedZones[0].privateVisibilityConfig.networks[0].networkUrl).toBe(`https://www.googleapis.com/compute/v1/projects/${P}/global/networks/vpc-private`);
  });

  it("answers an unknown project with Google's 404 body and a refused service with 403 and its ErrorInfo", async () => {
    const missing = await get('/compute/v1/projects/nope-project/global/networks');
    expect(missing).toEqual({ status: 404, body: { error: expect.objectContaining({ code: 404, status: 'NOT_FOUND', message: "The resource 'projects/nope-project' was not found" }) } });
    const refused = await get('/dns/v1/projects/acme-prod-payments/managedZones');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }] });
    // Only its DNS is refused.
    expect((await get('/compute/v1/projects/acme-prod-payments/global/networks')).status).toBe(200);
  });

  it('lists assets of an organization or a folder, with ancestors, filtered by type', async () => {
    const { body } = await get('/v1/folders/733164092215/assets?assetTypes=container.googleapis.com/Cluster&contentType=1&pageSize=1000');
    expect(body.assets.map((a: { name: string }) => a.name).sort()).toEqual([
      '//container.googleapis.com/projects/acme-dev-sandbox/locations/asia-northeast1/clusters/sandbox',
      '//container.googleapis.com/projects/acme-stg-platform/locations/asia-northeast1/clusters/stg-legacy',
      '//container.googleapis.com/projects/acme-stg-platform/locations/asia-northeast1/clusters/stg-psc',
    ]);
    expect(body.assets[0].ancestors).toEqual([expect.stringMatching(/^projects\/\d+$/), 'folders/733164092215', 'organizations/416203918475']);
    expect(body.assets[0].resource.data.name).toBeTruthy();
    expect((await get('/v1/organizations/1/assets')).status).toBe(404);
  });

  it('lists DNS record sets as dns.googleapis.com/ResourceRecordSet assets, named and parented by their zone', async () => {
    const { status, body } = await get('/v1/organizations/416203918475/assets?assetTypes=dns.googleapis.com/ResourceRecordSet&contentType=1&pageSize=1000');
    expect(status).toBe(200);
    const a = body.assets[0];
    expect(a.assetType).toBe('dns.googleapis.com/ResourceRecordSet');
    expect(a.name).toBe(`${a.resource.parent}/rrsets/${a.resource.data.name}/${a.resource.data.type}`);
    expect(a.resource.parent).toMatch(/^\/\/dns\.googleapis\.com\/projects\/acme-[a-z-]+\/managedZones\/[^/]+$/);
    expect(a.resource).toMatchObject({ version: 'v1', discoveryName: 'ResourceRecordSet', location: 'global', data: { kind: 'dns#resourceRecordSet', ttl: expect.any(Number) } });
    expect(a.resource.data.rrdatas.length).toBeGreaterThan(0);
    expect(a.ancestors.at(-1)).toBe('organizations/416203918475');
  });

  it('honours readTime: echoed, within 35 days and not ahead of now, and every page token bound to it', async () => {
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const list = (q: string) => get(`/v1/organizations/416203918475/assets?assetTypes=compute.googleapis.com/Firewall&contentType=1&pageSize=1000${q}`);
    const first = await list(`&readTime=${at}`);
    expect(first.status).toBe(200);
    expect(first.body.readTime).toBe(at);
    // The emulator's own cap of 3 wins over the 1000 asked for.
    expect(first.body.assets).toHaveLength(3);
    const token = first.body.nextPageToken as string;
    expect((await list(`&readTime=${at}&pageToken=${token}`)).body.readTime).toBe(at);
    // A later page without readTime keeps the first page's moment; another moment cannot continue it.
    expect((await list(`&pageToken=${token}`)).body.readTime).toBe(at);
    const other = await list(`&readTime=${new Date(Date.now() - 7_200_000).toISOString()}&pageToken=${token}`);
    expect(other.status).toBe(400);
    expect(other.body.error.status).toBe('INVALID_ARGUMENT');
    expect((await list(`&readTime=${new Date(Date.now() + 600_000).toISOString()}`)).status).toBe(400);
    expect((await list(`&readTime=${new Date(Date.now() - 36 * 86_400_000).toISOString()}`)).status).toBe(400);
    expect((await list('&readTime=yesterday')).status).toBe(400);
    // An offset is the same moment (RFC 3339), echoed in UTC.
    const offset = new Date(Date.now() - 86_400_000);
    offset.setUTCMilliseconds(0);
    const local = `${new Date(offset.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 19)}+05:30`;
    expect((await list(`&readTime=${encodeURIComponent(local)}`)).body.readTime).toBe(offset.toISOString());
  });

  it('serves routers.getRouterStatus with the routes the router learned, which routes.list never shows', async () => {
    const { status, body } = await get(`/compute/v1/projects/${P}/regions/asia-northeast1/routers/onprem-vpn-router/getRouterStatus`);
    expect(status).toBe(200);
    expect(body.kind).toBe('compute#routerStatusResponse');
    expect(body.result.network).toBe(`https://www.googleapis.com/compute/v1/projects/${P}/global/networks/vpc-private`);
    expect(body.result.bestRoutesForRouter).toEqual([
      expect.objectContaining({ kind: 'compute#route', destRange: '10.100.0.0/16', nextHopIp: '169.254.0.2', priority: 100, routeType: 'BGP' }),
    ]);
    expect(body.result.bgpPeerStatus[0]).toMatchObject({ name: 'onprem-peer-0', status: 'UP' });
    const routes: Body[] = [];
    let token = '';
    do {
      const page = (await get(`/compute/v1/projects/${P}/global/routes${token ? `?pageToken=${token}` : ''}`)).body;
      routes.push(...page.items);
      token = page.nextPageToken ?? '';
    } while (token);
    expect(routes.map((r) => r.destRange)).not.toContain('10.100.0.0/16');
    expect((await get(`/compute/v1/projects/${P}/regions/asia-northeast1/routers/no-such-router/getRouterStatus`)).status).toBe(404);
  });

  it('serves Cloud NAT on routers, the routing mode of networks, and policy-based routes as assets', async () => {
    const routers = (await get('/compute/v1/projects/acme-prod-analytics/aggregated/routers?maxResults=10')).body;
    const nat = routers.items['regions/asia-northeast1'].routers.find((r: Body) => r.name === 'nat-router');
    expect(nat.nats).toEqual([expect.objectContaining({ name: 'analytics-nat', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES', natIpAllocateOption: 'AUTO_ONLY' })]);
    expect((await get('/compute/v1/projects/acme-prod-payments/global/networks/vpc-private')).body.routingConfig).toEqual({ routingMode: 'GLOBAL' });
    expect((await get(`/compute/v1/projects/${P}/global/networks/vpc-private`)).body.routingConfig).toEqual({ routingMode: 'REGIONAL' });
    const assets = (await get(`/v1/projects/${P}/assets?assetTypes=networkconnectivity.googleapis.com/PolicyBasedRoute&contentType=RESOURCE`)).body;
    expect(assets.assets ?? []).toEqual([]);
  });

  it('refuses anything but GET and logs every request', async () => {
    const before = emu.requests.length;
    const post = await get(`/compute/v1/projects/${P}/global/networks`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(emu.requests.slice(before)).toEqual([{ method: 'POST', path: `/compute/v1/projects/${P}/global/networks`, query: '', service: 'compute', status: 405, at: expect.any(Number) }]);
  });

  it('rejects a page token it did not issue', async () => {
    expect((await get(`/compute/v1/projects/${P}/global/routes?pageToken=bogus`)).status).toBe(400);
  });
});

describe('emulator faults', () => {
  it('answers 429 and 503 at the configured rates, replayably by seed', async () => {
    const statuses = async () => {
      const emu = await startEmulator(worldFromSnapshot(compliantSnapshot()), { fault429: 0.3, fault503: 0.3, seed: 42 });
      try {
        for (let i = 0; i < 40; i++) await fetch(`${emu.url}/compute/v1/projects/${P}/global/networks`).then((r) => r.arrayBuffer());
        return emu.requests.map((r) => r.status);
      } finally {
        await emu.close();
      }
    };
    const first = await statuses();
    expect(first).toContain(429);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await statuses()).toEqual(first);
  });

  it('never answers a hanging call, and close() still returns', async () => {
    const emu = await startEmulator(worldFromSnapshot(compliantSnapshot()), { hang: 1 });
    const pending = fetch(`${emu.url}/compute/v1/projects/${P}/global/networks`).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    expect(emu.requests).toEqual([expect.objectContaining({ status: 0 })]);
    await emu.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('emulator data', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'emu-data-'));
  const write = (name: string, data: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
    return file;
  };

  it('reads the bundled organization: its projects in two folders, one refusing DNS', () => {
    const world = loadWorld(bundledOrgFile());
    expect(world.projects.map((p) => p.id).sort()).toEqual(['acme-dev-sandbox', 'acme-net-host', 'acme-prod-analytics', 'acme-prod-data', 'acme-prod-payments', 'acme-prod-platform', 'acme-prod-web', 'acme-shared-tools', 'acme-stg-platform']);
    expect(world.projects.find((p) => p.id === 'acme-prod-payments')!.refuses).toEqual({ dns: { status: 403, reason: 'SERVICE_DISABLED' } });
  });

  it('names the file and field of a bad layout', () => {
    write('s.json', compliantSnapshot());
    const bad = write('layout.json', { organization: { id: '1' }, projects: [{ id: 'p-one', number: '12', parent: 'folders/9' }], snapshots: ['s.json'] });
    expect(() => loadWorld(bad)).toThrow(InputError);
    expect(() => loadWorld(bad)).toThrow(/unknown parent "folders\/9"/);
    try {
      loadWorld(bad);
    } catch (e) {
      expect((e as InputError).toLine()).toBe(`${bad}: $.projects[0].parent: unknown parent "folders/9"`);
    }
    const badService = write('l2.json', { projects: [{ id: 'p-one', number: '12', refuses: { storage: { status: 403, reason: 'X' } } }], snapshots: ['s.json'] });
    expect(() => loadWorld(badService)).toThrow(expect.objectContaining({ where: '$.projects[0].refuses.storage', message: expect.stringMatching(/^unknown service/) }));
    expect(() => loadWorld(write('broken.json', '{"snapshots": ['))).toThrow(InputError);
  });
});
