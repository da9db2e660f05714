import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compliantSnapshot } from '../../helpers/fixtures.js';
import { worldFromSnapshot, type World } from '../../../src/emulator/world.js';
import { FAKE_SECRETS } from '../../../src/emulator/wire.js';
import type { Instance, Snapshot } from '../../../src/model/snapshot.js';
import { collectFrom, comparable, guardLoopbackOnly, officialClientHeader } from './harness.js';

const P = 'acme-prod-platform';
const EMPTY = 'acme-empty-project';

/** The article's project, an empty project, and a VM that is not a GKE node. */
function world(): { world: World; source: Snapshot } {
  const source = compliantSnapshot();
  const bastion: Instance = {
    ...structuredClone(source.instances[0]),
    name: 'bastion',
    fullName: `//compute.googleapis.com/projects/${P}/zones/asia-northeast1-a/instances/bastion`,
    labels: {},
    tags: ['ssh'],
  };
  delete bastion.clusterName;
  delete bastion.nodePool;
  const served = structuredClone(source);
  served.instances.push(bastion);
  const organization = { id: '433637338589' };
  return {
    world: worldFromSnapshot(served, {
      organization,
      folders: [],
      projects: [
        { id: P, number: '418263790112', parent: `organizations/${organization.id}` },
        { id: EMPTY, number: '300000000001', parent: `organizations/${organization.id}` },
      ],
    }),
    source,
  };
}

describe('live collector, project scope, through the official clients against the emulator', () => {
  const guard = guardLoopbackOnly();
  afterAll(() => guard.restore());
  let run: Awaited<ReturnType<typeof collectFrom>>;
  let source: Snapshot;

  beforeAll(async () => {
    const w = world();
    source = w.source;
    run = await collectFrom(w.world, { kind: 'projects', projects: [P, EMPTY] });
  });

  it('round-trips: snapshot → emulator → collector → snapshot gives the same entities', () => {
    expect(comparable(run.snapshot)).toEqual(comparable(source));
    expect(run.snapshot.readErrors).toEqual([]);
    expect(run.snapshot.scope).toEqual({ kind: 'projects', projects: [EMPTY, P] });
    expect(run.snapshot.networks[0].origin).toEqual({ source: 'api', selfLink: `https://www.googleapis.com/compute/v1/projects/${P}/global/networks/vpc-private` });
  });

  it('keeps only GKE nodes among the instances', () => {
    expect(run.snapshot.instances.map((i) => i.name)).not.toContain('bastion');
    expect(run.emulator.requests.some((r) => r.path.endsWith('/aggregated/instances'))).toBe(true);
  });

  it('reads record sets of the zones that matter and never copies masterAuth or kube-env', () => {
    expect(run.snapshot.managedZones.every((z) => Array.isArray(z.recordSets) && z.recordSets.length > 0)).toBe(true);
    const text = JSON.stringify(run.snapshot);
    const leaked = [...Object.values(FAKE_SECRETS).map((s) => s.slice(0, 24)), '"masterAuth"', 'kube-env', 'clusterCaCertificate', 'KUBELET'].filter((s) => text.includes(s));
    expect(leaked).toEqual([]);
  });

  it('reads an empty project as empty, with no read error', () => {
    for (const list of ['networks', 'clusters', 'managedZones', 'instances'] as const) {
      expect(run.snapshot[list].filter((e) => e.project === EMPTY)).toEqual([]);
    }
    expect(run.emulator.requests.filter((r) => r.path.includes(`/projects/${EMPTY}/`)).every((r) => r.status === 200)).toBe(true);
  });

  it('makes read-only calls only, every one of them seen by the emulator, none beyond 127.0.0.1', () => {
    expect(run.emulator.requests.length).toBeGreaterThan(0);
    expect(new Set(run.emulator.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(run.stats.calls).toBe(run.emulator.requests.length);
    expect(guard.refused).toEqual([]);
    expect(guard.attempts.length).toBeGreaterThan(0);
    // Per project: networks, routes, firewalls, 3 aggregated lists, global addresses and forwarding
    // rules, clusters, zones (+ record sets of 3 zones), the effective firewall policies of its network
    // (global, and for the one region of its subnets), and one asset listing (project record, DNS
    // response and server policies); per organization, one listing of its access policies.
    const paths = run.emulator.requests.filter((r) => r.path.includes(`/projects/${P}/`)).map((r) => r.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        `/compute/v1/projects/${P}/global/networks`,
        `/compute/v1/projects/${P}/global/routes`,
        `/compute/v1/projects/${P}/global/firewalls`,
        `/compute/v1/projects/${P}/aggregated/subnetworks`,
        `/compute/v1/projects/${P}/aggregated/routers`,
        `/compute/v1/projects/${P}/aggregated/instances`,
        `/v1/projects/${P}/locations/-/clusters`,
        `/dns/v1/projects/${P}/managedZones`,
        `/dns/v1/projects/${P}/managedZones/googleapis/rrsets`,
        `/compute/v1/projects/${P}/global/networks/vpc-private/getEffectiveFirewalls`,
        `/compute/v1/projects/${P}/regions/asia-northeast1/firewallPolicies/getEffectiveFirewalls`,
        `/compute/v1/projects/${P}/global/addresses`,
        `/compute/v1/projects/${P}/global/forwardingRules`,
        // project record, DNS policies and policy-based routes through Cloud Asset Inventory; learned routes from the VPN router's status
        `/v1/projects/${P}/assets`,
        `/compute/v1/projects/${P}/regions/asia-northeast1/routers/onprem-vpn-router/getRouterStatus`,
      ]),
    );
    expect(paths).toHaveLength(18);
    const perimeterCalls = run.emulator.requests.filter((r) => r.path === '/v1/organizations/433637338589/assets');
    expect(perimeterCalls).toHaveLength(1);
    expect(perimeterCalls[0].query).toMatch(/contentType=(5|ACCESS_POLICY)(&|$)/);
  });

  it('makes every call through the official client of its service, as the x-goog-api-client header shows', () => {
    const services = ['compute', 'container', 'dns', 'asset'] as const;
    for (const service of services) {
      const calls = run.emulator.requests.filter((r) => r.service === service);
      expect(calls.length, service).toBeGreaterThan(0);
      for (const r of calls) expect(r.apiClient, `${service} ${r.path}`).toMatch(officialClientHeader(service));
    }
    expect(run.emulator.requests.every((r) => (services as readonly string[]).includes(r.service))).toBe(true);
  });

  it('follows nextPageToken over several pages and aggregated-list warnings, with the same result', async () => {
    const paged = await collectFrom(world().world, { kind: 'projects', projects: [P] }, { pageSize: 1 });
    expect(comparable(paged.snapshot)).toEqual(comparable(source));
    const firewallCalls = paged.emulator.requests.filter((r) => r.path.endsWith('/global/firewalls'));
    expect(firewallCalls).toHaveLength(source.firewalls.length);
    expect(firewallCalls.filter((r) => r.query.includes('pageToken='))).toHaveLength(source.firewalls.length - 1);
    // 3 GKE nodes + the bastion, one per page, every page also listing empty zones with a warning.
    expect(paged.emulator.requests.filter((r) => r.path.endsWith('/aggregated/instances'))).toHaveLength(4);
    expect(paged.emulator.requests.filter((r) => r.path.endsWith('/rrsets')).length).toBeGreaterThan(3);
    expect(paged.stats.calls).toBe(paged.emulator.requests.length);
    expect(paged.snapshot.readErrors).toEqual([]);
  });

  it('records an unknown project as read errors (404) for every collection, and goes on', async () => {
    const r = await collectFrom(world().world, { kind: 'projects', projects: [P, 'no-such-project'] });
    const errors = r.snapshot.readErrors.filter((e) => e.project === 'no-such-project');
    expect(errors.map((e) => e.collection).sort()).toEqual([
      'addresses',
      'clusters',
      'dnsPolicies',
      'firewallPolicies',
      'firewalls',
      'forwardingRules',
      'instances',
      'managedZones',
      'networks',
      'policyBasedRoutes',
      'projects',
      'responsePolicies',
      'routers',
      'routes',
      'servicePerimeters',
      'subnetworks',
    ]);
    // Its organization cannot be known either, so its perimeters carry the same error.
    expect(errors.every((e) => e.status === 404 && /not found/.test(e.message))).toBe(true);
    const v2 = ['projects', 'addresses', 'forwardingRules', 'responsePolicies', 'dnsPolicies', 'servicePerimeters'];
    expect(r.snapshot.coverage.filter((c) => c.project === 'no-such-project' && v2.includes(c.collection)).map((c) => c.state)).toEqual(v2.map(() => 'not-read'));
    expect(comparable(r.snapshot)).toEqual(comparable(source));
  });
});
