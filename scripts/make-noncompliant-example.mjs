// One-off generator kept for reference: writes examples/noncompliant.snapshot.json, a second
// organisation (Globex) whose two projects got the article's setup wrong in the ways examples/README.md
// lists, so every rule of the catalogue fails at least once. Run: node scripts/make-noncompliant-example.mjs
import { writeFileSync } from 'node:fs';
import { URL } from 'node:url';

const R = 'asia-northeast1';
const PROD = 'globex-prod-apps';
const STG = 'globex-stg-apps';
const compute = (p) => `//compute.googleapis.com/projects/${p}`;
const api = (p, path) => ({ source: 'api', selfLink: `https://www.googleapis.com/compute/v1/projects/${p}/${path}` });
const vipA = (first) => [0, 1, 2, 3].map((i) => `199.36.153.${first + i}`);

const prodNet = `${compute(PROD)}/global/networks/vpc-main`;
const prodSubnet = `${compute(PROD)}/regions/${R}/subnetworks/gke-apps`;
const prodSA = `gke-nodes@${PROD}.iam.gserviceaccount.com`;
const stgNet = `${compute(STG)}/global/networks/vpc-stg`;
const stgSubnet = `${compute(STG)}/regions/${R}/subnetworks/gke-stg`;
const ordersPeering = 'gke-n7c41e0d2a9b8f6e5d4c3-9e8d-7c6b-peer';
const prodTunnel = `https://www.googleapis.com/compute/v1/projects/${PROD}/regions/${R}/vpnTunnels/onprem-tunnel-0`;

const network = (p, name, peerings) => ({
  kind: 'network', name, fullName: `${compute(p)}/global/networks/${name}`, project: p, origin: api(p, `global/networks/${name}`),
  autoCreateSubnetworks: false, peerings,
});
const subnetwork = (p, name, net, o) => ({
  kind: 'subnetwork', name, fullName: `${compute(p)}/regions/${R}/subnetworks/${name}`, project: p, origin: api(p, `regions/${R}/subnetworks/${name}`),
  region: R, network: net, ...o,
});
const route = (p, name, net, o) => ({
  kind: 'route', name, fullName: `${compute(p)}/global/routes/${name}`, project: p, origin: api(p, `global/routes/${name}`),
  network: net, priority: 1000, tags: [], ...o,
});
const fw = (p, name, net, o) => ({
  kind: 'firewall', name, fullName: `${compute(p)}/global/firewalls/${name}`, project: p, origin: api(p, `global/firewalls/${name}`),
  network: net, direction: 'INGRESS', priority: 1000, sourceRanges: [], destinationRanges: [], sourceTags: [], targetTags: [],
  sourceServiceAccounts: [], targetServiceAccounts: [], allowed: [], denied: [], disabled: false, ...o,
});
const zone = (name, dnsName, records) => ({
  kind: 'managedZone', name, fullName: `//dns.googleapis.com/projects/${PROD}/managedZones/${name}`, project: PROD,
  origin: { source: 'api', selfLink: `https://dns.googleapis.com/dns/v1/projects/${PROD}/managedZones/${name}` },
  dnsName, visibility: 'private', privateVisibilityNetworks: [prodNet],
  recordSets: [
    { name: dnsName, type: 'SOA', ttl: 21600, rrdatas: ['ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300'] },
    { name: dnsName, type: 'NS', ttl: 21600, rrdatas: ['ns-gcp-private.googledomains.com.'] },
    ...records,
  ],
});
const cluster = (p, location, name, o) => ({
  kind: 'cluster', name, fullName: `//container.googleapis.com/projects/${p}/locations/${location}/clusters/${name}`, project: p,
  origin: { source: 'api', selfLink: `https://container.googleapis.com/v1/projects/${p}/locations/${location}/clusters/${name}` },
  location, ...o,
});
const node = (p, net, subnet, sa, cluster, tags, pool, zoneName, suffix, ip, accessConfigs = []) => {
  const name = `gke-${cluster}-${pool}-${suffix}`;
  return {
    kind: 'instance', name, fullName: `${compute(p)}/zones/${zoneName}/instances/${name}`, project: p, origin: api(p, `zones/${zoneName}/instances/${name}`),
    zone: zoneName, tags, serviceAccounts: [sa],
    labels: { 'goog-gke-node': '', 'goog-k8s-cluster-name': cluster, 'goog-k8s-node-pool-name': pool },
    clusterName: cluster, nodePool: pool,
    networkInterfaces: [{ network: net, subnetwork: subnet, networkIP: ip, accessConfigs }],
  };
};
const externalNat = (natIP) => [{ name: 'external-nat', type: 'ONE_TO_ONE_NAT', natIP }];

const snapshot = {
  schemaVersion: 1,
  generatedAt: '2026-11-20T04:00:00.000Z',
  generator: { name: 'gke-private-audit', version: '0.1.0' },
  scope: { kind: 'organization', id: '417593226041', projects: [PROD, STG] },
  networks: [
    // The peering GKE created for `orders`, left as created: custom routes are not exported.
    network(PROD, 'vpc-main', [{
      name: ordersPeering, network: '//compute.googleapis.com/projects/gke-prod-asia-northeast1-2b9c/global/networks/gke-n7c41e0d2a9b8f6e5d4c3-9e8d-7c6b-net',
      state: 'ACTIVE', exportCustomRoutes: false, importCustomRoutes: false,
    }]),
    network(STG, 'vpc-stg', []),
  ],
  subnetworks: [
    // Private Google Access was never turned on for the production node subnet.
    subnetwork(PROD, 'gke-apps', prodNet, {
      ipCidrRange: '10.40.0.0/20', secondaryIpRanges: [{ rangeName: 'pods', ipCidrRange: '10.41.0.0/16' }, { rangeName: 'services', ipCidrRange: '10.42.0.0/20' }],
      privateIpGoogleAccess: false,
    }),
    subnetwork(STG, 'gke-stg', stgNet, { ipCidrRange: '10.60.0.0/20', secondaryIpRanges: [], privateIpGoogleAccess: true }),
  ],
  routes: [
    route(PROD, 'restricted-googleapis', prodNet, { destRange: '199.36.153.4/30', nextHopGateway: 'default-internet-gateway', routeType: 'STATIC' }),
    // Left over from a test of reaching the VIP through on-prem: more specific than the VIP route, so half the VIP goes down the VPN.
    route(PROD, 'onprem-restricted-test', prodNet, { destRange: '199.36.153.4/31', nextHopVpnTunnel: prodTunnel, routeType: 'STATIC' }),
    route(PROD, 'default-route-8f1e2d3c4b5a6978', prodNet, { destRange: '0.0.0.0/0', nextHopGateway: 'default-internet-gateway', routeType: 'STATIC' }),
    route(PROD, 'default-route-r-1a2b3c4d5e6f7081', prodNet, { destRange: '10.40.0.0/20', priority: 0, nextHopNetwork: prodNet, routeType: 'SUBNET' }),
    route(STG, 'restricted-googleapis', stgNet, { destRange: '199.36.153.4/30', nextHopGateway: 'default-internet-gateway', routeType: 'STATIC' }),
    route(STG, 'default-route-r-9a8b7c6d5e4f3021', stgNet, { destRange: '10.60.0.0/20', priority: 0, nextHopNetwork: stgNet, routeType: 'SUBNET' }),
    // A routes-based cluster: GKE adds one route per node for its pod range.
    route(STG, 'gke-web-stg-4b7e2c1a-3f9d8e7c-1a2b-11ef-9c4d-42010a920002', stgNet, {
      destRange: '10.64.0.0/24', tags: [], nextHopInstance: `https://www.googleapis.com/compute/v1/projects/${STG}/zones/${R}-a/instances/gke-web-stg-default-pool-2d4f6a8c-h7kq`, routeType: 'STATIC',
    }),
  ],
  firewalls: [
    // Production: the catch-all egress deny was given a higher precedence (900) than the VIP and proxy allows (1000).
    fw(PROD, 'deny-egress-all', prodNet, { direction: 'EGRESS', priority: 900, destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }] }),
    fw(PROD, 'allow-egress-restricted-vip', prodNet, { direction: 'EGRESS', destinationRanges: ['199.36.153.4/30'], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] }),
    fw(PROD, 'allow-egress-proxy', prodNet, { direction: 'EGRESS', destinationRanges: ['10.100.5.10/32'], allowed: [{ IPProtocol: 'tcp', ports: ['3128'] }] }),
    fw(PROD, 'allow-egress-internal', prodNet, { direction: 'EGRESS', priority: 800, destinationRanges: ['10.40.0.0/20', '10.41.0.0/16', '10.42.0.0/20', '172.16.8.0/28', '10.100.0.0/16'], allowed: [{ IPProtocol: 'all' }] }),
    // Production has no rule for the health-check ranges (it was deleted with the default rules).
    fw(PROD, 'allow-ingress-onprem-ssh', prodNet, { sourceRanges: ['10.100.0.0/16'], targetServiceAccounts: [prodSA], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
    fw(PROD, 'gke-orders-5d1c9a2e-master', prodNet, { sourceRanges: ['172.16.8.0/28'], targetTags: ['gke-orders-5d1c9a2e-node'], allowed: [{ IPProtocol: 'tcp', ports: ['10250', '443'] }] }),
    // Staging's network is set up as in the article.
    fw(STG, 'allow-egress-restricted-vip', stgNet, { direction: 'EGRESS', destinationRanges: ['199.36.153.4/30'], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] }),
    fw(STG, 'allow-egress-proxy', stgNet, { direction: 'EGRESS', destinationRanges: ['10.100.5.10/32'], allowed: [{ IPProtocol: 'tcp', ports: ['3128'] }] }),
    fw(STG, 'allow-egress-internal', stgNet, { direction: 'EGRESS', destinationRanges: ['10.60.0.0/20', '10.64.0.0/14', '10.68.0.0/20', '10.100.0.0/16'], allowed: [{ IPProtocol: 'all' }] }),
    fw(STG, 'deny-egress-all', stgNet, { direction: 'EGRESS', priority: 65534, destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }] }),
    fw(STG, 'allow-ingress-health-checks', stgNet, { sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'], allowed: [{ IPProtocol: 'tcp' }] }),
  ],
  routers: [{
    // The VPN router was never switched to custom advertisements: on-prem only learns the subnets.
    kind: 'router', name: 'onprem-vpn-router', fullName: `${compute(PROD)}/regions/${R}/routers/onprem-vpn-router`, project: PROD,
    origin: api(PROD, `regions/${R}/routers/onprem-vpn-router`), network: prodNet, region: R,
    bgp: { asn: 64514, advertiseMode: 'DEFAULT' },
    bgpPeers: [{ name: 'onprem-peer-0', interfaceName: 'if-tunnel-0', peerIpAddress: '169.254.10.2', peerAsn: 65010 }],
    interfaces: [{ name: 'if-tunnel-0', linkedVpnTunnel: prodTunnel, ipRange: '169.254.10.1/30' }],
  }],
  managedZones: [
    // googleapis.com points at private.googleapis.com although the policy chose the restricted VIP.
    zone('googleapis', 'googleapis.com.', [
      { name: '*.googleapis.com.', type: 'CNAME', ttl: 300, rrdatas: ['private.googleapis.com.'] },
      { name: 'private.googleapis.com.', type: 'A', ttl: 300, rrdatas: vipA(8) },
    ]),
    // gcr.io answers with only two of the four VIP addresses.
    zone('gcr-io', 'gcr.io.', [
      { name: '*.gcr.io.', type: 'CNAME', ttl: 300, rrdatas: ['gcr.io.'] },
      { name: 'gcr.io.', type: 'A', ttl: 300, rrdatas: vipA(4).slice(0, 2) },
    ]),
    // No pkg.dev zone: Artifact Registry came after the article.
  ],
  clusters: [
    cluster(PROD, R, 'orders', {
      network: prodNet, subnetwork: prodSubnet, nodeTag: 'gke-orders-5d1c9a2e-node',
      ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services', clusterIpv4CidrBlock: '10.41.0.0/16', servicesIpv4CidrBlock: '10.42.0.0/20' },
      privateClusterConfig: {
        enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: '172.16.8.0/28', peeringName: ordersPeering,
        privateEndpoint: '172.16.8.2', publicEndpoint: '34.84.120.17',
      },
      masterAuthorizedNetworksConfig: {
        enabled: true,
        cidrBlocks: [{ displayName: 'on-prem', cidrBlock: '10.100.0.0/16' }, { displayName: 'anywhere (temporary)', cidrBlock: '0.0.0.0/0' }],
        gcpPublicCidrsAccessEnabled: false,
      },
      nodePools: [
        { name: 'default-pool', tags: [], serviceAccount: prodSA },
        // A pool added later with private nodes turned off, to pull from a public registry.
        { name: 'batch-pool', tags: ['batch'], serviceAccount: prodSA, enablePrivateNodes: false },
      ],
    }),
    cluster(PROD, R, 'payments', {
      network: prodNet, subnetwork: prodSubnet, nodeTag: 'gke-payments-a8e3f07b-node',
      ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
      controlPlaneEndpointsConfig: {
        ipEndpointsConfig: {
          enabled: true, enablePublicEndpoint: false, globalAccess: false, privateEndpoint: '10.40.0.2',
          authorizedNetworksConfig: { enabled: true, cidrBlocks: [{ displayName: 'on-prem', cidrBlock: '10.100.0.0/16' }], gcpPublicCidrsAccessEnabled: false, privateEndpointEnforcementEnabled: true },
        },
        // The DNS-based endpoint accepts traffic from the internet.
        dnsEndpointConfig: { endpoint: 'gke-5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b-803412957366.asia-northeast1.gke.goog', allowExternalTraffic: true },
      },
      networkConfig: { defaultEnablePrivateNodes: true },
      nodePools: [{ name: 'pool-1', tags: [], serviceAccount: prodSA, enablePrivateNodes: true }],
    }),
    // A routes-based (not VPC-native) public cluster from before the private setup.
    cluster(STG, `${R}-a`, 'web-stg', {
      network: stgNet, subnetwork: stgSubnet, nodeTag: 'gke-web-stg-4b7e2c1a-node',
      ipAllocationPolicy: { useIpAliases: false, clusterIpv4CidrBlock: '10.64.0.0/14', servicesIpv4CidrBlock: '10.68.0.0/20' },
      masterAuthorizedNetworksConfig: { enabled: false, cidrBlocks: [] },
      nodePools: [{ name: 'default-pool', tags: [], serviceAccount: 'default' }],
    }),
  ],
  instances: [
    node(PROD, prodNet, prodSubnet, prodSA, 'orders', ['gke-orders-5d1c9a2e-node'], 'default-pool', `${R}-a`, '7b1e9c3f-m2xd', '10.40.0.11'),
    node(PROD, prodNet, prodSubnet, prodSA, 'orders', ['gke-orders-5d1c9a2e-node'], 'default-pool', `${R}-b`, 'e04a6d2b-q9wn', '10.40.0.12'),
    node(PROD, prodNet, prodSubnet, prodSA, 'orders', ['batch', 'gke-orders-5d1c9a2e-node'], 'batch-pool', `${R}-c`, '3c8f1a5e-z6tr', '10.40.0.13', externalNat('34.85.10.20')),
    node(PROD, prodNet, prodSubnet, prodSA, 'payments', ['gke-payments-a8e3f07b-node'], 'pool-1', `${R}-a`, '91d4b2c6-k3vp', '10.40.0.21'),
    node(STG, stgNet, stgSubnet, '803412957366-compute@developer.gserviceaccount.com', 'web-stg', ['gke-web-stg-4b7e2c1a-node'], 'default-pool', `${R}-a`, '2d4f6a8c-h7kq', '10.60.0.2', externalNat('35.187.200.31')),
  ],
  readErrors: [
    { project: STG, collection: 'managedZones', status: 403, reason: 'forbidden', message: `Forbidden: the caller does not have permission dns.managedZones.list on project ${STG}` },
  ],
};
writeFileSync(new URL('../examples/noncompliant.snapshot.json', import.meta.url), JSON.stringify(snapshot, null, 2) + '\n');
