import { describe, expect, it } from 'vitest';
import { normalizeCluster, normalizeInstance } from '../../src/collectors/rest/normalize.js';
import { audit } from '../../src/engine/audit.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import { placeNodes } from '../../src/engine/snapshot-index.js';
import type { Cluster, Instance, Snapshot } from '../../src/model/snapshot.js';
import { compliantSnapshot } from '../helpers/fixtures.js';

/**
 * Two clusters named `web` in one project, a zonal one (asia-northeast1-a) and a regional one
 * (asia-northeast1), whose nodes sit in the same zone: their names and zones cannot tell them
 * apart, the metadata GKE writes on each node can (issue 11). Instances and clusters are written
 * as compute `instances.aggregatedList` and container `projects.locations.clusters.list` return them.
 */
const P = 'acme-prod-platform';
const API = { source: 'api' as const };
const ZONAL_ID = '1a2b3c4d5e6f40718293a4b5c6d7e8f9';
const REGIONAL_ID = '9f8e7d6c5b4a40392817a6b5c4d3e2f1';

function clusterJson(location: string, id: string, group: string): Record<string, unknown> {
  return {
    name: 'web',
    id,
    location,
    selfLink: `https://container.googleapis.com/v1/projects/${P}/${location.split('-').length === 3 ? 'zones' : 'locations'}/${location}/clusters/web`,
    networkConfig: { network: `projects/${P}/global/networks/vpc-private`, subnetwork: `projects/${P}/regions/asia-northeast1/subnetworks/gke-nodes` },
    ipAllocationPolicy: { useIpAliases: true, clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true },
    nodePools: [
      {
        name: 'default-pool',
        config: { serviceAccount: `gke-nodes@${P}.iam.gserviceaccount.com` },
        instanceGroupUrls: [`https://www.googleapis.com/compute/v1/projects/${P}/zones/asia-northeast1-a/instanceGroupManagers/${group}`],
      },
    ],
  };
}

function nodeJson(name: string, metadata: Record<string, string>, labels: Record<string, string>, external = false): Record<string, unknown> {
  return {
    name,
    zone: `https://www.googleapis.com/compute/v1/projects/${P}/zones/asia-northeast1-a`,
    selfLink: `https://www.googleapis.com/compute/v1/projects/${P}/zones/asia-northeast1-a/instances/${name}`,
    labels: { 'goog-gke-node': '', ...labels },
    metadata: { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) },
    tags: { items: [] },
    serviceAccounts: [{ email: `gke-nodes@${P}.iam.gserviceaccount.com` }],
    networkInterfaces: [
      {
        network: `https://www.googleapis.com/compute/v1/projects/${P}/global/networks/vpc-private`,
        subnetwork: `https://www.googleapis.com/compute/v1/projects/${P}/regions/asia-northeast1/subnetworks/gke-nodes`,
        networkIP: '10.10.0.30',
        accessConfigs: external ? [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT', natIP: '34.84.1.2' }] : [],
      },
    ],
  };
}

function twoWebs(nodes: Instance[]): Snapshot {
  const s = compliantSnapshot();
  s.clusters = [normalizeCluster(clusterJson('asia-northeast1-a', ZONAL_ID, 'gke-web-default-pool-aaaa1111-grp'), P, API), normalizeCluster(clusterJson('asia-northeast1', REGIONAL_ID, 'gke-web-default-pool-bbbb2222-grp'), P, API)];
  s.instances = nodes;
  return s;
}

const ZONAL = `//container.googleapis.com/projects/${P}/locations/asia-northeast1-a/clusters/web`;
const REGIONAL = `//container.googleapis.com/projects/${P}/locations/asia-northeast1/clusters/web`;

describe('node identity: nodes belong to their cluster by what GKE writes on them', () => {
  it('reads cluster-uid, cluster-location, created-by and the goog-k8s labels from the REST shapes', () => {
    const node = normalizeInstance(
      nodeJson('gke-web-default-pool-aaaa1111-x1', { 'cluster-name': 'web', 'cluster-uid': ZONAL_ID, 'cluster-location': 'asia-northeast1-a', 'created-by': 'projects/482915067311/zones/asia-northeast1-a/instanceGroupManagers/gke-web-default-pool-aaaa1111-grp' }, { 'goog-k8s-cluster-name': 'web' }),
      P,
      API,
    );
    expect(node).toMatchObject({ clusterName: 'web', clusterUid: ZONAL_ID, clusterLocation: 'asia-northeast1-a', instanceGroup: `//compute.googleapis.com/projects/${P}/zones/asia-northeast1-a/instanceGroupManagers/gke-web-default-pool-aaaa1111-grp` });
    const labelled = normalizeInstance(nodeJson('n', {}, { 'goog-k8s-cluster-name': 'web', 'goog-k8s-cluster-location': 'asia-northeast1' }), P, API);
    expect(labelled).toMatchObject({ clusterName: 'web', clusterLocation: 'asia-northeast1' });
    const cluster: Cluster = normalizeCluster({ ...clusterJson('asia-northeast1', REGIONAL_ID, 'g'), autopilot: { enabled: true } }, P, API);
    expect(cluster).toMatchObject({ uid: REGIONAL_ID, autopilot: true, nodePools: [expect.objectContaining({ autopilot: true })] });
  });

  it('places each node of two same-named clusters by cluster-uid, by instance group, or by cluster-location', () => {
    const byUid = normalizeInstance(nodeJson('a', { 'cluster-name': 'web', 'cluster-uid': REGIONAL_ID }, {}), P, API);
    const byGroup = normalizeInstance(nodeJson('b', { 'cluster-name': 'web', 'created-by': 'projects/482915067311/zones/asia-northeast1-a/instanceGroupManagers/gke-web-default-pool-aaaa1111-grp' }, {}), P, API);
    const byLocation = normalizeInstance(nodeJson('c', {}, { 'goog-k8s-cluster-name': 'web', 'goog-k8s-cluster-location': 'asia-northeast1' }), P, API);
    const { placed, unplaced } = placeNodes(twoWebs([byUid, byGroup, byLocation]));
    expect(placed.map(([i, c]) => [i.name, c.fullName])).toEqual([
      ['a', REGIONAL],
      ['b', ZONAL],
      ['c', REGIONAL],
    ]);
    expect(unplaced).toEqual([]);
  });

  it('the node with an external IP is reported on its own cluster, and the other cluster is not blamed', () => {
    const exposed = normalizeInstance(nodeJson('gke-web-exposed', { 'cluster-name': 'web', 'cluster-uid': ZONAL_ID }, {}, true), P, API);
    const quiet = normalizeInstance(nodeJson('gke-web-quiet', { 'cluster-name': 'web', 'cluster-uid': REGIONAL_ID }, {}), P, API);
    const report = audit(twoWebs([exposed, quiet]), defaultPolicy(), { failOn: 'high' });
    const nodes = report.results.filter((r) => r.ruleId === 'node-external-ip').map((r) => [r.resource.name, r.status, r.clusters]);
    expect(nodes).toEqual([
      ['gke-web-exposed', 'fail', [ZONAL]],
      ['gke-web-quiet', 'pass', [REGIONAL]],
    ]);
  });

  it('a node whose name and zone fit both clusters, with nothing else to tell, is reported once and given to neither', () => {
    const ambiguous = normalizeInstance(nodeJson('gke-web-mystery', { 'cluster-name': 'web' }, {}), P, API);
    const report = audit(twoWebs([ambiguous]), defaultPolicy(), { failOn: 'high' });
    expect(report.results.filter((r) => r.ruleId === 'node-external-ip')).toEqual([]);
    const warnings = report.run.warnings.filter((w) => w.includes('gke-web-mystery'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('is not attributed to any cluster');
  });
});
