// Kept for reference: writes examples/org/org.snapshot.json, the demo organization `audit --emulator`
// serves, from the article's compliant project (examples/compliant.snapshot.json). Run from the repo
// root: node examples/org/make-org.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const base = readFileSync('examples/compliant.snapshot.json', 'utf8');
const LISTS = ['networks', 'subnetworks', 'routes', 'firewalls', 'routers', 'managedZones', 'clusters', 'instances'];

/** The compliant project under another id, its cluster names renamed consistently. */
function copy(project, renames = {}) {
  let text = base.replaceAll('acme-prod-platform', project);
  for (const [from, to] of Object.entries(renames)) text = text.replaceAll(from, to);
  return JSON.parse(text);
}
const byName = (list, name) => list.find((e) => e.name === name);
const dropCluster = (s, name) => {
  s.clusters = s.clusters.filter((c) => c.name !== name);
  s.instances = s.instances.filter((i) => i.clusterName !== name);
};

// 1. acme-prod-platform: the article's setup, a legacy peering cluster (alpha) and a newer-API PSC cluster (beta).
const prod = copy('acme-prod-platform');

// 2. acme-prod-payments: compliant, but its Cloud DNS API is disabled (org.json refuses dns), so the DNS
//    rules cannot be evaluated from the live APIs.
const payments = copy('acme-prod-payments', { alpha: 'payments' });
dropCluster(payments, 'beta');

// 3. acme-stg-platform: drifted. The legacy cluster has a public endpoint open to the internet, the
//    newer-API cluster lets external traffic reach its DNS endpoint, the peering does not export
//    custom routes, no pkg.dev zone, a node got an external IP.
const stg = copy('acme-stg-platform', { alpha: 'stg-legacy', beta: 'stg-psc' });
const legacy = byName(stg.clusters, 'stg-legacy');
legacy.privateClusterConfig.enablePrivateEndpoint = false;
legacy.privateClusterConfig.publicEndpoint = '34.84.12.7';
legacy.masterAuthorizedNetworksConfig.cidrBlocks.push({ displayName: 'anywhere', cidrBlock: '0.0.0.0/0' });
const psc = byName(stg.clusters, 'stg-psc');
psc.controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic = true;
stg.networks[0].peerings[0].exportCustomRoutes = false;
stg.managedZones = stg.managedZones.filter((z) => z.dnsName !== 'pkg.dev.');
stg.instances[0].networkInterfaces[0].accessConfigs = [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT', natIP: '34.84.200.17' }];

// 4. acme-dev-sandbox: built by hand and got the network wrong. The VIP route goes nowhere useful, a
//    deny shadows the VIP egress allow, Private Google Access is off, the googleapis zone points at
//    the private VIP, and a node pool overrides private nodes.
const dev = copy('acme-dev-sandbox', { alpha: 'sandbox' });
dropCluster(dev, 'beta');
dev.routes = dev.routes.filter((r) => r.name !== 'restricted-googleapis');
const deny = byName(dev.firewalls, 'deny-egress-all');
deny.priority = 900;
dev.subnetworks[0].privateIpGoogleAccess = false;
const googleapis = dev.managedZones.find((z) => z.dnsName === 'googleapis.com.');
for (const rs of googleapis.recordSets) {
  if (rs.type === 'CNAME') rs.rrdatas = ['private.googleapis.com.'];
  if (rs.type === 'A') rs.name = 'private.googleapis.com.';
}
const sandbox = byName(dev.clusters, 'sandbox');
sandbox.nodePools.push({ name: 'public-pool', tags: [], serviceAccount: `gke-nodes@acme-dev-sandbox.iam.gserviceaccount.com`, enablePrivateNodes: false });

const projects = [prod, payments, stg, dev];
const snapshot = {
  schemaVersion: 1,
  generatedAt: '2026-11-20T03:00:00.000Z',
  generator: { name: 'gke-private-audit', version: '0.1.0' },
  // acme-shared-tools has no resources at all: an empty project of the organization.
  scope: { kind: 'fixture', projects: ['acme-prod-platform', 'acme-prod-payments', 'acme-stg-platform', 'acme-dev-sandbox', 'acme-shared-tools'].sort() },
  ...Object.fromEntries(LISTS.map((k) => [k, projects.flatMap((p) => p[k])])),
  readErrors: [],
};
writeFileSync('examples/org/org.snapshot.json', `${JSON.stringify(snapshot, null, 2)}\n`);
// Since snapshot schema version 2 the bundled org.snapshot.json is maintained by hand; it also holds
// a Shared VPC pair: acme-net-host (the host: network, subnet, routes, firewalls, router, zones, copied
// from the compliant project) and acme-prod-web (the service project: cluster `web` on the host's
// network, its nodes carrying cluster-uid, cluster-location and their instance group).
