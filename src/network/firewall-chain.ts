/**
 * The whole firewall chain Google Cloud evaluates for one packet at one VM interface, not only the
 * VPC firewall rules (src/network/firewall.ts is the VPC-rules layer of this chain).
 *
 * Order, as Google documents it ("Evaluation order for firewall policies and rules",
 * https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order):
 *   1. hierarchical firewall policies: the organization's, then each folder's from the top down;
 *   2. then, by the network's `networkFirewallPolicyEnforcementOrder`:
 *      AFTER_CLASSIC_FIREWALL (the default): VPC firewall rules, the global network firewall
 *      policy, the regional network firewall policy of the VM's region;
 *      BEFORE_CLASSIC_FIREWALL: the global network policy, the regional one, the VPC firewall rules;
 *   3. the implied rules (egress allowed, ingress denied).
 * (Regional *system* firewall policies, which Google manages for its own services, are not in any
 * input this tool reads.) Within a policy the matching rule with the lowest priority number decides
 * (a policy's priorities are unique); `allow` and `deny` end the evaluation, `goto_next` passes the
 * packet to the next layer, and a policy in which no rule matches passes it on too. Disabled rules
 * are skipped. `apply_security_profile_group` lets the packet through to L7 inspection: for the
 * questions asked here it is an allow.
 *
 * A rule's match fields this tool cannot judge (FQDNs, geolocations, address groups,
 * threat-intelligence lists, network scopes) and a node whose secure tags are unknown make a rule
 * that *may* match. Such a rule is followed both ways; when the two ways end differently the piece
 * of the range is "undetermined", naming the field, and the caller reports "not evaluated" (never
 * a pass). Per the REST reference (FirewallPolicyRule.match), the remote side of a rule is the
 * union of its address ranges and those other sources/destinations; a network scope narrows it.
 *
 * Chain API for rules (src/rules/chain.ts builds the layers from the snapshot):
 *   const chain = firewallChainAt(index, cluster, identity, 'INGRESS', question);
 *   if ('notEvaluated' in chain) { report({ status: 'not-evaluated', subject: cluster, ...chain.notEvaluated }); ... }
 *   chain.segments  // ChainSegment[]: action, range, decider (layer + rule), `rule` when a VPC rule decided
 * A rule that today calls `decisionsAt(index, selection, identity, direction, question)` switches by
 * calling `firewallChainAt(index, cluster, identity, direction, question)` instead (the same
 * question, the cluster instead of the selection) and reporting a `notEvaluated` answer; its
 * segments are FirewallSegments, so `segments.find((s) => s.action === 'deny')`,
 * `describeDecider(segment, direction)` (which names a policy rule with its layer) and
 * `segment.overridden` work unchanged. Spread FIREWALL_CHAIN_MESSAGES into the rule's messages.
 * A piece a rule this tool cannot judge leaves open has `undetermined` set: treat it as not
 * evaluated (`undeterminedOutcome`), never as the action it carries. For health-check-ingress:
 *   const chain = firewallChainAt(index, cluster, identity, 'INGRESS', question);
 *   if ('notEvaluated' in chain) { report({ status: 'not-evaluated', subject: cluster, ...chain.notEvaluated }); failed = true; break; }
 *   const segments = chain.segments;   // then as before
 */
import type { Firewall, FirewallPermission, FirewallPolicy, FirewallPolicyRule } from '../model/snapshot.js';
import { parseCidr, type Interval } from './cidr.js';
import { IMPLIED_PRIORITY, firewallAction, permissionMatches, type Direction, type FirewallSegment, type Packet } from './firewall.js';
import { joinAdjacent, splitAt } from './segments.js';

export type PolicyLayerKind = 'hierarchical' | 'network' | 'regional';

/** One firewall policy as a layer of the chain, with the rules that can apply to the node. */
export interface PolicyLayer {
  kind: PolicyLayerKind;
  policy: FirewallPolicy;
  /** What the policy is attached to here: `organizations/N`, `folders/N`, or the network. */
  attachment: string;
  /** Where the layer sits relative to the VPC firewall rules. */
  position: 'before' | 'after';
  /** The enabled rules of the direction whose targets may include the node, lowest priority number first. */
  rules: TargetedRule[];
}

/** A policy rule with what the node's identity says of its targets. */
export interface TargetedRule {
  rule: FirewallPolicyRule;
  /** `maybe`: the rule targets secure tags and the node's are not known. */
  targets: 'yes' | 'maybe';
}

/** The layers before and after the VPC firewall rules, in evaluation order. */
export interface ChainPlan {
  before: PolicyLayer[];
  after: PolicyLayer[];
}

/** What decided a piece of the range. */
export type ChainDecider =
  | { layer: 'vpc'; firewall: Firewall }
  | { layer: PolicyLayerKind; policyLayer: PolicyLayer; rule: FirewallPolicyRule }
  | { layer: 'implied' };

/** Why a piece of the range cannot be decided: a rule that may or may not match, and would change the answer. */
export interface Undetermined {
  policyLayer: PolicyLayer;
  rule: FirewallPolicyRule;
  /** e.g. `destFqdns [example.com]`, `the secure tags of the node`. */
  field: string;
}

export interface ChainSegment extends FirewallSegment {
  decider: ChainDecider;
  /** The `goto_next` rules that passed the packet on before the decider. */
  passedBy: { policyLayer: PolicyLayer; rule: FirewallPolicyRule }[];
  /** What would have decided had the decider not matched (for "shadows allow X" messages). */
  shadowed?: ChainDecider;
  /** Set when the piece cannot be decided; `action` is then the answer with the uncertain rules not matching. */
  undetermined?: Undetermined;
}

const EVERYWHERE: Interval[] = [parseCidr('0.0.0.0/0'), parseCidr('::/0')];

/** The remote-side match fields that widen a rule beyond its address ranges (a union with them). */
const WIDENING = {
  EGRESS: ['destFqdns', 'destRegionCodes', 'destAddressGroups', 'destThreatIntelligences'],
  INGRESS: ['srcFqdns', 'srcRegionCodes', 'srcAddressGroups', 'srcThreatIntelligences'],
} as const;

/** How a policy rule's remote side meets addresses: surely, or maybe (a field this tool cannot judge). */
export interface RuleReach {
  definite: Interval[];
  maybe: Interval[];
  /** The field behind `maybe`, for messages. */
  field?: string;
}

const reaches = new WeakMap<FirewallPolicyRule, RuleReach>();

function fieldText(name: string, values: string[]): string {
  return values.length ? `${name} [${values.join(', ')}]` : name;
}

/**
 * The addresses on the remote side of a policy rule (destinations for egress, sources for ingress),
 * parsed once per rule. Throws a RangeError naming the field for a range it cannot parse (callers
 * check `policyRuleDefect` first).
 */
export function policyRuleReach(rule: FirewallPolicyRule): RuleReach {
  let reach = reaches.get(rule);
  if (reach) return reach;
  const ranges = (rule.direction === 'EGRESS' ? rule.destIpRanges : rule.srcIpRanges).map((r) => parseCidr(r));
  const unsupported = Object.entries(rule.unsupportedMatch ?? {}).filter(([, values]) => values !== undefined);
  const widening = new Set<string>(WIDENING[rule.direction]);
  const widen = unsupported.filter(([name]) => widening.has(name));
  const narrow = unsupported.filter(([name]) => !widening.has(name));
  if (unsupported.length === 0) {
    reach = { definite: ranges.length ? ranges : EVERYWHERE, maybe: [] };
  } else if (narrow.length === 0) {
    reach = { definite: ranges, maybe: EVERYWHERE, field: fieldText(widen[0][0], widen[0][1]) };
  } else {
    // A narrowing field (a network scope, a match on the node's own side) may exclude any address.
    reach = { definite: [], maybe: ranges.length && widen.length === 0 ? ranges : EVERYWHERE, field: fieldText(narrow[0][0], narrow[0][1]) };
  }
  reaches.set(rule, reach);
  return reach;
}

/** The first field of a policy rule the analysis cannot read (a malformed range or port), if any. */
export function policyRuleDefect(rule: FirewallPolicyRule): string | undefined {
  for (const field of ['srcIpRanges', 'destIpRanges'] as const) {
    for (const [i, r] of rule[field].entries()) {
      try {
        parseCidr(r);
      } catch {
        return `match.${field}[${i}] ${JSON.stringify(r)}`;
      }
    }
  }
  for (const [i, l4] of rule.layer4Configs.entries()) {
    try {
      permissionMatches({ IPProtocol: l4.ipProtocol, ports: l4.ports }, { protocol: 'tcp', port: 1 });
    } catch {
      return `match.layer4Configs[${i}].ports ${JSON.stringify(l4.ports)}`;
    }
  }
  return undefined;
}

/** Whether the rule's `layer4Configs` cover the packet (none = every protocol). */
export function policyRuleMatchesPacket(rule: FirewallPolicyRule, packet: Packet): boolean {
  if (rule.layer4Configs.length === 0) return true;
  return rule.layer4Configs.some((l4) => permissionMatches({ IPProtocol: l4.ipProtocol, ports: l4.ports }, packet));
}

/**
 * Whether the rule targets the node: `targetResources` (networks) must include its network when
 * set; then target secure tags, else target service accounts, else every VM. `secureTags`
 * undefined = not known (a rule on secure tags then may or may not apply).
 */
export function policyRuleTargets(
  rule: FirewallPolicyRule,
  node: { network: string; serviceAccounts: readonly string[]; secureTags?: readonly string[] },
): 'yes' | 'no' | 'maybe' {
  if (rule.targetResources.length > 0 && !rule.targetResources.includes(node.network)) return 'no';
  if (rule.targetSecureTags.length > 0) {
    if (node.secureTags === undefined) return 'maybe';
    return rule.targetSecureTags.some((t) => node.secureTags!.includes(t)) ? 'yes' : 'no';
  }
  if (rule.targetServiceAccounts.length > 0) return rule.targetServiceAccounts.some((s) => node.serviceAccounts.includes(s)) ? 'yes' : 'no';
  return 'yes';
}

/** The rules of a policy that can apply to the node in `direction`, lowest priority number first. */
export function targetedRules(
  policy: FirewallPolicy,
  direction: Direction,
  node: { network: string; serviceAccounts: readonly string[]; secureTags?: readonly string[] },
): TargetedRule[] {
  const out: TargetedRule[] = [];
  for (const rule of policy.rules) {
    if (rule.disabled || rule.direction !== direction) continue;
    const targets = policyRuleTargets(rule, node);
    if (targets !== 'no') out.push({ rule, targets });
  }
  return out.sort((a, b) => a.rule.priority - b.rule.priority);
}

/** One step of the flattened chain. */
type Step =
  | { kind: 'policy'; layer: PolicyLayer; layerIndex: number; rule: FirewallPolicyRule; definite: Interval[]; maybe: Interval[]; field?: string }
  | { kind: 'vpc'; layerIndex: number };

function holds(intervals: readonly Interval[], family: 4 | 6, address: bigint): boolean {
  for (const i of intervals) if (i.family === family && i.start <= address && address <= i.end) return true;
  return false;
}

interface Walk {
  action: 'allow' | 'deny';
  decider: ChainDecider;
  passedBy: ChainSegment['passedBy'];
  undetermined?: Undetermined;
  /** The step index where the decider sits (-1 for the implied rule or the VPC layer's own). */
  at: number;
}

/**
 * The decision at one address, given the flattened steps and the VPC layer's segment there. Rules
 * that may match are followed both ways (memoized per step, so linear): when the possible outcomes
 * differ, the first such rule on the path makes the piece undetermined.
 */
function decideAt(steps: Step[], vpc: FirewallSegment | undefined, direction: Direction, family: 4 | 6, address: bigint, skip = -1): Walk {
  const implied: 'allow' | 'deny' = direction === 'EGRESS' ? 'allow' : 'deny';
  const nextLayer = (i: number): number => nextLayerOf(steps, i);
  // Every outcome reachable from step i (used only to tell whether a maybe-rule matters, so made
  // only then: most walks meet no such rule).
  let outcomes: Map<number, Set<'allow' | 'deny'>> | undefined;
  const possible = (i: number): Set<'allow' | 'deny'> => {
    outcomes ??= new Map();
    const known = outcomes.get(i);
    if (known) return known;
    let result: Set<'allow' | 'deny'>;
    if (i >= steps.length) result = new Set([implied]);
    else {
      const step = steps[i];
      if (step.kind === 'vpc' || i === skip) {
        result = step.kind === 'vpc' && i !== skip && vpc?.rule ? new Set([vpc.action]) : possible(i + 1);
      } else if (holds(step.definite, family, address)) {
        result = step.rule.action === 'goto_next' ? possible(nextLayer(i)) : new Set([terminal(step.rule)]);
      } else if (holds(step.maybe, family, address)) {
        const matched = step.rule.action === 'goto_next' ? possible(nextLayer(i)) : new Set([terminal(step.rule)]);
        result = new Set([...matched, ...possible(i + 1)]);
      } else result = possible(i + 1);
    }
    outcomes.set(i, result);
    return result;
  };
  const passedBy: ChainSegment['passedBy'] = [];
  let undetermined: Undetermined | undefined;
  let i = 0;
  while (i < steps.length) {
    const step = steps[i];
    if (i === skip) {
      i++;
      continue;
    }
    if (step.kind === 'vpc') {
      if (vpc?.rule) return { action: vpc.action, decider: { layer: 'vpc', firewall: vpc.rule }, passedBy, undetermined, at: i };
      i++;
      continue;
    }
    if (holds(step.definite, family, address)) {
      if (step.rule.action === 'goto_next') {
        passedBy.push({ policyLayer: step.layer, rule: step.rule });
        i = nextLayer(i);
        continue;
      }
      return { action: terminal(step.rule), decider: { layer: step.layer.kind, policyLayer: step.layer, rule: step.rule }, passedBy, undetermined, at: i };
    }
    if (!undetermined && holds(step.maybe, family, address)) {
      const matched = step.rule.action === 'goto_next' ? possible(nextLayer(i)) : new Set([terminal(step.rule)]);
      const both = new Set([...matched, ...possible(i + 1)]);
      if (both.size > 1) undetermined = { policyLayer: step.layer, rule: step.rule, field: step.field ?? 'a match field' };
    }
    i++;
  }
  return { action: implied, decider: { layer: 'implied' }, passedBy, undetermined, at: -1 };
}

/** The first step after step i's layer. */
function nextLayerOf(steps: Step[], i: number): number {
  const layer = steps[i].layerIndex;
  let j = i + 1;
  while (j < steps.length && steps[j].layerIndex === layer) j++;
  return j;
}

function terminal(rule: FirewallPolicyRule): 'allow' | 'deny' {
  return rule.action === 'deny' ? 'deny' : 'allow';
}

/** Flattens the plan into steps, with the index of each layer's first step. */
function flatten(plan: ChainPlan, packet: Packet, targets: readonly Interval[]): { steps: Step[]; cuts: Interval[] } {
  const steps: Step[] = [];
  const cuts: Interval[] = [];
  let layerIndex = 0;
  const addLayer = (layer: PolicyLayer) => {
    for (const { rule, targets: sure } of layer.rules) {
      if (!policyRuleMatchesPacket(rule, packet)) continue;
      const reach = policyRuleReach(rule);
      let definite = reach.definite;
      let maybe = reach.maybe;
      let field = reach.field;
      if (sure === 'maybe') {
        maybe = [...definite, ...maybe];
        definite = [];
        field = `target secure tags [${rule.targetSecureTags.join(', ')}] (the node's secure tags are not known)`;
      }
      if (!definite.some((d) => targets.some((t) => overlapsInterval(d, t))) && !maybe.some((d) => targets.some((t) => overlapsInterval(d, t)))) continue;
      steps.push({ kind: 'policy', layer, layerIndex, rule, definite, maybe, field });
      cuts.push(...definite, ...maybe);
    }
    layerIndex++;
  };
  for (const layer of plan.before) addLayer(layer);
  steps.push({ kind: 'vpc', layerIndex: layerIndex++ });
  for (const layer of plan.after) addLayer(layer);
  return { steps, cuts };
}

function overlapsInterval(a: Interval, b: Interval): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

function vpcAt(vpc: readonly FirewallSegment[], family: 4 | 6, address: bigint): FirewallSegment | undefined {
  for (const s of vpc) if (s.range.family === family && s.range.start <= address && address <= s.range.end) return s;
  return undefined;
}

function sameDecider(a: ChainDecider | undefined, b: ChainDecider | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.layer !== b.layer) return false;
  if (a.layer === 'vpc') return a.firewall === (b as typeof a).firewall;
  if (a.layer === 'implied') return true;
  return a.rule === (b as { rule: FirewallPolicyRule }).rule;
}

/**
 * The chain's decision for every address of `remote`: the VPC layer's segments (from
 * `firewallDecisions` over the same ranges, whose rule-less pieces mean "no VPC rule matched")
 * placed among the policy layers of `plan`. Without policy layers the VPC segments are the answer.
 */
export function chainDecisions(plan: ChainPlan, vpc: readonly FirewallSegment[], direction: Direction, packet: Packet, remote: readonly Interval[]): ChainSegment[] {
  if (plan.before.length === 0 && plan.after.length === 0) {
    return vpc.map((s) => ({ ...s, decider: s.rule ? { layer: 'vpc', firewall: s.rule } : { layer: 'implied' }, passedBy: [] }));
  }
  const { steps, cuts } = flatten(plan, packet, remote);
  // No policy rule can match this packet there: the VPC rules' answer is the chain's.
  if (steps.length === 1) return chainDecisions({ before: [], after: [] }, vpc, direction, packet, remote);
  const pieces = splitAt([...remote], [...cuts, ...vpc.map((s) => s.range)]);
  const segments: ChainSegment[] = pieces.map((range) => {
    const here = vpcAt(vpc, range.family, range.start);
    const walk = decideAt(steps, here, direction, range.family, range.start);
    const segment: ChainSegment = {
      range,
      action: walk.action,
      overridden: walk.decider.layer === 'vpc' ? (here?.overridden ?? []) : [],
      decider: walk.decider,
      passedBy: walk.passedBy,
    };
    if (walk.decider.layer === 'vpc') segment.rule = walk.decider.firewall;
    else if (walk.decider.layer !== 'implied') segment.deciderText = describeChainDecider(walk.decider, direction);
    if (walk.undetermined) segment.undetermined = walk.undetermined;
    if (walk.at >= 0 && walk.action === 'deny') {
      const vpcWithout = steps[walk.at].kind === 'vpc' ? withoutDecider(here, packet) : here;
      const other = decideAt(steps, vpcWithout, direction, range.family, range.start, steps[walk.at].kind === 'vpc' ? -1 : walk.at);
      if (other.action === 'allow') segment.shadowed = other.decider;
    }
    return segment;
  });
  return joinAdjacent(
    segments,
    (a, b) =>
      a.action === b.action &&
      sameDecider(a.decider, b.decider) &&
      sameDecider(a.shadowed, b.shadowed) &&
      a.undetermined?.rule === b.undetermined?.rule &&
      a.passedBy.length === b.passedBy.length &&
      a.passedBy.every((p, i) => p.rule === b.passedBy[i].rule) &&
      a.overridden.length === b.overridden.length &&
      a.overridden.every((r, i) => r === b.overridden[i]),
  );
}

/** The VPC layer's answer at a piece with its deciding rule taken out: the next VPC rule that matched, if any. */
function withoutDecider(segment: FirewallSegment | undefined, packet: Packet): FirewallSegment | undefined {
  if (!segment?.rule) return segment;
  const [next] = segment.overridden;
  if (!next) return { range: segment.range, action: segment.action, overridden: [] };
  return { range: segment.range, action: firewallAction(next, packet) ?? 'allow', rule: next, overridden: segment.overridden.slice(1) };
}

const LAYER_NAMES: Record<PolicyLayerKind, string> = {
  hierarchical: 'hierarchical policy',
  network: 'global network firewall policy',
  regional: 'regional network firewall policy',
};

/** `hierarchical policy \`org-egress\` on organizations/123`. */
export function describePolicyLayer(layer: PolicyLayer): string {
  const name = layer.policy.displayName ?? layer.policy.name;
  if (layer.kind === 'hierarchical') return `${LAYER_NAMES.hierarchical} \`${name}\` on ${layer.attachment}`;
  if (layer.kind === 'regional') return `${LAYER_NAMES.regional} \`${name}\` (${layer.policy.region ?? 'its region'})`;
  return `${LAYER_NAMES.network} \`${name}\``;
}

/** Where the layer sits, for messages: why it decided before or after the VPC rules. */
function layerWhen(layer: PolicyLayer): string {
  if (layer.kind === 'hierarchical') return "evaluated before the network's firewall rules";
  return layer.position === 'before'
    ? 'evaluated before the VPC firewall rules: the network enforces BEFORE_CLASSIC_FIREWALL'
    : 'evaluated after the VPC firewall rules, which did not decide';
}

/** `rule 100 (deny-all) of hierarchical policy \`org-egress\` on organizations/123`. */
export function describePolicyRule(layer: PolicyLayer, rule: FirewallPolicyRule): string {
  return `rule ${rule.priority}${rule.ruleName ? ` (${rule.ruleName})` : ''} of ${describePolicyLayer(layer)}`;
}

/**
 * The decider in words: a VPC rule as `deny-egress-all (priority 65534)`, a policy rule with its
 * layer and where that layer sits, or the implied rule.
 */
export function describeChainDecider(decider: ChainDecider, direction: Direction): string {
  if (decider.layer === 'vpc') return `${decider.firewall.name} (priority ${decider.firewall.priority})`;
  if (decider.layer === 'implied') {
    return direction === 'EGRESS' ? `the implied egress allow rule (priority ${IMPLIED_PRIORITY})` : `the implied ingress deny rule (priority ${IMPLIED_PRIORITY})`;
  }
  return `${describePolicyRule(decider.policyLayer, decider.rule)} (${layerWhen(decider.policyLayer)})`;
}

/** The resource a decider names in SARIF / related lists: the VPC rule or the policy. */
export function deciderResource(decider: ChainDecider): string | undefined {
  if (decider.layer === 'vpc') return decider.firewall.fullName;
  if (decider.layer === 'implied') return undefined;
  return decider.policyLayer.policy.fullName;
}

/** A short name of the deciding layer, for checklists: `VPC firewall rules`, `hierarchical policy ...`. */
export function deciderLayerText(decider: ChainDecider): string {
  if (decider.layer === 'vpc') return 'VPC firewall rules';
  if (decider.layer === 'implied') return 'implied rules';
  return describePolicyLayer(decider.policyLayer);
}

/** A policy rule's `layer4Configs` as VPC-style permissions (none = every protocol), for packet classes. */
export function policyRulePermissions(rule: FirewallPolicyRule): FirewallPermission[] {
  if (rule.layer4Configs.length === 0) return [{ IPProtocol: 'all' }];
  return rule.layer4Configs.map((l4) => (l4.ports && l4.ports.length ? { IPProtocol: l4.ipProtocol, ports: l4.ports } : { IPProtocol: l4.ipProtocol }));
}

/** The policy rules of the plan whose remote side (sure or maybe) touches `intervals`. */
export function policyRulesReaching(plan: ChainPlan, intervals: readonly Interval[]): FirewallPolicyRule[] {
  const out: FirewallPolicyRule[] = [];
  for (const layer of [...plan.before, ...plan.after]) {
    for (const { rule } of layer.rules) {
      const reach = policyRuleReach(rule);
      if ([...reach.definite, ...reach.maybe].some((r) => intervals.some((i) => overlapsInterval(r, i)))) out.push(rule);
    }
  }
  return out;
}

/**
 * The first deny of every protocol to all of 0.0.0.0/0 that surely applies to the node, in chain
 * order among the layers of `layers`.
 */
export function catchAllPolicyDeny(layers: readonly PolicyLayer[]): { layer: PolicyLayer; rule: FirewallPolicyRule } | undefined {
  const all4 = parseCidr('0.0.0.0/0');
  for (const layer of layers) {
    for (const { rule, targets } of layer.rules) {
      if (rule.action !== 'deny' || targets !== 'yes') continue;
      if (!policyRulePermissions(rule).some((p) => p.IPProtocol === 'all')) continue;
      const reach = policyRuleReach(rule);
      if (reach.definite.some((r) => r.family === 4 && r.start <= all4.start && r.end >= all4.end)) return { layer, rule };
    }
  }
  return undefined;
}
