import { describe, expect, it } from 'vitest';
import { entryFromAsset, SnapshotBuilder, ASSET_TYPES } from '../../../src/collectors/rest/assets.js';
import { normalizeCluster, normalizeFirewall, normalizeInstance, normalizeLearnedRoute, normalizeNetwork, normalizeRoute, normalizeRouter } from '../../../src/collectors/rest/normalize.js';

const base = { source: 'api' as const };

describe('REST normalizers', () => {
  it('keeps the private-cluster fields of a cluster and drops masterAuth and every other unknown field', () => {
    const c = normalizeCluster(
      {
        name: 'alpha',
        id: '3f2a1b9c4d5e6f7a8b9c0d1e2f3a4b5c',
        location: 'asia-northeast1',
        selfLink: 'https://container.googleapis.com/v1/projects/p1/locations/asia-northeast1/clusters/alpha',
        network: 'vpc',
        subnetwork: 'nodes',
        networkConfig: { network: 'projects/host/global/networks/shared', subnetwork: 'projects/host/regions/asia-northeast1/subnetworks/nodes' },
        masterAuth: { clusterCaCertificate: 'LS0tLS1CRUdJTi...', clientKey: 'c2VjcmV0', password: 'hunter2' },
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, peeringName: '', masterIpv4CidrBlock: '172.16.0.0/28' },
        nodePools: [{ name: 'p', config: { tags: ['a'], serviceAccount: 'sa@p1.iam.gserviceaccount.com', metadata: { 'kube-env': 'SECRET' } } }],
      },
      'fallback',
      base,
    );
    expect(c.fullName).toBe('//container.googleapis.com/projects/p1/locations/asia-northeast1/clusters/alpha');
    expect(c.network).toBe('//compute.googleapis.com/projects/host/global/networks/shared');
    expect(c.subnetwork).toBe('//compute.googleapis.com/projects/host/regions/asia-northeast1/subnetworks/nodes');
    expect(c.nodeTag).toBe('gke-alpha-3f2a1b9c-node');
    expect(c.privateClusterConfig).toEqual({ enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: '172.16.0.0/28' });
    const text = JSON.stringify(c);
    for (const secret of ['hunter2', 'c2VjcmV0', 'LS0tLS1CRUdJTi', 'SECRET', 'masterAuth']) expect(text).not.toContain(secret);
  });

  it('reads only cluster-name from instance metadata', () => {
    const i = normalizeInstance(
      {
        name: 'gke-alpha-pool-1',
        zone: 'https://www.googleapis.com/compute/v1/projects/p1/zones/asia-northeast1-a',
        tags: { items: ['gke-alpha-3f2a1b9c-node'] },
        labels: { 'goog-gke-node': '' },
        metadata: { items: [{ key: 'cluster-name', value: 'alpha' }, { key: 'kube-env', value: 'KUBELET_KEY: secret' }, { key: 'ssh-keys', value: 'root:ssh-rsa AAA' }] },
        networkInterfaces: [{ network: 'https://www.googleapis.com/compute/v1/projects/p1/global/networks/vpc', accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT', natIP: '34.1.2.3' }] }],
        serviceAccounts: [{ email: 'sa@p1.iam.gserviceaccount.com', scopes: [] }],
      },
      'p1',
      base,
    );
    expect(i.clusterName).toBe('alpha');
    expect(i.networkInterfaces[0].accessConfigs[0].natIP).toBe('34.1.2.3');
    expect(JSON.stringify(i)).not.toMatch(/KUBELET_KEY|ssh-rsa/);
  });

  it('normalizes every form of the default internet gateway and firewall protocol casing', () => {
    for (const gw of ['https://www.googleapis.com/compute/v1/projects/p/global/gateways/default-internet-gateway', 'projects/p/global/gateways/default-internet-gateway', 'default-internet-gateway']) {
      expect(normalizeRoute({ name: 'r', network: 'global/networks/vpc', destRange: '199.36.153.4/30', nextHopGateway: gw }, 'p', base).nextHopGateway).toBe('default-internet-gateway');
    }
    const fw = normalizeFirewall({ name: 'f', network: 'vpc', direction: 'EGRESS', allowed: [{ ipProtocol: 'TCP', ports: ['443'] }] }, 'p', base);
    expect(fw.allowed).toEqual([{ IPProtocol: 'tcp', ports: ['443'] }]);
    expect(fw.priority).toBe(1000);
    expect(fw.network).toBe('//compute.googleapis.com/projects/p/global/networks/vpc');
  });

  it('attaches record-set assets to their zones and leaves zones without a source of record sets unread', () => {
    const b = new SnapshotBuilder({ kind: 'assets', projects: [] });
    b.addEntry(entryFromAsset({ name: '//dns.googleapis.com/projects/p/managedZones/z', assetType: ASSET_TYPES.managedZone, resource: { data: { name: 'z', dnsName: 'googleapis.com.', visibility: 'private' } } }, base));
    b.addEntry(entryFromAsset({ name: '//dns.googleapis.com/projects/p/managedZones/z/rrsets/restricted.googleapis.com./A', assetType: ASSET_TYPES.recordSet, resource: { data: { name: 'restricted.googleapis.com.', type: 'A', rrdatas: ['199.36.153.4'] } } }, base));
    const s = b.build({ recordSetsKnown: true });
    expect(s.managedZones[0].recordSets).toEqual([{ name: 'restricted.googleapis.com.', type: 'A', rrdatas: ['199.36.153.4'] }]);
    expect(s.scope.projects).toEqual(['p']);
    const b2 = new SnapshotBuilder({ kind: 'assets', projects: [] });
    b2.addEntry(entryFromAsset({ name: '//dns.googleapis.com/projects/p/managedZones/z', assetType: ASSET_TYPES.managedZone, resource: { data: { name: 'z', dnsName: 'googleapis.com.', visibility: 'private' } } }, base));
    expect(b2.build({ recordSetsKnown: false }).managedZones[0].recordSets).toBeUndefined();
  });

  it('skips instances that are not GKE nodes', () => {
    expect(entryFromAsset({ name: '//compute.googleapis.com/projects/p/zones/z/instances/vm', assetType: ASSET_TYPES.instance, resource: { data: { name: 'vm', zone: 'z' } } }, base).kind).toBe('skipped');
  });
});

describe('REST normalizers: routing mode, Cloud NAT, learned and policy-based routes', () => {
  const COMPUTE = 'https://www.googleapis.com/compute/v1/projects/p1';

  it('reads routingConfig.routingMode, REGIONAL when the API says so, GLOBAL when set', () => {
    expect(normalizeNetwork({ name: 'vpc', routingConfig: { routingMode: 'GLOBAL' } }, 'p1', base).routingMode).toBe('GLOBAL');
    expect(normalizeNetwork({ name: 'vpc', routingConfig: { routingMode: 'REGIONAL' } }, 'p1', base).routingMode).toBe('REGIONAL');
    expect(normalizeNetwork({ name: 'vpc' }, 'p1', base).routingMode).toBeUndefined();
  });

  it('reads a router\'s NAT gateways with subnetwork references as full names', () => {
    const router = normalizeRouter(
      {
        name: 'nat-router',
        region: `${COMPUTE}/regions/asia-northeast1`,
        network: `${COMPUTE}/global/networks/vpc`,
        nats: [
          {
            name: 'nat',
            sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
            subnetworks: [{ name: `${COMPUTE}/regions/asia-northeast1/subnetworks/nodes`, sourceIpRangesToNat: ['LIST_OF_SECONDARY_IP_RANGES'], secondaryIpRangeNames: ['pods'] }],
            natIpAllocateOption: 'AUTO_ONLY',
            logConfig: { enable: false },
          },
        ],
      },
      'p1',
      base,
    );
    expect(router.nats).toEqual([
      {
        name: 'nat',
        sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
        subnetworks: [{ name: '//compute.googleapis.com/projects/p1/regions/asia-northeast1/subnetworks/nodes', sourceIpRangesToNat: ['LIST_OF_SECONDARY_IP_RANGES'], secondaryIpRangeNames: ['pods'] }],
        natIpAllocateOption: 'AUTO_ONLY',
      },
    ]);
    expect(normalizeRouter({ name: 'vpn', region: 'asia-northeast1', network: 'vpc' }, 'p1', base).nats).toBeUndefined();
  });

  it('names a learned route by its router, destination and next hop, in the router\'s region', () => {
    const router = normalizeRouter({ name: 'vpn', region: `${COMPUTE}/regions/asia-northeast1`, network: `${COMPUTE}/global/networks/vpc` }, 'p1', base);
    const learned = normalizeLearnedRoute({ destRange: '10.100.0.0/16', nextHopIp: '169.254.0.2', priority: 100, routeType: 'BGP', asPaths: [] }, router, base);
    expect(learned).toMatchObject({
      kind: 'route',
      name: 'vpn learned 10.100.0.0/16 via 169.254.0.2',
      fullName: '//compute.googleapis.com/projects/p1/regions/asia-northeast1/routers/vpn/learnedRoutes/10.100.0.0/16/169.254.0.2',
      network: '//compute.googleapis.com/projects/p1/global/networks/vpc',
      priority: 100,
      routeType: 'BGP',
      learnedBy: router.fullName,
      region: 'asia-northeast1',
    });
  });

  it('reads a policy-based route from its Cloud Asset Inventory data', () => {
    const entry = entryFromAsset(
      {
        name: '//networkconnectivity.googleapis.com/projects/p1/locations/global/policyBasedRoutes/to-fw',
        assetType: ASSET_TYPES.policyBasedRoute,
        resource: {
          data: {
            name: 'projects/p1/locations/global/policyBasedRoutes/to-fw',
            network: 'projects/p1/global/networks/vpc',
            filter: { ipProtocol: 'ALL', srcRange: '10.10.0.0/20', destRange: '0.0.0.0/0', protocolVersion: 'IPV4' },
            priority: 50,
            virtualMachine: { tags: ['gke-node'] },
            nextHopIlbIp: '10.10.15.250',
          },
        },
      },
      base,
    );
    expect(entry).toEqual({
      kind: 'entity',
      entity: {
        kind: 'policyBasedRoute',
        name: 'to-fw',
        fullName: '//networkconnectivity.googleapis.com/projects/p1/locations/global/policyBasedRoutes/to-fw',
        project: 'p1',
        origin: base,
        network: '//compute.googleapis.com/projects/p1/global/networks/vpc',
        priority: 50,
        filter: { ipProtocol: 'ALL', srcRange: '10.10.0.0/20', destRange: '0.0.0.0/0', protocolVersion: 'IPV4' },
        virtualMachineTags: ['gke-node'],
        nextHopIlbIp: '10.10.15.250',
      },
    });
  });
});
