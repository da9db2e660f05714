/** Policy-based routes, routing mode, Cloud NAT coverage and the three links of internet egress. */
import { describe, expect, it } from 'vitest';
import type { PolicyBasedRoute, Router, RouterNat, Subnetwork } from '../../src/model/snapshot.js';
import { formatRange, parseCidr } from '../../src/network/cidr.js';
import { internetEgress } from '../../src/network/egress.js';
import { natGatewaysServing, natServesRange } from '../../src/network/nat.js';
import { policyRouteSegments, routeAppliesInRegion, routerServesRegion } from '../../src/network/routes.js';
import { firewall, route } from './build.js';

const NETWORK = '//compute.googleapis.com/projects/p/global/networks/vpc';
const SUBNET = '//compute.googleapis.com/projects/p/regions/asia-northeast1/subnetworks/nodes';

function pbr(name: string, extra: Partial<PolicyBasedRoute> = {}): PolicyBasedRoute {
  return {
    kind: 'policyBasedRoute',
    name,
    fullName: `//networkconnectivity.googleapis.com/projects/p/locations/global/policyBasedRoutes/${name}`,
    project: 'p',
    origin: { source: 'fixture' },
    network: NETWORK,
    priority: 100,
    filter: {},
    nextHopIlbIp: '10.0.0.100',
    ...extra,
  };
}

const subnet: Subnetwork = {
  kind: 'subnetwork',
  name: 'nodes',
  fullName: SUBNET,
  project: 'p',
  origin: { source: 'fixture' },
  region: 'asia-northeast1',
  network: NETWORK,
  ipCidrRange: '10.10.0.0/20',
  secondaryIpRanges: [{ rangeName: 'pods', ipCidrRange: '10.20.0.0/16' }],
};

function router(nats: RouterNat[], region = 'asia-northeast1'): Router {
  return { kind: 'router', name: 'r', fullName: `//compute.googleapis.com/projects/p/regions/${region}/routers/r`, project: 'p', origin: { source: 'fixture' }, network: NETWORK, region, bgpPeers: [], interfaces: [], nats };
}

const nat = (extra: Partial<RouterNat>): RouterNat => ({ name: 'nat', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES', subnetworks: [], ...extra });
const sender = { tags: ['node'], sources: [parseCidr('10.10.0.0/20')], protocol: 'tcp' };

describe('policy-based routes', () => {
  it('the lowest priority number decides, not the longest prefix', () => {
    const routes = [pbr('narrow', { priority: 200, filter: { destRange: '199.36.153.4/30' } }), pbr('wide', { priority: 100, filter: { destRange: '199.36.0.0/16' } })];
    const segments = policyRouteSegments(routes, parseCidr('199.36.153.4/30'), sender);
    expect(segments.map((s) => [formatRange(s.range), s.route?.name])).toEqual([['199.36.153.4/30', 'wide']]);
  });

  it('splits a destination where the routes\' ranges end, and leaves the rest to the route table', () => {
    const segments = policyRouteSegments([pbr('one', { filter: { destRange: '199.36.153.6/31' } })], parseCidr('199.36.153.4/30'), sender);
    expect(segments.map((s) => [formatRange(s.range), s.route?.name])).toEqual([
      ['199.36.153.4/31', undefined],
      ['199.36.153.6/31', 'one'],
    ]);
  });

  it('matches protocol, source range, tags; interconnect routes never apply to VMs; IPv6 routes not to IPv4', () => {
    const dest = parseCidr('8.8.8.8/32');
    const applies = (r: PolicyBasedRoute) => policyRouteSegments([r], dest, sender)[0].route !== undefined;
    expect(applies(pbr('all'))).toBe(true);
    expect(applies(pbr('tcp', { filter: { ipProtocol: 'TCP' } }))).toBe(true);
    expect(applies(pbr('udp', { filter: { ipProtocol: 'UDP' } }))).toBe(false);
    expect(applies(pbr('src-in', { filter: { srcRange: '10.10.1.0/24' } }))).toBe(true);
    expect(applies(pbr('src-out', { filter: { srcRange: '192.168.0.0/16' } }))).toBe(false);
    expect(applies(pbr('tagged', { virtualMachineTags: ['node'] }))).toBe(true);
    expect(applies(pbr('other-tag', { virtualMachineTags: ['bastion'] }))).toBe(false);
    expect(applies(pbr('attachment', { interconnectAttachmentRegion: 'asia-northeast1' }))).toBe(false);
    expect(applies(pbr('v6', { filter: { protocolVersion: 'IPV6' } }))).toBe(false);
  });
});

describe('routing mode', () => {
  const learned = route('learned', '0.0.0.0/0', { routeType: 'BGP', learnedBy: 'r', region: 'us-central1' });
  it('a learned route applies in its router\'s region, or everywhere under GLOBAL routing; static routes everywhere', () => {
    expect(routeAppliesInRegion(learned, 'asia-northeast1', 'REGIONAL')).toBe(false);
    expect(routeAppliesInRegion(learned, 'asia-northeast1', undefined)).toBe(false);
    expect(routeAppliesInRegion(learned, 'us-central1', 'REGIONAL')).toBe(true);
    expect(routeAppliesInRegion(learned, 'asia-northeast1', 'GLOBAL')).toBe(true);
    expect(routeAppliesInRegion(route('static', '0.0.0.0/0'), 'asia-northeast1', 'REGIONAL')).toBe(true);
    expect(routerServesRegion('us-central1', 'asia-northeast1', 'GLOBAL')).toBe(true);
    expect(routerServesRegion('us-central1', 'asia-northeast1', 'REGIONAL')).toBe(false);
  });
});

describe('Cloud NAT coverage', () => {
  const primary = { kind: 'primary' } as const;
  const pods = { kind: 'secondary', rangeName: 'pods' } as const;
  it('reads each option of sourceSubnetworkIpRangesToNat and sourceIpRangesToNat', () => {
    expect(natServesRange(nat({}), SUBNET, pods)).toBe(true);
    expect(natServesRange(nat({ sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES' }), SUBNET, primary)).toBe(true);
    expect(natServesRange(nat({ sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES' }), SUBNET, pods)).toBe(false);
    const list = (sourceIpRangesToNat: string[], secondaryIpRangeNames?: string[]) =>
      nat({ sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS', subnetworks: [{ name: SUBNET, sourceIpRangesToNat, secondaryIpRangeNames }] });
    expect(natServesRange(list(['PRIMARY_IP_RANGE']), SUBNET, primary)).toBe(true);
    expect(natServesRange(list(['PRIMARY_IP_RANGE']), SUBNET, pods)).toBe(false);
    expect(natServesRange(list(['LIST_OF_SECONDARY_IP_RANGES'], ['pods']), SUBNET, pods)).toBe(true);
    expect(natServesRange(list(['LIST_OF_SECONDARY_IP_RANGES'], ['services']), SUBNET, pods)).toBe(false);
    expect(natServesRange(list(['ALL_IP_RANGES']), `${SUBNET}-other`, primary)).toBe(false);
    expect(natServesRange(nat({ type: 'PRIVATE' }), SUBNET, primary)).toBe(false);
  });

  it('serves only the subnets of its router\'s network and region', () => {
    expect(natGatewaysServing([router([nat({})])], subnet, primary)).toHaveLength(1);
    expect(natGatewaysServing([router([nat({})], 'us-central1')], subnet, primary)).toHaveLength(0);
  });
});

describe('internet egress', () => {
  const internet = [parseCidr('8.0.0.0/8')];
  const base = {
    internet,
    routes: [route('default', '0.0.0.0/0', { nextHopGateway: 'default-internet-gateway' })],
    policyRoutes: [],
    firewalls: [],
    node: { tags: ['node'], serviceAccounts: ['sa'] },
    subnetwork: subnet,
    podRangeName: 'pods',
    sources: [parseCidr('10.10.0.0/20'), parseCidr('10.20.0.0/16')],
    routers: [router([nat({})])],
    externalAccess: [],
  };

  it('is open when all three links hold, and names each', () => {
    const a = internetEgress(base);
    expect(a.open).toBe(true);
    expect(a.route.text).toContain('route default (0.0.0.0/0)');
    expect(a.firewall.text).toContain('implied egress allow rule');
    expect(a.address.text).toContain('serves the node range 10.10.0.0/20');
  });

  it('says which link is missing', () => {
    const noNat = internetEgress({ ...base, routers: [] });
    expect([noNat.open, noNat.address.holds, noNat.address.text]).toEqual([false, false, 'no NAT serves 10.10.0.0/20 or 10.20.0.0/16 and the node has no external IP']);
    const denied = internetEgress({ ...base, firewalls: [firewall('deny-all', { destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }], priority: 65534 })] });
    expect([denied.open, denied.firewall.text]).toEqual([false, 'egress firewall denies tcp:80 and tcp:443 to the internet (deny-all (priority 65534))']);
    const diverted = internetEgress({ ...base, policyRoutes: [pbr('appliance')] });
    expect([diverted.open, diverted.route.text]).toEqual([false, 'no route sends internet traffic to the default internet gateway (policy-based route appliance sends it to the internal load balancer 10.0.0.100)']);
    const passThrough = internetEgress({ ...base, policyRoutes: [pbr('default', { nextHopIlbIp: undefined, nextHopOtherRoutes: 'DEFAULT_ROUTING' })] });
    expect(passThrough.open).toBe(true);
  });

  it('asks the firewall only about the addresses the routes send to the gateway', () => {
    // 8.0.0.0/9 goes on-prem; the allow covers only that half, so nothing reaches the internet.
    const a = internetEgress({
      ...base,
      routes: [...base.routes, route('onprem', '8.0.0.0/9', { nextHopVpnTunnel: 'tunnel' })],
      firewalls: [
        firewall('allow-half', { destinationRanges: ['8.0.0.0/9'], allowed: [{ IPProtocol: 'tcp' }], priority: 100 }),
        firewall('deny-all', { destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }], priority: 65534 }),
      ],
    });
    expect(a.route.holds).toBe(true);
    expect(a.route.text).toContain('8.128.0.0/9');
    expect(a.firewall.holds).toBe(false);
  });
});
