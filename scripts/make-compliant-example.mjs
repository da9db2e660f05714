// One-off generator kept for reference: writes examples/compliant.snapshot.json, the article's
// setup in one project, with a legacy-field cluster (peering) and a newer-field cluster (PSC).
import { writeFileSync } from 'node:fs';
import { URL } from 'node:url';
const P = 'acme-prod-platform';
const R = 'asia-northeast1';
const C = `//compute.googleapis.com/projects/${P}`;
const api = (path) => ({ source: 'api', selfLink: `https://www.googleapis.com/compute/v1/projects/${P}/${path}` });
const net = `${C}/global/networks/vpc-private`;
const subnet = `${C}/regions/${R}/subnetworks/gke-nodes`;
const SA = `gke-nodes@${P}.iam.gserviceaccount.com`;
const fw = (name, o) => ({
  kind: 'firewall', name, fullName: `${C}/global/firewalls/${name}`, project: P, origin: api(`global/firewalls/${name}`),
  network: net, direction: 'INGRESS', priority: 1000, sourceRanges: [], destinationRanges: [], sourceTags: [], targetTags: [],
  sourceServiceAccounts: [], targetServiceAccounts: [], allowed: [], denied: [], disabled: false, ...o,
});
const zone = (name, dnsName, records) => ({
  kind: 'managedZone', name, fullName: `//dns.googleapis.com/projects/${P}/managedZones/${name}`, project: P,
  origin: { source: 'api', selfLink: `https://dns.googleapis.com/dns/v1/projects/${P}/managedZones/${name}` },
  dnsName, visibility: 'private', privateVisibilityNetworks: [net],
  recordSets: [
    { name: dnsName, type: 'SOA', ttl: 21600, rrdatas: ['ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300'] },
    { name: dnsName, type: 'NS', ttl: 21600, rrdatas: ['ns-gcp-private.googledomains.com.'] },
    ...records,
  ],
});
const vipA = ['199.36.153.4', '199.36.153.5', '199.36.153.6', '199.36.153.7'];
const node = (cluster, tag, pool, zoneName, suffix, ip) => ({
  kind: 'instance', name: `gke-${cluster}-${pool}-${suffix}`, fullName: `${C}/zones/${zoneName}/instances/gke-${cluster}-${pool}-${suffix}`,
  project: P, origin: api(`zones/${zoneName}/instances/gke-${cluster}-${pool}-${suffix}`), zone: zoneName,
  tags: [tag], serviceAccounts: [SA],
  labels: { 'goog-gke-node': '', 'goog-k8s-cluster-name': cluster, 'goog-k8s-node-pool-name': pool },
  clusterName: cluster, nodePool: pool,
  networkInterfaces: [{ network: net, subnetwork: subnet, networkIP: ip, accessConfigs: [] }],
});
const snapshot = {
  schemaVersion: 1,
  generatedAt: '2026-11-20T03:00:00.000Z',
  generator: { name: 'gke-private-audit', version: '0.1.0' },
  scope: { kind: 'projects', projects: [P] },
  networks: [{
    kind: 'network', name: 'vpc-private', fullName: net, project: P, origin: api('global/networks/vpc-private'), autoCreateSubnetworks: false,
    peerings: [{ name: 'gke-n3f2a1b9c4d5e6f7a8b9-1a2b-3c4d-peer', network: '//compute.googleapis.com/projects/gke-prod-asia-northeast1-7f3e/global/networks/gke-n3f2a1b9c4d5e6f7a8b9-1a2b-3c4d-net', state: 'ACTIVE', exportCustomRoutes: true, importCustomRoutes: false }],
  }],
  subnetworks: [{
    kind: 'subnetwork', name: 'gke-nodes', fullName: subnet, project: P, origin: api(`regions/${R}/subnetworks/gke-nodes`), region: R, network: net,
    ipCidrRange: '10.10.0.0/20', secondaryIpRanges: [{ rangeName: 'pods', ipCidrRange: '10.20.0.0/16' }, { rangeName: 'services', ipCidrRange: '10.30.0.0/20' }],
    privateIpGoogleAccess: true,
  }],
  routes: [
    { kind: 'route', name: 'restricted-googleapis', fullName: `${C}/global/routes/restricted-googleapis`, project: P, origin: api('global/routes/restricted-googleapis'),
      network: net, destRange: '199.36.153.4/30', priority: 1000, tags: [], nextHopGateway: 'default-internet-gateway', routeType: 'STATIC' },
    { kind: 'route', name: 'default-route-r-6c1d2e3f4a5b6c7d', fullName: `${C}/global/routes/default-route-r-6c1d2e3f4a5b6c7d`, project: P, origin: api('global/routes/default-route-r-6c1d2e3f4a5b6c7d'),
      network: net, destRange: '10.10.0.0/20', priority: 0, tags: [], nextHopNetwork: net, routeType: 'SUBNET' },
  ],
  firewalls: [
    fw('allow-egress-restricted-vip', { direction: 'EGRESS', priority: 1000, destinationRanges: ['199.36.153.4/30'], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] }),
    fw('allow-egress-proxy', { direction: 'EGRESS', priority: 1000, destinationRanges: ['10.100.5.10/32'], allowed: [{ IPProtocol: 'tcp', ports: ['3128'] }] }),
    fw('allow-egress-internal', { direction: 'EGRESS', priority: 1000, destinationRanges: ['10.10.0.0/20', '10.20.0.0/16', '10.30.0.0/20', '172.16.0.0/28', '10.100.0.0/16'], allowed: [{ IPProtocol: 'all' }] }),
    fw('deny-egress-all', { direction: 'EGRESS', priority: 65534, destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }] }),
    fw('allow-ingress-health-checks', { direction: 'INGRESS', priority: 1000, sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'], targetServiceAccounts: [SA], allowed: [{ IPProtocol: 'tcp' }] }),
    fw('allow-ingress-onprem-ssh', { direction: 'INGRESS', priority: 1000, sourceRanges: ['10.100.0.0/16'], targetTags: ['gke-alpha-3f2a1b9c-node'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
    fw('gke-alpha-3f2a1b9c-master', { direction: 'INGRESS', priority: 1000, sourceRanges: ['172.16.0.0/28'], targetTags: ['gke-alpha-3f2a1b9c-node'], allowed: [{ IPProtocol: 'tcp', ports: ['10250', '443'] }] }),
  ],
  routers: [{
    kind: 'router', name: 'onprem-vpn-router', fullName: `${C}/regions/${R}/routers/onprem-vpn-router`, project: P, origin: api(`regions/${R}/routers/onprem-vpn-router`),
    network: net, region: R,
    bgp: { asn: 64514, advertiseMode: 'CUSTOM', advertisedGroups: ['ALL_SUBNETS'], advertisedIpRanges: [{ range: '172.16.0.0/28', description: 'GKE control plane (alpha)' }, { range: '199.36.153.4/30', description: 'restricted.googleapis.com' }] },
    bgpPeers: [{ name: 'onprem-peer-0', interfaceName: 'if-tunnel-0', peerIpAddress: '169.254.0.2', peerAsn: 65001 }],
    interfaces: [{ name: 'if-tunnel-0', linkedVpnTunnel: `https://www.googleapis.com/compute/v1/projects/${P}/regions/${R}/vpnTunnels/onprem-tunnel-0`, ipRange: '169.254.0.1/30' }],
  }],
  managedZones: [
    zone('googleapis', 'googleapis.com.', [
      { name: '*.googleapis.com.', type: 'CNAME', ttl: 300, rrdatas: ['restricted.googleapis.com.'] },
      { name: 'restricted.googleapis.com.', type: 'A', ttl: 300, rrdatas: vipA },
    ]),
    zone('gcr-io', 'gcr.io.', [
      { name: '*.gcr.io.', type: 'CNAME', ttl: 300, rrdatas: ['gcr.io.'] },
      { name: 'gcr.io.', type: 'A', ttl: 300, rrdatas: vipA },
    ]),
    zone('pkg-dev', 'pkg.dev.', [
      { name: '*.pkg.dev.', type: 'CNAME', ttl: 300, rrdatas: ['pkg.dev.'] },
      { name: 'pkg.dev.', type: 'A', ttl: 300, rrdatas: vipA },
    ]),
  ],
  clusters: [
    {
      kind: 'cluster', name: 'alpha', fullName: `//container.googleapis.com/projects/${P}/locations/${R}/clusters/alpha`, project: P,
      origin: { source: 'api', selfLink: `https://container.googleapis.com/v1/projects/${P}/locations/${R}/clusters/alpha` },
      location: R, network: net, subnetwork: subnet, nodeTag: 'gke-alpha-3f2a1b9c-node',
      ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services', clusterIpv4CidrBlock: '10.20.0.0/16', servicesIpv4CidrBlock: '10.30.0.0/20' },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true, masterIpv4CidrBlock: '172.16.0.0/28', peeringName: 'gke-n3f2a1b9c4d5e6f7a8b9-1a2b-3c4d-peer', privateEndpoint: '172.16.0.2' },
      masterAuthorizedNetworksConfig: { enabled: true, cidrBlocks: [{ displayName: 'on-prem', cidrBlock: '10.100.0.0/16' }], gcpPublicCidrsAccessEnabled: false },
      nodePools: [{ name: 'default-pool', tags: [], serviceAccount: SA }],
    },
    {
      kind: 'cluster', name: 'beta', fullName: `//container.googleapis.com/projects/${P}/locations/${R}/clusters/beta`, project: P,
      origin: { source: 'api', selfLink: `https://container.googleapis.com/v1/projects/${P}/locations/${R}/clusters/beta` },
      location: R, network: net, subnetwork: subnet, nodeTag: 'gke-beta-8e7d6c5b-node',
      ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
      controlPlaneEndpointsConfig: {
        ipEndpointsConfig: { enabled: true, enablePublicEndpoint: false, globalAccess: false, privateEndpoint: '10.10.0.2',
          authorizedNetworksConfig: { enabled: true, cidrBlocks: [{ displayName: 'on-prem', cidrBlock: '10.100.0.0/16' }], gcpPublicCidrsAccessEnabled: false, privateEndpointEnforcementEnabled: true } },
        dnsEndpointConfig: { endpoint: 'gke-0f1e2d3c4b5a69788796a5b4c3d2e1f0-123456789012.asia-northeast1.gke.goog', allowExternalTraffic: false },
      },
      networkConfig: { defaultEnablePrivateNodes: true },
      nodePools: [{ name: 'pool-1', tags: [], serviceAccount: SA, enablePrivateNodes: true }],
    },
  ],
  instances: [
    node('alpha', 'gke-alpha-3f2a1b9c-node', 'default-pool', 'asia-northeast1-a', '0f94de4e-q34p', '10.10.0.11'),
    node('alpha', 'gke-alpha-3f2a1b9c-node', 'default-pool', 'asia-northeast1-b', '86ae4b0f-l0tz', '10.10.0.12'),
    node('beta', 'gke-beta-8e7d6c5b-node', 'pool-1', 'asia-northeast1-a', '5c2e7a1d-x8kq', '10.10.0.21'),
  ],
  readErrors: [],
};
writeFileSync(new URL('../examples/compliant.snapshot.json', import.meta.url), JSON.stringify(snapshot, null, 2) + '\n');
