import type { Rule } from '../engine/types.js';
import type { Instance } from '../model/snapshot.js';
import { coverageGapsText } from '../model/coverage.js';
import { firstUnknown, listText } from './support.js';

/** `nic0 natIP 34.84.1.2`, one per external access config (IPv4 and IPv6) of the instance. */
function externalAccess(instance: Instance): string[] {
  return instance.networkInterfaces.flatMap((nic, i) => [
    ...nic.accessConfigs.map((ac) => `nic${i} natIP ${ac.natIP ?? '(ephemeral)'}`),
    ...(nic.ipv6AccessConfigs ?? []).map((ac) => `nic${i} IPv6 external access ${ac.natIP ?? '(ephemeral)'}`),
  ]);
}

export const nodeExternalIp: Rule = {
  meta: {
    id: 'node-external-ip',
    title: 'No node VM has an external IP address',
    defaultSeverity: 'critical',
    subject: 'instance',
    description:
      'Each compute instance of the cluster\'s node pools (label `goog-gke-node`, metadata `cluster-name`) has no external address: no `networkInterfaces[].accessConfigs` entry and no `ipv6AccessConfigs` entry. This looks at the VMs themselves, so it catches drift that the cluster configuration does not show.',
    rationale:
      'The article\'s private cluster (限定公開クラスターの作成) relies on nodes having internal IPs only. An access config added to a node VM by hand, by a script or by an older pool template gives that node a direct path to and from the internet whatever the cluster configuration says.',
    articleSection: '限定公開クラスターの作成',
    remediation: {
      gcloud:
        'gcloud compute instances delete-access-config INSTANCE --zone ZONE --network-interface nic0 --access-config-name "External NAT"\n# then make the pool private so replacements stay private:\ngcloud container node-pools update POOL --cluster CLUSTER --location LOCATION --enable-private-nodes',
      terraform:
        'resource "google_container_node_pool" "pool" {\n  network_config {\n    enable_private_nodes = true\n  }\n}\n# then recreate the pool\'s nodes (terraform apply -replace=...) so no VM keeps an access config',
    },
    messages: {
      externalIp: 'Node {{subject}} of cluster {{cluster}} has an external address: {{access}}.',
      internalOnly: 'Node {{subject}} of cluster {{cluster}} has internal addresses only.',
      notRead: 'The instances of project {{project}} could not be read, so the node VMs of cluster {{subject}} were not checked.',
      notCovered: 'The node VMs of cluster {{subject}} were not checked: {{missing}}.',
      unknown: 'Node {{subject}}: {{field}} is not known until apply.',
    },
  },
  check({ index, report }) {
    for (const cluster of index.clusters) {
      const readErrors = index.readErrorsFor(cluster.project, 'instances');
      if (readErrors.length > 0) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'notRead', data: { project: cluster.project }, readErrors });
        continue;
      }
      // A plan holds no VMs by design (out of its scope; private-nodes judges the configuration);
      // an export or a read that left the instances out is a gap worth saying.
      const coverage = index.coverageOf(cluster.project, 'instances');
      if (coverage.state === 'not-read') {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'notCovered', data: { missing: coverageGapsText([coverage]) } });
        continue;
      }
      // No instances is not evidence of anything: a Terraform plan or an asset export without VMs
      // has none, and a cluster may be scaled to zero. The configuration side is judged by
      // private-nodes; reporting a pass here would be a pass without looking at a single node.
      for (const instance of index.instancesOf(cluster)) {
        const base = { subject: instance, clusters: [cluster], related: [cluster.fullName] };
        const unknown = firstUnknown(index, instance, ['networkInterfaces']);
        if (unknown) {
          report({ ...base, status: 'not-evaluated', messageId: 'unknown', data: { field: unknown } });
          continue;
        }
        const access = externalAccess(instance);
        report(
          access.length > 0
            ? { ...base, status: 'fail', messageId: 'externalIp', data: { cluster: cluster.name, access: listText(access) } }
            : { ...base, status: 'pass', messageId: 'internalOnly', data: { cluster: cluster.name } },
        );
      }
    }
  },
};
