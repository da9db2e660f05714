/**
 * Routing as Google Cloud does it, read through the official clients from the emulator: policy-based
 * routes (Cloud Asset Inventory), routes learned by Cloud Routers (routers.getRouterStatus), Cloud NAT
 * on routers and the network's routing mode (compute), and the verdicts they lead to.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/engine/engine.js';
import { defaultPolicy } from '../../../src/engine/policy.js';
import { worldFromSnapshot } from '../../../src/emulator/world.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { RULES } from '../../../src/rules/index.js';
import { compliantSnapshot } from '../../helpers/fixtures.js';
import { DEFAULT_TEST_PARAMS } from '../../helpers/rule-tester.js';
import { collectFrom, comparable, guardLoopbackOnly } from './harness.js';

const P = 'acme-prod-platform';
const NETWORK = `//compute.googleapis.com/projects/${P}/global/networks/vpc-private`;
const ROUTER = `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/routers/onprem-vpn-router`;
const ALPHA = `//container.googleapis.com/projects/${P}/locations/asia-northeast1/clusters/alpha`;

function verdicts(snapshot: Snapshot, rule: string): Record<string, string> {
  const policy = defaultPolicy();
  policy.parameters = { ...DEFAULT_TEST_PARAMS };
  const results = evaluate(snapshot, policy, [...RULES], { now: new Date('2026-11-24T00:00:00Z') }).results;
  return Object.fromEntries(results.filter((r) => r.ruleId === rule).map((r) => [r.resource.fullName, `${r.status} ${r.messageId}`]));
}

async function collect(served: Snapshot): Promise<Snapshot> {
  const run = await collectFrom(worldFromSnapshot(served), { kind: 'projects', projects: [P] });
  expect(run.snapshot.readErrors).toEqual([]);
  return run.snapshot;
}

describe('live collector: routing, NAT and policy-based routes through the official clients', () => {
  const guard = guardLoopbackOnly();
  afterAll(() => guard.restore());

  it('a policy-based route sending the VIP to an internal load balancer is read through Cloud Asset Inventory and fails vip-route', async () => {
    const served = compliantSnapshot();
    served.policyBasedRoutes.push({
      kind: 'policyBasedRoute',
      name: 'vip-to-appliance',
      fullName: `//networkconnectivity.googleapis.com/projects/${P}/locations/global/policyBasedRoutes/vip-to-appliance`,
      project: P,
      origin: { source: 'fixture' },
      network: NETWORK,
      priority: 10,
      filter: { ipProtocol: 'TCP', destRange: '199.36.153.4/30', protocolVersion: 'IPV4' },
      virtualMachineTags: ['gke-alpha-3f2a1b9c-node'],
      nextHopIlbIp: '10.10.15.250',
    });
    const snapshot = await collect(served);
    expect(snapshot.policyBasedRoutes).toEqual([expect.objectContaining({ name: 'vip-to-appliance', network: NETWORK, virtualMachineTags: ['gke-alpha-3f2a1b9c-node'], nextHopIlbIp: '10.10.15.250', origin: expect.objectContaining({ source: 'asset-inventory' }) })]);
    expect(snapshot.coverage.filter((c) => c.collection === 'policyBasedRoutes')).toEqual([{ project: P, collection: 'policyBasedRoutes', state: 'read' }]);
    const v = verdicts(snapshot, 'vip-route');
    expect(v[ALPHA]).toBe('fail policyRoute');
    expect(Object.values(v).filter((x) => x.startsWith('pass'))).toHaveLength(1);
  });

  it('a route the VPN router learned, shadowing the VIP route, comes from routers.getRouterStatus and fails vip-route', async () => {
    const served = compliantSnapshot();
    served.routes.push({
      ...served.routes[0],
      name: 'onprem-vpn-router learned 199.36.153.4/30 via 169.254.0.2',
      fullName: `${ROUTER}/learnedRoutes/199.36.153.4/30/169.254.0.2`,
      destRange: '199.36.153.4/30',
      priority: 100,
      nextHopGateway: undefined,
      nextHopIp: '169.254.0.2',
      routeType: 'BGP',
      learnedBy: ROUTER,
      region: 'asia-northeast1',
    });
    delete served.routes[served.routes.length - 1].nextHopGateway;
    const snapshot = await collect(served);
    expect(comparable(snapshot).routes).toEqual(comparable(served).routes);
    expect(snapshot.coverage.filter((c) => c.collection === 'dynamicRoutes')).toEqual([{ project: P, collection: 'dynamicRoutes', state: 'read' }]);
    expect(Object.values(verdicts(snapshot, 'vip-route'))).toEqual(['fail shadowed', 'fail shadowed']);
  });

  it('Cloud NAT on the node subnet with the default route and no deny fails internet-egress; a GLOBAL network\'s router elsewhere passes router-advertises-control-plane', async () => {
    const served = compliantSnapshot();
    served.networks[0].routingMode = 'GLOBAL';
    const vpn = served.routers[0];
    vpn.region = 'asia-northeast2';
    vpn.fullName = vpn.fullName.replace('asia-northeast1', 'asia-northeast2');
    served.routes.push({ ...served.routes[0], name: 'default-internet', fullName: `//compute.googleapis.com/projects/${P}/global/routes/default-internet`, destRange: '0.0.0.0/0' });
    served.firewalls = served.firewalls.filter((f) => f.name !== 'deny-egress-all');
    served.routers.push({
      ...structuredClone(served.routers[0]),
      name: 'nat-router',
      fullName: `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/routers/nat-router`,
      region: 'asia-northeast1',
      bgpPeers: [],
      interfaces: [],
      nats: [{ name: 'nodes-nat', sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS', subnetworks: [{ name: served.subnetworks[0].fullName, sourceIpRangesToNat: ['PRIMARY_IP_RANGE'] }], natIpAllocateOption: 'AUTO_ONLY' }],
    });
    delete served.routers[1].bgp;
    const snapshot = await collect(served);
    expect(snapshot.networks[0].routingMode).toBe('GLOBAL');
    expect(snapshot.routers.find((r) => r.name === 'nat-router')!.nats).toEqual(served.routers[1].nats);
    expect(Object.values(verdicts(snapshot, 'internet-egress'))).toEqual(['fail open', 'fail open']);
    expect(Object.values(verdicts(snapshot, 'router-advertises-control-plane'))).toEqual(['pass advertised', 'pass advertised']);
  });
});
