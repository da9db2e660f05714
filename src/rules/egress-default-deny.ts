import type { Outcome, Rule } from '../engine/types.js';
import type { NodeIdentity, SnapshotIndex } from '../engine/snapshot-index.js';
import { VIPS } from '../model/facts.js';
import type { Firewall } from '../model/snapshot.js';
import { contains, coveredBy, formatRange, isCidr, overlaps, parseCidr, subtract, type Interval } from '../network/cidr.js';
import {
  describeDecider,
  firewallAction,
  firewallDecisions,
  firewallTargets,
  formatPacket,
  packetClasses,
  remoteRanges,
  type Packet,
} from '../network/firewall.js';
import type { ApiDestination } from '../network/api-path.js';
import { decisionsAt, firewallQuestion, firewallsAt, reaching, remoteRangesOf, type FirewallQuestion, type RemoteRanges, type Selection } from './enforced.js';
import { apiDestinationsFor, CLUSTER_NETWORK_MESSAGES, clusterNetwork, clusterRanges, firstUnknown, listText, nodeText } from './support.js';

type Finding = Pick<Outcome, 'messageId' | 'data' | 'related'>;

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const HTTPS: Packet = { protocol: 'tcp', port: 443 };

const ALL_IPV4 = parseCidr('0.0.0.0/0');

/**
 * `ranges` (sorted, disjoint, not adjacent, as subtract returns them) without `cut`; the very same
 * array when nothing of it is cut, so callers can tell.
 */
function withoutRanges(ranges: Interval[], cut: Interval[]): Interval[] {
  if (!ranges.some((r) => cut.some((c) => overlaps(r, c)))) return ranges;
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

type Judged = { finding: Finding } | { deny: Firewall };

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
  apiQuestions: { destination: ApiDestination; question: FirewallQuestion }[],
  proxies: string[],
): Judged {
  // The egress rules enforced at the node are the only ones that can decide its packets.
  const rules = selection.rules;
  const catchAll = index.memo('catch-all deny by position', selection.network, () => firewalls.map((f) => f.denied.length > 0 && coversEverything(f)));
  const deny = rules.filter((_, i) => catchAll[selection.positions[i]]).sort((a, b) => a.priority - b.priority)[0];
  if (!deny) return { finding: { messageId: 'noDefaultDeny', data: { hint: idleDenyHint(firewalls, identity) } } };

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
  return { deny };
}

const egressQuery = (packet: Packet, identity: NodeIdentity) => ({ direction: 'EGRESS' as const, packet, target: identity });

/** The first packet class some internet address lets out, if any; `rules` are those reaching the internet. */
function internetOpen(rules: Firewall[], identity: NodeIdentity, internet: Interval[]): Finding | undefined {
  for (const packet of packetClasses(rules)) {
    const open = firewallDecisions(rules, egressQuery(packet, identity), internet).find((s) => s.action === 'allow');
    if (open) {
      // Under the restricted policy the private VIP counts as internet: it reaches every API, perimeter or not.
      const privateVip = contains(VIPS.private.ipv4Range, open.range);
      return {
        messageId: privateVip ? 'privateVipOpen' : 'internetOpen',
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
      'An enabled egress deny covering 0.0.0.0/0 applies to every node of the cluster; every internet destination (all of 0.0.0.0/0 except the policy\'s VIP, the policy\'s proxy and on-prem ranges, RFC 1918 and the cluster\'s own node, pod, service and control-plane ranges) is denied for every protocol and port; and where DNS sends the nodes for Google APIs (the VIP range, or a Private Service Connect endpoint\'s address) (tcp:443) and each proxy range (tcp, on some port) stay allowed above the deny. Under `vip: restricted` the private VIP `199.36.153.8/30` counts as internet: an allow to it is a path to Google APIs outside the VPC Service Controls perimeter.',
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
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, subnetwork: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { subnetwork, firewalls, identities } = gathered.scope;
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
      const apiQuestions = destinations.map((destination) => ({ destination, question: questionFor(destination.range) }));
      const apiKey = `${key}\n${destinations.map((d) => d.range).join(',')}`;

      let deny: Firewall | undefined;
      let finding: Finding | undefined;
      for (const identity of identities) {
        // Nodes the same egress rules select, on any cluster of the network, are judged once.
        const selection = firewallsAt(index, cluster, identity, 'EGRESS');
        const judged = index.memoOn(selection, apiKey, () => judgeNode(index, firewalls, selection, identity, internetRanges, apiQuestions, proxies));
        if ('finding' in judged) {
          // Nodes alike share the judgement: each outcome gets its own data and related list.
          finding = { ...judged.finding, data: { node: nodeText(identity), ...judged.finding.data } };
          if (judged.finding.related) finding.related = [...judged.finding.related];
          break;
        }
        deny ??= judged.deny;
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
        data: { deny: `${deny!.name} (priority ${deny!.priority})`, allowed: listText(allowed) },
        related: [deny!.fullName],
      });
    }
  },
};
