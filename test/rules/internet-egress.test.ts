import type { PolicyBasedRoute, RouterNat, Snapshot } from '../../src/model/snapshot.js';
import { internetEgressRule } from '../../src/rules/internet-egress.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const BETA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/beta`;
const NETWORK = `//compute.googleapis.com/projects/${PROJECT}/global/networks/vpc-private`;
const NODE_SUBNET = `//compute.googleapis.com/projects/${PROJECT}/regions/asia-northeast1/subnetworks/gke-nodes`;
const OTHER_SUBNET = `//compute.googleapis.com/projects/${PROJECT}/regions/asia-northeast1/subnetworks/bastion`;

/** The compliant example plus a default route to the internet gateway (Google creates one with every network). */
function withDefaultRoute(): Snapshot {
  const s = compliantSnapshot();
  s.routes.push({ ...s.routes[0], name: 'default-internet', fullName: `//compute.googleapis.com/projects/${PROJECT}/global/routes/default-internet`, destRange: '0.0.0.0/0' });
  return s;
}

function withoutDeny(s: Snapshot): Snapshot {
  s.firewalls = s.firewalls.filter((f) => f.name !== 'deny-egress-all');
  return s;
}

function withNat(s: Snapshot, nat: Partial<RouterNat>, region = 'asia-northeast1'): Snapshot {
  const router = { ...s.routers[0], name: 'nat-router', fullName: `//compute.googleapis.com/projects/${PROJECT}/regions/${region}/routers/nat-router`, region, bgpPeers: [], interfaces: [], bgp: undefined };
  router.nats = [{ name: 'nat-1', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES', subnetworks: [], ...nat }];
  s.routers.push(router);
  return s;
}

function withPolicyRoute(s: Snapshot, extra: Partial<PolicyBasedRoute>): Snapshot {
  s.policyBasedRoutes.push({
    kind: 'policyBasedRoute',
    name: 'to-appliance',
    fullName: `//networkconnectivity.googleapis.com/projects/${PROJECT}/locations/global/policyBasedRoutes/to-appliance`,
    project: PROJECT,
    origin: { source: 'fixture' },
    network: NETWORK,
    priority: 100,
    filter: { ipProtocol: 'ALL', protocolVersion: 'IPV4' },
    nextHopIlbIp: '10.10.0.100',
    ...extra,
  });
  return s;
}

const both = (status: 'pass' | 'fail' | 'not-evaluated', messageId: string, messageIncludes: string[] = []) => [
  { status, subject: ALPHA, messageId, messageIncludes },
  { status, subject: BETA, messageId },
];

ruleTester(internetEgressRule, [
  {
    name: 'the compliant example: no route to the gateway, the deny, no NAT and no external IP',
    snapshot: compliantSnapshot(),
    expect: both('pass', 'closed', ['no route sends internet traffic to the default internet gateway', 'deny-egress-all', 'no NAT serves 10.10.0.0/20 or 10.20.0.0/16 and the node has no external IP']),
  },
  {
    name: 'a NAT for all ranges with the default route and no deny opens the path',
    snapshot: withNat(withoutDeny(withDefaultRoute()), {}),
    expect: both('fail', 'open', ['route default-internet (0.0.0.0/0)', 'implied egress allow', 'Cloud NAT nat-1 on router nat-router (ALL_SUBNETWORKS_ALL_IP_RANGES) serves the node range 10.10.0.0/20']),
  },
  {
    name: 'the egress deny closes the path even with a NAT serving every range',
    snapshot: withNat(withDefaultRoute(), {}),
    expect: both('pass', 'closed', ['egress firewall denies tcp:80 and tcp:443 to the internet (deny-egress-all (priority 65534))']),
  },
  {
    name: 'a NAT that serves only another subnet leaves the nodes without an address',
    snapshot: withNat(withoutDeny(withDefaultRoute()), { sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS', subnetworks: [{ name: OTHER_SUBNET, sourceIpRangesToNat: ['ALL_IP_RANGES'] }] }),
    expect: both('pass', 'closed', ['no NAT serves 10.10.0.0/20 or 10.20.0.0/16 and the node has no external IP']),
  },
  {
    name: 'a NAT listing the node subnet (primary range) serves the nodes',
    snapshot: withNat(withoutDeny(withDefaultRoute()), {
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
      subnetworks: [{ name: OTHER_SUBNET, sourceIpRangesToNat: ['ALL_IP_RANGES'] }, { name: NODE_SUBNET, sourceIpRangesToNat: ['PRIMARY_IP_RANGE'] }],
    }),
    expect: both('fail', 'open', ['serves the node range 10.10.0.0/20']),
  },
  {
    name: 'a NAT listing only the pod secondary range serves the pods',
    snapshot: withNat(withoutDeny(withDefaultRoute()), {
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
      subnetworks: [{ name: NODE_SUBNET, sourceIpRangesToNat: ['LIST_OF_SECONDARY_IP_RANGES'], secondaryIpRangeNames: ['pods'] }],
    }),
    expect: both('fail', 'open', ['serves the pod range 10.20.0.0/16']),
  },
  {
    name: 'a NAT listing only the services range serves neither nodes nor pods',
    snapshot: withNat(withoutDeny(withDefaultRoute()), {
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
      subnetworks: [{ name: NODE_SUBNET, sourceIpRangesToNat: ['LIST_OF_SECONDARY_IP_RANGES'], secondaryIpRangeNames: ['services'] }],
    }),
    expect: both('pass', 'closed', ['no NAT serves']),
  },
  {
    name: 'primary-ranges-only NAT serves the nodes',
    snapshot: withNat(withoutDeny(withDefaultRoute()), { sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES' }),
    expect: both('fail', 'open', ['serves the node range 10.10.0.0/20']),
  },
  {
    name: 'a NAT in another region serves no subnet of this one',
    snapshot: withNat(withoutDeny(withDefaultRoute()), {}, 'us-central1'),
    expect: both('pass', 'closed', ['no NAT serves']),
  },
  {
    name: 'a PRIVATE NAT (between VPC networks) is no way to the internet',
    snapshot: withNat(withoutDeny(withDefaultRoute()), { type: 'PRIVATE' }),
    expect: both('pass', 'closed', ['no NAT serves']),
  },
  {
    name: 'an external IP on a node with the egress deny in place stays closed',
    snapshot: (() => {
      const s = withDefaultRoute();
      s.instances[0].networkInterfaces[0].accessConfigs = [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT', natIP: '34.84.1.2' }];
      return s;
    })(),
    expect: both('pass', 'closed', ['deny-egress-all']),
  },
  {
    name: 'an external IP on a node without the deny opens that node',
    snapshot: (() => {
      const s = withoutDeny(withDefaultRoute());
      s.instances[0].networkInterfaces[0].accessConfigs = [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT', natIP: '34.84.1.2' }];
      return s;
    })(),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'open', messageIncludes: ['node gke-alpha-default-pool-0f94de4e-q34p', 'external IP (nic0 natIP 34.84.1.2)'] },
      { status: 'pass', subject: BETA, messageId: 'closed' },
    ],
  },
  {
    name: 'an allow to a public proxy range is not internet egress',
    params: { proxyRanges: ['203.0.113.10/32'] },
    snapshot: (() => {
      const s = withNat(withDefaultRoute(), {});
      s.firewalls.push({ ...s.firewalls.find((f) => f.name === 'allow-egress-proxy')!, name: 'allow-egress-public-proxy', fullName: `//compute.googleapis.com/projects/${PROJECT}/global/firewalls/allow-egress-public-proxy`, destinationRanges: ['203.0.113.10/32'], allowed: [{ IPProtocol: 'tcp', ports: ['80', '443'] }] });
      return s;
    })(),
    expect: both('pass', 'closed', ['egress firewall denies']),
  },
  {
    name: 'the same allow is internet egress when the policy does not name the proxy',
    params: { proxyRanges: ['10.100.5.10/32'] },
    snapshot: (() => {
      const s = withNat(withDefaultRoute(), {});
      s.firewalls.push({ ...s.firewalls.find((f) => f.name === 'allow-egress-proxy')!, name: 'allow-egress-public-proxy', fullName: `//compute.googleapis.com/projects/${PROJECT}/global/firewalls/allow-egress-public-proxy`, destinationRanges: ['203.0.113.10/32'], allowed: [{ IPProtocol: 'tcp', ports: ['80', '443'] }] });
      return s;
    })(),
    expect: both('fail', 'open', ['tcp:80 to 203.0.113.10 is allowed by allow-egress-public-proxy']),
  },
  {
    name: 'a policy-based route sending all traffic to an appliance takes it away from the gateway',
    snapshot: withPolicyRoute(withNat(withoutDeny(withDefaultRoute()), {}), {}),
    expect: both('pass', 'closed', ['policy-based route to-appliance sends it to the internal load balancer 10.10.0.100']),
  },
  {
    name: 'a policy-based route with DEFAULT_ROUTING hands the traffic to the route table',
    snapshot: withPolicyRoute(withNat(withoutDeny(withDefaultRoute()), {}), { nextHopIlbIp: undefined, nextHopOtherRoutes: 'DEFAULT_ROUTING' }),
    expect: both('fail', 'open'),
  },
  {
    name: 'a policy-based route for other VMs\' tags does not apply to the nodes',
    snapshot: withPolicyRoute(withNat(withoutDeny(withDefaultRoute()), {}), { virtualMachineTags: ['bastion'] }),
    expect: both('fail', 'open'),
  },
  {
    name: 'a policy-based route for interconnect attachments does not apply to VMs',
    snapshot: withPolicyRoute(withNat(withoutDeny(withDefaultRoute()), {}), { interconnectAttachmentRegion: 'asia-northeast1' }),
    expect: both('fail', 'open'),
  },
  {
    name: 'routers not read: not evaluated, naming them',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.coverage = s.coverage.filter((c) => c.collection !== 'routers');
      return s;
    })(),
    expect: both('not-evaluated', 'notRead', ['Cloud Routers of project acme-prod-platform were not read (not in the input)']),
  },
  {
    name: 'an open path with learned routes not read still fails, and says what it could not see',
    snapshot: (() => {
      const s = withNat(withoutDeny(withDefaultRoute()), {});
      s.coverage = s.coverage.filter((c) => c.collection !== 'dynamicRoutes');
      return s;
    })(),
    expect: both('fail', 'open', ['The dynamic routes learned by Cloud Routers of project acme-prod-platform were not read (not in the input)']),
  },
  {
    name: 'a closed path with learned routes not read still passes (no learned route opens one)',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.coverage = s.coverage.filter((c) => c.collection !== 'dynamicRoutes' && c.collection !== 'policyBasedRoutes');
      return s;
    })(),
    expect: both('pass', 'closed'),
  },
  {
    name: 'a learned default route from on-prem takes internet traffic to the VPN',
    snapshot: (() => {
      const s = withNat(withoutDeny(withDefaultRoute()), {});
      s.routes.push({
        ...s.routes[0],
        name: 'learned-0.0.0.0/0',
        fullName: `${s.routers[0].fullName}/learnedRoutes/0.0.0.0/0`,
        destRange: '0.0.0.0/0',
        priority: 100,
        nextHopGateway: undefined,
        nextHopIp: '169.254.0.2',
        routeType: 'BGP',
        learnedBy: s.routers[0].fullName,
        region: 'asia-northeast1',
      });
      return s;
    })(),
    expect: both('pass', 'closed', ['learned-0.0.0.0/0']),
  },
  {
    name: 'a learned default route in another region does not apply under REGIONAL routing',
    snapshot: (() => {
      const s = withNat(withoutDeny(withDefaultRoute()), {});
      s.routes.push({ ...s.routes[0], name: 'learned-default', fullName: 'x/learned', destRange: '0.0.0.0/0', priority: 100, nextHopGateway: undefined, nextHopIp: '169.254.9.2', routeType: 'BGP', learnedBy: 'r', region: 'us-central1' });
      return s;
    })(),
    expect: both('fail', 'open'),
  },
  {
    name: 'but it does under GLOBAL routing',
    snapshot: (() => {
      const s = withNat(withoutDeny(withDefaultRoute()), {});
      s.networks[0].routingMode = 'GLOBAL';
      s.routes.push({ ...s.routes[0], name: 'learned-default', fullName: 'x/learned', destRange: '0.0.0.0/0', priority: 100, nextHopGateway: undefined, nextHopIp: '169.254.9.2', routeType: 'BGP', learnedBy: 'r', region: 'us-central1' });
      return s;
    })(),
    expect: both('pass', 'closed'),
  },
]);
