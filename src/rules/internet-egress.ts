import type { NodeIdentity, SnapshotIndex } from '../engine/snapshot-index.js';
import type { Rule } from '../engine/types.js';
import { COLLECTION_LABELS } from '../model/coverage.js';
import { VIPS } from '../model/facts.js';
import { regionOf } from '../model/names.js';
import type { Cluster, CollectionKind, CoverageEntry, Instance, PolicyBasedRoute, Subnetwork } from '../model/snapshot.js';
import { isCidr, parseCidr, subtract, type Interval } from '../network/cidr.js';
import { internetAddressLink, internetFirewallLink, internetRouteLink, vpcEgress, type EgressAnswer, type EgressLink } from '../network/egress.js';
import { chainPlanAt, FIREWALL_CHAIN_MESSAGES, firewallChainAt, remembered, type SharedPlan } from './chain.js';
import { policyRouteAppliesToVm, policyRouteDefect, routeAppliesInRegion, routerServesRegion } from '../network/routes.js';
import { firewallQuestion, firewallsAt, reaching, remoteRangesOf, routesAt } from './enforced.js';
import { networkFix } from './fix.js';
import { CLUSTER_NETWORK_MESSAGES, clusterNetwork, clusterRanges, firstUnknown, listText, networkProject, nodeText } from './support.js';

/**
 * Addresses that are never the internet: RFC 1918, shared address space (RFC 6598, used for GKE
 * pod ranges), loopback, link-local (the metadata server), "this network", multicast and reserved.
 */
const NOT_INTERNET = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'];

/** Read or not, these decide every link: without them neither a pass nor a failure is supported. */
const ALWAYS_NEEDED: readonly CollectionKind[] = ['routes', 'firewalls', 'routers'];

/** `nic0 natIP 34.84.1.2` per external access config of the instance. */
function externalAccessOf(instance: Instance): string[] {
  return instance.networkInterfaces.flatMap((nic, i) => [
    ...nic.accessConfigs.map((ac) => `nic${i} natIP ${ac.natIP ?? '(ephemeral)'}`),
    ...(nic.ipv6AccessConfigs ?? []).map((ac) => `nic${i} IPv6 ${ac.natIP ?? '(ephemeral)'}`),
  ]);
}

/**
 * The external addresses of a node identity: the VM's own when the snapshot has it; otherwise
 * what the pool's configuration gives new nodes (a public node gets an ephemeral external IP).
 */
function externalAccess(cluster: Cluster, identity: NodeIdentity, instances: Map<string, Instance>): string[] {
  const instance = instances.get(identity.label);
  if (instance) return externalAccessOf(instance);
  const pool = cluster.nodePools.find((p) => `pool ${p.name}` === identity.label);
  const privateNodes = pool?.enablePrivateNodes ?? cluster.networkConfig?.defaultEnablePrivateNodes ?? cluster.privateClusterConfig?.enablePrivateNodes;
  return privateNodes ? [] : ['an ephemeral external IP (the pool\'s nodes are not private)'];
}

function notReadText(entries: CoverageEntry[]): { collections: string; reason: string } {
  return {
    collections: listText(entries.map((e) => COLLECTION_LABELS[e.collection])),
    reason: [...new Set(entries.map((e) => e.reason ?? e.state))].join('; '),
  };
}

/** The internet for one cluster: all of it minus what is private, the VIPs, on-prem, the proxies and the network's own ranges. */
function internetOf(index: SnapshotIndex, cluster: Cluster, common: string[]): Interval[] {
  return index.memo('internet-egress internet', cluster.network, () => {
    const own = index.subnetworksOf(cluster.network).flatMap((s) => [s.ipCidrRange, ...s.secondaryIpRanges.map((r) => r.ipCidrRange)]);
    const cut = [...common, ...own].filter((r) => isCidr(r) && !r.includes(':')).map((r) => parseCidr(r));
    return subtract(parseCidr('0.0.0.0/0'), cut);
  });
}

function linksText(answer: EgressAnswer): { route: string; firewall: string; address: string } {
  return { route: answer.route.text, firewall: answer.firewall.text, address: answer.address.text };
}

function missingText(answer: EgressAnswer): string {
  return listText([answer.route, answer.firewall, answer.address].filter((l) => !l.holds).map((l) => l.text));
}

export const internetEgressRule: Rule = {
  meta: {
    id: 'internet-egress',
    title: 'Nodes and pods reach the internet only through the proxy',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'For internet destinations (everything outside RFC 1918 and the other private ranges, the Google API VIPs, the policy\'s on-prem and proxy ranges and the network\'s own subnet ranges), tcp:80 and tcp:443, from every node of the cluster and from its pod range: fails when all three links of a path to the internet hold — the effective route (policy-based routes first, then the route table, with dynamic routes in the node\'s region or, under GLOBAL routing, in any region) is the default internet gateway, the egress firewall rules enforced at the node allow the packet, and the node has an external IP or a public Cloud NAT gateway in its region serves the node or pod range (`routers[].nats[].sourceSubnetworkIpRangesToNat`, `subnetworks[].sourceIpRangesToNat`). Passes when any link is missing, naming which. The firewall link is the whole firewall chain (hierarchical firewall policies, then the VPC rules and the network firewall policies in the network\'s enforcement order, then the implied rules); a policy rule this tool cannot judge that could open the path leaves the verdict not evaluated.',
    rationale:
      'The article\'s network reaches the internet only through a proxy (インターネットへのアクセスはプロキシ経由). A firewall deny on its own does not say whether a node can get out, and Cloud NAT on the node subnet — the most common way private nodes get internet access — opens a path that neither private nodes nor the restricted VIP close. Only the three links together (route, firewall, address) decide whether packets leave.',
    articleSection: 'インターネットへのアクセスはプロキシ経由',
    remediation: {
      gcloud:
        '# remove the NAT that serves the node subnet (or limit it to other subnets):\ngcloud compute routers nats delete NAT --router ROUTER --region REGION\n# and keep the egress deny below the VIP and proxy allows:\ngcloud compute firewall-rules create deny-egress-all --network NETWORK \\\n  --direction EGRESS --action DENY --rules all --destination-ranges 0.0.0.0/0 --priority 65534',
      terraform:
        '# delete the google_compute_router_nat that serves the node subnet, or list only other subnets:\nresource "google_compute_router_nat" "nat" {\n  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"\n  subnetwork {\n    name                    = google_compute_subnetwork.bastion.id\n    source_ip_ranges_to_nat = ["PRIMARY_IP_RANGE"]\n  }\n  # ...\n}',
    },
    messages: {
      closed: 'Cluster {{subject}}: no node or pod reaches the internet except through the proxy: {{missing}}.',
      open: 'Cluster {{subject}}: {{node}} reaches the internet: {{route}}; {{firewall}}; {{address}}.{{caveat}}',
      notRead: 'Cluster {{subject}}: the {{collections}} of project {{project}} were not read ({{reason}}), so internet egress cannot be judged.',
      firewallUndetermined: 'Cluster {{subject}}: for {{node}}, {{route}} and {{address}}, but {{why}}: whether the node reaches the internet cannot be judged.',
      addressUnconfirmed:
        'Cluster {{subject}}: {{node}} has a route and a firewall path to the internet ({{route}}; {{firewall}}) and no NAT serves its ranges, but the VM instances of project {{project}} were not read ({{reason}}), so an external IP on a node cannot be ruled out.',
      noPodRange: 'Cluster {{subject}}: its pod range {{field}} is not a range of the node subnet, so pod egress cannot be judged.',
      ...CLUSTER_NETWORK_MESSAGES,
      ...FIREWALL_CHAIN_MESSAGES,
    },
  },
  check({ index, params, report }) {
    const common = [...NOT_INTERNET, VIPS.restricted.ipv4Range, VIPS.private.ipv4Range, ...params.onPremRanges, ...params.proxyRanges];
    for (const cluster of index.clusters) {
      const project = networkProject(index, cluster);
      const unread = index.notRead(project, ALWAYS_NEEDED);
      if (unread.length > 0) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'notRead', data: { project, ...notReadText(unread) } });
        continue;
      }
      const gathered = clusterNetwork(index, cluster, { network: true, subnetwork: true, routes: true, firewalls: true, nodes: true });
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { network, subnetwork, identities } = gathered.scope;
      // The firewall link is the whole chain: firewall policies that were not read, or a project
      // ancestry that is not known, leave it undecidable.
      // Nodes alike have the same plan, or the same reason to have none: each kind asked once.
      const chainProblem = index.distinctNodeIdentities(cluster).map((identity) => chainPlanAt(index, cluster, identity, 'EGRESS')).find((p) => 'notEvaluated' in p);
      if (chainProblem && 'notEvaluated' in chainProblem) {
        report({ status: 'not-evaluated', subject: cluster, ...chainProblem.notEvaluated });
        continue;
      }
      const unknown =
        firstUnknown(index, network!, ['routingMode']) ??
        firstUnknown(index, cluster, ['ipAllocationPolicy', 'location']) ??
        firstUnknown(index, subnetwork!, ['ipCidrRange', 'secondaryIpRanges']) ??
        index.routersOf(cluster.network).map((r) => firstUnknown(index, r, ['nats']) && `nats of router ${r.name}`).find(Boolean) ??
        index.policyBasedRoutesOn(cluster.network).map((r) => firstUnknown(index, r, ['filter', 'priority', 'virtualMachineTags', 'nextHopIlbIp', 'nextHopOtherRoutes']) && `policy-based route ${r.name}`).find(Boolean);
      if (unknown) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: unknown } });
        continue;
      }
      const badPolicyRoute = index.policyBasedRoutesOn(cluster.network).find((r) => policyRouteDefect(r));
      if (badPolicyRoute) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unreadable', data: { field: `${policyRouteDefect(badPolicyRoute)} of policy-based route ${badPolicyRoute.name}` }, related: [badPolicyRoute.fullName] });
        continue;
      }
      const { pods } = clusterRanges(cluster, subnetwork!);
      if (pods.missingName) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'noPodRange', data: { field: pods.missingName } });
        continue;
      }
      const judged = judgeCluster(index, cluster, subnetwork!, identities, internetOf(index, cluster, common), pods.cidr);
      const related = [...new Set([...judged.answer.route.related, ...judged.answer.firewall.related, ...judged.answer.address.related])];
      if (!judged.answer.open) {
        const { route, firewall, address } = judged.answer;
        if (route.holds && address.holds && firewall.undetermined) {
          report({ status: 'not-evaluated', subject: cluster, messageId: 'firewallUndetermined', data: { node: nodeText(judged.identity), route: route.text, address: address.text, why: firewall.undetermined }, related });
          continue;
        }
        const instancesUnread = index.instancesOf(cluster).length === 0 ? index.notRead(cluster.project, ['instances']) : [];
        if (route.holds && firewall.holds && !address.holds && instancesUnread.length > 0) {
          const data = { node: nodeText(judged.identity), project: cluster.project, route: route.text, firewall: firewall.text, reason: notReadText(instancesUnread).reason };
          report({ status: 'not-evaluated', subject: cluster, messageId: 'addressUnconfirmed', data, related });
          continue;
        }
        report({ status: 'pass', subject: cluster, messageId: 'closed', data: { missing: missingText(judged.answer) }, related });
        continue;
      }
      const node = nodeText(judged.identity);
      // The configuration read opens the path. A route that was not read (learned from on-prem, or
      // policy-based) could only take the traffic elsewhere by luck of what a peer announces, so
      // the finding stands and says what it could not see.
      const region = regionOf(cluster.location);
      const bgpRouters = index.routersOf(cluster.network).some((r) => r.bgpPeers.length > 0 && routerServesRegion(r.region, region, network!.routingMode));
      const unseen = index.notRead(project, ['policyBasedRoutes', ...(bgpRouters ? (['dynamicRoutes'] as const) : [])]);
      const caveat = unseen.length > 0 ? ` The ${notReadText(unseen).collections} of project ${project} were not read (${notReadText(unseen).reason}); none of them was seen taking this traffic elsewhere.` : '';
      report({ status: 'fail', subject: cluster, messageId: 'open', data: { node, ...linksText(judged.answer), caveat }, related });
    }
  },
  fix(target) {
    // Close the firewall link: the deny-all below the proxy and VIP allows (egress-default-deny),
    // or cut the address link (the Cloud NAT or the external IPs that serve the nodes).
    return networkFix(
      target,
      'a google_compute_firewall { direction = "EGRESS", destination_ranges = ["0.0.0.0/0"], deny { protocol = "all" }, priority = 65534 } (or remove the google_compute_router_nat serving the node subnet)',
      (network) =>
        `gcloud compute firewall-rules create deny-egress-all ${network} --direction EGRESS --action DENY --rules all --destination-ranges 0.0.0.0/0 --priority 65534 (or delete the Cloud NAT that serves the node subnet)`,
    );
  },
};

const holding = (a: EgressAnswer): number => [a.route, a.firewall, a.address].filter((l) => l.holds).length;

/**
 * The first node whose path to the internet is open, or (all closed) the answer of the node closest to it. A
 * node whose route and firewall links hold but whose VMs were not read is undecided: its external
 * IP is not known.
 */
function judgeCluster(
  index: SnapshotIndex,
  cluster: Cluster,
  subnetwork: Subnetwork,
  identities: NodeIdentity[],
  internet: Interval[],
  podRange: string | undefined,
): { answer: EgressAnswer; identity: NodeIdentity } {
  const instances = new Map(index.instancesOf(cluster).map((i) => [i.name, i]));
  const sources = [subnetwork.ipCidrRange, ...(podRange ? [podRange] : [])].filter(isCidr).map((r) => parseCidr(r));
  const podRangeName = cluster.ipAllocationPolicy?.clusterSecondaryRangeName;
  const policyRoutes = index.policyBasedRoutesOn(cluster.network);
  const routers = index.routersOf(cluster.network, subnetwork.region);
  let first: { answer: EgressAnswer; identity: NodeIdentity } | undefined;
  // The route and firewall links of a node are those of the nodes alike (same tags, service
  // accounts, secure tags); its address link is its own (an external IP is per VM).
  const linksOfAlike = new Map<NodeIdentity, { route: EgressLink; firewall: EgressLink }>();
  for (const identity of identities) {
    const alikeNode = index.alikeNode(cluster, identity);
    const links = linksOfAlike.get(alikeNode) ?? routeAndFirewallLinks(index, cluster, alikeNode, subnetwork, internet, sources, podRange, policyRoutes);
    linksOfAlike.set(alikeNode, links);
    const address = internetAddressLink({ routers, subnetwork, podRangeName, externalAccess: externalAccess(cluster, identity, instances) });
    const { route, firewall } = links;
    const answer: EgressAnswer = { open: route.holds && firewall.holds && address.holds, route, firewall, address };
    if (answer.open) return { answer, identity };
    // All closed: the node closest to the internet (most links holding) says what keeps it in.
    if (!first || holding(answer) > holding(first.answer)) first = { answer, identity };
  }
  return first!;
}

/** The route and firewall links of one node: shared by the nodes (on any cluster of the network) the same routes and firewall rules select. */
function routeAndFirewallLinks(
  index: SnapshotIndex,
  cluster: Cluster,
  identity: NodeIdentity,
  subnetwork: Subnetwork,
  internet: Interval[],
  sources: Interval[],
  podRange: string | undefined,
  policyRoutes: PolicyBasedRoute[],
): { route: EgressLink; firewall: EgressLink } {
  const network = index.network(cluster.network);
  const region = regionOf(cluster.location);
  // Nodes the same routes and firewall rules select (on any cluster of the network) share the route
  // and firewall links: decided once for them. Their source ranges matter only to policy-based
  // routes, so they are part of the key only when such a route applies.
  const routeKey = `internet-egress route\n${network?.routingMode === 'GLOBAL' ? '*' : region}`;
  const selection = routesAt(index, cluster, identity);
  const applying = policyRoutes.length > 0 ? policyRoutes.filter((r) => policyRouteAppliesToVm(r, identity.tags)) : policyRoutes;
  const key = applying.length === 0 ? routeKey : `${routeKey}\n${subnetwork.fullName}\n${podRange ?? ''}\n${applying.map((r) => r.fullName).join(',')}`;
  const routeLink = index.memoOn(selection, key, () =>
    internetRouteLink({ internet, routes: selection.rules.filter((r) => routeAppliesInRegion(r, region, network?.routingMode)), policyRoutes: applying, node: identity, sources }),
  );
  // The firewall is asked about the addresses the routes send to the gateway (all of the internet
  // when none): only the rules that reach them can decide, so nodes whose selections differ
  // elsewhere share the answer. The ranges and their memo key are built once per route answer.
  const question = index.memoOn(routeLink, 'internet-egress firewall question', () => {
    const remote = remoteRangesOf(routeLink.gateway.length > 0 ? routeLink.gateway : internet);
    return { remote, key: `internet-egress firewall\n${remote.key}` };
  });
  const relevant = reaching(index, firewallsAt(index, cluster, identity, 'EGRESS'), question.remote);
  // The whole firewall chain when a firewall policy applies to the node (checked readable by the
  // caller); the VPC rules that reach the addresses otherwise. Nodes alike share the answer.
  const planned = chainPlanAt(index, cluster, identity, 'EGRESS');
  const onChain = 'plan' in planned && (planned.plan.before.length > 0 || planned.plan.after.length > 0);
  const firewall = onChain
    ? remembered(index.memoOn(relevant, `${question.key}\non the chain`, () => new Map<SharedPlan, EgressLink>()), planned as SharedPlan, () =>
        internetFirewallLink((packet) => {
          const chain = firewallChainAt(index, cluster, identity, 'EGRESS', firewallQuestion(packet, question.remote.intervals));
          return 'segments' in chain ? chain.segments : [];
        }, question.remote.intervals),
      )
    : index.memoOn(relevant, question.key, () => internetFirewallLink(vpcEgress(relevant.rules, identity), question.remote.intervals));
  return { route: routeLink.link, firewall };
}
