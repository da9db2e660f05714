import { describe, expect, it } from 'vitest';
import { formatRange } from '../../src/network/cidr.js';
import { describeNextHop, effectiveRoute, effectiveRoutes, isInternetGatewayRoute, routeDefect } from '../../src/network/routes.js';
import { route } from './build.js';

const IGW = { nextHopGateway: 'default-internet-gateway' };
const names = (rs: { name: string }[]) => rs.map((r) => r.name).sort();

describe('effectiveRoute', () => {
  it('prefers the longest prefix even over a lower priority number', () => {
    const routes = [
      route('default', '0.0.0.0/0', { ...IGW, priority: 0 }),
      route('vip', '199.36.153.4/30', { ...IGW, priority: 1000 }),
    ];
    const r = effectiveRoute(routes, '199.36.153.5', []);
    expect(names(r.winners)).toEqual(['vip']);
    expect(names(r.beaten)).toEqual(['default']);
  });

  it('breaks a prefix tie on the lowest priority number', () => {
    const routes = [
      route('vip', '199.36.153.4/30', { ...IGW, priority: 1000 }),
      route('vip-vpn', '199.36.153.4/30', { nextHopVpnTunnel: 'projects/p/regions/r/vpnTunnels/tun-1', priority: 900 }),
    ];
    const r = effectiveRoute(routes, '199.36.153.4', []);
    expect(names(r.winners)).toEqual(['vip-vpn']);
    expect(names(r.beaten)).toEqual(['vip']);
    expect(describeNextHop(r.winners[0])).toBe('VPN tunnel tun-1');
  });

  it('keeps routes tied on prefix and priority together (ECMP)', () => {
    const routes = [route('a', '10.0.0.0/8', IGW), route('b', '10.0.0.0/8', { nextHopIp: '10.1.1.1' })];
    expect(names(effectiveRoute(routes, '10.2.3.4', []).winners)).toEqual(['a', 'b']);
  });

  it('ignores routes whose tags the instance does not carry', () => {
    const routes = [
      route('default', '0.0.0.0/0', IGW),
      route('tagged-vpn', '199.36.153.4/30', { nextHopVpnTunnel: 'tun', tags: ['onprem-egress'] }),
    ];
    expect(names(effectiveRoute(routes, '199.36.153.4', ['gke-node']).winners)).toEqual(['default']);
    expect(names(effectiveRoute(routes, '199.36.153.4', ['gke-node', 'onprem-egress']).winners)).toEqual(['tagged-vpn']);
  });

  it('reports no route when none covers the destination', () => {
    const r = effectiveRoute([route('onprem', '10.100.0.0/16', { nextHopVpnTunnel: 'tun' })], '199.36.153.4', []);
    expect(r.winners).toEqual([]);
    expect(r.beaten).toEqual([]);
  });

  it('does not mix address families', () => {
    const routes = [route('v4-default', '0.0.0.0/0', IGW)];
    expect(effectiveRoute(routes, '2600:2d00:2:1000::1', []).winners).toEqual([]);
  });
});

describe('effectiveRoutes over a range', () => {
  it('answers for the whole VIP /30 at once when one route covers it', () => {
    const segs = effectiveRoutes([route('vip', '199.36.153.4/30', IGW), route('default', '0.0.0.0/0', IGW)], '199.36.153.4/30', []);
    expect(segs).toHaveLength(1);
    expect(formatRange(segs[0].range)).toBe('199.36.153.4/30');
    expect(names(segs[0].winners)).toEqual(['vip']);
  });

  it('splits the range where a more specific route covers part of it', () => {
    const routes = [
      route('vip', '199.36.153.4/30', IGW),
      route('to-onprem', '199.36.153.6/31', { nextHopVpnTunnel: 'projects/p/regions/r/vpnTunnels/tun-1' }),
    ];
    const segs = effectiveRoutes(routes, '199.36.153.4/30', []);
    expect(segs.map((s) => [formatRange(s.range), names(s.winners)])).toEqual([
      ['199.36.153.4/31', ['vip']],
      ['199.36.153.6/31', ['to-onprem']],
    ]);
    expect(names(segs[1].beaten)).toEqual(['vip']);
  });

  it('leaves the uncovered part of a range without a route', () => {
    const segs = effectiveRoutes([route('half', '199.36.153.4/31', IGW)], '199.36.153.4/30', []);
    expect(segs.map((s) => [formatRange(s.range), s.winners.length])).toEqual([
      ['199.36.153.4/31', 1],
      ['199.36.153.6/31', 0],
    ]);
  });

  it('joins pieces with the same answer back together', () => {
    const routes = [route('a', '199.36.153.4/31', IGW), route('b', '199.36.153.6/31', IGW), route('wide', '199.36.153.0/24', IGW)];
    // Two different winners: two segments, even though both go to the gateway.
    expect(effectiveRoutes(routes, '199.36.153.4/30', [])).toHaveLength(2);
    // A route inside a segment boundary but outside the target does not cut it.
    expect(effectiveRoutes([route('wide', '199.36.153.0/24', IGW), route('other', '199.36.153.64/26', IGW)], '199.36.153.4/30', [])).toHaveLength(1);
  });

  it('handles IPv6 ranges, longest prefix first', () => {
    const routes = [
      route('v6-default', '::/0', IGW),
      route('v6-vip-vpn', '2600:2d00:2:1000::/80', { nextHopVpnTunnel: 'tun' }),
    ];
    const segs = effectiveRoutes(routes, '2600:2d00:2:1000::/64', []);
    expect(segs).toHaveLength(2);
    expect(formatRange(segs[0].range)).toBe('2600:2d00:2:1000::/80');
    expect(names(segs[0].winners)).toEqual(['v6-vip-vpn']);
    expect(names(segs[1].winners)).toEqual(['v6-default']);
  });
});

describe('route helpers', () => {
  it('recognizes the default internet gateway in every spelling', () => {
    for (const g of ['default-internet-gateway', 'projects/p/global/gateways/default-internet-gateway', 'https://www.googleapis.com/compute/v1/projects/p/global/gateways/default-internet-gateway']) {
      expect(isInternetGatewayRoute(route('r', '0.0.0.0/0', { nextHopGateway: g }))).toBe(true);
    }
    expect(isInternetGatewayRoute(route('r', '0.0.0.0/0', { nextHopIp: '10.0.0.1' }))).toBe(false);
  });

  it('names a destRange it cannot read', () => {
    expect(routeDefect(route('bad', '199.36.153.4/33'))).toContain('destRange');
    expect(routeDefect(route('good', '199.36.153.4/30'))).toBeUndefined();
  });
});
