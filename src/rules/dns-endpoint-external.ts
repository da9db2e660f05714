import type { Rule } from '../engine/types.js';
import { firstUnknown } from './support.js';
import { clusterFix } from './fix.js';

export const dnsEndpointExternal: Rule = {
  meta: {
    id: 'dns-endpoint-external',
    title: 'The DNS-based control-plane endpoint does not accept internet traffic',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'When the cluster has a DNS-based control-plane endpoint (`controlPlaneEndpointsConfig.dnsEndpointConfig`), `allowExternalTraffic` is not true, so the endpoint answers only from Google Cloud networks that IAM and VPC Service Controls govern.',
    rationale:
      'The article closes the control plane to the internet by disabling its external IP (外部IPアドレスを使用したマスターへのアクセスを無効化). Newer GKE adds a second way in, a DNS name (`gke-….gke.goog`) served through Google\'s front ends; with `allowExternalTraffic` user traffic from anywhere on the internet reaches the API server, guarded by IAM alone, which reopens what the article closed even though the IP endpoint stays private.',
    articleSection: 'newer GKE',
    remediation: {
      gcloud: 'gcloud container clusters update CLUSTER --location LOCATION --no-enable-dns-access',
      terraform:
        'resource "google_container_cluster" "this" {\n  control_plane_endpoints_config {\n    dns_endpoint_config {\n      allow_external_traffic = false\n    }\n  }\n}',
    },
    messages: {
      externalAllowed: 'Cluster {{subject}}: the DNS-based control-plane endpoint {{endpoint}} accepts traffic from the internet (dnsEndpointConfig.allowExternalTraffic: true).',
      internalOnly: 'Cluster {{subject}}: the DNS-based control-plane endpoint {{endpoint}} does not accept internet traffic (allowExternalTraffic: {{value}}).',
      noDnsEndpoint: 'Cluster {{subject}} has no DNS-based control-plane endpoint.',
      unknown: 'Cluster {{subject}}: {{field}} is not known until apply.',
    },
  },
  check({ index, report }) {
    for (const cluster of index.clusters) {
      const unknown = firstUnknown(index, cluster, ['controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic']);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }
      const dns = cluster.controlPlaneEndpointsConfig?.dnsEndpointConfig;
      if (!dns) {
        report({ status: 'not-applicable', subject: cluster, messageId: 'noDnsEndpoint' });
        continue;
      }
      const endpoint = dns.endpoint ?? '(name assigned by GKE)';
      if (dns.allowExternalTraffic === true) {
        report({ status: 'fail', subject: cluster, messageId: 'externalAllowed', data: { endpoint } });
      } else {
        report({ status: 'pass', subject: cluster, messageId: 'internalOnly', data: { endpoint, value: String(dns.allowExternalTraffic ?? 'unset') } });
      }
    }
  },
  fix(target) {
    return clusterFix(target, 'control_plane_endpoints_config { dns_endpoint_config { allow_external_traffic = false } }', '--no-enable-dns-access');
  },
};
