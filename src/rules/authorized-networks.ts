import type { Rule } from '../engine/types.js';
import type { AuthorizedNetworksConfig, Cluster } from '../model/snapshot.js';
import { formatInterval, isCidr, parseCidr, prefixLength, subtract } from '../network/cidr.js';
import { firstUnknown, listText } from './support.js';

const NEWER = 'controlPlaneEndpointsConfig.ipEndpointsConfig.authorizedNetworksConfig';
const LEGACY = 'masterAuthorizedNetworksConfig';

/** The configuration in force and where it lives; the newer one wins when present. */
function effectiveConfig(cluster: Cluster): { config?: AuthorizedNetworksConfig; field: string } {
  const newer = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig?.authorizedNetworksConfig;
  if (newer) return { config: newer, field: NEWER };
  return { config: cluster.masterAuthorizedNetworksConfig, field: LEGACY };
}

/**
 * Whether the list also guards the private endpoint: `privateEndpointEnforcementEnabled` defaults
 * to false, and then any internal address that reaches the endpoint (the VPC, peered and on-prem
 * networks; every region with global access) may try to authenticate
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks). Empty when enforced
 * or when the cluster has no private endpoint.
 */
function privateEnforcementNote(cluster: Cluster, config: AuthorizedNetworksConfig): string {
  const ip = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig;
  const privateEndpoint = ip?.privateEndpoint ?? cluster.privateClusterConfig?.privateEndpoint;
  if (!privateEndpoint || config.privateEndpointEnforcementEnabled === true) return '';
  const global = ip?.globalAccess ?? cluster.privateClusterConfig?.masterGlobalAccessConfig?.enabled;
  const who = global === true ? 'any internal address of the VPC, its peers and on-prem, from every region (global access is on),' : 'any internal address of the VPC in its region, its peers and on-prem';
  return ` The list is not enforced on the private endpoint ${privateEndpoint} (privateEndpointEnforcementEnabled: ${config.privateEndpointEnforcementEnabled ?? 'unset'}): ${who} can reach it.`;
}

interface Problem {
  messageId: string;
  data: Record<string, string>;
  /** Short form for the `{{more}}` of another problem's message. */
  short: string;
}

export const authorizedNetworks: Rule = {
  meta: {
    id: 'authorized-networks',
    title: 'Master authorized networks are on and cover the on-prem ranges',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'Master authorized networks are enabled (`masterAuthorizedNetworksConfig`, or with the newer API `controlPlaneEndpointsConfig.ipEndpointsConfig.authorizedNetworksConfig`, which wins when present); the union of their `cidrBlocks` covers every on-prem range of the policy; no block opens the control plane to every address (`0.0.0.0/0`, `::/0`); and `gcpPublicCidrsAccessEnabled` is not true.',
    rationale:
      'The article adds the on-prem network\'s range to the master authorized networks (GKEクラスターの修正: マスター承認済みのネットワークにオンプレミスネットワークのIPアドレス範囲を追加する) so kubectl works from on-prem over the VPN, and only from there. A missing range locks the operators out; a block for every address, or access from all of Google Cloud\'s public ranges, lets anyone who reaches the endpoint try to authenticate.',
    articleSection: 'GKEクラスターの修正',
    remediation: {
      gcloud:
        'gcloud container clusters update CLUSTER --location LOCATION \\\n  --enable-master-authorized-networks --master-authorized-networks 10.100.0.0/16 \\\n  --no-enable-google-cloud-access',
      terraform:
        'resource "google_container_cluster" "this" {\n  master_authorized_networks_config {\n    cidr_blocks {\n      cidr_block   = "10.100.0.0/16"\n      display_name = "on-prem"\n    }\n    gcp_public_cidrs_access_enabled = false\n  }\n}',
    },
    messages: {
      disabled: 'Cluster {{subject}} does not enable master authorized networks ({{field}}).',
      openBlock: 'Cluster {{subject}}: authorized network block {{block}} opens the control plane to every address ({{field}}){{more}}.{{enforcement}}',
      gcpPublicCidrs: 'Cluster {{subject}}: {{field}}.gcpPublicCidrsAccessEnabled is true, so every Google Cloud public IP is authorized{{more}}.{{enforcement}}',
      missingRange: 'Cluster {{subject}}: the authorized networks ({{blocks}}) do not cover on-prem range(s) {{missing}}{{more}}.{{enforcement}}',
      invalidBlock: 'Cluster {{subject}}: authorized network block {{block}} is not a valid CIDR ({{field}}).',
      covered: 'Cluster {{subject}}: master authorized networks ({{field}}) cover the on-prem ranges {{ranges}}, with no block open to every address.{{enforcement}}',
      unknown: 'Cluster {{subject}}: {{field}} is not known until apply.',
    },
  },
  check({ index, params, report }) {
    for (const cluster of index.clusters) {
      const unknown = firstUnknown(index, cluster, [NEWER, LEGACY]);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }
      const { config, field } = effectiveConfig(cluster);
      if (!config || config.enabled !== true) {
        report({ status: 'fail', subject: cluster, messageId: 'disabled', data: { field: `${field}.enabled: ${config?.enabled ?? 'unset'}` } });
        continue;
      }
      const blocks = config.cidrBlocks.map((b) => b.cidrBlock);
      const invalid = blocks.find((b) => !isCidr(b));
      if (invalid !== undefined) {
        // A block GKE would never accept means the input is not what GKE holds; judging the rest
        // of the list could pass a cluster on data that is wrong.
        report({ status: 'not-evaluated', subject: cluster, messageId: 'invalidBlock', data: { block: invalid, field } });
        continue;
      }

      const enforcement = privateEnforcementNote(cluster, config);
      const problems: Problem[] = [];
      for (const block of blocks.filter((b) => prefixLength(b) === 0)) {
        problems.push({ messageId: 'openBlock', data: { block, field }, short: `${block} is authorized` });
      }
      if (config.gcpPublicCidrsAccessEnabled === true) {
        problems.push({ messageId: 'gcpPublicCidrs', data: { field }, short: 'gcpPublicCidrsAccessEnabled is true' });
      }
      const cover = blocks.map((b) => parseCidr(b));
      const missing = params.onPremRanges.flatMap((range) => {
        const wanted = parseCidr(range);
        const gaps = subtract(wanted, cover);
        if (gaps.length === 0) return [];
        const whole = gaps.length === 1 && gaps[0].start === wanted.start && gaps[0].end === wanted.end;
        return [whole ? range : `${range} (${gaps.map(formatInterval).join(', ')} uncovered)`];
      });
      if (missing.length > 0) {
        problems.push({
          messageId: 'missingRange',
          data: { blocks: blocks.join(', ') || 'none', missing: listText(missing) },
          short: `on-prem ${listText(missing)} not covered`,
        });
      }

      if (problems.length === 0) {
        report({ status: 'pass', subject: cluster, messageId: 'covered', data: { field, ranges: listText(params.onPremRanges) || '(none in the policy)', enforcement } });
        continue;
      }
      const [first, ...rest] = problems;
      const more = rest.length > 0 ? `; also ${listText(rest.map((p) => p.short))}` : '';
      report({ status: 'fail', subject: cluster, messageId: first.messageId, data: { ...first.data, more, enforcement } });
    }
  },
};
