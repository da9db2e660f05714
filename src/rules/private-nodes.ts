import type { Rule } from '../engine/types.js';
import type { Cluster } from '../model/snapshot.js';
import { firstUnknown, listText } from './support.js';
import { clusterFix } from './fix.js';

/** The cluster-wide default for new node pools, and the field it was read from. */
function clusterDefault(cluster: Cluster): { value: boolean; field: string } {
  // The newer field, when present, is authoritative: GKE keeps the legacy one in sync on read,
  // and clusters created with the newer API have no privateClusterConfig at all.
  const newer = cluster.networkConfig?.defaultEnablePrivateNodes;
  if (newer !== undefined) return { value: newer, field: `networkConfig.defaultEnablePrivateNodes: ${newer}` };
  const legacy = cluster.privateClusterConfig?.enablePrivateNodes;
  return { value: legacy === true, field: `privateClusterConfig.enablePrivateNodes: ${legacy ?? 'unset'}` };
}

export const privateNodes: Rule = {
  meta: {
    id: 'private-nodes',
    title: 'Nodes have internal IP addresses only',
    defaultSeverity: 'critical',
    subject: 'cluster',
    description:
      'Every node pool of the cluster gets private nodes: the cluster default (`privateClusterConfig.enablePrivateNodes`, or with the newer API `networkConfig.defaultEnablePrivateNodes`) is true and no node pool overrides it with `networkConfig.enablePrivateNodes: false`; a pool\'s own override decides for that pool.',
    rationale:
      'The article builds a private cluster (限定公開クラスターの作成) so that the nodes have no external IP address: they reach Google APIs only through the restricted VIP and the internet only through the proxy. A single public node pool gives its nodes a route to the internet and an address reachable from it, which undoes the whole design.',
    articleSection: '限定公開クラスターの作成',
    remediation: {
      gcloud:
        'gcloud container clusters update CLUSTER --location LOCATION --enable-private-nodes\n# a pool that overrides the default:\ngcloud container node-pools update POOL --cluster CLUSTER --location LOCATION --enable-private-nodes',
      terraform:
        'resource "google_container_cluster" "this" {\n  private_cluster_config {\n    enable_private_nodes = true\n  }\n}\n\nresource "google_container_node_pool" "pool" {\n  network_config {\n    enable_private_nodes = true # or leave unset to inherit the cluster default\n  }\n}',
    },
    messages: {
      publicPools: 'Cluster {{subject}}: node pool(s) {{pools}} give their nodes external IPs (cluster default {{field}}).',
      publicDefault: 'Cluster {{subject}} does not enable private nodes ({{field}}) and has no node pool overriding it.',
      private: 'Cluster {{subject}} has private nodes in every node pool ({{field}}).',
      unknown: 'Cluster {{subject}}: {{field}} is not known until apply.',
    },
  },
  check({ index, report }) {
    for (const cluster of index.clusters) {
      const unknown = firstUnknown(index, cluster, [
        'privateClusterConfig.enablePrivateNodes',
        'networkConfig.defaultEnablePrivateNodes',
        ...cluster.nodePools.map((_, i) => `nodePools.${i}.enablePrivateNodes`),
      ]);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }
      const fallback = clusterDefault(cluster);
      const publicPools = cluster.nodePools
        .filter((pool) => !(pool.enablePrivateNodes ?? fallback.value))
        .map((pool) => (pool.enablePrivateNodes === false ? `${pool.name} (enablePrivateNodes: false)` : pool.name));
      if (publicPools.length > 0) {
        report({ status: 'fail', subject: cluster, messageId: 'publicPools', data: { pools: listText(publicPools), field: fallback.field } });
      } else if (cluster.nodePools.length === 0 && !fallback.value) {
        report({ status: 'fail', subject: cluster, messageId: 'publicDefault', data: { field: fallback.field } });
      } else {
        report({ status: 'pass', subject: cluster, messageId: 'private', data: { field: fallback.field } });
      }
    }
  },
  fix(target) {
    return clusterFix(target, 'private_cluster_config { enable_private_nodes = true } (and no node pool with network_config { enable_private_nodes = false })', '--enable-private-nodes');
  },
};
