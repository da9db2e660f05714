import type { Rule } from '../engine/types.js';
import { projectOf, shortName } from '../model/names.js';
import type { Cluster, Subnetwork } from '../model/snapshot.js';
import { coverageGaps, firstUnknown, listText, readErrorText } from './support.js';

/**
 * The subnetwork a cluster names but the snapshot lacks, as a subject of its own, so the result
 * (and its fingerprint) is about the same resource as when the subnetwork is present.
 */
function absentSubnetwork(fullName: string, cluster: Cluster): Subnetwork {
  return {
    kind: 'subnetwork',
    name: shortName(fullName),
    fullName,
    project: projectOf(fullName) ?? cluster.project,
    origin: { source: cluster.origin.source },
    region: /\/regions\/([^/]+)\//.exec(fullName)?.[1] ?? '',
    network: cluster.network,
    ipCidrRange: '',
    secondaryIpRanges: [],
  };
}

export const privateGoogleAccess: Rule = {
  meta: {
    id: 'private-google-access',
    title: 'Node subnetwork has Private Google Access',
    defaultSeverity: 'high',
    subject: 'subnetwork',
    description:
      'Every subnetwork that hosts the nodes of at least one cluster has Private Google Access enabled (`privateIpGoogleAccess: true`), so instances without external IPs can reach Google APIs at the VIP.',
    rationale:
      'The article enables Private Google Access on the node subnet (限定公開のGoogleアクセスの有効化): the private nodes have no external IP, and without it their traffic to the restricted VIP is dropped at the default internet gateway, so they can neither pull images from gcr.io / pkg.dev nor call Google APIs.',
    articleSection: '限定公開のGoogleアクセスの有効化',
    remediation: {
      gcloud: 'gcloud compute networks subnets update SUBNET --region REGION --enable-private-ip-google-access',
      terraform:
        'resource "google_compute_subnetwork" "nodes" {\n  name                     = "gke-nodes"\n  private_ip_google_access = true\n}',
    },
    messages: {
      enabled: 'Subnetwork {{subject}} (nodes of {{clusters}}) has Private Google Access enabled.',
      disabled: 'Subnetwork {{subject}} (nodes of {{clusters}}) does not have Private Google Access (privateIpGoogleAccess: {{value}}), so its private nodes cannot reach Google APIs.',
      notCovered: 'Subnetwork {{subject}} (nodes of {{clusters}}) cannot be judged without {{missing}}.',
      subnetworkMissing: 'Subnetwork {{subject}} (nodes of {{clusters}}) is not among the subnetworks read from its project (deleted, or a reference the input got wrong?).',
      readError: 'Subnetwork {{subject}} (nodes of {{clusters}}): the subnetworks of project {{project}} could not be read ({{error}}).',
      unknown: '{{target}}: {{field}} is not known until apply.',
    },
  },
  check({ index, report }) {
    const bySubnetwork = new Map<string, Cluster[]>();
    for (const cluster of index.clusters) {
      const field = firstUnknown(index, cluster, ['subnetwork']);
      if (field) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { target: `Cluster ${cluster.name}`, field } });
        continue;
      }
      const list = bySubnetwork.get(cluster.subnetwork);
      if (list) list.push(cluster);
      else bySubnetwork.set(cluster.subnetwork, [cluster]);
    }
    for (const [fullName, clusters] of bySubnetwork) {
      const names = listText(clusters.map((c) => c.name));
      const related = clusters.map((c) => c.fullName);
      const subnetwork = index.subnetwork(fullName);
      const project = projectOf(fullName) ?? clusters[0].project;
      const errors = index.readErrorsFor(project, 'subnetworks');
      if (errors.length > 0) {
        const subject = subnetwork ?? absentSubnetwork(fullName, clusters[0]);
        report({ status: 'not-evaluated', subject, clusters, related, messageId: 'readError', data: { clusters: names, project, error: readErrorText(errors) }, readErrors: errors });
        continue;
      }
      const gaps = coverageGaps(index, [{ project, collections: ['subnetworks'] }]);
      if (gaps) {
        report({ status: 'not-evaluated', subject: subnetwork ?? absentSubnetwork(fullName, clusters[0]), clusters, related, messageId: gaps.messageId, data: { ...gaps.data, clusters: names } });
        continue;
      }
      if (!subnetwork) {
        report({ status: 'not-evaluated', subject: absentSubnetwork(fullName, clusters[0]), clusters, related, messageId: 'subnetworkMissing', data: { clusters: names } });
        continue;
      }
      const field = firstUnknown(index, subnetwork, ['privateIpGoogleAccess']);
      if (field) {
        report({ status: 'not-evaluated', subject: subnetwork, clusters, related, messageId: 'unknown', data: { target: `Subnetwork ${subnetwork.name}`, field } });
        continue;
      }
      const value = subnetwork.privateIpGoogleAccess;
      report({
        status: value === true ? 'pass' : 'fail',
        subject: subnetwork,
        clusters,
        related,
        messageId: value === true ? 'enabled' : 'disabled',
        data: { clusters: names, value: value === undefined ? 'unset' : String(value) },
      });
    }
  },
};
