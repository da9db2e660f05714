/**
 * The google provider's firewall policy resources → firewall policies of the Snapshot
 * (https://registry.terraform.io/providers/hashicorp/google/latest/docs, "Compute Engine"):
 * the policies (`google_compute_firewall_policy` on an organization or folder,
 * `google_compute_network_firewall_policy`, `google_compute_region_network_firewall_policy`, and
 * their `_with_rules` variants, whose `rule` blocks hold the rules), their rules as separate
 * resources (`..._rule`) and their associations (`..._association`), which become parts of the
 * policy. Attribute names follow the provider: `match { src_ip_ranges dest_ip_ranges
 * layer4_configs {...} }` on the `_rule` resources, `match { layer4_config {...} }` in the
 * `_with_rules` blocks; both spellings are read.
 */
import type { FirewallPolicy, FirewallPolicyRule } from '../../model/snapshot.js';
import { networkName, shortName, toFullName } from '../../model/names.js';
import { compact } from '../../model/compact.js';
import type { Path, PlanValues } from './values.js';

export const POLICY_TYPES = {
  google_compute_firewall_policy: 'hierarchical',
  google_compute_firewall_policy_with_rules: 'hierarchical',
  google_compute_network_firewall_policy: 'network',
  google_compute_network_firewall_policy_with_rules: 'network',
  google_compute_region_network_firewall_policy: 'regional',
  google_compute_region_network_firewall_policy_with_rules: 'regional',
} as const satisfies Record<string, FirewallPolicy['policyType']>;

export const POLICY_RULE_TYPES = {
  google_compute_firewall_policy_rule: 'hierarchical',
  google_compute_network_firewall_policy_rule: 'network',
  google_compute_region_network_firewall_policy_rule: 'regional',
} as const satisfies Record<string, FirewallPolicy['policyType']>;

export const POLICY_ASSOCIATION_TYPES = {
  google_compute_firewall_policy_association: 'hierarchical',
  google_compute_network_firewall_policy_association: 'network',
  google_compute_region_network_firewall_policy_association: 'regional',
} as const satisfies Record<string, FirewallPolicy['policyType']>;

/** The full name of a policy, when what names it is known. */
export function policyFullName(policyType: FirewallPolicy['policyType'], project: string | undefined, region: string | undefined, name: string | undefined): string | undefined {
  if (!name) return undefined;
  if (policyType === 'hierarchical') return `//compute.googleapis.com/locations/global/firewallPolicies/${shortName(name)}`;
  if (!project) return undefined;
  if (policyType === 'regional') return region ? `//compute.googleapis.com/projects/${project}/regions/${shortName(region)}/firewallPolicies/${shortName(name)}` : undefined;
  return `//compute.googleapis.com/projects/${project}/global/firewallPolicies/${shortName(name)}`;
}

/** A `firewall_policy` reference (a name, an id or a self link) as the policy's full name. */
export function policyRefKey(policyType: FirewallPolicy['policyType'], project: string, region: string) {
  return (ref: string): string | undefined => {
    const projectInRef = /projects\/([^/]+)\//.exec(ref)?.[1];
    const regionInRef = /regions\/([^/]+)\//.exec(ref)?.[1];
    return policyFullName(policyType, projectInRef ?? project, regionInRef ?? region, ref);
  };
}

const UNSUPPORTED = [
  ['src_fqdns', 'srcFqdns'],
  ['dest_fqdns', 'destFqdns'],
  ['src_region_codes', 'srcRegionCodes'],
  ['dest_region_codes', 'destRegionCodes'],
  ['src_address_groups', 'srcAddressGroups'],
  ['dest_address_groups', 'destAddressGroups'],
  ['src_threat_intelligences', 'srcThreatIntelligences'],
  ['dest_threat_intelligences', 'destThreatIntelligences'],
  ['src_networks', 'srcNetworks'],
] as const;

/** Secure tag blocks (`target_secure_tags { name }`, or the singular spelling of `_with_rules`). */
function tagNames(v: PlanValues, at: Path, blocks: string[], model: string): string[] {
  const out: string[] = [];
  for (const block of blocks) {
    const n = v.blocks([...at, block], model);
    for (let i = 0; i < n; i++) {
      const name = v.str([...at, block, i, 'name'], model);
      if (name) out.push(name);
    }
  }
  return out;
}

/**
 * One rule at `at` (the resource itself for a `_rule` resource, a `rule` block of a `_with_rules`
 * policy); `model` prefixes the model paths recorded as unknown.
 */
export function mapPolicyRule(v: PlanValues, at: Path, project: string, model: string): FirewallPolicyRule {
  const m = (field: string) => `${model}${field}`;
  const match = [...at, 'match', 0];
  const l4Block = v.blocks([...match, 'layer4_configs']) > 0 ? 'layer4_configs' : 'layer4_config';
  const layer4Configs = Array.from({ length: v.blocks([...match, l4Block], m('layer4Configs')) }, (_, i) => {
    const ipProtocol = (v.str([...match, l4Block, i, 'ip_protocol'], m('layer4Configs')) ?? 'all').toLowerCase();
    const ports = v.strings([...match, l4Block, i, 'ports'], m('layer4Configs'));
    return ports.length ? { ipProtocol, ports } : { ipProtocol };
  });
  const unsupported: Record<string, string[]> = {};
  for (const [tf, field] of UNSUPPORTED) {
    const values = v.strings([...match, tf], m('unsupportedMatch'));
    if (values.length) unsupported[field] = values;
  }
  for (const [tf, field] of [['src_network_scope', 'srcNetworkScope'], ['dest_network_scope', 'destNetworkScope']] as const) {
    const value = v.str([...match, tf], m('unsupportedMatch'));
    if (value && !value.endsWith('UNSPECIFIED')) unsupported[field] = [value];
  }
  const action = (v.str([...at, 'action'], m('action')) ?? 'deny').toLowerCase();
  return compact({
    priority: v.num([...at, 'priority'], m('priority')) ?? 0,
    direction: (v.str([...at, 'direction'], m('direction')) ?? 'INGRESS').toUpperCase() === 'EGRESS' ? ('EGRESS' as const) : ('INGRESS' as const),
    action: (['allow', 'deny', 'goto_next', 'apply_security_profile_group'].includes(action) ? action : 'deny') as FirewallPolicyRule['action'],
    disabled: v.bool([...at, 'disabled'], m('disabled')) ?? false,
    ruleName: v.str([...at, 'rule_name']),
    description: v.str([...at, 'description']),
    srcIpRanges: v.strings([...match, 'src_ip_ranges'], m('srcIpRanges')),
    destIpRanges: v.strings([...match, 'dest_ip_ranges'], m('destIpRanges')),
    layer4Configs,
    srcSecureTags: tagNames(v, match, ['src_secure_tags', 'src_secure_tag'], m('srcSecureTags')),
    targetSecureTags: tagNames(v, at, ['target_secure_tags', 'target_secure_tag'], m('targetSecureTags')),
    targetServiceAccounts: v.strings([...at, 'target_service_accounts'], m('targetServiceAccounts')),
    targetResources: v
      .strings([...at, 'target_resources'], m('targetResources'))
      .map((r) => toFullName(r, { defaultProject: project, collection: 'networks' }) ?? networkName(project, r)),
    unsupportedMatch: Object.keys(unsupported).length ? unsupported : undefined,
  });
}

/** A policy resource; `rules` of a `_with_rules` policy are its `rule` blocks. */
export function mapPolicy(
  type: keyof typeof POLICY_TYPES,
  v: PlanValues,
  base: { name: string; fullName: string; project: string; origin: FirewallPolicy['origin'] },
): FirewallPolicy {
  const policyType = POLICY_TYPES[type];
  const region = policyType === 'regional' ? shortName(v.str(['region'], 'region') ?? '') : undefined;
  const hierarchical = policyType === 'hierarchical';
  const parent = hierarchical ? v.str(['parent'], 'project') : undefined;
  const project = hierarchical ? (parent ?? 'organizations/unknown') : base.project;
  const rules = type.endsWith('_with_rules')
    ? Array.from({ length: v.blocks(['rule'], 'rules') }, (_, i) => mapPolicyRule(v, ['rule', i], project, `rules.${i}.`))
    : [];
  return compact({
    kind: 'firewallPolicy' as const,
    name: base.name,
    fullName: base.fullName,
    project,
    origin: base.origin,
    policyType,
    displayName: hierarchical ? v.str(['short_name']) : undefined,
    region,
    attachments: [],
    rules,
  });
}
