import type { Outcome, Rule } from '../engine/types.js';
import { VIPS } from '../model/facts.js';
import type { Firewall } from '../model/snapshot.js';
import { formatRange } from '../network/cidr.js';
import { describeDecider, firewallAction, type FirewallSegment } from '../network/firewall.js';
import { decisionsAt, firewallQuestion, firewallsAt } from './enforced.js';
import { CLUSTER_NETWORK_MESSAGES, clusterNetwork, listText, nodeText, vipText } from './support.js';
import { networkFix, vipRange } from './fix.js';

const HTTPS = { protocol: 'tcp', port: 443 };

/** The message for a denied piece of the VIP range: the deny, and the allow it shadows if there is one. */
function deniedFinding(segment: FirewallSegment, node: string): Pick<Outcome, 'messageId' | 'data' | 'related'> {
  const deny = segment.rule!;
  const allow = segment.overridden.find((r) => firewallAction(r, HTTPS) === 'allow');
  const range = formatRange(segment.range);
  if (allow) {
    const tie = allow.priority === deny.priority ? ' (at equal priority a deny wins)' : '';
    return {
      messageId: 'shadowed',
      data: { node, range, deny: describeDecider(segment, 'EGRESS'), allow: `${allow.name} (priority ${allow.priority})`, tie },
      related: [deny.fullName, allow.fullName],
    };
  }
  return { messageId: 'denied', data: { node, range, deny: describeDecider(segment, 'EGRESS') }, related: [deny.fullName] };
}

export const vipEgressFirewall: Rule = {
  meta: {
    id: 'vip-egress-firewall',
    title: 'Egress to the Google API VIP is allowed by the firewall',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'For every node of the cluster, the effective egress firewall decision for tcp:443 to every address of the policy\'s VIP range is "allow": an enabled egress allow that targets the node and that no deny of higher or equal precedence (lower or equal priority number) shadows. The implied egress allow rule counts only when no egress deny applies to that traffic at all.',
    rationale:
      'After the route to the VIP, the article allows the nodes\' outbound traffic to it in the firewall (ファイアウォールで外向き(下り)トラフィックを許可します, 限定公開のGoogleアクセスの設定): in a network whose egress is otherwise closed, HTTPS to the restricted VIP is how nodes reach Google APIs and pull images. A deny with a lower priority number, or one at the same priority (a deny wins ties), cuts the nodes off from Google APIs even though an allow exists.',
    articleSection: '限定公開のGoogleアクセスの設定',
    remediation: {
      gcloud:
        'gcloud compute firewall-rules create allow-egress-restricted-vip --network NETWORK \\\n  --direction EGRESS --action ALLOW --rules tcp:443 --destination-ranges 199.36.153.4/30 --priority 1000\n# and give any deny that covers the VIP a higher priority number than this allow',
      terraform:
        'resource "google_compute_firewall" "allow_egress_restricted_vip" {\n  name               = "allow-egress-restricted-vip"\n  network            = google_compute_network.vpc.id\n  direction          = "EGRESS"\n  priority           = 1000\n  destination_ranges = ["199.36.153.4/30"]\n  allow {\n    protocol = "tcp"\n    ports    = ["443"]\n  }\n}',
    },
    messages: {
      allowed: 'Cluster {{subject}}: tcp:443 to the {{vip}} VIP ({{range}}) is allowed for every node by {{rules}}.',
      allowedImplied:
        'Cluster {{subject}}: tcp:443 to the {{vip}} VIP ({{range}}) is allowed for every node by {{rules}}; the implied rule counts because no egress deny applies to this traffic at all.',
      shadowed: 'Cluster {{subject}}: from {{node}}, tcp:443 to {{range}} is denied by {{deny}}, which shadows allow {{allow}}{{tie}}.',
      denied: 'Cluster {{subject}}: from {{node}}, tcp:443 to {{range}} is denied by {{deny}}, and no allow of higher precedence covers it.',
      ...CLUSTER_NETWORK_MESSAGES,
    },
  },
  check({ index, params, report }) {
    const vip = VIPS[params.vip];
    const question = firewallQuestion(HTTPS, vip.ipv4Range);
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { identities } = gathered.scope;
      let failed = false;
      const allows = new Map<string, Firewall>();
      let implied = false;
      for (const identity of identities) {
        // Nodes the same rules select share one decision, across clusters and with egress-default-deny.
        const selection = firewallsAt(index, cluster, identity, 'EGRESS');
        const segments = decisionsAt(index, selection, identity, 'EGRESS', question);
        const denied = segments.find((s) => s.action === 'deny');
        if (denied) {
          report({ status: 'fail', subject: cluster, ...deniedFinding(denied, nodeText(identity)) });
          failed = true;
          break;
        }
        for (const s of segments) {
          if (s.rule) allows.set(s.rule.fullName, s.rule);
          else implied = true;
        }
      }
      if (failed) continue;
      const names = [...allows.values()].map((r) => `${r.name} (priority ${r.priority})`);
      if (implied) names.push('the implied egress allow rule');
      report({
        status: 'pass',
        subject: cluster,
        messageId: implied ? 'allowedImplied' : 'allowed',
        data: { vip: vipText(vip), range: vip.ipv4Range, rules: listText(names) },
        related: [...allows.keys()],
      });
    }
  },
  fix(target) {
    const range = vipRange(target);
    return networkFix(
      target,
      `a google_compute_firewall { direction = "EGRESS", destination_ranges = ["${range}"], allow { protocol = "tcp", ports = ["443"] }, priority = 1000 }`,
      (network) => `gcloud compute firewall-rules create allow-egress-${target.params.vip}-vip ${network} --direction EGRESS --action ALLOW --rules tcp:443 --destination-ranges ${range} --priority 1000`,
    );
  },
};
