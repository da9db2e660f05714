import type { Rule } from '../engine/types.js';
import type { Network } from '../model/snapshot.js';
import { projectOf } from '../model/names.js';
import { coverageGaps, firstUnknown } from './support.js';

/**
 * A peering's export flag as a Terraform plan may leave it: the collector records unknown paths by
 * list index or, when it keys peerings by name, by peering name; either (or the whole list) counts.
 */
function peeringExportUnknown(network: Network, position: number, name: string): boolean {
  const paths = ['peerings', `peerings.${position}.exportCustomRoutes`, `peerings.${name}.exportCustomRoutes`];
  return (network.unknown ?? []).some((p) => paths.some((path) => p === path || path.startsWith(`${p}.`)));
}

export const peeringExportCustomRoutes: Rule = {
  meta: {
    id: 'peering-export-custom-routes',
    title: 'The control-plane peering exports custom routes',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'For a peering-based private cluster, the VPC Network Peering GKE created between the cluster\'s network and the control plane\'s network (named in `privateClusterConfig.peeringName`) has `exportCustomRoutes: true`, so the routes the Cloud Router learns from on-prem over the VPN are exported to the control plane. Private Service Connect clusters (no peering) are not applicable.',
    rationale:
      'In the article (VPCネットワークピアリングの修正), kubectl from on-prem only works after "export custom routes" is enabled on the peering GKE created with the cluster: without it the control plane has no route back to the on-prem network, so the API server\'s replies never reach the VPN and the private endpoint is only usable from inside the VPC.',
    articleSection: 'VPCネットワークピアリングの修正',
    remediation: {
      gcloud:
        '# PEERING is privateClusterConfig.peeringName (gcloud container clusters describe CLUSTER --location LOCATION --format="value(privateClusterConfig.peeringName)")\ngcloud compute networks peerings update PEERING --network NETWORK --export-custom-routes',
      terraform:
        'resource "google_compute_network_peering_routes_config" "gke_control_plane" {\n  network              = google_compute_network.vpc.name\n  peering              = google_container_cluster.this.private_cluster_config[0].peering_name\n  export_custom_routes = true\n  import_custom_routes = false\n}',
    },
    messages: {
      exports: 'Cluster {{subject}}: peering {{peering}} on network {{network}} exports custom routes to the control plane.',
      notExported:
        'Cluster {{subject}}: peering {{peering}} on network {{network}} does not export custom routes (exportCustomRoutes: {{value}}), so on-prem routes do not reach the control plane.',
      missingPeering: 'Cluster {{subject}}: network {{network}} has no peering named {{peering}} (privateClusterConfig.peeringName), so the control plane has no route to on-prem.',
      psc: 'Cluster {{subject}} has no control-plane peering (privateClusterConfig.peeringName is not set): its control plane is reached through Private Service Connect at {{endpoint}}, which needs no route export.',
      noPeering: 'Cluster {{subject}} has no control-plane peering (privateClusterConfig.peeringName is not set) and no private endpoint, so there is no peering to export routes over.',
      notCovered: 'Cluster {{subject}} cannot be judged without {{missing}}.',
      networkMissing: 'Cluster {{subject}}: its network {{network}} is not in the snapshot, so its peerings cannot be checked.',
      readError: 'Cluster {{subject}}: the networks of project {{project}} could not be read ({{error}}), so peering {{peering}} cannot be checked.',
      unknown: 'Cluster {{subject}}: {{field}} is not known until apply.',
    },
  },
  check({ index, report }) {
    for (const cluster of index.clusters) {
      const unknown = firstUnknown(index, cluster, ['privateClusterConfig.peeringName', 'network']);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }
      const peering = cluster.privateClusterConfig?.peeringName;
      if (!peering) {
        const endpoint = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig?.privateEndpoint ?? cluster.privateClusterConfig?.privateEndpoint;
        report(endpoint ? { status: 'not-applicable', subject: cluster, messageId: 'psc', data: { endpoint } } : { status: 'not-applicable', subject: cluster, messageId: 'noPeering' });
        continue;
      }
      const project = projectOf(cluster.network) ?? cluster.project;
      // The read error comes first: a network list cut short may hold this network without all of it.
      const errors = index.readErrorsFor(project, 'networks');
      if (errors.length > 0) {
        const error = errors.map((e) => `${e.status ? `HTTP ${e.status} ` : ''}${e.message}`).join('; ');
        report({ status: 'not-evaluated', subject: cluster, messageId: 'readError', data: { project, error, peering }, readErrors: errors });
        continue;
      }
      const gaps = coverageGaps(index, [{ project, collections: ['networks'] }]);
      if (gaps) {
        report({ status: 'not-evaluated', subject: cluster, ...gaps });
        continue;
      }
      const network = index.network(cluster.network);
      if (!network) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'networkMissing', data: { network: cluster.network } });
        continue;
      }
      const position = network.peerings.findIndex((p) => p.name === peering);
      const data = { network: network.fullName, peering };
      if (peeringExportUnknown(network, position < 0 ? network.peerings.length : position, peering)) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: `exportCustomRoutes of peering ${peering} on ${network.fullName}` }, related: [network.fullName] });
        continue;
      }
      if (position < 0) {
        report({ status: 'fail', subject: cluster, messageId: 'missingPeering', data, related: [network.fullName] });
        continue;
      }
      const value = network.peerings[position].exportCustomRoutes;
      report({
        status: value === true ? 'pass' : 'fail',
        subject: cluster,
        messageId: value === true ? 'exports' : 'notExported',
        data: { ...data, value: value === undefined ? 'unset' : String(value) },
        related: [network.fullName],
      });
    }
  },
};
