import type { Outcome, Rule } from '../engine/types.js';
import { VIPS } from '../model/facts.js';
import { formatRange } from '../network/cidr.js';
import { describeDecider, firewallAction } from '../network/firewall.js';
import { deciderLayerText, deciderResource, describeChainDecider, describePolicyLayer, type ChainSegment } from '../network/firewall-chain.js';
import { FIREWALL_CHAIN_MESSAGES, firewallChainAt, undeterminedOutcome } from './chain.js';
import { firewallQuestion, type FirewallQuestion } from './enforced.js';
import { apiDestinationsFor, CLUSTER_NETWORK_MESSAGES, clusterNetwork, listText, nodeText } from './support.js';
import { networkFix, vipRange } from './fix.js';

const HTTPS = { protocol: 'tcp', port: 443 };

/**
 * The message for a denied piece of the VIP range: the deny, and the allow it shadows if there is
 * one (a VPC allow it beat, or whatever in the chain would have allowed without it).
 */
function deniedFinding(segment: ChainSegment, node: string, destination: string): Pick<Outcome, 'messageId' | 'data' | 'related' | 'decidedBy'> {
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
        data: { node, range, destination, deny: describeDecider(segment, 'EGRESS'), allow: `${allow.name} (priority ${allow.priority})`, tie },
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
      data: { node, range, destination, deny, allow: describeChainDecider(segment.shadowed, 'EGRESS'), tie: '' },
      related: [denyResource, allowResource].filter((r): r is string => r !== undefined),
      decidedBy,
    };
  }
  return { messageId: 'denied', data: { node, range, destination, deny }, related: denyResource ? [denyResource] : [], decidedBy };
}

export const vipEgressFirewall: Rule = {
  meta: {
    id: 'vip-egress-firewall',
    title: 'Egress to the Google API VIP is allowed by the firewall',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'For every node of the cluster, the effective egress firewall decision for tcp:443 to every address DNS gives the nodes for Google APIs (src/network/api-path.ts: the policy\'s VIP range, and its IPv6 range when the node subnet is dual-stack, or the address of a Private Service Connect endpoint; the policy\'s VIP range when DNS gives neither) is "allow". The decision is the whole chain Google Cloud evaluates: hierarchical firewall policies from the organization down through each folder, then the VPC firewall rules and the global and regional network firewall policies in the order the network\'s networkFirewallPolicyEnforcementOrder says (AFTER_CLASSIC_FIREWALL by default, or BEFORE_CLASSIC_FIREWALL), then the implied rules. In each layer the matching rule with the lowest priority number decides (among VPC rules a deny wins a tie); allow and deny end the evaluation, goto_next passes the packet to the next layer, disabled rules are skipped. The message names the layer and rule that decided. A policy rule matching on what this tool cannot judge (FQDNs, geolocations, address groups, threat-intelligence lists) that could change the answer makes the result not evaluated, as do firewall policies that were not read. The implied egress allow rule counts only when nothing in the chain matches that traffic at all. Under `vip: restricted`, an explicit egress allow of tcp:443 to the private VIP `199.36.153.8/30` fails: it is a path to Google APIs outside the VPC Service Controls perimeter.',
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
      ...FIREWALL_CHAIN_MESSAGES,
    },
  },
  check({ index, params, report }) {
    const questions = new Map<string, FirewallQuestion>();
    const questionFor = (range: string): FirewallQuestion => {
      let q = questions.get(range);
      if (!q) questions.set(range, (q = firewallQuestion(HTTPS, range)));
      return q;
    };
    const vip = VIPS[params.vip];
    // Under the restricted policy the private VIP reaches every API, perimeter or not.
    const privateVip = params.vip === 'restricted' ? questionFor(VIPS.private.ipv4Range) : undefined;
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      // Nodes alike (the same tags, service accounts and secure tags) would repeat the first one's judgement.
      const identities = index.distinctNodeIdentities(cluster);
      // The addresses DNS actually gives the nodes for the Google API names: a VIP range or a PSC endpoint.
      const destinations = [...apiDestinationsFor(index, cluster, params.vip)];
      // Nodes of a dual-stack subnet reach the VIP over IPv6 too: the same question for its IPv6 range.
      const subnetwork = index.subnetwork(cluster.subnetwork);
      const dualStack = subnetwork !== undefined && (subnetwork.stackType === 'IPV4_IPV6' || subnetwork.stackType === 'IPV6_ONLY');
      const vipDestination = destinations.find((d) => d.range === vip.ipv4Range);
      if (dualStack && vipDestination) destinations.push({ ...vipDestination, range: vip.ipv6Range });
      let done = false;
      /** Each allow that decided, in words, with the resource that holds it. */
      const allows = new Map<string, string | undefined>();
      const layers = new Set<string>();
      let implied = false;
      nodes: for (const identity of identities) {
        for (const destination of destinations) {
          // Nodes the same rules select share one decision, across clusters and with egress-default-deny.
          const chain = firewallChainAt(index, cluster, identity, 'EGRESS', questionFor(destination.range));
          if ('notEvaluated' in chain) {
            report({ status: 'not-evaluated', subject: cluster, ...chain.notEvaluated });
            done = true;
            break nodes;
          }
          const denied = chain.segments.find((s) => s.action === 'deny' && !s.undetermined);
          if (denied) {
            report({ status: 'fail', subject: cluster, ...deniedFinding(denied, nodeText(identity), destination.label) });
            done = true;
            break nodes;
          }
          const undetermined = undeterminedOutcome(chain.segments, nodeText(identity), 'tcp:443', (s) => formatRange(s.range));
          if (undetermined) {
            const piece = chain.segments.find((s) => s.undetermined)!;
            report({ status: 'not-evaluated', subject: cluster, ...undetermined, decidedBy: describePolicyLayer(piece.undetermined!.policyLayer) });
            done = true;
            break nodes;
          }
          for (const s of chain.segments) {
            layers.add(deciderLayerText(s.decider));
            if (s.decider.layer === 'implied') implied = true;
            else allows.set(describeChainDecider(s.decider, 'EGRESS'), deciderResource(s.decider));
          }
        }
        if (privateVip) {
          // An explicit allow: the implied one opens everything, which egress-default-deny reports.
          const chain = firewallChainAt(index, cluster, identity, 'EGRESS', privateVip);
          const open = 'segments' in chain ? chain.segments.find((s) => s.action === 'allow' && !s.undetermined && s.decider.layer !== 'implied') : undefined;
          if (open) {
            const resource = deciderResource(open.decider);
            report({
              status: 'fail',
              subject: cluster,
              messageId: 'privateVipOpen',
              data: { node: nodeText(identity), range: formatRange(open.range), rule: describeChainDecider(open.decider, 'EGRESS') },
              related: resource ? [resource] : [],
              decidedBy: deciderLayerText(open.decider),
            });
            done = true;
            break;
          }
        }
      }
      if (done) continue;
      const names = [...allows.keys()];
      if (implied) names.push('the implied egress allow rule');
      const related = [...new Set([...allows.values()].filter((r): r is string => r !== undefined))];
      report({
        status: 'pass',
        subject: cluster,
        messageId: implied ? 'allowedImplied' : 'allowed',
        data: { destination: listText([...new Set(destinations.map((d) => d.label))]), range: listText(destinations.map((d) => d.range)), rules: listText(names) },
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
