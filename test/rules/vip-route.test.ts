import { describe, expect, it } from 'vitest';
import type { PolicyBasedRoute, Route } from '../../src/model/snapshot.js';
import { vipRoute } from '../../src/rules/vip-route.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const BETA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/beta`;
const ALPHA_TAG = 'gke-alpha-3f2a1b9c-node';
const TUNNEL = `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/asia-northeast1/vpnTunnels/onprem-tunnel-1`;

/** The compliant example with one more route on its network. */
function withRoute(extra: Partial<Route> & { name: string; destRange: string }) {
  const s = compliantSnapshot();
  const template = s.routes[0];
  s.routes.push({ ...template, nextHopGateway: undefined, ...extra, fullName: `//compute.googleapis.com/projects/${PROJECT}/global/routes/${extra.name}` });
  return s;
}

const bothPass = [
  { status: 'pass' as const, subject: ALPHA },
  { status: 'pass' as const, subject: BETA },
];

ruleTester(vipRoute, [
  {
    name: 'the compliant example passes through its /30 route',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'viaGateway', messageIncludes: ['route restricted-googleapis', '199.36.153.4/30'] },
      { status: 'pass', subject: BETA, messageId: 'viaGateway' },
    ],
  },
  {
    name: 'a route to a VPN tunnel with a lower priority number shadows the gateway route',
    snapshot: withRoute({ name: 'vip-via-onprem', destRange: '199.36.153.4/30', priority: 900, nextHopVpnTunnel: TUNNEL }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['vip-via-onprem', 'VPN tunnel onprem-tunnel-1', 'restricted-googleapis', 'lower priority number (900 < 1000)'] },
      { status: 'fail', subject: BETA, messageId: 'shadowed' },
    ],
  },
  {
    name: 'a more specific route to a VPN tunnel takes part of the VIP range',
    snapshot: withRoute({ name: 'onprem-host', destRange: '199.36.153.7/32', priority: 2000, nextHopVpnTunnel: TUNNEL }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['199.36.153.7 takes route onprem-host', 'more specific'] },
      { status: 'fail', subject: BETA, messageId: 'shadowed' },
    ],
  },
  {
    name: 'a route tied on prefix and priority splits the traffic (ECMP) and fails',
    snapshot: withRoute({ name: 'vip-ecmp', destRange: '199.36.153.4/30', priority: 1000, nextHopVpnTunnel: TUNNEL }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['ECMP'] },
      { status: 'fail', subject: BETA, messageId: 'shadowed' },
    ],
  },
  {
    name: 'a shadowing route with tags only hits the nodes carrying them',
    snapshot: withRoute({ name: 'alpha-via-onprem', destRange: '199.36.153.4/30', priority: 10, tags: [ALPHA_TAG], nextHopVpnTunnel: TUNNEL }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['node gke-alpha-default-pool-'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a shadowing route whose tags the nodes do not carry changes nothing',
    snapshot: withRoute({ name: 'bastion-via-onprem', destRange: '199.36.153.4/30', priority: 10, tags: ['bastion'], nextHopVpnTunnel: TUNNEL }),
    expect: bothPass,
  },
  {
    name: 'the gateway route restricted to tags the nodes lack leaves them without a route, and says why',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routes[0].tags = ['bastion'];
      return s;
    })(),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'noRoute', messageIncludes: ['applies only to tags bastion'] },
      { status: 'fail', subject: BETA, messageId: 'noRoute' },
    ],
  },
  {
    name: 'a route for the private VIP does not serve a policy that chose the restricted VIP',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routes[0].destRange = '199.36.153.8/30';
      return s;
    })(),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'noRoute', messageIncludes: ['restricted.googleapis.com', '199.36.153.4/30'] },
      { status: 'fail', subject: BETA, messageId: 'noRoute' },
    ],
  },
  {
    name: 'the same route passes when the policy chooses the private VIP',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routes[0].destRange = '199.36.153.8/30';
      return s;
    })(),
    params: { vip: 'private' },
    expect: bothPass,
  },
  {
    name: 'a default route to the internet gateway also carries the VIP, and the message names it',
    snapshot: (() => {
      const s = withRoute({ name: 'default-internet', destRange: '0.0.0.0/0', nextHopGateway: 'https://www.googleapis.com/compute/v1/projects/acme-prod-platform/global/gateways/default-internet-gateway' });
      s.routes.splice(0, 1);
      return s;
    })(),
    expect: [
      { status: 'pass', subject: ALPHA, messageIncludes: ['route default-internet'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a dual-stack node subnet needs the IPv6 VIP routed too',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.subnetworks[0].ipv6CidrRange = '2600:1900:4000:1::/64';
      return s;
    })(),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'noRoute', messageIncludes: ['2600:2d00:2:1000::/64'] },
      { status: 'fail', subject: BETA, messageId: 'noRoute' },
    ],
  },
  {
    name: 'a dual-stack node subnet with an IPv6 VIP route passes',
    snapshot: (() => {
      const s = withRoute({ name: 'restricted-googleapis-v6', destRange: '2600:2d00:2:1000::/64', nextHopGateway: 'default-internet-gateway' });
      s.subnetworks[0].ipv6CidrRange = '2600:1900:4000:1::/64';
      return s;
    })(),
    expect: bothPass,
  },
  {
    name: 'a route whose destination is unknown until apply leaves the clusters not evaluated',
    snapshot: (() => {
      const s = withRoute({ name: 'planned', destRange: '0.0.0.0/0', nextHopVpnTunnel: TUNNEL, unknown: ['destRange'] });
      return s;
    })(),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['destRange of route planned'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unknown' },
    ],
  },
  {
    name: 'an unknown next hop on a route that cannot reach the VIP does not matter',
    snapshot: withRoute({ name: 'to-onprem', destRange: '10.100.0.0/16', unknown: ['nextHopVpnTunnel'] }),
    expect: bothPass,
  },
  {
    name: 'a Shared VPC network outside the snapshot leaves the cluster not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[0].network = '//compute.googleapis.com/projects/acme-host/global/networks/shared';
      return s;
    })(),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'notCovered', messageIncludes: ['routes of project acme-host (project acme-host is not in the input)'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a Shared VPC host that was read but holds no such network: the network itself is named as missing',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[0].network = '//compute.googleapis.com/projects/acme-host/global/networks/shared';
      s.projects.push({ projectId: 'acme-host', includedAs: 'shared-vpc-host' });
      for (const collection of ['networks', 'subnetworks', 'routes', 'firewalls'] as const) s.coverage.push({ project: 'acme-host', collection, state: 'read' });
      return s;
    })(),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'networkMissing', messageIncludes: ['projects/acme-host/global/networks/shared'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a cluster without node pools or instances is not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.instances = s.instances.filter((i) => i.clusterName !== 'beta');
      s.clusters[1].nodePools = [];
      return s;
    })(),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'not-evaluated', subject: BETA, messageId: 'noNodes' },
    ],
  },
  {
    name: 'an unreadable destRange is not evaluated, never a crash',
    snapshot: withRoute({ name: 'broken', destRange: '199.36.153.4/99', nextHopVpnTunnel: TUNNEL }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unreadable', messageIncludes: ['route broken'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unreadable' },
    ],
  },
]);

it('vip-route: routes that could not be read make every cluster of the project not evaluated, with the read error', () => {
  const s = compliantSnapshot();
  s.readErrors.push({ project: PROJECT, collection: 'routes', status: 403, message: 'compute.routes.list denied' });
  const results = runRule(vipRoute, s);
  expect(results.map((r) => r.status)).toEqual(['not-evaluated', 'not-evaluated']);
  expect(results[0].messageId).toBe('readError');
  expect(results[0].message).toContain('HTTP 403 compute.routes.list denied');
  expect(results[0].readErrors).toHaveLength(1);
});

describe('vip-route: policy-based routes, learned routes and routing mode', () => {
  const NETWORK = `//compute.googleapis.com/projects/${PROJECT}/global/networks/vpc-private`;
  const ROUTER = `//compute.googleapis.com/projects/${PROJECT}/regions/asia-northeast1/routers/onprem-vpn-router`;
  function withPolicyRoute(extra: Partial<PolicyBasedRoute>) {
    const s = compliantSnapshot();
    s.policyBasedRoutes.push({
      kind: 'policyBasedRoute',
      name: 'vip-to-firewall-appliance',
      fullName: `//networkconnectivity.googleapis.com/projects/${PROJECT}/locations/global/policyBasedRoutes/vip-to-firewall-appliance`,
      project: PROJECT,
      origin: { source: 'fixture' },
      network: NETWORK,
      priority: 10,
      filter: { ipProtocol: 'TCP', destRange: '199.36.153.4/30', protocolVersion: 'IPV4' },
      nextHopIlbIp: '10.10.15.250',
      ...extra,
    });
    return s;
  }
  function withLearned(extra: Partial<Route>) {
    const s = compliantSnapshot();
    s.routes.push({
      ...s.routes[0],
      name: 'learned 199.36.153.4/30',
      fullName: `${ROUTER}/learnedRoutes/199.36.153.4/30`,
      destRange: '199.36.153.4/30',
      priority: 100,
      nextHopGateway: undefined,
      nextHopIp: '169.254.0.2',
      routeType: 'BGP',
      learnedBy: ROUTER,
      region: 'asia-northeast1',
      ...extra,
    });
    return s;
  }

  it('a policy-based route taking the VIP traffic to an internal load balancer fails, naming it', () => {
    const results = runRule(vipRoute, withPolicyRoute({}));
    expect(results.map((r) => [r.status, r.messageId])).toEqual([
      ['fail', 'policyRoute'],
      ['fail', 'policyRoute'],
    ]);
    expect(results[0].message).toContain('policy-based route vip-to-firewall-appliance (priority 10) to the internal load balancer 10.10.15.250');
  });

  it('a policy-based route with DEFAULT_ROUTING passes the traffic on to the route table', () => {
    const results = runRule(vipRoute, withPolicyRoute({ nextHopIlbIp: undefined, nextHopOtherRoutes: 'DEFAULT_ROUTING' }));
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('DEFAULT_ROUTING at a lower priority number shields the VIP from a diverting route', () => {
    const s = withPolicyRoute({ priority: 500 });
    s.policyBasedRoutes.push({ ...s.policyBasedRoutes[0], name: 'vip-default', fullName: `${s.policyBasedRoutes[0].fullName}-default`, priority: 5, nextHopIlbIp: undefined, nextHopOtherRoutes: 'DEFAULT_ROUTING' });
    expect(runRule(vipRoute, s).map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('a policy-based route for UDP, for other tags or for other sources does not touch the nodes\' tcp:443', () => {
    for (const extra of [
      { filter: { ipProtocol: 'UDP', destRange: '199.36.153.4/30' } },
      { virtualMachineTags: ['bastion'] },
      { filter: { ipProtocol: 'ALL', srcRange: '192.168.0.0/24', destRange: '199.36.153.4/30' } },
      { interconnectAttachmentRegion: 'asia-northeast1' },
    ]) {
      expect(runRule(vipRoute, withPolicyRoute(extra)).map((r) => r.status)).toEqual(['pass', 'pass']);
    }
  });

  it('a learned route shadowing the VIP route is seen', () => {
    const results = runRule(vipRoute, withLearned({}));
    expect(results.map((r) => r.messageId)).toEqual(['shadowed', 'shadowed']);
    expect(results[0].message).toContain('(learned by Cloud Router onprem-vpn-router)');
  });

  it('a learned route from another region applies only under GLOBAL routing', () => {
    const elsewhere = { region: 'us-central1', learnedBy: ROUTER.replace('asia-northeast1', 'us-central1') };
    expect(runRule(vipRoute, withLearned(elsewhere)).map((r) => r.status)).toEqual(['pass', 'pass']);
    const global = withLearned(elsewhere);
    global.networks[0].routingMode = 'GLOBAL';
    expect(runRule(vipRoute, global).map((r) => r.status)).toEqual(['fail', 'fail']);
  });

  it('learned routes not read, with a BGP router in the region: not evaluated, saying so', () => {
    const s = compliantSnapshot();
    s.coverage = s.coverage.filter((c) => c.collection !== 'dynamicRoutes');
    const results = runRule(vipRoute, s);
    expect(results.map((r) => r.status)).toEqual(['not-evaluated', 'not-evaluated']);
    expect(results[0].message).toContain('dynamic routes learned by Cloud Routers (Cloud Router onprem-vpn-router) of project acme-prod-platform were not read (not in the input)');
  });

  it('learned routes not read but no BGP router serves the region: the static verdict stands', () => {
    const s = compliantSnapshot();
    s.coverage = s.coverage.filter((c) => c.collection !== 'dynamicRoutes');
    s.routers = [];
    expect(runRule(vipRoute, s).map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('a failure needs nothing more: a shadowing static route fails even with learned routes unread', () => {
    const s = withRoute({ name: 'vip-via-onprem', destRange: '199.36.153.4/30', priority: 900, nextHopVpnTunnel: TUNNEL });
    s.coverage = s.coverage.filter((c) => c.collection !== 'dynamicRoutes' && c.collection !== 'policyBasedRoutes');
    expect(runRule(vipRoute, s).map((r) => r.status)).toEqual(['fail', 'fail']);
  });
});
