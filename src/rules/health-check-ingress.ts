import type { Rule } from '../engine/types.js';
import { HEALTH_CHECK_RANGES } from '../model/facts.js';
import type { Firewall } from '../model/snapshot.js';
import { formatRange } from '../network/cidr.js';
import { describeDecider, firewallAction, type Packet } from '../network/firewall.js';
import { decisionsAt, firewallQuestion, firewallsAt } from './enforced.js';
import { CLUSTER_NETWORK_MESSAGES, clusterNetwork, listText, nodeText } from './support.js';
import { networkFix } from './fix.js';

/** The port of the health-check firewall rule GKE creates for load balancers (kube-proxy's healthz). */
const PROBE: Packet = { protocol: 'tcp', port: 10256 };

export const healthCheckIngress: Rule = {
  meta: {
    id: 'health-check-ingress',
    title: 'Google health-check probes can reach the nodes',
    defaultSeverity: 'low',
    subject: 'cluster',
    description:
      'For every node of the cluster, the effective ingress firewall decision for tcp:10256 from every address of Google\'s health-check ranges (35.191.0.0/16 and 130.211.0.0/22) is "allow": an enabled ingress allow that targets the node and that no deny of higher or equal precedence shadows.',
    rationale:
      'The article notes the firewall rules GKE creates automatically (自動的に作成されるファイアウォールのルール), among them the one that lets Google\'s load-balancer health checks reach the nodes. When a deny-all ingress posture or a shadowing deny blocks the probe ranges, every load balancer in front of the cluster marks its backends unhealthy.',
    articleSection: '自動的に作成されるファイアウォールのルール',
    remediation: {
      gcloud:
        'gcloud compute firewall-rules create allow-ingress-health-checks --network NETWORK \\\n  --direction INGRESS --action ALLOW --rules tcp \\\n  --source-ranges 35.191.0.0/16,130.211.0.0/22 --target-tags NODE_TAG --priority 1000',
      terraform:
        'resource "google_compute_firewall" "allow_ingress_health_checks" {\n  name          = "allow-ingress-health-checks"\n  network       = google_compute_network.vpc.id\n  direction     = "INGRESS"\n  priority      = 1000\n  source_ranges = ["35.191.0.0/16", "130.211.0.0/22"]\n  target_tags   = [var.node_tag]\n  allow {\n    protocol = "tcp"\n  }\n}',
    },
    messages: {
      allowed: 'Cluster {{subject}}: health-check probes from {{ranges}} (tcp:10256) reach every node, allowed by {{rules}}.',
      shadowed: 'Cluster {{subject}}: health-check probes from {{range}} (tcp:10256) cannot reach {{node}}: {{deny}} shadows allow {{allow}}.',
      denied: 'Cluster {{subject}}: health-check probes from {{range}} (tcp:10256) cannot reach {{node}}: denied by {{deny}}, and no ingress allow above it covers them.',
      ...CLUSTER_NETWORK_MESSAGES,
    },
  },
  check({ index, report }) {
    const question = firewallQuestion(PROBE, HEALTH_CHECK_RANGES);
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { identities } = gathered.scope;
      const allows = new Map<string, Firewall>();
      let failed = false;
      for (const identity of identities) {
        // Nodes the same rules select share one decision, across the clusters of the network.
        const selection = firewallsAt(index, cluster, identity, 'INGRESS');
        const segments = decisionsAt(index, selection, identity, 'INGRESS', question);
        const denied = segments.find((s) => s.action === 'deny');
        if (denied) {
          const node = nodeText(identity);
          const range = formatRange(denied.range);
          const deny = describeDecider(denied, 'INGRESS');
          const allow = denied.overridden.find((r) => firewallAction(r, PROBE) === 'allow');
          const related = [denied.rule, allow].filter((r): r is Firewall => r !== undefined).map((r) => r.fullName);
          if (allow) {
            report({ status: 'fail', subject: cluster, messageId: 'shadowed', data: { node, range, deny, allow: `${allow.name} (priority ${allow.priority})` }, related });
          } else {
            report({ status: 'fail', subject: cluster, messageId: 'denied', data: { node, range, deny }, related });
          }
          failed = true;
          break;
        }
        for (const s of segments) if (s.rule) allows.set(s.rule.fullName, s.rule);
      }
      if (failed) continue;
      report({
        status: 'pass',
        subject: cluster,
        messageId: 'allowed',
        data: { ranges: listText(HEALTH_CHECK_RANGES), rules: listText([...allows.values()].map((r) => `${r.name} (priority ${r.priority})`)) },
        related: [...allows.keys()],
      });
    }
  },
  fix(target) {
    const ranges = HEALTH_CHECK_RANGES.join(',');
    return networkFix(
      target,
      `a google_compute_firewall { direction = "INGRESS", source_ranges = ${JSON.stringify(HEALTH_CHECK_RANGES)}, allow { protocol = "tcp" } }`,
      (network) => `gcloud compute firewall-rules create allow-ingress-health-checks ${network} --direction INGRESS --action ALLOW --rules tcp --source-ranges ${ranges}`,
    );
  },
};
