/**
 * Generates docs/rules/<id>.md and docs/rules/README.md from the rules' metadata (`npm run docs`).
 * The output depends on the registry alone (no dates, registry order), so test/docs.test.ts can
 * regenerate it in memory and fail when a committed page is out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule, RuleMeta, SubjectKind } from '../src/engine/types.js';
import { RULES } from '../src/rules/index.js';
import { sectionText } from '../src/rules/article.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The API fields each rule reads, as the requirements catalogue states them ("how it shows in the
 * API"; the Terraform attribute in brackets). Kept here rather than in RuleMeta because it documents
 * the requirement, not the code; a rule missing from this table stops the generator.
 */
export const FIELDS_CHECKED: Record<string, string[]> = {
  'vpc-native': [
    'cluster `ipAllocationPolicy.useIpAliases` [`ip_allocation_policy`, `networking_mode = "VPC_NATIVE"`]',
    'cluster `ipAllocationPolicy.clusterSecondaryRangeName` and `servicesSecondaryRangeName`, found in the node subnetwork\'s `secondaryIpRanges`',
    'the node, pod and service ranges do not overlap each other or the policy\'s `onPremRanges`',
  ],
  'private-google-access': ['subnetwork `privateIpGoogleAccess` [`private_ip_google_access`] of the cluster\'s node subnetwork'],
  'dns-googleapis': [
    'resolved in Cloud DNS order: response policies bound to the cluster (`gkeClusters`), zones visible to it (`privateVisibilityConfig.gkeClusters`), a server policy with `alternativeNameServerConfig` (not evaluated), response policies bound to the network (the longest-suffix rule: `localData` answers, `behavior: bypassResponsePolicy` passes on), then zones',
    'or a PSC endpoint for Google APIs on the network (global forwarding rule `target: vpc-sc` for `vip: restricted`, `all-apis` for `vip: private`) answering the names, also through `p.googleapis.com` names',
    'managed zone `dnsName: googleapis.com.`, `visibility: private`, `privateVisibilityConfig.networks[].networkUrl` including the network',
    'record set `*.googleapis.com.` CNAME `restricted.googleapis.com.` (or `private.googleapis.com.` with `vip: private`)',
    'record set `restricted.googleapis.com.` A with exactly the four VIP addresses',
  ],
  'dns-gcr': ['managed zone `gcr.io.` visible to the network', 'record set `*.gcr.io.` CNAME `gcr.io.`', 'record set `gcr.io.` A with exactly the four VIP addresses'],
  'dns-pkg-dev': ['managed zone `pkg.dev.` visible to the network', 'record set `*.pkg.dev.` CNAME `pkg.dev.`', 'record set `pkg.dev.` A with exactly the four VIP addresses'],
  'vip-route': [
    'not applicable where DNS sends the Google API names to a PSC endpoint of the network (global forwarding rule with `target` `vpc-sc` or `all-apis`)',
    'route `destRange` covering the VIP, `nextHopGateway` the default internet gateway, on the cluster\'s network',
    'the effective route for the VIP from the nodes (longest prefix, then lowest `priority`, honouring `tags`)',
    'policy-based routes first (Network Connectivity `filter.ipProtocol` / `srcRange` / `destRange`, `virtualMachine.tags`, `interconnectAttachment`, `priority`, `nextHopIlbIp`, `nextHopOtherRoutes: DEFAULT_ROUTING`) [`google_network_connectivity_policy_based_route`]',
    'routes learned by Cloud Routers (routers.getRouterStatus `bestRoutesForRouter`), in the nodes\' region or, under `routingConfig.routingMode: GLOBAL` [`routing_mode`], every region',
  ],
  'vip-egress-firewall': [
    'egress firewall rules of the network: `direction: EGRESS`, `destinationRanges`, `allowed` / `denied`, `priority`, `targetTags` / `targetServiceAccounts`, `disabled`',
    'an allow of tcp:443 to where DNS sends the nodes (the whole VIP range, or a PSC endpoint\'s address) that no deny of higher or equal priority shadows',
    'under `vip: restricted`, no explicit egress allow of tcp:443 to the private VIP `199.36.153.8/30`',
  ],
  'egress-default-deny': [
    'an egress deny of `0.0.0.0/0` that applies to the nodes',
    'at a lower precedence than the VIP allow and the allows for the policy\'s `proxyRanges`',
  ],
  'private-nodes': [
    'cluster `privateClusterConfig.enablePrivateNodes` [`private_cluster_config.enable_private_nodes`] or, newer, `networkConfig.defaultEnablePrivateNodes`',
    'node pool `networkConfig.enablePrivateNodes: false` overriding it',
  ],
  'node-external-ip': ['compute instances of the cluster\'s node pools (label `goog-gke-node`, metadata `cluster-name`): `networkInterfaces[].accessConfigs`'],
  'private-endpoint': [
    'cluster `privateClusterConfig.enablePrivateEndpoint: true` [`enable_private_endpoint`]',
    'or, newer, `controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint: false`',
  ],
  'dns-endpoint-external': ['cluster `controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic` is not true'],
  'authorized-networks': [
    'cluster `masterAuthorizedNetworksConfig.enabled: true` (newer: `controlPlaneEndpointsConfig.ipEndpointsConfig.authorizedNetworksConfig`)',
    '`cidrBlocks[].cidrBlock` covering every range of the policy\'s `onPremRanges`, with no `0.0.0.0/0`',
    '`gcpPublicCidrsAccessEnabled` not true',
  ],
  'peering-export-custom-routes': [
    'cluster `privateClusterConfig.peeringName`',
    'on the cluster\'s network, the peering of that name: `exportCustomRoutes: true` [`google_compute_network_peering_routes_config.export_custom_routes`]',
  ],
  'router-advertises-control-plane': [
    'Cloud Routers on the cluster\'s network with `bgpPeers` (the VPN to on-prem): in its region, or in any region when the network\'s `routingConfig.routingMode` is `GLOBAL` [`routing_mode`]',
    'per peer, its own `advertiseMode: CUSTOM` advertisement, else the router\'s `bgp.advertiseMode`, `bgp.advertisedGroups`, `bgp.advertisedIpRanges[].range` [`bgp.advertised_ip_ranges`]',
    'covering `privateClusterConfig.masterIpv4CidrBlock` (peering clusters) or the private endpoint address (`controlPlaneEndpointsConfig.ipEndpointsConfig.privateEndpoint`, Private Service Connect clusters)',
  ],
  'vpc-sc-perimeter': [
    'Access Context Manager `accessPolicies.servicePerimeters`: `status.resources` holding `projects/NUMBER` of the cluster\'s project and its Shared VPC host [`google_access_context_manager_service_perimeter.status.resources`, `google_access_context_manager_service_perimeter_resource`]',
    '`status.restrictedServices` including `container`, `storage`, `artifactregistry` and `containerregistry` `.googleapis.com`; a dry-run `spec` (`useExplicitDryRunSpec`) alone does not count',
    'project `projectNumber` (Cloud Resource Manager) to match `projects/NUMBER`',
  ],
  'health-check-ingress': ['an ingress allow from `35.191.0.0/16` and `130.211.0.0/22` that applies to the nodes'],
  'internet-egress': [
    'the effective route for internet destinations (outside private, VIP, on-prem and proxy ranges): policy-based routes, then the route table with learned routes, to the default internet gateway',
    'the egress firewall rules enforced at the nodes, for tcp:80 and tcp:443',
    'node `networkInterfaces[].accessConfigs` (or the pool\'s private-nodes setting when the VMs are not in the input)',
    'Cloud NAT on the routers of the node subnet\'s region: `nats[].sourceSubnetworkIpRangesToNat`, `subnetworks[].sourceIpRangesToNat`, `secondaryIpRangeNames`, `type: PRIVATE` excluded [`google_compute_router_nat`]',
  ],
};

const SUBJECTS: Record<SubjectKind, { text: string; example: string }> = {
  cluster: { text: 'the cluster', example: '//container.googleapis.com/projects/PROJECT/locations/LOCATION/clusters/CLUSTER' },
  network: { text: 'the cluster\'s network (one result per network that hosts a cluster)', example: '//compute.googleapis.com/projects/PROJECT/global/networks/NETWORK' },
  subnetwork: { text: 'the cluster\'s node subnetwork', example: '//compute.googleapis.com/projects/PROJECT/regions/REGION/subnetworks/SUBNETWORK' },
  instance: { text: 'the node instance', example: '//compute.googleapis.com/projects/PROJECT/zones/ZONE/instances/INSTANCE' },
};

/** Table cell text: pipes would end the cell, a `*` would start emphasis. */
const cell = (text: string): string => text.replace(/([|*])/g, '\\$1').replace(/\n/g, ' ');

/** A fence longer than any backtick run inside, so remediation code cannot end its own block. */
function codeBlock(lang: string, code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${code.trimEnd()}\n${fence}`;
}

/** The source row: the section (with its English) linked to docs/article.md, where the article is named. */
function articleText(meta: RuleMeta): string {
  return meta.articleSection === 'newer GKE' ? `${sectionText(meta.articleSection)} ([the article](../article.md))` : `[the article](../article.md#sections), section ${sectionText(meta.articleSection)}`;
}

export function renderRuleDoc(rule: Rule): string {
  const m = rule.meta;
  const fields = FIELDS_CHECKED[m.id];
  if (!fields) throw new Error(`scripts/generate-rule-docs.ts: no FIELDS_CHECKED entry for rule ${m.id}`);
  const subject = SUBJECTS[m.subject];
  return [
    `# ${m.title}`,
    '',
    '| | |',
    '| --- | --- |',
    `| id | \`${m.id}\` |`,
    `| default severity | ${m.defaultSeverity} |`,
    `| subject | ${subject.text} |`,
    `| source | ${articleText(m)} |`,
    ...(m.tags?.length ? [`| tags | ${m.tags.map((t) => `\`${t}\``).join(', ')} |`] : []),
    '',
    '## What it checks',
    '',
    m.description,
    '',
    '## Why',
    '',
    m.rationale,
    '',
    '## Fields checked',
    '',
    ...fields.map((f) => `- ${f}`),
    '',
    'A result is **not evaluated** (never a pass) when the data it needs could not be read (the snapshot\'s `readErrors`) or is unknown until apply (Terraform plans).',
    '',
    '## Messages',
    '',
    '| message id | text |',
    '| --- | --- |',
    ...Object.entries(m.messages).map(([id, text]) => `| \`${id}\` | ${cell(text)} |`),
    '',
    '## Remediation',
    '',
    'gcloud:',
    '',
    codeBlock('sh', m.remediation.gcloud),
    '',
    'Terraform:',
    '',
    codeBlock('hcl', m.remediation.terraform),
    '',
    '## Turning it off or waiving a finding',
    '',
    'In `rules.yaml`, change the rule\'s severity or turn it off for every resource:',
    '',
    codeBlock('yaml', `rules:\n  ${m.id}: off   # or critical | high | medium | low`),
    '',
    `or waive one finding until a date: \`resource\` is the full resource name of ${subject.text} as the report shows it (or, for a Terraform plan, the resource address).`,
    '',
    codeBlock(
      'yaml',
      `exceptions:\n  - rule: ${m.id}\n    resource: ${subject.example}\n    reason: Why this is accepted, and the ticket that tracks it\n    expires: 2027-01-31   # after this day the finding is reported again`,
    ),
    '',
  ].join('\n');
}

export function renderIndex(rules: readonly Rule[]): string {
  return [
    '# Rules',
    '',
    'Generated from the rules\' metadata by `npm run docs` (scripts/generate-rule-docs.ts); do not edit by hand.',
    'Listed in the order of the registry (src/rules/index.ts); `gke-private-audit rules show ID` prints the same from the command line.',
    'Each rule cites a section of the article the catalogue comes from; [docs/article.md](../article.md) names it (title, author, address).',
    '',
    '| id | title | default severity | subject | source |',
    '| --- | --- | --- | --- | --- |',
    ...rules.map((r) => {
      const m = r.meta;
      const source = m.articleSection === 'newer GKE' ? 'newer GKE' : sectionText(m.articleSection);
      return `| [\`${m.id}\`](${m.id}.md) | ${cell(m.title)} | ${m.defaultSeverity} | ${m.subject} | ${source} |`;
    }),
    '',
  ].join('\n');
}

/** Every generated page, keyed by its path relative to the repository root. */
export function renderRuleDocs(rules: readonly Rule[] = RULES): Record<string, string> {
  const pages: Record<string, string> = { 'docs/rules/README.md': renderIndex(rules) };
  for (const rule of rules) pages[`docs/rules/${rule.meta.id}.md`] = renderRuleDoc(rule);
  return pages;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pages = renderRuleDocs();
  for (const [file, content] of Object.entries(pages)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  console.log(`wrote ${Object.keys(pages).length} pages under docs/rules/`);
}
