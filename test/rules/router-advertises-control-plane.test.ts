import { describe, expect, it } from 'vitest';
import { routerAdvertisesControlPlane } from '../../src/rules/router-advertises-control-plane.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';

const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';
const ROUTER = '//compute.googleapis.com/projects/acme-prod-platform/regions/asia-northeast1/routers/onprem-vpn-router';

ruleTester(routerAdvertisesControlPlane, [
  {
    name: 'the compliant example passes for the peering cluster (custom /28) and the PSC cluster (ALL_SUBNETS)',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageIncludes: ['control-plane range 172.16.0.0/28'] },
      { status: 'pass', subject: BETA, messageIncludes: ['private endpoint 10.10.0.2'] },
    ],
  },
  {
    name: 'dropping ALL_SUBNETS keeps the peering cluster advertised but cuts off the PSC endpoint',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].bgp!.advertisedGroups = [];
      return s;
    })(),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'fail', subject: BETA, messageId: 'notAdvertised', messageIncludes: ['CUSTOM on the router: 172.16.0.0/28, 199.36.153.4/30'] },
    ],
  },
  {
    name: 'a peer in DEFAULT mode inherits the router\'s custom advertisement',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].bgpPeers[0].advertiseMode = 'DEFAULT';
      s.routers[0].bgpPeers[0].advertisedIpRanges = [];
      return s;
    })(),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a PSC endpoint in a subnet of another network is not advertised by ALL_SUBNETS',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[1].controlPlaneEndpointsConfig!.ipEndpointsConfig!.privateEndpoint = '10.200.0.2';
      s.clusters.shift();
      return s;
    })(),
    expect: [{ status: 'fail', subject: BETA, messageId: 'notAdvertised', messageIncludes: ['10.200.0.2'] }],
  },
  {
    name: 'a legacy-field PSC cluster (privateClusterConfig.privateEndpoint, no peering) is judged by that address',
    snapshot: (() => {
      const s = compliantSnapshot();
      delete s.clusters[1].controlPlaneEndpointsConfig;
      s.clusters[1].privateClusterConfig = { enablePrivateNodes: true, enablePrivateEndpoint: true, privateEndpoint: '10.10.0.3' };
      s.clusters.shift();
      return s;
    })(),
    expect: [{ status: 'pass', subject: BETA, messageIncludes: ['private endpoint 10.10.0.3'] }],
  },
  {
    name: 'a disabled peer is not the VPN: with no other peer the router does not count',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].bgpPeers[0].enable = 'FALSE';
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'noRouter', messageIncludes: ['asia-northeast1'] }],
  },
  {
    name: 'a disabled peer that advertises nothing does not fail an otherwise good router',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].bgpPeers.push({ name: 'old-peer', advertiseMode: 'CUSTOM', advertisedIpRanges: [], enable: 'FALSE' });
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'pass', subject: ALPHA }],
  },
  {
    name: 'every router with peers in the region must advertise it: a second router in DEFAULT fails, named',
    snapshot: (() => {
      const s = compliantSnapshot();
      const second = structuredClone(s.routers[0]);
      second.name = 'onprem-vpn-router-2';
      second.fullName = ROUTER.replace('onprem-vpn-router', 'onprem-vpn-router-2');
      second.bgp = { asn: 64515, advertiseMode: 'DEFAULT' };
      second.bgpPeers[0].name = 'onprem-peer-b';
      s.routers.push(second);
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageIncludes: ['router onprem-vpn-router-2 peer onprem-peer-b (DEFAULT mode: subnets only)'] }],
  },
  {
    name: 'an advertised range unknown until apply is not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].unknown = ['bgp.advertisedIpRanges'];
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['bgp.advertisedIpRanges', ROUTER] }],
  },
  {
    name: 'a peer\'s mode unknown until apply is not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].unknown = ['bgpPeers.0.advertiseMode'];
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'unknown' }],
  },
  {
    name: 'a router whose peers are unknown until apply is not mistaken for a router without peers',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].bgpPeers = [];
      s.routers[0].unknown = ['bgpPeers'];
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'unknown' }],
  },
  {
    name: 'an unknown next to a definite gap is still a fail',
    snapshot: (() => {
      const s = compliantSnapshot();
      const second = structuredClone(s.routers[0]);
      second.name = 'pending';
      second.fullName = ROUTER.replace('onprem-vpn-router', 'pending');
      second.unknown = ['bgpPeers'];
      s.routers.push(second);
      s.routers[0].bgp = { asn: 64514, advertiseMode: 'DEFAULT' };
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'notAdvertised' }],
  },
  {
    name: 'a PSC endpoint that only ALL_SUBNETS could cover, with the subnetworks unreadable, is not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.subnetworks = [];
      s.readErrors.push({ project: 'acme-prod-platform', collection: 'subnetworks', status: 500, message: 'backend error' });
      s.clusters.shift();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: BETA, messageId: 'readError', messageIncludes: ['subnetworks of project acme-prod-platform', 'HTTP 500'] }],
  },
  {
    name: 'unreadable subnetworks do not matter for a peering cluster: its range is never in a subnet',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.routers[0].bgp = { asn: 64514, advertiseMode: 'DEFAULT' };
      s.subnetworks = [];
      s.readErrors.push({ project: 'acme-prod-platform', collection: 'subnetworks', status: 500, message: 'backend error' });
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'notAdvertised', messageIncludes: ['DEFAULT mode: subnets only'] }],
  },
  {
    name: 'a peering cluster without masterIpv4CidrBlock in the snapshot is not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      delete s.clusters[0].privateClusterConfig!.masterIpv4CidrBlock;
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'noTarget', messageIncludes: ['masterIpv4CidrBlock is not in the snapshot'] }],
  },
  {
    name: 'a public cluster with neither a peering nor a private endpoint has no private control plane to advertise',
    snapshot: (() => {
      const s = compliantSnapshot();
      delete s.clusters[1].controlPlaneEndpointsConfig;
      s.clusters.shift();
      return s;
    })(),
    expect: [{ status: 'not-applicable', subject: BETA, messageId: 'noPrivateEndpoint' }],
  },
  {
    name: 'a PSC endpoint unknown until apply is not evaluated, not taken for a public cluster',
    snapshot: (() => {
      const s = compliantSnapshot();
      delete s.clusters[1].controlPlaneEndpointsConfig!.ipEndpointsConfig!.privateEndpoint;
      s.clusters[1].unknown = ['controlPlaneEndpointsConfig.ipEndpointsConfig.privateEndpoint'];
      s.clusters.shift();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: BETA, messageId: 'unknown' }],
  },
  {
    name: 'a zonal cluster uses the routers of its region',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[0].location = 'asia-northeast1-b';
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'pass', messageId: 'advertised' }],
  },
]);

describe('rule router-advertises-control-plane: what it names', () => {
  it('relates the routers it looked at and reads the read error into the result', () => {
    const s = compliantSnapshot();
    s.clusters.pop();
    const [pass] = runRule(routerAdvertisesControlPlane, s);
    expect(pass.related).toEqual([ROUTER]);

    s.readErrors.push({ project: 'acme-prod-platform', collection: 'routers', status: 403, message: 'forbidden' });
    const [notEvaluated] = runRule(routerAdvertisesControlPlane, s);
    expect(notEvaluated.status).toBe('not-evaluated');
    expect(notEvaluated.readErrors).toEqual([s.readErrors[0]]);
  });
});

describe('router-advertises-control-plane and the dynamic routing mode', () => {
  /** The compliant example with its VPN router moved to another region. */
  function routerInOtherRegion(mode?: 'GLOBAL' | 'REGIONAL') {
    const s = compliantSnapshot();
    s.clusters.pop();
    s.routers[0].region = 'asia-northeast2';
    s.routers[0].fullName = s.routers[0].fullName.replace('asia-northeast1', 'asia-northeast2');
    if (mode) s.networks[0].routingMode = mode;
    return s;
  }

  it('under GLOBAL routing a router in another region serves the cluster', () => {
    const [result] = runRule(routerAdvertisesControlPlane, routerInOtherRegion('GLOBAL'));
    expect(result.status).toBe('pass');
    expect(result.message).toContain('onprem-vpn-router');
  });

  it('under REGIONAL routing (and by default) only the cluster\'s region counts', () => {
    for (const mode of ['REGIONAL', undefined] as const) {
      const [result] = runRule(routerAdvertisesControlPlane, routerInOtherRegion(mode));
      expect(result.status).toBe('fail');
      expect(result.messageId).toBe('noRouter');
      expect(result.message).toContain('in region asia-northeast1');
    }
  });

  it('under GLOBAL routing a router in another region that does not advertise the range fails, named', () => {
    const s = routerInOtherRegion('GLOBAL');
    s.routers[0].bgp!.advertisedIpRanges = [];
    const [result] = runRule(routerAdvertisesControlPlane, s);
    expect(result.messageId).toBe('notAdvertised');
    expect(result.message).toContain('router onprem-vpn-router peer onprem-peer-0');
  });

  it('no router anywhere under GLOBAL routing says so', () => {
    const s = routerInOtherRegion('GLOBAL');
    s.routers = [];
    const [result] = runRule(routerAdvertisesControlPlane, s);
    expect(result.message).toContain('in any region (the network\'s dynamic routing mode is GLOBAL)');
  });

  it('the network missing and the only router elsewhere: the routing mode decides, so not evaluated', () => {
    const s = routerInOtherRegion();
    s.networks = [];
    const [result] = runRule(routerAdvertisesControlPlane, s);
    expect(result.status).toBe('not-evaluated');
    expect(result.messageId).toBe('modeNotKnown');
    expect(result.message).toContain('routers in asia-northeast2 would serve it');
  });
});
