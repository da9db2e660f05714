import type { Outcome, Rule } from '../engine/types.js';
import type { NodeIdentity } from '../engine/snapshot-index.js';
import { VIPS } from '../model/facts.js';
import type { Firewall } from '../model/snapshot.js';
import { contains, coveredBy, formatRange, isCidr, parseCidr, subtract, type Interval } from '../network/cidr.js';
import {
  describeDecider,
  firewallAction,
  firewallDecisions,
  firewallReaches,
  firewallTargets,
  formatPacket,
  packetClasses,
  remoteRanges,
  type Packet,
} from '../network/firewall.js';
import { CLUSTER_NETWORK_MESSAGES, clusterNetwork, clusterRanges, firstUnknown, identityKey, listText, nodeText, vipText } from './support.js';

type Finding = Pick<Outcome, 'messageId' | 'data' | 'related'>;

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const HTTPS: Packet = { protocol: 'tcp', port: 443 };

/** Egress rules enforced at the node; the only ones that can decide its packets. */
function rulesAt(firewalls: Firewall[], identity: NodeIdentity): Firewall[] {
  return firewalls.filter((f) => !f.disabled && f.direction === 'EGRESS' && firewallTargets(f, identity));
}

const ALL_IPV4 = parseCidr('0.0.0.0/0');

function coversEverything(rule: Firewall): boolean {
  return coveredBy(ALL_IPV4, remoteRanges(rule));
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
function judgeNode(firewalls: Firewall[], identity: NodeIdentity, internet: Interval[], vipRange: string, proxies: string[]): Judged {
  const rules = rulesAt(firewalls, identity);
  const deny = rules.filter((f) => f.denied.length > 0 && coversEverything(f)).sort((a, b) => a.priority - b.priority)[0];
  if (!deny) return { finding: { messageId: 'noDefaultDeny', data: { hint: idleDenyHint(firewalls, identity) } } };

  const query = (packet: Packet) => ({ direction: 'EGRESS' as const, packet, target: identity });
  // Only rules that reach an internet address can decide internet traffic, so only their protocols and ports matter.
  const internetRules = rules.filter((f) => firewallReaches(f, internet));
  for (const packet of packetClasses(internetRules)) {
    const open = firewallDecisions(internetRules, query(packet), internet).find((s) => s.action === 'allow');
    if (open) {
      return {
        finding: {
          messageId: 'internetOpen',
          data: { packet: formatPacket(packet), range: formatRange(open.range), rule: describeDecider(open, 'EGRESS') },
          related: open.rule ? [open.rule.fullName] : [],
        },
      };
    }
  }

  const vipDenied = firewallDecisions(rules, query(HTTPS), vipRange).find((s) => s.action === 'deny');
  if (vipDenied) {
    return { finding: { messageId: 'vipShadowed', data: { range: formatRange(vipDenied.range), deny: describeDecider(vipDenied, 'EGRESS') }, related: [vipDenied.rule!.fullName] } };
  }

  for (const proxy of proxies) {
    const proxyRange = parseCidr(proxy);
    const proxyRules = rules.filter((f) => firewallReaches(f, [proxyRange]));
    const tcpPackets = packetClasses(proxyRules).filter((p) => p.protocol === 'tcp');
    const reachable = tcpPackets.some((p) => firewallDecisions(proxyRules, query(p), proxy).every((s) => s.action === 'allow'));
    if (reachable) continue;
    // Show the port an allow meant to open, so the deny named is the one in the way.
    const intended = tcpPackets.find((p) => proxyRules.some((f) => remoteRanges(f).some((d) => contains(d, proxyRange)) && firewallAction(f, p) === 'allow'));
    const packet = intended ?? tcpPackets[0];
    const blocked = firewallDecisions(proxyRules, query(packet), proxy).find((s) => s.action === 'deny')!;
    return {
      finding: {
        messageId: 'proxyShadowed',
        data: { proxy, packet: formatPacket(packet), deny: describeDecider(blocked, 'EGRESS') },
        related: blocked.rule ? [blocked.rule.fullName] : [],
      },
    };
  }
  return { deny };
}

export const egressDefaultDeny: Rule = {
  meta: {
    id: 'egress-default-deny',
    title: 'Internet egress is denied except through the proxy',
    defaultSeverity: 'medium',
    subject: 'cluster',
    description:
      'An enabled egress deny covering 0.0.0.0/0 applies to every node of the cluster; every internet destination (all of 0.0.0.0/0 except the Google API VIPs, the policy\'s proxy and on-prem ranges, RFC 1918 and the cluster\'s own node, pod, service and control-plane ranges) is denied for every protocol and port; and the VIP (tcp:443) and each proxy range (tcp, on some port) stay allowed above the deny.',
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
      vipShadowed: 'Cluster {{subject}}: from {{node}}, tcp:443 to the VIP {{range}} is denied by {{deny}}, which shadows the VIP allow.',
      proxyShadowed: 'Cluster {{subject}}: from {{node}}, tcp to the proxy {{proxy}} is denied on every port ({{packet}} by {{deny}}).',
      ...CLUSTER_NETWORK_MESSAGES,
    },
  },
  check({ index, params, report }) {
    const vip = VIPS[params.vip];
    const judgedByKey = new Map<string, Judged>();
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
      const notInternet = [
        VIPS.restricted.ipv4Range,
        VIPS.private.ipv4Range,
        ...params.proxyRanges,
        ...params.onPremRanges,
        ...RFC1918,
        subnetwork!.ipCidrRange,
        pods.cidr,
        services.cidr,
        cluster.privateClusterConfig?.masterIpv4CidrBlock,
      ].filter((r): r is string => r !== undefined && isCidr(r));
      const internet = subtract(parseCidr('0.0.0.0/0'), notInternet.map((r) => parseCidr(r)));
      const proxies = params.proxyRanges;

      let deny: Firewall | undefined;
      let finding: Finding | undefined;
      for (const identity of identities) {
        const key = `${identityKey(cluster.network, identity)}\n${notInternet.join(',')}`;
        let judged = judgedByKey.get(key);
        if (!judged) {
          judged = judgeNode(firewalls, identity, internet, vip.ipv4Range, proxies);
          judgedByKey.set(key, judged);
        }
        if ('finding' in judged) {
          finding = { ...judged.finding, data: { node: nodeText(identity), ...judged.finding.data } };
          break;
        }
        deny ??= judged.deny;
      }
      if (finding) {
        report({ status: 'fail', subject: cluster, ...finding });
        continue;
      }
      const allowed = [`the ${vipText(vip)} VIP (tcp:443)`, ...proxies.map((p) => `proxy ${p}`)];
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
