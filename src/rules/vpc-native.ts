import type { Rule } from '../engine/types.js';
import { isCidr, overlaps } from '../network/cidr.js';
import { CLUSTER_NETWORK_MESSAGES, clusterNetwork, clusterRanges, firstUnknown, listText } from './support.js';

interface NamedRange {
  label: string;
  cidr: string;
}

export const vpcNative: Rule = {
  meta: {
    id: 'vpc-native',
    title: 'Cluster is VPC-native with non-overlapping ranges',
    defaultSeverity: 'medium',
    subject: 'cluster',
    description:
      'The cluster uses alias IPs (`ipAllocationPolicy.useIpAliases`): nodes take the node subnet\'s primary range, pods and services two secondary ranges. The secondary range names the cluster gives (`clusterSecondaryRangeName`, `servicesSecondaryRangeName`) exist in the node subnet\'s `secondaryIpRanges` (when the cluster gives CIDR blocks instead, those are used), and the node, pod and service ranges overlap neither each other nor the policy\'s on-prem ranges.',
    rationale:
      'The article chooses a VPC-native cluster (クラスターネットワークの選択) so that pod and service addresses are real VPC addresses, routable over the VPN and covered by the firewall rules; a private cluster requires it. Ranges that overlap each other or the on-prem network make traffic to on-prem or between pods go to the wrong place.',
    articleSection: 'クラスターネットワークの選択',
    remediation: {
      gcloud:
        'gcloud compute networks subnets update SUBNET --region REGION \\\n  --add-secondary-ranges pods=10.20.0.0/16,services=10.30.0.0/20\ngcloud container clusters create CLUSTER --location LOCATION --enable-ip-alias \\\n  --subnetwork SUBNET --cluster-secondary-range-name pods --services-secondary-range-name services',
      terraform:
        'resource "google_container_cluster" "this" {\n  networking_mode = "VPC_NATIVE"\n  subnetwork      = google_compute_subnetwork.nodes.id\n  ip_allocation_policy {\n    cluster_secondary_range_name  = "pods"\n    services_secondary_range_name = "services"\n  }\n}',
    },
    messages: {
      vpcNative: 'Cluster {{subject}} is VPC-native{{autopilot}}: nodes {{nodes}}, pods {{pods}}, services {{services}}; no overlap with each other or the on-prem ranges.{{note}}',
      routesBased: 'Cluster {{subject}} is not VPC-native (ipAllocationPolicy.useIpAliases: {{value}}); it uses routes-based networking.',
      missingSecondary:
        'Cluster {{subject}}: the {{which}} secondary range {{name}} is not in subnetwork {{subnetwork}} (its secondary ranges: {{available}}).',
      rangeNotGiven: 'Cluster {{subject}}: its {{which}} range is neither a named secondary range nor a CIDR block in the snapshot.',
      overlap: 'Cluster {{subject}}: {{overlaps}}.{{note}}',
      ...CLUSTER_NETWORK_MESSAGES,
    },
  },
  check({ index, params, report }) {
    for (const cluster of index.clusters) {
      const unknownAlias = firstUnknown(index, cluster, ['ipAllocationPolicy.useIpAliases']);
      if (unknownAlias) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknownAlias } });
        continue;
      }
      // Autopilot clusters are always VPC-native, whatever an input leaves out of ipAllocationPolicy
      // (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-overview).
      const useIpAliases = cluster.autopilot === true || cluster.ipAllocationPolicy?.useIpAliases;
      if (useIpAliases !== true) {
        report({ status: 'fail', subject: cluster, messageId: 'routesBased', data: { value: useIpAliases === undefined ? 'unset' : String(useIpAliases) } });
        continue;
      }
      const gathered = clusterNetwork(index, cluster, { subnetwork: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const subnetwork = gathered.scope.subnetwork!;
      const unknown =
        firstUnknown(index, cluster, [
          'ipAllocationPolicy.clusterSecondaryRangeName',
          'ipAllocationPolicy.servicesSecondaryRangeName',
          'ipAllocationPolicy.clusterIpv4CidrBlock',
          'ipAllocationPolicy.servicesIpv4CidrBlock',
        ]) ?? firstUnknown(index, subnetwork, ['ipCidrRange', 'secondaryIpRanges']);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }

      const { pods, services } = clusterRanges(cluster, subnetwork);
      const related = [subnetwork.fullName];
      const missing = ([['pod', pods], ['service', services]] as const).find(([, r]) => r.missingName !== undefined);
      if (missing) {
        const available = subnetwork.secondaryIpRanges.map((r) => `${r.rangeName} ${r.ipCidrRange}`);
        report({
          status: 'fail',
          subject: cluster,
          messageId: 'missingSecondary',
          data: { which: missing[0], name: missing[1].missingName!, subnetwork: subnetwork.name, available: available.length ? listText(available) : 'none' },
          related,
        });
        continue;
      }
      const notGiven = ([['pod', pods], ['service', services]] as const).find(([, r]) => r.cidr === undefined);
      if (notGiven) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'rangeNotGiven', data: { which: notGiven[0] }, related });
        continue;
      }

      const own: NamedRange[] = [
        { label: `node range ${subnetwork.ipCidrRange} (subnetwork ${subnetwork.name})`, cidr: subnetwork.ipCidrRange },
        { label: `pod range ${pods.cidr} (${pods.source})`, cidr: pods.cidr! },
        { label: `service range ${services.cidr} (${services.source})`, cidr: services.cidr! },
      ];
      const onPrem = params.onPremRanges.map((cidr) => ({ label: `on-prem range ${cidr}`, cidr }));
      const unreadable = own.find((r) => !isCidr(r.cidr));
      if (unreadable) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unreadable', data: { field: unreadable.label }, related });
        continue;
      }
      const disagreements = [pods.disagreement, services.disagreement].filter((d): d is string => d !== undefined);
      const note = disagreements.length ? ` Note: ${disagreements.join('; ')}.` : '';
      const clashes: string[] = [];
      own.forEach((a, i) => {
        for (const b of [...own.slice(i + 1), ...onPrem]) if (overlaps(a.cidr, b.cidr)) clashes.push(`${a.label} overlaps ${b.label}`);
      });
      if (clashes.length > 0) {
        report({ status: 'fail', subject: cluster, messageId: 'overlap', data: { overlaps: clashes.join('; '), note }, related });
        continue;
      }
      report({
        status: 'pass',
        subject: cluster,
        messageId: 'vpcNative',
        data: { nodes: subnetwork.ipCidrRange, pods: pods.cidr!, services: services.cidr!, note, autopilot: cluster.autopilot ? ' (Autopilot: always)' : '' },
        related,
      });
    }
  },
};
