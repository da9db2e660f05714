/**
 * Name resolution as a GKE node (or another VM) on a given VPC network sees it through Cloud DNS,
 * in the order Cloud DNS documents (cloud.google.com/dns/docs/vpc-name-res-order):
 *
 * 1. For a GKE node, the response policies bound to its cluster, then the private zones visible
 *    to the cluster (`privateVisibilityConfig.gkeClusters`);
 * 2. a DNS server policy of the network with alternative name servers forwards every query there
 *    (nothing below applies, and the answer cannot be known from the snapshot);
 * 3. the response policies bound to the network;
 * 4. the private, forwarding and peering zones visible to the network;
 * 5. otherwise public DNS, which this module cannot and does not evaluate.
 *
 * Response policies: every applicable rule is scanned and the one whose `dnsName` matches the
 * longest suffix of the query wins (REST `ResponsePolicyRule`: "Each DNS query subject to a
 * Response Policy matches at most one ResponsePolicyRule, as identified by the dnsName field with
 * the longest matching suffix"); its `localData` answers and overrides private zones, its
 * `behavior: bypassResponsePolicy` skips less specific rules and lets resolution continue.
 *
 * Inside a zone an exact record set wins over a wildcard (RFC 4592: the wildcard at the closest
 * encloser, and only when the name itself does not exist). CNAMEs, from a zone or from a rule's
 * local data, are chased again through the whole order.
 *
 * Pure: it reads the snapshot through `ZoneView` and knows nothing of rules.
 */
import { fqdn } from '../model/names.js';
import type { DnsServerPolicy, ManagedZone, RecordSet, ResponsePolicy, ResponsePolicyRule } from '../model/snapshot.js';

/** What resolution needs of the snapshot (SnapshotIndex satisfies it). */
export interface ZoneView {
  /** Private zones whose visibility lists the network. */
  zonesVisibleTo(network: string): ManagedZone[];
  /** Private zones whose visibility lists the GKE cluster (`privateVisibilityConfig.gkeClusters`). */
  zonesVisibleToCluster?(cluster: string): ManagedZone[];
  /** Response policies bound to the network or to the GKE cluster (by fullName). */
  responsePoliciesBoundTo?(networkOrCluster: string): ResponsePolicy[];
  /** DNS server policies bound to the network. */
  dnsPoliciesOn?(network: string): DnsServerPolicy[];
}

/** The response-policy rule that decided a query. */
export interface PolicyRuleUsed {
  policy: ResponsePolicy;
  rule: ResponsePolicyRule;
}

/** One step of a resolution: a record used, or a peering zone that handed the query on. */
export interface DnsStep {
  /** The name asked at this step. */
  name: string;
  /** The network whose view answered. */
  network: string;
  /** The zone whose record was used (absent when a response-policy rule answered). */
  zone?: ManagedZone;
  /** The response-policy rule whose local data answered (absent when a zone answered). */
  policyRule?: PolicyRuleUsed;
  /** The record set used (absent for a peering hand-off). */
  record?: RecordSet;
  /** True when `record` is a wildcard record set standing in for `name`. */
  wildcard?: boolean;
  /** For a peering zone: the network it hands the query to. */
  peeredTo?: string;
}

interface AnswerBase {
  /** The name the answer is about (the last name of a CNAME chain). */
  name: string;
  steps: DnsStep[];
}

export type DnsAnswer =
  /** Final A / AAAA data from a private zone or a response-policy rule's local data. */
  | (AnswerBase & { kind: 'addresses'; a: string[]; aaaa: string[]; zone?: ManagedZone; policyRule?: PolicyRuleUsed })
  /** The private zone says the name does not exist. */
  | (AnswerBase & { kind: 'nxdomain'; zone: ManagedZone })
  /** The name exists in the private zone (or a rule's local data) but has no A, AAAA or CNAME record. */
  | (AnswerBase & { kind: 'nodata'; zone?: ManagedZone; policyRule?: PolicyRuleUsed })
  /** A DNS server policy sends every query of the network to alternative name servers. */
  | (AnswerBase & { kind: 'serverPolicy'; policy: DnsServerPolicy; servers: string[] })
  /** No private zone of the network claims the name: public DNS would answer. */
  | (AnswerBase & { kind: 'public'; network: string })
  /** A forwarding zone sends the query elsewhere; the answer cannot be known from the snapshot. */
  | (AnswerBase & { kind: 'forwarded'; zone: ManagedZone; targets: string[] })
  /** The CNAME chain comes back to a name it already asked. */
  | (AnswerBase & { kind: 'loop' })
  /** The answer cannot be known: record sets not read or unknown, ambiguous zones, chained peering. */
  | (AnswerBase & { kind: 'unknown'; zone?: ManagedZone; reason: string });

export interface ResolveOptions {
  /** CNAMEs followed before giving up (resolvers bound the chain too). Default 8. */
  maxCnames?: number;
  /** The GKE cluster (fullName) whose node asks: its cluster-scoped policies and zones come first. */
  cluster?: string;
}

/** True when `name` is `domain` or lies under it (label boundary, both fully qualified). */
export function isSubdomain(name: string, domain: string): boolean {
  const n = fqdn(name);
  const d = fqdn(domain);
  return d === '.' || n === d || n.endsWith(`.${d}`);
}

/** The text of a record set as a zone file shows it, for messages. */
export function recordText(record: RecordSet): string {
  return `${record.name} ${record.type} ${record.rrdatas.join(' ')}`;
}

type ZoneChoice = { kind: 'none' } | { kind: 'zone'; zone: ManagedZone } | { kind: 'ambiguous'; zones: ManagedZone[] };

/** The most specific private zone of the network (or, with `cluster`, of that GKE cluster) for `name`. */
export function answeringZone(view: ZoneView, network: string, name: string, cluster?: string): ZoneChoice {
  let best: ManagedZone[] = [];
  let bestLength = -1;
  const candidates = cluster === undefined ? view.zonesVisibleTo(network) : (view.zonesVisibleToCluster?.(cluster) ?? []);
  for (const zone of candidates) {
    if (zone.visibility !== 'private') continue;
    if (cluster === undefined ? !zone.privateVisibilityNetworks.includes(network) : !(zone.privateVisibilityClusters ?? []).includes(cluster)) continue;
    const dnsName = fqdn(zone.dnsName);
    if (!isSubdomain(name, dnsName)) continue;
    if (dnsName.length > bestLength) {
      best = [zone];
      bestLength = dnsName.length;
    } else if (dnsName.length === bestLength && !best.includes(zone)) {
      best.push(zone);
    }
  }
  if (best.length === 0) return { kind: 'none' };
  return best.length === 1 ? { kind: 'zone', zone: best[0] } : { kind: 'ambiguous', zones: best };
}

type ZoneLookup =
  | { kind: 'records'; sets: RecordSet[]; wildcard: boolean }
  | { kind: 'nxdomain' }
  | { kind: 'nodata' };

/** Looks `name` up inside one zone's record sets (RFC 1034 / 4592 semantics). */
export function lookupInZone(zone: ManagedZone, records: RecordSet[], name: string): ZoneLookup {
  const target = fqdn(name);
  const byOwner = new Map<string, RecordSet[]>();
  for (const r of records) {
    const owner = fqdn(r.name);
    const list = byOwner.get(owner);
    if (list) list.push(r);
    else byOwner.set(owner, [r]);
  }
  // A name "exists" when it owns records or is an empty non-terminal (something lies below it).
  const exists = (n: string): boolean => byOwner.has(n) || [...byOwner.keys()].some((o) => o.endsWith(`.${n}`));

  const exact = byOwner.get(target);
  if (exact) return { kind: 'records', sets: exact, wildcard: false };
  const apex = fqdn(zone.dnsName);
  // The apex always exists (its SOA may just be missing from the snapshot), and a wildcard never
  // covers the name it hangs under.
  if (target === apex || exists(target)) return { kind: 'nodata' };

  // The wildcard that applies is the one at the closest encloser: the nearest existing ancestor.
  let ancestor = target;
  while (ancestor !== apex) {
    const dot = ancestor.indexOf('.');
    ancestor = dot < 0 || dot === ancestor.length - 1 ? '.' : ancestor.slice(dot + 1);
    if (ancestor === apex || ancestor === '.' || exists(ancestor)) break;
  }
  const wildcard = byOwner.get(ancestor === '.' ? '*.' : `*.${ancestor}`);
  if (wildcard) return { kind: 'records', sets: wildcard, wildcard: true };
  return { kind: 'nxdomain' };
}

/** How specific a response-policy rule's `dnsName` is for `name`, or -1 when it does not match. */
function ruleSpecificity(ruleName: string, name: string): number {
  const dnsName = fqdn(ruleName);
  if (dnsName.startsWith('*.')) {
    const parent = dnsName.slice(2);
    // A wildcard selector covers the names strictly below it, as a DNS wildcard does.
    return name !== parent && isSubdomain(name, parent) ? parent.length : -1;
  }
  // An exact selector beats any wildcard that also covers the name.
  return dnsName === name ? dnsName.length + 2 : -1;
}

type RuleChoice = { kind: 'none' } | { kind: 'rule'; used: PolicyRuleUsed } | { kind: 'unknown'; reason: string };

/** The most specific rule of `policies` for `name` (longest matching suffix across all of them). */
export function matchingPolicyRule(policies: ResponsePolicy[], name: string): RuleChoice {
  let best: PolicyRuleUsed[] = [];
  let bestScore = -1;
  for (const policy of policies) {
    if (!policy.rules) return { kind: 'unknown', reason: `the rules of response policy ${policy.name} were not read` };
    for (const rule of policy.rules) {
      const score = ruleSpecificity(rule.dnsName, name);
      if (score < 0 || score < bestScore) continue;
      if (score > bestScore) best = [];
      bestScore = score;
      best.push({ policy, rule });
    }
  }
  if (best.length === 0) return { kind: 'none' };
  const distinct = new Set(best.map(({ rule }) => JSON.stringify([rule.behavior ?? '', (rule.localData ?? []).map(recordText).sort()])));
  if (distinct.size > 1) {
    return {
      kind: 'unknown',
      reason: `response policy rules ${best.map(({ policy, rule }) => `${policy.name}/${rule.ruleName}`).join(', ')} match ${name} equally and answer differently`,
    };
  }
  return { kind: 'rule', used: best[0] };
}

/** Why the zone's record sets are not known (not read, or computed at apply time), if they are not. */
function recordSetsUnknown(zone: ManagedZone): string | undefined {
  if (!zone.recordSets) return `the record sets of zone ${zone.name} were not read`;
  const path = (zone.unknown ?? []).find((p) => p === 'recordSets' || p.startsWith('recordSets.') || p.startsWith('recordSets['));
  return path ? `${path} of zone ${zone.name} is not known until apply` : undefined;
}

/** The servers of the network's server policy with alternative name servers, if it has one. */
function alternativeServers(view: ZoneView, network: string): { policy: DnsServerPolicy; servers: string[] } | undefined {
  for (const policy of view.dnsPoliciesOn?.(network) ?? []) {
    const servers = policy.alternativeNameServers.map((s) => s.ipv4Address ?? s.ipv6Address).filter((s): s is string => Boolean(s));
    if (policy.alternativeNameServers.length > 0) return { policy, servers };
  }
  return undefined;
}

/** What one place of the order says of a name: records to use, a final answer, or "not here". */
type HopResult =
  | { kind: 'records'; sets: RecordSet[]; wildcard: boolean; zone?: ManagedZone; policyRule?: PolicyRuleUsed }
  | { kind: 'final'; answer: DnsAnswer }
  | { kind: 'next' };

/**
 * Resolves `name` (A and AAAA) as a node on `network` (of GKE cluster `options.cluster`, when
 * given) would through Cloud DNS. A peering zone hands the query to its target network once (DNS
 * peering is not transitive); there only that network's zones answer.
 */
export function resolve(view: ZoneView, network: string, name: string, options: ResolveOptions = {}): DnsAnswer {
  const maxCnames = options.maxCnames ?? 8;
  const steps: DnsStep[] = [];
  const asked = new Set<string>();
  let current = fqdn(name);
  let cnames = 0;
  /** After a peering zone handed the query on, the rest of the chain is resolved in that network. */
  let peeredTo: string | undefined;

  /** A response-policy rule decides: its local data, or "go on" (bypass, no rule). */
  const byPolicies = (policies: ResponsePolicy[]): HopResult => {
    if (policies.length === 0) return { kind: 'next' };
    const choice = matchingPolicyRule(policies, current);
    if (choice.kind === 'unknown') return { kind: 'final', answer: { kind: 'unknown', name: current, steps, reason: choice.reason } };
    if (choice.kind === 'none' || !choice.used.rule.localData) return { kind: 'next' };
    const policyRule = choice.used;
    return { kind: 'records', sets: policyRule.rule.localData!, wildcard: fqdn(policyRule.rule.dnsName).startsWith('*.'), policyRule };
  };

  /** The zones of the network or cluster: records of the answering zone, forwarding, or peering once. */
  const byZones = (net: string, cluster?: string): HopResult => {
    let choice = answeringZone(view, net, current, cluster);
    let viewNet = net;
    if (choice.kind === 'zone' && choice.zone.peeringTargetNetwork) {
      const peeringZone = choice.zone;
      const target = peeringZone.peeringTargetNetwork as string;
      if (peeredTo !== undefined) {
        const reason = `peering zone ${peeringZone.name} is reached through another peering zone, and DNS peering is not transitive`;
        return { kind: 'final', answer: { kind: 'unknown', name: current, zone: peeringZone, steps, reason } };
      }
      steps.push({ name: current, network: net, zone: peeringZone, peeredTo: target });
      peeredTo = target;
      viewNet = target;
      choice = answeringZone(view, target, current);
      if (choice.kind === 'zone' && choice.zone.peeringTargetNetwork) {
        return {
          kind: 'final',
          answer: {
            kind: 'unknown',
            name: current,
            zone: choice.zone,
            steps,
            reason: `peering zone ${choice.zone.name} is reached through peering zone ${peeringZone.name}, and DNS peering is not transitive`,
          },
        };
      }
      if (choice.kind === 'none') return { kind: 'final', answer: { kind: 'public', name: current, network: viewNet, steps } };
    }
    if (choice.kind === 'none') return { kind: 'next' };
    if (choice.kind === 'ambiguous') {
      const reason = `zones ${choice.zones.map((z) => z.name).join(', ')} all claim ${fqdn(choice.zones[0].dnsName)} for the same ${cluster ? 'cluster' : 'network'}`;
      return { kind: 'final', answer: { kind: 'unknown', name: current, steps, reason } };
    }
    const zone = choice.zone;
    if (zone.forwardingTargets && zone.forwardingTargets.length > 0) {
      return { kind: 'final', answer: { kind: 'forwarded', name: current, zone, targets: zone.forwardingTargets, steps } };
    }
    const unknownReason = recordSetsUnknown(zone);
    if (unknownReason) return { kind: 'final', answer: { kind: 'unknown', name: current, zone, steps, reason: unknownReason } };
    const found = lookupInZone(zone, zone.recordSets as RecordSet[], current);
    if (found.kind !== 'records') return { kind: 'final', answer: { kind: found.kind, name: current, zone, steps } };
    return { kind: 'records', sets: found.sets, wildcard: found.wildcard, zone };
  };

  /** The whole order for the current name. */
  const hop = (): HopResult => {
    if (peeredTo !== undefined) {
      const byPeer = byZones(peeredTo);
      return byPeer.kind === 'next' ? { kind: 'final', answer: { kind: 'public', name: current, network: peeredTo, steps } } : byPeer;
    }
    const cluster = options.cluster;
    if (cluster !== undefined) {
      const clusterPolicies = (view.responsePoliciesBoundTo?.(cluster) ?? []).filter((p) => p.gkeClusters.includes(cluster));
      const byClusterPolicy = byPolicies(clusterPolicies);
      if (byClusterPolicy.kind !== 'next') return byClusterPolicy;
      const byClusterZone = byZones(network, cluster);
      if (byClusterZone.kind !== 'next') return byClusterZone;
    }
    const server = alternativeServers(view, network);
    if (server) return { kind: 'final', answer: { kind: 'serverPolicy', name: current, steps, ...server } };
    const networkPolicies = (view.responsePoliciesBoundTo?.(network) ?? []).filter((p) => p.networks.includes(network));
    const byNetworkPolicy = byPolicies(networkPolicies);
    if (byNetworkPolicy.kind !== 'next') return byNetworkPolicy;
    const byNetworkZone = byZones(network);
    if (byNetworkZone.kind !== 'next') return byNetworkZone;
    return { kind: 'final', answer: { kind: 'public', name: current, network, steps } };
  };

  for (;;) {
    const key = `${peeredTo ?? network} ${current}`;
    if (asked.has(key)) return { kind: 'loop', name: current, steps };
    asked.add(key);

    const result = hop();
    if (result.kind === 'final') return result.answer;
    if (result.kind === 'next') return { kind: 'public', name: current, network, steps };
    const { zone, policyRule, wildcard } = result;
    // A rule's local data are all of the rule's names: the records are the rule's, whatever name asked.
    const sets = policyRule ? result.sets.filter((r) => fqdn(r.name) === fqdn(policyRule.rule.dnsName) || fqdn(r.name) === current) : result.sets;
    const from = zone ? { zone } : { policyRule };

    const cname = sets.find((r) => r.type.toUpperCase() === 'CNAME');
    if (cname) {
      steps.push({ name: current, network: peeredTo ?? network, ...from, record: cname, wildcard });
      if (cname.rrdatas.length === 0) return { kind: 'nodata', name: current, ...from, steps };
      cnames += 1;
      if (cnames > maxCnames) {
        return { kind: 'unknown', name: current, zone, steps, reason: `the CNAME chain is longer than ${maxCnames}` };
      }
      current = fqdn(cname.rrdatas[0]);
      continue;
    }
    const a = sets.filter((r) => r.type.toUpperCase() === 'A');
    const aaaa = sets.filter((r) => r.type.toUpperCase() === 'AAAA');
    if (a.length === 0 && aaaa.length === 0) return { kind: 'nodata', name: current, ...from, steps };
    for (const record of [...a, ...aaaa]) steps.push({ name: current, network: peeredTo ?? network, ...from, record, wildcard });
    return {
      kind: 'addresses',
      name: current,
      ...from,
      a: a.flatMap((r) => r.rrdatas),
      aaaa: aaaa.flatMap((r) => r.rrdatas),
      steps,
    };
  }
}

/** What answered a step, for messages: `zone Z` or `response policy P rule R`. */
export function stepSourceText(step: Pick<DnsStep, 'zone' | 'policyRule'>, entityText: (e: ManagedZone | ResponsePolicy) => string = (e) => e.name): string {
  if (step.policyRule) return `response policy ${entityText(step.policyRule.policy)} rule ${step.policyRule.rule.ruleName}`;
  return step.zone ? `zone ${entityText(step.zone)}` : 'no zone';
}

/** The fullName of what answered a step. */
export function stepSourceName(step: Pick<DnsStep, 'zone' | 'policyRule'>): string | undefined {
  return step.policyRule?.policy.fullName ?? step.zone?.fullName;
}
