import type { Outcome, Rule } from '../engine/types.js';
import type { NodeIdentity, SnapshotIndex } from '../engine/snapshot-index.js';
import { VIPS } from '../model/facts.js';
import type { Firewall } from '../model/snapshot.js';
import { anyIntervalsOverlap, contains, coveredBy, formatRange, isCidr, parseCidr, subtract, type Interval } from '../network/cidr.js';
import {
  describeDecider,
  firewallAction,
  firewallDecisions,
  firewallTargets,
  formatPacket,
  packetClasses,
  packetClassesOf,
  remoteRanges,
  type Packet,
} from '../network/firewall.js';
import {
  catchAllPolicyDeny,
  deciderResource,
  describeChainDecider,
  describePolicyLayer,
  describePolicyRule,
  deciderLayerText,
  policyRulePermissions,
  policyRulesReaching,
} from '../network/firewall-chain.js';
import { chainPlanAt, FIREWALL_CHAIN_MESSAGES, firewallChainAt, remembered, undeterminedOutcome, type SharedPlan } from './chain.js';
import { decisionsAt, firewallQuestion, firewallsAt, reaching, remoteRangesOf, type FirewallQuestion, type RemoteRanges, type Selection } from './enforced.js';
import type { NotEvaluated } from './support.js';
import type { Cluster } from '../model/snapshot.js';
import { apiDestinationsFor, CLUSTER_NETWORK_MESSAGES, clusterNetwork, clusterRanges, firstUnknown, listText, nodeText } from './support.js';
import type { ApiDestination } from '../network/api-path.js';
import { networkFix } from './fix.js';

type Finding = Pick<Outcome, 'messageId' | 'data' | 'related' | 'decidedBy'>;

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const HTTPS: Packet = { protocol: 'tcp', port: 443 };

const ALL_IPV4 = parseCidr('0.0.0.0/0');

/**
 * `ranges` (sorted, disjoint, not adjacent, as subtract returns them) without `cut`; the very same
 * array when nothing of it is cut, so callers can tell.
 */
function withoutRanges(ranges: Interval[], cut: Interval[]): Interval[] {
  if (!anyIntervalsOverlap(ranges, cut)) return ranges;
  return ranges.flatMap((r) => subtract(r, cut));
}

const coversAll = new WeakMap<Firewall, boolean>();

/** Whether the rule's remote side is all of 0.0.0.0/0; asked of every rule for every group of nodes, so kept per rule. */
function coversEverything(rule: Firewall): boolean {
  let covers = coversAll.get(rule);
  if (covers === undefined) {
    covers = coveredBy(ALL_IPV4, remoteRanges(rule));
    coversAll.set(rule, covers);
  }
  return covers;
}

/** A catch-all deny that is there but does not apply, named in the message as the likely cause. */
function idleDenyHint(firewalls: Firewall[], identity: NodeIdentity): string {
  const idle = firewalls.find((f) => f.direction === 'EGRESS' && f.denied.length > 0 && coversEverything(f) && (f.disabled || !firewallTargets(f, identity)));
  if (!idle) return '';
  return idle.disabled ? ` (deny ${idle.name} is disabled)` : ` (deny ${idle.name} targets other nodes)`;
}

/** A node's judgement: what fails, why it cannot be judged, or the deny that closes internet egress. */
type Judged = { finding: Finding } | { notEvaluated: NotEvaluated & { decidedBy?: string } } | { deny: string; denyResource: string; decidedBy?: string };

/**
 * The first thing that fails for one node: no catch-all deny, internet traffic let out, the VIP or
 * a proxy shadowed. The finding's data lacks the node, which the caller adds (nodes alike share it).
 */
function judgeNode(
  index: SnapshotIndex,
  firewalls: Firewall[],
  selection: Selection<Firewall>,
  identity: NodeIdentity,
  internet: RemoteRanges,
  apiQuestions: ApiQuestion[],
  proxies: string[],
): Judged {
  // The egress rules enforced at the node are the only ones that can decide its packets.
  const rules = selection.rules;
  const catchAll = index.memo('catch-all deny by position', selection.network, () => firewalls.map((f) => f.denied.length > 0 && coversEverything(f)));
  const deny = rules.filter((_, i) => catchAll[selection.positions[i]]).sort((a, b) => a.priority - b.priority)[0];
  if (!deny) return { finding: { messageId: 'noDefaultDeny', data: { hint: idleDenyHint(firewalls, identity) } } };
  const denyText = { deny: `${deny.name} (priority ${deny.priority})`, denyResource: deny.fullName };

  // Only rules that reach an internet address can decide internet traffic, so only their protocols
  // and ports matter; nodes whose selections differ only elsewhere share the answer.
  const internetRules = reaching(index, selection, internet);
  const open = index.memoOn(internetRules, 'internetOpen', () => internetOpen(internetRules.rules, identity, internet.intervals));
  if (open) return { finding: open };

  for (const { destination, question } of apiQuestions) {
    const vipDenied = decisionsAt(index, selection, identity, 'EGRESS', question).find((s) => s.action === 'deny');
    if (vipDenied) {
      return {
        finding: {
          messageId: 'vipShadowed',
          data: { destination: destination.label, range: formatRange(vipDenied.range), deny: describeDecider(vipDenied, 'EGRESS') },
          related: [vipDenied.rule!.fullName],
        },
      };
    }
  }

  for (const proxy of proxies) {
    const proxyRules = reaching(index, selection, remoteRangesOf(proxy));
    const blocked = index.memoOn(proxyRules, 'proxyBlocked', () => proxyBlocked(proxyRules.rules, identity, proxy));
    if (blocked) return { finding: blocked };
  }
  return denyText;
}

/** Where DNS sends the nodes for Google APIs, and the tcp:443 question about it. */
interface ApiQuestion {
  destination: ApiDestination;
  question: FirewallQuestion;
}

/** Under the restricted policy the private VIP counts as internet: it reaches every API, perimeter or not. */
const openMessage = (range: Interval): string => (contains(VIPS.private.ipv4Range, range) ? 'privateVipOpen' : 'internetOpen');

/** Chain judgements are shared by nodes alike; the outcome names the node (`data.node`) when it is reported. */
const NODE = '';

const questions = new WeakMap<RemoteRanges, Map<string, FirewallQuestion>>();

/** One question per packet and ranges, built once: its key is what the answers are kept under. */
function questionAbout(packet: Packet, ranges: RemoteRanges): FirewallQuestion {
  let byPacket = questions.get(ranges);
  if (!byPacket) questions.set(ranges, (byPacket = new Map()));
  const text = formatPacket(packet);
  let question = byPacket.get(text);
  if (!question) byPacket.set(text, (question = firewallQuestion(packet, ranges.intervals)));
  return question;
}

/**
 * `judgeNode` for a node some firewall policy applies to: the same questions, each put to the whole
 * chain (src/network/firewall-chain.ts). The catch-all deny may be a policy rule; a piece of the
 * answer a rule this tool cannot judge leaves open makes the node not evaluated.
 */
function judgeNodeOnChain(
  index: SnapshotIndex,
  cluster: Cluster,
  firewalls: Firewall[],
  selection: Selection<Firewall>,
  shared: SharedPlan,
  identity: NodeIdentity,
  internet: RemoteRanges,
  apiQuestions: ApiQuestion[],
  proxies: string[],
): Judged {
  const plan = shared.plan;
  const catchAll = index.memo('catch-all deny by position', selection.network, () => firewalls.map((f) => f.denied.length > 0 && coversEverything(f)));
  const vpcDeny = selection.rules.filter((_, i) => catchAll[selection.positions[i]]).sort((a, b) => a.priority - b.priority)[0];
  const policyDeny = catchAllPolicyDeny(plan.before) ?? (vpcDeny ? undefined : catchAllPolicyDeny(plan.after));
  let deny: { deny: string; denyResource: string; decidedBy: string } | undefined;
  if (policyDeny) {
    const when = policyDeny.layer.kind === 'hierarchical' || policyDeny.layer.position === 'before' ? 'before' : 'after';
    deny = {
      deny: `${describePolicyRule(policyDeny.layer, policyDeny.rule)} (evaluated ${when} the VPC firewall rules)`,
      denyResource: policyDeny.layer.policy.fullName,
      decidedBy: describePolicyLayer(policyDeny.layer),
    };
  } else if (vpcDeny) {
    deny = { deny: `${vpcDeny.name} (priority ${vpcDeny.priority})`, denyResource: vpcDeny.fullName, decidedBy: 'VPC firewall rules' };
  }
  if (!deny) return { finding: { messageId: 'noDefaultDeny', data: { hint: idleDenyHint(firewalls, identity) } } };

  const ask = (packet: Packet, ranges: RemoteRanges | FirewallQuestion) => {
    const question = 'packet' in ranges ? ranges : questionAbout(packet, ranges);
    return firewallChainAt(index, cluster, identity, 'EGRESS', question);
  };
  // Only the rules reaching the internet can decide it: nodes whose selections narrow to the same
  // ones, under the same policy rules, share the answer.
  const internetRules = reaching(index, selection, internet);
  const byPlan = index.memoOn(internetRules, 'firewall chain internet open', () => new Map<SharedPlan, Judged | null>());
  const open = remembered(byPlan, shared, () => {
    const packets = packetClassesOf([...internetRules.rules.map((f) => f.allowed.concat(f.denied)), ...policyRulesReaching(plan, internet.intervals).map(policyRulePermissions)]);
    for (const packet of packets) {
      const chain = ask(packet, internet);
      if ('notEvaluated' in chain) return chain;
      const undetermined = undeterminedOutcome(chain.segments, NODE, formatPacket(packet), (s) => formatRange(s.range));
      if (undetermined) return { notEvaluated: undetermined };
      const allowed = chain.segments.find((s) => s.action === 'allow');
      if (allowed) {
        const resource = deciderResource(allowed.decider);
        return {
          finding: {
            messageId: openMessage(allowed.range),
            data: { packet: formatPacket(packet), range: formatRange(allowed.range), rule: describeChainDecider(allowed.decider, 'EGRESS') },
            related: resource ? [resource] : [],
            decidedBy: deciderLayerText(allowed.decider),
          },
        };
      }
    }
    return null;
  });
  if (open) return open;

  for (const { destination, question } of apiQuestions) {
    const api = ask(HTTPS, question);
    if ('notEvaluated' in api) return api;
    const apiUndetermined = undeterminedOutcome(api.segments, NODE, 'tcp:443', (s) => formatRange(s.range));
    if (apiUndetermined) return { notEvaluated: apiUndetermined };
    const apiDenied = api.segments.find((s) => s.action === 'deny');
    if (apiDenied) {
      const resource = deciderResource(apiDenied.decider);
      return {
        finding: {
          messageId: 'vipShadowed',
          data: { destination: destination.label, range: formatRange(apiDenied.range), deny: describeChainDecider(apiDenied.decider, 'EGRESS') },
          related: resource ? [resource] : [],
          decidedBy: deciderLayerText(apiDenied.decider),
        },
      };
    }
  }

  for (const proxy of proxies) {
    const proxyRanges = remoteRangesOf(proxy);
    const proxyVpc = reaching(index, selection, proxyRanges).rules;
    const tcpPackets = packetClassesOf([...proxyVpc.map((f) => f.allowed.concat(f.denied)), ...policyRulesReaching(plan, proxyRanges.intervals).map(policyRulePermissions)]).filter((p) => p.protocol === 'tcp');
    let blocked: { packet: Packet; deny: string; resource?: string; layer: string } | undefined;
    let reachable = false;
    for (const packet of tcpPackets) {
      const chain = ask(packet, proxyRanges);
      if ('notEvaluated' in chain) return chain;
      const undetermined = undeterminedOutcome(chain.segments, NODE, formatPacket(packet), (s) => formatRange(s.range));
      if (undetermined) return { notEvaluated: undetermined };
      const denied = chain.segments.find((s) => s.action === 'deny');
      if (!denied) {
        reachable = true;
        break;
      }
      blocked ??= { packet, deny: describeChainDecider(denied.decider, 'EGRESS'), resource: deciderResource(denied.decider), layer: deciderLayerText(denied.decider) };
    }
    if (!reachable && blocked) {
      return {
        finding: { messageId: 'proxyShadowed', data: { proxy, packet: formatPacket(blocked.packet), deny: blocked.deny }, related: blocked.resource ? [blocked.resource] : [], decidedBy: blocked.layer },
      };
    }
  }
  return deny;
}

const egressQuery = (packet: Packet, identity: NodeIdentity) => ({ direction: 'EGRESS' as const, packet, target: identity });

/** The first packet class some internet address lets out, if any; `rules` are those reaching the internet. */
function internetOpen(rules: Firewall[], identity: NodeIdentity, internet: Interval[]): Finding | undefined {
  for (const packet of packetClasses(rules)) {
    const open = firewallDecisions(rules, egressQuery(packet, identity), internet).find((s) => s.action === 'allow');
    if (open) {
      return {
        messageId: openMessage(open.range),
        data: { packet: formatPacket(packet), range: formatRange(open.range), rule: describeDecider(open, 'EGRESS') },
        related: open.rule ? [open.rule.fullName] : [],
      };
    }
  }
  return undefined;
}

/** Why tcp to the proxy is denied on every port, if it is; `rules` are those reaching the proxy. */
function proxyBlocked(rules: Firewall[], identity: NodeIdentity, proxy: string): Finding | undefined {
  const proxyRange = parseCidr(proxy);
  const tcpPackets = packetClasses(rules).filter((p) => p.protocol === 'tcp');
  const reachable = tcpPackets.some((p) => firewallDecisions(rules, egressQuery(p, identity), proxy).every((s) => s.action === 'allow'));
  if (reachable) return undefined;
  // Show the port an allow meant to open, so the deny named is the one in the way.
  const intended = tcpPackets.find((p) => rules.some((f) => remoteRanges(f).some((d) => contains(d, proxyRange)) && firewallAction(f, p) === 'allow'));
  const packet = intended ?? tcpPackets[0];
  const blocked = firewallDecisions(rules, egressQuery(packet, identity), proxy).find((s) => s.action === 'deny')!;
  return {
    messageId: 'proxyShadowed',
    data: { proxy, packet: formatPacket(packet), deny: describeDecider(blocked, 'EGRESS') },
    related: blocked.rule ? [blocked.rule.fullName] : [],
  };
}

export const egressDefaultDeny: Rule = {
  meta: {
    id: 'egress-default-deny',
    title: 'Internet egress is denied except through the proxy',
    defaultSeverity: 'medium',
    subject: 'cluster',
    description:
      'An enabled egress deny covering 0.0.0.0/0 applies to every node of the cluster (a VPC firewall rule, or a rule of a hierarchical or network firewall policy); every internet destination (all of 0.0.0.0/0 except the policy\'s VIP, the policy\'s proxy and on-prem ranges, RFC 1918 and the cluster\'s own node, pod, service and control-plane ranges) is denied for every protocol and port; and where DNS sends the nodes for Google APIs (the VIP range, or a Private Service Connect endpoint\'s address) (tcp:443) and each proxy range (tcp, on some port) stay allowed. Under `vip: restricted` the private VIP `199.36.153.8/30` counts as internet: an allow to it is a path to Google APIs outside the VPC Service Controls perimeter. Each question is put to the whole firewall chain: hierarchical policies (organization, then folders), then the VPC rules and the network firewall policies in the network\'s enforcement order, then the implied rules; the message names the layer and rule that decided, e.g. an organization policy that allows a host on the internet before the network\'s deny-all is ever reached. Not evaluated when the firewall policies that apply to the project were not read, or when a policy rule this tool cannot judge (an FQDN, a geolocation, an address group) could change the answer.',
    rationale:
      'The article\'s network is one where "access to the internet goes through a proxy" (インターネットへのアクセスはプロキシ経由, the property it states for the VPC before building the cluster). In the VPC firewall that means an egress deny-all at a low precedence with, above it, allows for the restricted VIP and the proxy. An allow that lets internet traffic out, a deny that does not apply to the nodes, or a deny that shadows the VIP or the proxy breaks either the isolation or the cluster.',
    articleSection: 'インターネットへのアクセスはプロキシ経由',
    remediation: {
      gcloud:
        'gcloud compute firewall-rules create deny-egress-all --network NETWORK \\\n  --direction EGRESS --action DENY --rules all --destination-ranges 0.0.0.0/0 --priority 65534\ngcloud compute firewall-rules create allow-egress-proxy --network NETWORK \\\n  --direction EGRESS --action ALLOW --rules tcp:3128 --destination-ranges PROXY_RANGE --priority 1000',
      terraform:
        'resource "google_compute_firewall" "deny_egress_all" {\n  name               = "deny-egress-all"\n  network            = google_compute_network.vpc.id\n  direction          = "EGRESS"\n  priority           = 65534\n  destination_ranges = ["0.0.0.0/0"]\n  deny {\n    protocol = "all"\n  }\n}\n\nresource "google_compute_firewall" "allow_egress_proxy" {\n  name               = "allow-egress-proxy"\n  network            = google_compute_network.vpc.id\n  direction          = "EGRESS"\n  priority           = 1000\n  destination_ranges = [var.proxy_range]\n  allow {\n    protocol = "tcp"\n    ports    = ["3128"]\n  }\n}',
    },
    messages: {
      denied: 'Cluster {{subject}}: internet egress is denied for every node by {{deny}}; {{allowed}} stay allowed above it.',
      noDefaultDeny: 'Cluster {{subject}}: no enabled egress deny covering 0.0.0.0/0 applies to {{node}}{{hint}}.',
      internetOpen: 'Cluster {{subject}}: from {{node}}, {{packet}} to internet addresses {{range}} is allowed by {{rule}}.',
      privateVipOpen:
        'Cluster {{subject}}: from {{node}}, {{packet}} to the private.googleapis.com VIP {{range}} is allowed by {{rule}}; under the restricted policy that is a path to Google APIs outside the VPC Service Controls perimeter.',
      vipShadowed: 'Cluster {{subject}}: from {{node}}, tcp:443 to {{destination}} {{range}} is denied by {{deny}}, which shadows the allow the nodes need to reach Google APIs.',
      proxyShadowed: 'Cluster {{subject}}: from {{node}}, tcp to the proxy {{proxy}} is denied on every port ({{packet}} by {{deny}}).',
      ...CLUSTER_NETWORK_MESSAGES,
      ...FIREWALL_CHAIN_MESSAGES,
    },
  },
  check({ index, params, report }) {
    // The same questions as vip-egress-firewall asks: decided once for both.
    const questions = new Map<string, FirewallQuestion>();
    const questionFor = (range: string): FirewallQuestion => {
      let q = questions.get(range);
      if (!q) questions.set(range, (q = firewallQuestion(HTTPS, range)));
      return q;
    };
    const judgedKey = `egress-default-deny\n${params.vip}\n${params.proxyRanges.join(',')}\n`;
    // What is not internet whatever the cluster: parsed and cut out of 0.0.0.0/0 once. Under the
    // restricted policy the private VIP is a way out of the perimeter, so it stays "internet".
    const vips = params.vip === 'private' ? [VIPS.restricted.ipv4Range, VIPS.private.ipv4Range] : [VIPS.restricted.ipv4Range];
    const commonNotInternet = [...vips, ...params.proxyRanges, ...params.onPremRanges, ...RFC1918].filter(isCidr);
    const commonInternet = subtract(ALL_IPV4, commonNotInternet.map((r) => parseCidr(r)));
    const commonInternetRanges = remoteRangesOf(commonInternet);
    const commonJudgedKey = `${judgedKey}${commonInternetRanges.key}`;
    // The API questions and the memo keys of a cluster's judgements, built once per internet and
    // DNS answer (clusters of a network share both) rather than once per cluster.
    const asked = new Map<string, Map<readonly ApiDestination[], { apiQuestions: ApiQuestion[]; apiKey: string; apiChainKey: string }>>();
    const askedOf = (key: string, destinations: readonly ApiDestination[]) => {
      let byDestinations = asked.get(key);
      if (!byDestinations) asked.set(key, (byDestinations = new Map()));
      let known = byDestinations.get(destinations);
      if (!known) {
        const apiKey = `${key}\n${destinations.map((d) => d.range).join(',')}`;
        known = { apiQuestions: destinations.map((destination) => ({ destination, question: questionFor(destination.range) })), apiKey, apiChainKey: `${apiKey}\non the chain` };
        byDestinations.set(destinations, known);
      }
      return known;
    };
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, subnetwork: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { subnetwork, firewalls } = gathered.scope;
      // Nodes alike (the same tags, service accounts and secure tags) would repeat the first one's judgement.
      const identities = index.distinctNodeIdentities(cluster);
      const unknown =
        firstUnknown(index, cluster, ['ipAllocationPolicy', 'privateClusterConfig.masterIpv4CidrBlock']) ??
        firstUnknown(index, subnetwork!, ['ipCidrRange', 'secondaryIpRanges']);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }
      const { pods, services } = clusterRanges(cluster, subnetwork!);
      const own = [subnetwork!.ipCidrRange, pods.cidr, services.cidr, cluster.privateClusterConfig?.masterIpv4CidrBlock].filter(
        (r): r is string => r !== undefined && isCidr(r),
      );
      const internet = withoutRanges(commonInternet, own.map((r) => parseCidr(r)));
      // The cluster's own ranges usually lie in RFC 1918 already, so clusters share the same internet.
      const internetRanges = internet === commonInternet ? commonInternetRanges : remoteRangesOf(internet);
      const key = internet === commonInternet ? commonJudgedKey : `${judgedKey}${internetRanges.key}`;
      const proxies = params.proxyRanges;
      // Where DNS sends the nodes for Google APIs (a VIP range, a PSC endpoint): what must stay allowed.
      const destinations = apiDestinationsFor(index, cluster, params.vip);
      const { apiQuestions, apiKey, apiChainKey } = askedOf(key, destinations);

      let deny: { deny: string; denyResource: string; decidedBy?: string } | undefined;
      let finding: Finding | undefined;
      let notEvaluated: NotEvaluated | undefined;
      for (const identity of identities) {
        // Nodes the same egress rules select, on any cluster of the network, are judged once.
        const selection = firewallsAt(index, cluster, identity, 'EGRESS');
        const planned = chainPlanAt(index, cluster, identity, 'EGRESS');
        if ('notEvaluated' in planned) {
          notEvaluated = planned.notEvaluated;
          break;
        }
        const { plan } = planned;
        // Nodes alike (the same egress rules, and the same policy rules) are judged once.
        const judged: Judged =
          plan.before.length === 0 && plan.after.length === 0
            ? index.memoOn(selection, apiKey, () => judgeNode(index, firewalls, selection, identity, internetRanges, apiQuestions, proxies))
            : remembered(index.memoOn(selection, apiChainKey, () => new Map<SharedPlan, Judged>()), planned, () =>
                judgeNodeOnChain(index, cluster, firewalls, selection, planned, identity, internetRanges, apiQuestions, proxies),
              );
        if ('notEvaluated' in judged) {
          // Nodes alike share the judgement: the node is named here.
          notEvaluated = { ...judged.notEvaluated, data: { ...judged.notEvaluated.data, node: nodeText(identity) } };
          if (judged.notEvaluated.related) notEvaluated.related = [...judged.notEvaluated.related];
          break;
        }
        if ('finding' in judged) {
          // Nodes alike share the judgement: each outcome gets its own data and related list.
          finding = { ...judged.finding, data: { node: nodeText(identity), ...judged.finding.data } };
          if (judged.finding.related) finding.related = [...judged.finding.related];
          break;
        }
        deny ??= judged;
      }
      if (notEvaluated) {
        report({ status: 'not-evaluated', subject: cluster, ...notEvaluated });
        continue;
      }
      if (finding) {
        report({ status: 'fail', subject: cluster, ...finding });
        continue;
      }
      const allowed = [...destinations.map((d) => `${d.label} (tcp:443)`), ...proxies.map((p) => `proxy ${p}`)];
      report({
        status: 'pass',
        subject: cluster,
        messageId: 'denied',
        data: { deny: deny!.deny, allowed: listText(allowed) },
        related: [deny!.denyResource],
        ...(deny!.decidedBy ? { decidedBy: deny!.decidedBy } : {}),
      });
    }
  },
  fix(target) {
    return networkFix(
      target,
      'a google_compute_firewall { direction = "EGRESS", destination_ranges = ["0.0.0.0/0"], deny { protocol = "all" }, priority = 65534 }',
      (network) => `gcloud compute firewall-rules create deny-egress-all ${network} --direction EGRESS --action DENY --rules all --destination-ranges 0.0.0.0/0 --priority 65534`,
    );
  },
};
