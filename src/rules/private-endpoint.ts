import type { Rule } from '../engine/types.js';
import { firstUnknown } from './support.js';
import { clusterFix } from './fix.js';

export const privateEndpoint: Rule = {
  meta: {
    id: 'private-endpoint',
    title: 'Control plane is not reachable through its external IP',
    defaultSeverity: 'critical',
    subject: 'cluster',
    description:
      'The cluster\'s control plane accepts connections on its private endpoint only: `privateClusterConfig.enablePrivateEndpoint` is true, or, with the newer API, `controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint` is false.',
    rationale:
      'The article disables "access to the master through its external IP address" (外部IPアドレスを使用したマスターへのアクセスを無効化) so that the Kubernetes API cannot be reached from the internet at all; kubectl then works only from the VPC or from on-prem over the VPN, with `get-credentials --internal-ip`.',
    articleSection: '限定公開クラスターの作成',
    remediation: {
      gcloud:
        'gcloud container clusters update CLUSTER --location LOCATION --enable-private-endpoint\n# newer clusters:\ngcloud container clusters update CLUSTER --location LOCATION --no-enable-ip-access-public-endpoint',
      terraform:
        'resource "google_container_cluster" "this" {\n  private_cluster_config {\n    enable_private_nodes    = true\n    enable_private_endpoint = true\n  }\n}',
    },
    messages: {
      publicEndpoint: 'Cluster {{subject}} exposes its control plane on a public endpoint ({{field}}).',
      privateOnly: 'Cluster {{subject}} serves its control plane on the private endpoint only ({{field}}).',
      unknown: 'Cluster {{subject}}: {{field}} is not known until apply.',
    },
  },
  check({ index, report }) {
    for (const cluster of index.clusters) {
      const unknown = firstUnknown(index, cluster, [
        'privateClusterConfig.enablePrivateEndpoint',
        'controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint',
      ]);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }
      const ip = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig;
      // The newer field, when present, is authoritative: GKE keeps the legacy one in sync on read.
      if (ip?.enablePublicEndpoint !== undefined) {
        const field = `controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint: ${ip.enablePublicEndpoint}`;
        if (ip.enabled === false || ip.enablePublicEndpoint === false) {
          report({ status: 'pass', subject: cluster, messageId: 'privateOnly', data: { field: ip.enabled === false ? 'controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false' : field } });
        } else {
          report({ status: 'fail', subject: cluster, messageId: 'publicEndpoint', data: { field } });
        }
        continue;
      }
      const legacy = cluster.privateClusterConfig?.enablePrivateEndpoint === true;
      report({
        status: legacy ? 'pass' : 'fail',
        subject: cluster,
        messageId: legacy ? 'privateOnly' : 'publicEndpoint',
        data: { field: `privateClusterConfig.enablePrivateEndpoint: ${cluster.privateClusterConfig?.enablePrivateEndpoint ?? 'unset'}` },
      });
    }
  },
  fix(target) {
    return clusterFix(target, 'private_cluster_config { enable_private_endpoint = true }', '--enable-private-endpoint');
  },
};
