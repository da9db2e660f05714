/**
 * The firewall chain (src/network/firewall-chain.ts) put together from the snapshot for one node:
 * which hierarchical policies apply (the project's folder ancestry), which network and regional
 * policies are attached to the node's network, in the order its enforcement order says, and
 * whether the input read them at all.
 *
 * For a rule: `firewallChainAt(index, cluster, identity, direction, question)` in place of
 * `decisionsAt(index, firewallsAt(...), identity, direction, question)`; spread
 * FIREWALL_CHAIN_MESSAGES into the rule's messages; a `notEvaluated` answer is reported as is.
 */
import type { NodeIdentity, SnapshotIndex } from '../engine/snapshot-index.js';
import type { Cluster, FirewallPolicy, FirewallPolicyRule } from '../model/snapshot.js';
import { regionOf } from '../model/names.js';
import {
  chainDecisions,
  describeChainDecider,
  describePolicyRule,
  policyRuleDefect,
  targetedRules,
  type ChainPlan,
  type ChainSegment,
  type PolicyLayer,
  type PolicyLayerKind,
} from '../network/firewall-chain.js';
import type { Direction } from '../network/firewall.js';
import { decisionsAt, firewallsAt, type FirewallQuestion } from './enforced.js';
import { networkProject, type NotEvaluated } from './support.js';

/** The messages a rule on the chain may report; spread into the rule's own. */
export const FIREWALL_CHAIN_MESSAGES = {
  policiesNotRead:
    'Cluster {{subject}}: the firewall policies that apply to project {{project}} were not read ({{reason}}); hierarchical and network firewall policies can allow or deny before and after the VPC firewall rules, so the firewall cannot be judged.',
  ancestryNotRead:
    'Cluster {{subject}}: the folder ancestry of project {{project}} is not in the input, so which of the hierarchical firewall policies in it apply is not known.',
  policyUnknown: 'Cluster {{subject}}: {{field}} of {{rule}} is not known until apply.',
  policyUnreadable: 'Cluster {{subject}}: {{field}} of {{rule}} cannot be read as an address range or port.',
  policyUndetermined:
    'Cluster {{subject}}: from {{node}}, {{packet}} to {{range}} depends on {{field}} of {{rule}}, which this tool cannot judge; whether it matches decides between allow and deny.',
} as const;

const POLICY_RULE_FIELDS = ['direction', 'priority', 'action', 'disabled', 'srcIpRanges', 'destIpRanges', 'layer4Configs', 'targetSecureTags', 'targetServiceAccounts', 'targetResources'];

export type ChainAnswer = { segments: ChainSegment[] } | { notEvaluated: NotEvaluated };

/** Everything the chain needs of a network, or why it cannot be had; once per network. */
interface NetworkPolicies {
  hierarchical: { policy: FirewallPolicy; attachment: string }[];
  network: FirewallPolicy[];
  regional: FirewallPolicy[];
  before: boolean;
}

function policyOwner(policy: FirewallPolicy, rule: FirewallPolicyRule, attachment: string, kind: PolicyLayerKind): string {
  return describePolicyRule({ kind, policy, attachment, position: 'before', rules: [] }, rule);
}

/** A field unknown until apply or unreadable in one of the policies, as a not-evaluated outcome. */
function policyProblem(index: SnapshotIndex, policy: FirewallPolicy, attachment: string, kind: PolicyLayerKind): NotEvaluated | undefined {
  if (index.isUnknown(policy, 'rules')) return { messageId: 'policyUnknown', data: { field: 'rules', rule: `firewall policy \`${policy.displayName ?? policy.name}\`` }, related: [policy.fullName] };
  for (const rule of policy.rules) {
    const unknown = POLICY_RULE_FIELDS.find((f) => rule.unknown?.some((u) => u === f || u.startsWith(`${f}.`) || u.startsWith(`match.${f}`)));
    if (unknown) return { messageId: 'policyUnknown', data: { field: unknown, rule: policyOwner(policy, rule, attachment, kind) }, related: [policy.fullName] };
    const defect = policyRuleDefect(rule);
    if (defect) return { messageId: 'policyUnreadable', data: { field: defect, rule: policyOwner(policy, rule, attachment, kind) }, related: [policy.fullName] };
  }
  return undefined;
}

function networkPolicies(index: SnapshotIndex, cluster: Cluster): NetworkPolicies | NotEvaluated {
  return index.memo('firewall chain policies', cluster.network, (): NetworkPolicies | NotEvaluated => {
    const project = networkProject(index, cluster);
    const [missing] = index.notRead(project, ['firewallPolicies']);
    if (missing) return { messageId: 'policiesNotRead', data: { project, reason: missing.reason ?? missing.state } };
    const network = index.network(cluster.network);
    const hierarchical: NetworkPolicies['hierarchical'] = [];
    const ancestors = index.project(project)?.ancestors;
    const hierarchyInInput = index.memo('firewall chain hierarchy in input', '', () =>
      index.snapshot.firewallPolicies.some((p) => p.policyType === 'hierarchical' && p.attachments.some((a) => a.startsWith('organizations/') || a.startsWith('folders/'))),
    );
    if (ancestors === undefined && hierarchyInInput) return { messageId: 'ancestryNotRead', data: { project } };
    // Organization first, then each folder from the top down.
    for (const node of [...(ancestors ?? [])].reverse()) {
      for (const policy of index.firewallPoliciesAttachedTo(node)) if (policy.policyType === 'hierarchical') hierarchical.push({ policy, attachment: node });
    }
    const attached = index.firewallPoliciesAttachedTo(cluster.network);
    // A project read through getEffectiveFirewalls knows the hierarchical policies of the network, in
    // Google's order (organization first), without the project's ancestry.
    for (const policy of attached) {
      if (policy.policyType !== 'hierarchical') continue;
      const owner = /^(organizations|folders)\/\d+$/.test(policy.project) ? policy.project : 'the organization or a folder above the project';
      hierarchical.push({ policy, attachment: owner });
    }
    const result: NetworkPolicies = {
      hierarchical,
      network: attached.filter((p) => p.policyType === 'network'),
      regional: attached.filter((p) => p.policyType === 'regional'),
      before: network?.networkFirewallPolicyEnforcementOrder === 'BEFORE_CLASSIC_FIREWALL',
    };
    for (const { policy, attachment } of hierarchical) {
      const problem = policyProblem(index, policy, attachment, 'hierarchical');
      if (problem) return problem;
    }
    for (const policy of [...result.network, ...result.regional]) {
      const problem = policyProblem(index, policy, cluster.network, policy.policyType as PolicyLayerKind);
      if (problem) return problem;
    }
    return result;
  });
}

function nodeRegion(index: SnapshotIndex, cluster: Cluster): string {
  return index.subnetwork(cluster.subnetwork)?.region ?? regionOf(cluster.location);
}

const PLAN_KEYS = { EGRESS: 'firewall chain plan EGRESS', INGRESS: 'firewall chain plan INGRESS' } as const;

/** A plan shared by every node whose layers select the same rules, with the memo key its answers are kept under. */
export interface SharedPlan {
  plan: ChainPlan;
  key: string;
  memoKey: string;
}

/** The policy layers for one node (its service accounts and secure tags decide the targets); chainPlanAt keeps them per node. */
function planFor(index: SnapshotIndex, cluster: Cluster, identity: NodeIdentity, direction: Direction, policies: NetworkPolicies): SharedPlan {
  const node = { network: cluster.network, serviceAccounts: identity.serviceAccounts, secureTags: identity.secureTags };
  const region = nodeRegion(index, cluster);
  const layer = (kind: PolicyLayerKind, policy: FirewallPolicy, attachment: string, position: 'before' | 'after'): PolicyLayer => ({
    kind,
    policy,
    attachment,
    position,
    rules: targetedRules(policy, direction, node),
  });
  const hierarchical = policies.hierarchical.map(({ policy, attachment }) => layer('hierarchical', policy, attachment, 'before'));
  const position = policies.before ? 'before' : 'after';
  const networkLayers = [
    ...policies.network.map((p) => layer('network', p, cluster.network, position)),
    ...policies.regional.filter((p) => p.region === region).map((p) => layer('regional', p, cluster.network, position)),
  ];
  const used = (layers: PolicyLayer[]) => layers.filter((l) => l.rules.length > 0);
  const plan: ChainPlan = policies.before ? { before: used([...hierarchical, ...networkLayers]), after: [] } : { before: used(hierarchical), after: used(networkLayers) };
  // Nodes whose layers select the same rules share the chain's answers.
  const key = [...plan.before.map((l) => `<${layerKey(l)}`), ...plan.after.map((l) => `>${layerKey(l)}`)].join('\n');
  return index.memo(`firewall chain plans ${direction}`, key, () => ({ plan, key, memoKey: `firewall chain ${direction}\n${key}` }));
}

function layerKey(layer: PolicyLayer): string {
  return `${layer.policy.fullName}@${layer.attachment}:${layer.rules.map((r) => `${r.rule.priority}${r.targets === 'maybe' ? '?' : ''}`).join(',')}`;
}

/**
 * The chain's decisions for the question at one node of the cluster, or why they cannot be made:
 * the firewall policies (or the project's ancestry) not read, a policy field unknown or unreadable.
 * Pieces a rule this tool cannot judge leaves undetermined are returned as segments with
 * `undetermined` set; `undeterminedOutcome` turns the first into a not-evaluated outcome.
 */
export function firewallChainAt(index: SnapshotIndex, cluster: Cluster, identity: NodeIdentity, direction: Direction, question: FirewallQuestion): ChainAnswer {
  const planned = chainPlanAt(index, cluster, identity, direction);
  if ('notEvaluated' in planned) return planned;
  const selection = firewallsAt(index, cluster, identity, direction);
  const vpc = decisionsAt(index, selection, identity, direction, question);
  // The VPC answer stands for the question (packet, ranges) and the VPC rules: with the plan, all the chain depends on.
  // The answer itself is kept (callers only read it), so asking again makes nothing.
  return index.memoOn(vpc, planned.memoKey, (): ChainAnswer => ({ segments: chainDecisions(planned.plan, vpc, direction, question.packet, question.remote.intervals) }));
}

/**
 * The policy layers that apply to one node, with a key that tells plans apart (nodes with equal
 * keys get equal answers), or why they cannot be known.
 */
export function chainPlanAt(index: SnapshotIndex, cluster: Cluster, identity: NodeIdentity, direction: Direction): SharedPlan | { notEvaluated: NotEvaluated } {
  // A node identity belongs to one cluster, so to one network: the direction is all the key needs.
  // The node's plan is looked up first: the network's policies are read only to make it.
  const planned = index.memoOnNode(cluster, identity, PLAN_KEYS[direction], (): SharedPlan | { problem: NotEvaluated } => {
    const policies = networkPolicies(index, cluster);
    return 'messageId' in policies ? { problem: policies } : planFor(index, cluster, identity, direction, policies);
  });
  if ('problem' in planned) return { notEvaluated: copy(planned.problem) };
  return planned;
}

function copy(problem: NotEvaluated): NotEvaluated {
  const out: NotEvaluated = { messageId: problem.messageId, data: { ...problem.data } };
  if (problem.related) out.related = [...problem.related];
  return out;
}

/** The not-evaluated outcome for the first undetermined piece, if any. */
export function undeterminedOutcome(segments: readonly ChainSegment[], node: string, packet: string, formatRange: (s: ChainSegment) => string): NotEvaluated | undefined {
  const piece = segments.find((s) => s.undetermined);
  if (!piece) return undefined;
  const u = piece.undetermined!;
  return {
    messageId: 'policyUndetermined',
    data: { node, packet, range: formatRange(piece), field: u.field, rule: describePolicyRule(u.policyLayer, u.rule) },
    related: [u.policyLayer.policy.fullName],
  };
}

export { describeChainDecider };

/** The value kept in `map` under `key`, computed on first request (answers shared by nodes alike, keyed by their chain plan). */
export function remembered<K, V>(map: Map<K, V>, key: K, compute: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = compute()));
  return value;
}
