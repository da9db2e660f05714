import type { SnapshotIndex, NodeIdentity } from '../engine/snapshot-index.js';
import type { Rule } from '../engine/types.js';
import { HEALTH_CHECK_RANGES, LEGACY_HEALTH_CHECK_RANGES } from '../model/facts.js';
import type { Cluster, Firewall } from '../model/snapshot.js';
import { formatRange } from '../network/cidr.js';
import { describeDecider, firewallAction, portStretches, type Packet } from '../network/firewall.js';
import { deciderResource, policyRulePermissions, type ChainSegment } from '../network/firewall-chain.js';
import { chainPlanAt, FIREWALL_CHAIN_MESSAGES, firewallChainAt, remembered, undeterminedOutcome, type SharedPlan } from './chain.js';
import { firewallQuestion, firewallsAt, type Selection } from './enforced.js';
import type { NotEvaluated } from './support.js';
import { CLUSTER_NETWORK_MESSAGES, clusterNetwork, copyNotEvaluated, listText, nodeText } from './support.js';
import { networkFix } from './fix.js';

/**
 * What GKE's load balancers probe on a node, per class of port
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters):
 * kube-proxy's health port 10256 (LoadBalancer Services with externalTrafficPolicy Cluster, from
 * every range including the legacy target-pool checks), the NodePort range (Ingress backends on
 * instance groups and the healthCheckNodePort of externalTrafficPolicy Local, likewise), and, for
 * container-native load balancing (NEGs, the default for Ingress on VPC-native clusters), each
 * pod's own serving port, from the non-legacy ranges only.
 */
interface PortClass {
  id: 'kube-proxy' | 'nodeports' | 'pods';
  label: string;
  low: number;
  high: number;
  ranges: string[];
  /** The memo namespace of the class's answers, by plan and selection. */
  memoKey: string;
}

const ALL_PROBE_RANGES = [...HEALTH_CHECK_RANGES, ...LEGACY_HEALTH_CHECK_RANGES];
const KUBE_PROXY: PortClass = { id: 'kube-proxy', label: 'kube-proxy health port tcp:10256', low: 10256, high: 10256, ranges: ALL_PROBE_RANGES, memoKey: 'health-check-ingress kube-proxy' };
const NODE_PORTS: PortClass = { id: 'nodeports', label: 'NodePort range tcp:30000-32767', low: 30000, high: 32767, ranges: ALL_PROBE_RANGES, memoKey: 'health-check-ingress nodeports' };
/** The serving port of a pod is not in the snapshot: every TCP port is asked, and the open ones named. */
const POD_PORTS: PortClass = { id: 'pods', label: 'pod serving ports (container-native load balancing)', low: 1, high: 65535, ranges: HEALTH_CHECK_RANGES, memoKey: 'health-check-ingress pods' };

/** A cluster uses container-native load balancing for its Ingresses when it is VPC-native (Autopilot always is). */
function usesNegs(cluster: Cluster): boolean {
  return cluster.autopilot === true || cluster.ipAllocationPolicy?.useIpAliases === true;
}

function portsText(low: number, high: number): string {
  return low === high ? `tcp:${low}` : `tcp:${low}-${high}`;
}

/** One blocked stretch: which probes, which ports, which node, decided by which rule. */
interface Blocked {
  portClass: PortClass;
  ports: [number, number];
  range: string;
  node: string;
  /** The deciding VPC deny rule, when one decided. */
  deny?: Firewall;
  /** An explicit rule decided (a VPC rule or a firewall policy rule), not the implied deny. */
  explicit: boolean;
  /** The full name of the resource holding the deciding rule (a VPC rule or a firewall policy). */
  denyResource?: string;
  decider: string;
  /** An allow the deny shadows (it would have let the probes in). */
  shadowedAllow?: Firewall;
}

/** What a deny in one chain answer says, whichever node, port class and ports asked. */
type Denial = Omit<Blocked, 'node' | 'portClass' | 'ports'>;

/** One chain answer as a health check reads it. */
interface Reading {
  undetermined: boolean;
  /** When nothing denies: each explicit allow that decided, in words, with the resource that holds it, in segment order. */
  allows: [string, string][];
  denials: Denial[];
}

/**
 * A chain answer read once: answers are shared by every selection, cluster and port class that
 * asks the same question of the same rules, and their texts are kept with them, not per asker.
 */
function readingOf(index: SnapshotIndex, segments: ChainSegment[], packet: Packet): Reading {
  return remembered(index.memoOn(segments, 'health-check-ingress reading', () => new Map<number, Reading>()), packet.port ?? 0, () => {
    const denied = segments.filter((x) => x.action === 'deny');
    const allows: [string, string][] = [];
    if (denied.length === 0) for (const x of segments) if (x.decider.layer !== 'implied') allows.push([describeDecider(x, 'INGRESS'), deciderResource(x.decider) ?? '']);
    const denials = denied.map((x): Denial => {
      const shadowedAllow = x.overridden.find((r) => firewallAction(r, packet) === 'allow');
      const explicit = x.decider.layer !== 'implied';
      return { range: formatRange(x.range), deny: x.rule, explicit, denyResource: deciderResource(x.decider), decider: describeDecider(x, 'INGRESS'), shadowedAllow };
    });
    return { undetermined: segments.some((x) => x.undetermined), allows, denials };
  });
}

/** The chain's answer for one stretch of a port class, the same for every node with the same rules and plan. */
interface StretchAnswer {
  ports: [number, number];
  segments: ChainSegment[];
  reading: Reading;
}

/** The stretches of a port class at nodes of one selection and plan, each put to the whole chain once. */
function stretchAnswers(
  index: SnapshotIndex,
  cluster: Cluster,
  identity: NodeIdentity,
  selection: Selection<Firewall>,
  planned: SharedPlan,
  portClass: PortClass,
): StretchAnswer[] | { notEvaluated: NotEvaluated } {
  // The ports where any rule of the chain changes its mind: the VPC rules' and the policy rules'.
  const policyRules = [...planned.plan.before, ...planned.plan.after].flatMap((l) => l.rules.map((r) => r.rule));
  const boundaries = [...selection.rules, ...policyRules.map((r) => ({ allowed: policyRulePermissions(r), denied: [] }) as unknown as Firewall)];
  const answers: StretchAnswer[] = [];
  for (const ports of portStretches(boundaries, 'tcp', portClass.low, portClass.high)) {
    const packet = { protocol: 'tcp', port: ports[0] };
    const chain = firewallChainAt(index, cluster, identity, 'INGRESS', firewallQuestion(packet, portClass.ranges));
    if ('notEvaluated' in chain) return chain;
    answers.push({ ports, segments: chain.segments, reading: readingOf(index, chain.segments, packet) });
  }
  return answers;
}

function judgeClass(
  index: SnapshotIndex,
  cluster: Cluster,
  identities: NodeIdentity[],
  portClass: PortClass,
  allows: Map<string, string>,
): { blocked: Blocked[]; open: [number, number][]; undetermined?: NotEvaluated } {
  const blocked: Blocked[] = [];
  const open: [number, number][] = [];
  for (const identity of identities) {
    const selection = firewallsAt(index, cluster, identity, 'INGRESS');
    const planned = chainPlanAt(index, cluster, identity, 'INGRESS');
    if ('notEvaluated' in planned) return { blocked, open, undetermined: planned.notEvaluated };
    // Nodes with the same VPC rules and the same policy layers get the same answers: asked once for them all.
    // Kept by plan, then selection: a network's nodes mostly share one plan, so a few tables hold them all.
    const answers = remembered(index.memoOn(planned, portClass.memoKey, () => new Map<Selection<Firewall>, ReturnType<typeof stretchAnswers>>()), selection, () =>
      stretchAnswers(index, cluster, identity, selection, planned, portClass),
    );
    if ('notEvaluated' in answers) return { blocked, open, undetermined: copyNotEvaluated(answers.notEvaluated) };
    for (const { ports, segments, reading } of answers) {
      const [low, high] = ports;
      if (reading.undetermined) {
        const undetermined = undeterminedOutcome(segments, nodeText(identity), portsText(low, high), (x) => formatRange(x.range));
        if (undetermined) return { blocked, open, undetermined };
      }
      if (reading.denials.length === 0) {
        if (!open.some(([a, b]) => a === low && b === high)) open.push([low, high]);
        for (const [text, resource] of reading.allows) allows.set(text, resource);
      } else {
        const node = nodeText(identity);
        for (const denial of reading.denials) blocked.push({ ...denial, portClass, ports, node });
      }
    }
  }
  return { blocked, open };
}

/** `probes from R to P at N: denied by D, which shadows allow A` — the explicit rule is named whenever one decided. */
function blockedText(b: Blocked): string {
  const what = `${b.range} → ${b.portClass.id === 'pods' ? `pods on ${portsText(...b.ports)}` : portsText(...b.ports)} at ${b.node}`;
  if (b.explicit && b.shadowedAllow) return `${what}: ${b.decider} shadows allow ${b.shadowedAllow.name} (priority ${b.shadowedAllow.priority})`;
  if (b.explicit) return `${what}: denied by ${b.decider}`;
  return `${what}: no ingress allow covers them (${b.decider})`;
}

/**
 * The blocked stretches grouped by port class, ports and deciding rule (with the probe ranges and
 * nodes each group covers), the first few of them, so a message stays readable.
 */
function summarize(blocked: Blocked[]): string {
  const groups = new Map<string, { first: Blocked; ranges: Set<string>; nodes: Set<string> }>();
  for (const b of blocked) {
    const key = `${b.portClass.id}|${b.ports.join('-')}|${b.decider}|${b.shadowedAllow?.fullName ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { first: b, ranges: new Set<string>(), nodes: new Set<string>() }));
    group.ranges.add(b.range);
    group.nodes.add(b.node);
  }
  const shown = [...groups.values()].slice(0, 6).map(({ first, ranges, nodes }) => {
    const at = nodes.size === 1 ? [...nodes][0] : `${[...nodes][0]} and ${nodes.size - 1} more node(s)`;
    return blockedText({ ...first, range: listText([...ranges]), node: at });
  });
  return `${shown.join('; ')}${groups.size > 6 ? ` (and ${groups.size - 6} more)` : ''}`;
}

export const healthCheckIngress: Rule = {
  meta: {
    id: 'health-check-ingress',
    title: 'Google health-check probes can reach the nodes',
    defaultSeverity: 'low',
    subject: 'cluster',
    description:
      'For every node of the cluster, the effective ingress firewall decision for the probes GKE\'s load balancers send is "allow": kube-proxy\'s health port tcp:10256 and the NodePort range tcp:30000-32767 from every documented health-check range (35.191.0.0/16, 130.211.0.0/22, and the legacy network load balancer ranges 209.85.152.0/22 and 209.85.204.0/22), and, on a VPC-native cluster (container-native load balancing), some TCP port of the pods from 35.191.0.0/16 and 130.211.0.0/22. An allow counts when it is enabled, targets the node, and no deny of higher or equal precedence shadows it; each blocked stretch names the rule that decided it. Each probe is put to the whole firewall chain: hierarchical firewall policies (organization, then folders), the VPC firewall rules and the network firewall policies in the network\'s enforcement order, then the implied deny; the message names the layer and rule that decided, and the implied deny only when nothing explicit did. Not evaluated when the firewall policies that apply were not read, or when a policy rule this tool cannot judge could change the answer.',
    rationale:
      'The article notes the firewall rules GKE creates automatically (自動的に作成されるファイアウォールのルール), among them the one that lets Google\'s load-balancer health checks reach the nodes. When a deny-all ingress posture or a shadowing deny blocks the probe ranges, every load balancer in front of the cluster marks its backends unhealthy.',
    articleSection: '自動的に作成されるファイアウォールのルール',
    remediation: {
      gcloud:
        'gcloud compute firewall-rules create allow-ingress-health-checks --network NETWORK \\\n  --direction INGRESS --action ALLOW --rules tcp \\\n  --source-ranges 35.191.0.0/16,130.211.0.0/22,209.85.152.0/22,209.85.204.0/22 --target-tags NODE_TAG --priority 1000',
      terraform:
        'resource "google_compute_firewall" "allow_ingress_health_checks" {\n  name          = "allow-ingress-health-checks"\n  network       = google_compute_network.vpc.id\n  direction     = "INGRESS"\n  priority      = 1000\n  source_ranges = ["35.191.0.0/16", "130.211.0.0/22", "209.85.152.0/22", "209.85.204.0/22"]\n  target_tags   = [var.node_tag]\n  allow {\n    protocol = "tcp"\n  }\n}',
    },
    messages: {
      allowed: 'Cluster {{subject}}: health-check probes reach every node on {{classes}}, allowed by {{rules}}.',
      blocked: 'Cluster {{subject}}: health-check probes are blocked: {{blocked}}.',
      ...CLUSTER_NETWORK_MESSAGES,
      ...FIREWALL_CHAIN_MESSAGES,
    },
  },
  check({ index, report }) {
    for (const cluster of index.clusters) {
      const gathered = clusterNetwork(index, cluster, { network: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { identities } = gathered.scope;
      // Every probe is put to the whole firewall chain (hierarchical and network firewall policies too).
      // Nodes alike have the same plan, or the same reason to have none: each kind asked once.
      const chainProblem = index.distinctNodeIdentities(cluster).map((identity) => chainPlanAt(index, cluster, identity, 'INGRESS')).find((p) => 'notEvaluated' in p);
      if (chainProblem && 'notEvaluated' in chainProblem) {
        report({ status: 'not-evaluated', subject: cluster, ...chainProblem.notEvaluated });
        continue;
      }
      /** Each allow that decided, in words, with the resource that holds it. */
      const allows = new Map<string, string>();
      const judged = [KUBE_PROXY, NODE_PORTS].map((c) => judgeClass(index, cluster, identities, c, allows));
      const nodeProbes = judged.flatMap((j) => j.blocked);
      const related = (list: Blocked[]) => {
        const resources = new Set<string>();
        for (const b of list) {
          if (b.denyResource) resources.add(b.denyResource);
          if (b.shadowedAllow?.fullName) resources.add(b.shadowedAllow.fullName);
        }
        return [...resources];
      };
      if (nodeProbes.length > 0) {
        report({ status: 'fail', subject: cluster, messageId: 'blocked', data: { blocked: summarize(nodeProbes) }, related: related(nodeProbes) });
        continue;
      }
      const undetermined = judged.find((j) => j.undetermined)?.undetermined;
      if (undetermined) {
        report({ status: 'not-evaluated', subject: cluster, ...undetermined });
        continue;
      }
      const classes = [KUBE_PROXY.label, NODE_PORTS.label];
      if (usesNegs(cluster)) {
        // The pods' serving ports are not in the snapshot (they are in the Services), so the ports
        // the probes reach are named for the reader to hold against them. Pods sit behind the same
        // node firewall as the node ports judged above, so a pod reachable on no port at all would
        // already have failed there.
        const pods = judgeClass(index, cluster, identities, POD_PORTS, allows);
        const everyPort = pods.open.length === 1 && pods.open[0][0] === 1 && pods.open[0][1] === 65535;
        classes.push(everyPort ? 'every TCP port of the pods (container-native load balancing)' : `pods on ${pods.open.map(([a, b]) => portsText(a, b)).join(', ')} only (container-native load balancing: their serving ports must be among these)`);
      }
      report({
        status: 'pass',
        subject: cluster,
        messageId: 'allowed',
        data: { classes: listText(classes), rules: listText([...allows.keys()]) },
        related: [...new Set([...allows.values()].filter(Boolean))],
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
