import type { Outcome, Rule } from '../engine/types.js';
import { VIPS } from '../model/facts.js';
import { formatRange } from '../network/cidr.js';
import { describeDecider, firewallAction } from '../network/firewall.js';
import { deciderLayerText, deciderResource, describeChainDecider, describePolicyLayer, type ChainSegment } from '../network/firewall-chain.js';
import { FIREWALL_CHAIN_MESSAGES, firewallChainAt, undeterminedOutcome } from './chain.js';
import { firewallQuestion } from './enforced.js';
import { CLUSTER_NETWORK_MESSAGES, clusterNetwork, listText, nodeText, vipText } from './support.js';
import { networkFix, vipRange } from './fix.js';

const HTTPS = { protocol: 'tcp', port: 443 };

/**
 * The message for a denied piece of the VIP range: the deny, and the allow it shadows if there is
 * one (a VPC allow it beat, or whatever in the chain would have allowed without it).
 */
function deniedFinding(segment: ChainSegment, node: string): Pick<Outcome, 'messageId' | 'data' | 'related' | 'decidedBy'> {
  const decidedBy = deciderLayerText(segment.decider);
  const range = formatRange(segment.range);
  const denyResource = deciderResource(segment.decider);
  if (segment.rule) {
    const deny = segment.rule;
    const allow = segment.overridden.find((r) => firewallAction(r, HTTPS) === 'allow');
    if (allow) {
      const tie = allow.priority === deny.priority ? ' (at equal priority a deny wins)' : '';
      return {
        messageId: 'shadowed',
        data: { node, range, deny: describeDecider(segment, 'EGRESS'), allow: `${allow.name} (priority ${allow.priority})`, tie },
        related: [deny.fullName, allow.fullName],
        decidedBy,
      };
    }
  }
  const deny = describeChainDecider(segment.decider, 'EGRESS');
  if (segment.shadowed) {
    const allowResource = deciderResource(segment.shadowed);
    return {
      messageId: 'shadowed',
      data: { node, range, deny, allow: describeChainDecider(segment.shadowed, 'EGRESS'), tie: '' },
      related: [denyResource, allowResource].filter((r): r is string => r !== undefined),
      decidedBy,
    };
  }
  return { messageId: 'denied', data: { node, range, deny }, related: denyResource ? [denyResource] : [], decidedBy };
}

export const vipEgressFirewall: Rule = {
  meta: {
    id: 'vip-egress-firewall',
    title: 'Egress to the Google API VIP is allowed by the firewall',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'For every node of the cluster, the effective egress firewall decision for tcp:443 to every address of the policy\'s VIP range (and its IPv6 range when the node subnet is dual-stack) is "allow". The decision is the whole chain Google Cloud evaluates: hierarchical firewall policies from the organization down through each folder, then the VPC firewall rules and the global and regional network firewall policies in the order the network\'s networkFirewallPolicyEnforcementOrder says (AFTER_CLASSIC_FIREWALL by default, or BEFORE_CLASSIC_FIREWALL), then the implied rules. In each layer the matching rule with the lowest priority number decides (among VPC rules a deny wins a tie); allow and deny end the evaluation, goto_next passes the packet to the next layer, disabled rules are skipped. The message names the layer and rule that decided. A policy rule matching on what this tool cannot judge (FQDNs, geolocations, address groups, threat-intelligence lists) that could change the answer makes the result not evaluated, as do firewall policies that were not read. The implied egress allow rule counts only when nothing in the chain matches that traffic at all.',
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
      ...FIREWALL_CHAIN_MESSAGES,
    },
  },
  check({ index, params, report }) {
    const vip = VIPS[params.vip];
    const question4 = firewallQuestion(HTTPS, vip.ipv4Range);
    const question6 = firewallQuestion(HTTPS, vip.ipv6Range);
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { identities } = gathered.scope;
      // Nodes of a dual-stack subnet reach the VIP over IPv6 too: the same question for its IPv6 range.
      const subnetwork = index.subnetwork(cluster.subnetwork);
      const dualStack = subnetwork !== undefined && (subnetwork.stackType === 'IPV4_IPV6' || subnetwork.stackType === 'IPV6_ONLY');
      const questions = dualStack ? [question4, question6] : [question4];
      let done = false;
      /** Each allow that decided, in words, with the resource that holds it. */
      const allows = new Map<string, string | undefined>();
      const layers = new Set<string>();
      let implied = false;
      for (const identity of identities) {
        for (const question of questions) {
          // Nodes the same rules select share one decision, across clusters and with egress-default-deny.
          const chain = firewallChainAt(index, cluster, identity, 'EGRESS', question);
          if ('notEvaluated' in chain) {
            report({ status: 'not-evaluated', subject: cluster, ...chain.notEvaluated });
            done = true;
            break;
          }
          const denied = chain.segments.find((s) => s.action === 'deny' && !s.undetermined);
          if (denied) {
            report({ status: 'fail', subject: cluster, ...deniedFinding(denied, nodeText(identity)) });
            done = true;
            break;
          }
          const undetermined = undeterminedOutcome(chain.segments, nodeText(identity), 'tcp:443', (s) => formatRange(s.range));
          if (undetermined) {
            const piece = chain.segments.find((s) => s.undetermined)!;
            report({ status: 'not-evaluated', subject: cluster, ...undetermined, decidedBy: describePolicyLayer(piece.undetermined!.policyLayer) });
            done = true;
            break;
          }
          for (const s of chain.segments) {
            layers.add(deciderLayerText(s.decider));
            if (s.decider.layer === 'implied') implied = true;
            else allows.set(describeChainDecider(s.decider, 'EGRESS'), deciderResource(s.decider));
          }
        }
        if (done) break;
      }
      if (done) continue;
      const names = [...allows.keys()];
      if (implied) names.push('the implied egress allow rule');
      const related = [...new Set([...allows.values()].filter((r): r is string => r !== undefined))];
      report({
        status: 'pass',
        subject: cluster,
        messageId: implied ? 'allowedImplied' : 'allowed',
        data: { vip: vipText(vip), range: dualStack ? `${vip.ipv4Range} and ${vip.ipv6Range}` : vip.ipv4Range, rules: listText(names) },
        related,
        decidedBy: listText([...layers]),
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
