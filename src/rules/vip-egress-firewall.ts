import type { Outcome, Rule } from '../engine/types.js';
import { VIPS } from '../model/facts.js';
import type { Firewall } from '../model/snapshot.js';
import { formatRange } from '../network/cidr.js';
import { describeDecider, firewallAction, type FirewallSegment } from '../network/firewall.js';
import { decisionsAt, firewallQuestion, firewallsAt, type FirewallQuestion } from './enforced.js';
import { apiDestinationsFor, CLUSTER_NETWORK_MESSAGES, clusterNetwork, listText, nodeText } from './support.js';

const HTTPS = { protocol: 'tcp', port: 443 };

/** The message for a denied piece of the VIP range: the deny, and the allow it shadows if there is one. */
function deniedFinding(segment: FirewallSegment, node: string, destination: string): Pick<Outcome, 'messageId' | 'data' | 'related'> {
  const deny = segment.rule!;
  const allow = segment.overridden.find((r) => firewallAction(r, HTTPS) === 'allow');
  const range = formatRange(segment.range);
  if (allow) {
    const tie = allow.priority === deny.priority ? ' (at equal priority a deny wins)' : '';
    return {
      messageId: 'shadowed',
      data: { node, range, destination, deny: describeDecider(segment, 'EGRESS'), allow: `${allow.name} (priority ${allow.priority})`, tie },
      related: [deny.fullName, allow.fullName],
    };
  }
  return { messageId: 'denied', data: { node, range, destination, deny: describeDecider(segment, 'EGRESS') }, related: [deny.fullName] };
}

export const vipEgressFirewall: Rule = {
  meta: {
    id: 'vip-egress-firewall',
    title: 'Egress to the Google API VIP is allowed by the firewall',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'For every node of the cluster, the effective egress firewall decision for tcp:443 to every address DNS gives the nodes for Google APIs (src/network/api-path.ts: the policy\'s VIP range, or the address of a Private Service Connect endpoint; the policy\'s VIP range when DNS gives neither) is "allow": an enabled egress allow that targets the node and that no deny of higher or equal precedence (lower or equal priority number) shadows. The implied egress allow rule counts only when no egress deny applies to that traffic at all. Under `vip: restricted`, an explicit egress allow of tcp:443 to the private VIP `199.36.153.8/30` fails: it is a path to Google APIs outside the VPC Service Controls perimeter.',
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
      allowed: 'Cluster {{subject}}: tcp:443 to {{destination}} ({{range}}) is allowed for every node by {{rules}}.',
      allowedImplied:
        'Cluster {{subject}}: tcp:443 to {{destination}} ({{range}}) is allowed for every node by {{rules}}; the implied rule counts because no egress deny applies to this traffic at all.',
      shadowed: 'Cluster {{subject}}: from {{node}}, tcp:443 to {{destination}} ({{range}}) is denied by {{deny}}, which shadows allow {{allow}}{{tie}}.',
      denied: 'Cluster {{subject}}: from {{node}}, tcp:443 to {{destination}} ({{range}}) is denied by {{deny}}, and no allow of higher precedence covers it.',
      privateVipOpen:
        'Cluster {{subject}}: from {{node}}, tcp:443 to the private.googleapis.com VIP ({{range}}) is allowed by {{rule}}; under the restricted policy that is a path to Google APIs outside the VPC Service Controls perimeter.',
      ...CLUSTER_NETWORK_MESSAGES,
    },
  },
  check({ index, params, report }) {
    const questions = new Map<string, FirewallQuestion>();
    const questionFor = (range: string): FirewallQuestion => {
      let q = questions.get(range);
      if (!q) questions.set(range, (q = firewallQuestion(HTTPS, range)));
      return q;
    };
    // Under the restricted policy the private VIP reaches every API, perimeter or not.
    const privateVip = params.vip === 'restricted' ? questionFor(VIPS.private.ipv4Range) : undefined;
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { identities } = gathered.scope;
      // The addresses DNS actually gives the nodes for the Google API names: a VIP range or a PSC endpoint.
      const destinations = apiDestinationsFor(index, cluster, params.vip);
      let failed = false;
      const allows = new Map<string, Firewall>();
      let implied = false;
      nodes: for (const identity of identities) {
        // Nodes the same rules select share one decision, across clusters and with egress-default-deny.
        const selection = firewallsAt(index, cluster, identity, 'EGRESS');
        for (const destination of destinations) {
          const segments = decisionsAt(index, selection, identity, 'EGRESS', questionFor(destination.range));
          const denied = segments.find((s) => s.action === 'deny');
          if (denied) {
            report({ status: 'fail', subject: cluster, ...deniedFinding(denied, nodeText(identity), destination.label) });
            failed = true;
            break nodes;
          }
          for (const s of segments) {
            if (s.rule) allows.set(s.rule.fullName, s.rule);
            else implied = true;
          }
        }
        if (privateVip) {
          // An explicit allow: the implied one opens everything, which egress-default-deny reports.
          const open = decisionsAt(index, selection, identity, 'EGRESS', privateVip).find((s) => s.action === 'allow' && s.rule);
          if (open) {
            report({
              status: 'fail',
              subject: cluster,
              messageId: 'privateVipOpen',
              data: { node: nodeText(identity), range: formatRange(open.range), rule: describeDecider(open, 'EGRESS') },
              related: open.rule ? [open.rule.fullName] : [],
            });
            failed = true;
            break;
          }
        }
      }
      if (failed) continue;
      const names = [...allows.values()].map((r) => `${r.name} (priority ${r.priority})`);
      if (implied) names.push('the implied egress allow rule');
      report({
        status: 'pass',
        subject: cluster,
        messageId: implied ? 'allowedImplied' : 'allowed',
        data: { destination: listText(destinations.map((d) => d.label)), range: listText(destinations.map((d) => d.range)), rules: listText(names) },
        related: [...allows.keys()],
      });
    }
  },
};
