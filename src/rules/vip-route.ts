import type { Outcome, Rule } from '../engine/types.js';
import { VIPS } from '../model/facts.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { COLLECTION_LABELS } from '../model/coverage.js';
import { regionOf } from '../model/names.js';
import type { Cluster, PolicyBasedRoute, Route, Subnetwork } from '../model/snapshot.js';
import { contains, formatRange, isCidr, parseCidr, prefixLength } from '../network/cidr.js';
import {
  describeNextHop,
  describePolicyRouteNextHop,
  effectiveRoutes,
  isInternetGatewayRoute,
  passesToRouteTable,
  policyRouteDefect,
  policyRouteSegments,
  routeAppliesInRegion,
  routeAppliesTo,
  routerServesRegion,
  type RouteSegment,
} from '../network/routes.js';
import { routesAt } from './enforced.js';
import { endpointText } from '../network/api-path.js';
import { apiPathFor, CLUSTER_NETWORK_MESSAGES, clusterNetwork, clusterRanges, firstUnknown, listText, networkProject, nodeText, vipText } from './support.js';
import { networkFix, vipRange } from './fix.js';

type Finding = Pick<Outcome, 'messageId' | 'data' | 'related'>;

/** Why `winner` is taken instead of the gateway route `expected`, for a message. */
function shadowReason(winner: Route, expected: Route): string {
  const [w, e] = [prefixLength(winner.destRange), prefixLength(expected.destRange)];
  if (w > e) return `a more specific destination (${winner.destRange} within ${expected.destRange})`;
  if (winner.priority < expected.priority) return `a lower priority number (${winner.priority} < ${expected.priority})`;
  return `the same prefix and priority (ECMP: part of the traffic takes ${winner.name})`;
}

/** What the routes do with the VIP for one group of alike nodes (same network and tags), judged once per group. */
interface Judged {
  /** The first piece of the VIP range that does not go to the default internet gateway. */
  failure?: { segment: RouteSegment };
  /** The routes that carry the VIP when it passes. */
  used: Route[];
}

function judgeNode(routes: Route[], ranges: string[], tags: string[]): Judged {
  const used: Route[] = [];
  for (const range of ranges) {
    for (const segment of effectiveRoutes(routes, range, tags)) {
      const toGateway = segment.winners.length > 0 && segment.winners.every(isInternetGatewayRoute);
      if (!toGateway) return { failure: { segment }, used };
      used.push(...segment.winners);
    }
  }
  return { used };
}

/** Why a piece of the VIP range does not go to the default internet gateway: no route, a shadowing route, or another next hop. */
function describeFailure(segment: RouteSegment, routes: Route[], tags: string[], node: string, vip: string): Finding {
  const range = formatRange(segment.range);
  const wrong = segment.winners.find((r) => !isInternetGatewayRoute(r));
  if (!wrong) {
    // A gateway route the node's tags do not select is the likely intent; say so.
    const untagged = routes.filter((r) => isInternetGatewayRoute(r) && !routeAppliesTo(r, tags) && contains(r.destRange, segment.range));
    const hint = untagged.length > 0 ? ` (route ${untagged[0].name} to the default internet gateway applies only to tags ${listText(untagged[0].tags)})` : '';
    return { messageId: 'noRoute', data: { node, range, vip, hint }, related: untagged.map((r) => r.fullName) };
  }
  const expected = segment.winners.find(isInternetGatewayRoute) ?? segment.beaten.find(isInternetGatewayRoute);
  if (expected) {
    return {
      messageId: 'shadowed',
      data: { node, range, route: wrong.name, nextHop: describeNextHop(wrong), expected: expected.name, reason: shadowReason(wrong, expected) },
      related: [wrong.fullName, expected.fullName],
    };
  }
  return { messageId: 'wrongNextHop', data: { node, range, route: wrong.name, nextHop: describeNextHop(wrong) }, related: [wrong.fullName] };
}

/**
 * The first policy-based route that takes part of the VIP range from the nodes (or their pods)
 * somewhere other than the route table. Policy-based routes are evaluated before every other route
 * (cloud.google.com/vpc/docs/routes), so such a route wins whatever the table says.
 */
function divertingPolicyRoute(policyRoutes: PolicyBasedRoute[], ranges: string[], tags: string[], sources: ReturnType<typeof parseCidr>[]): { route: PolicyBasedRoute; range: string } | undefined {
  if (policyRoutes.length === 0) return undefined;
  for (const range of ranges) {
    for (const piece of policyRouteSegments(policyRoutes, parseCidr(range), { tags, sources, protocol: 'tcp' })) {
      if (piece.route && !passesToRouteTable(piece.route)) return { route: piece.route, range: formatRange(piece.range) };
    }
  }
  return undefined;
}

/** The addresses the nodes' and pods' packets leave with. */
function senderRanges(cluster: Cluster, subnetwork: Subnetwork): ReturnType<typeof parseCidr>[] {
  const pods = clusterRanges(cluster, subnetwork).pods.cidr;
  return [subnetwork.ipCidrRange, ...(pods ? [pods] : []), ...(subnetwork.ipv6CidrRange ? [subnetwork.ipv6CidrRange] : [])].filter(isCidr).map((r) => parseCidr(r));
}

/**
 * What was not read that could still change a pass: the policy-based routes of the network, and
 * the routes its Cloud Routers learned when a router with BGP sessions serves the nodes' region.
 */
function unreadRouteSources(index: SnapshotIndex, cluster: Cluster): { collections: string; project: string; reason: string } | undefined {
  const project = networkProject(index, cluster);
  const region = regionOf(cluster.location);
  const mode = index.network(cluster.network)?.routingMode;
  const learning = index.routersOf(cluster.network).filter((r) => r.bgpPeers.length > 0 && routerServesRegion(r.region, region, mode));
  const missing = index.notRead(project, ['policyBasedRoutes', ...(learning.length > 0 ? (['dynamicRoutes'] as const) : [])]);
  if (missing.length === 0) return undefined;
  const routers = missing.some((m) => m.collection === 'dynamicRoutes') ? ` (Cloud Router ${learning.map((r) => r.name).join(', ')})` : '';
  return {
    project,
    collections: `${listText(missing.map((m) => COLLECTION_LABELS[m.collection]))}${routers}`,
    reason: [...new Set(missing.map((m) => m.reason ?? m.state))].join('; '),
  };
}

export const vipRoute: Rule = {
  meta: {
    id: 'vip-route',
    title: 'The Google API VIP is routed to the default internet gateway',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'From every node of the cluster, the effective route for every address of the policy\'s VIP range (`199.36.153.4/30` for restricted.googleapis.com, `199.36.153.8/30` for private.googleapis.com; also the VIP\'s IPv6 /64 when the node subnet has an IPv6 range) is a route of the cluster\'s network whose next hop is the default internet gateway. Routes are chosen as Google Cloud does: policy-based routes first (one that matches the nodes\' or pods\' packets to the VIP and sends them to an internal load balancer fails; `nextHopOtherRoutes: DEFAULT_ROUTING` hands them to the route table), then the route table by longest prefix and lowest priority number, honouring route tags, with the dynamic routes Cloud Routers learned (in the nodes\' region, or any region under GLOBAL routing). A pass needs the policy-based routes and, where a Cloud Router with BGP sessions serves the region, the learned routes to have been read.',
    rationale:
      'The article (限定公開のGoogleアクセスの設定) sends `*.googleapis.com` and `gcr.io` to the restricted VIP and then creates a route to `restricted.googleapis.com` (「restricted.googleapis.com」へのルートを作成し), stressing that its next hop must be the default internet gateway (ネクストホップに「default Internet gateway」を設定する必要がある): with the default route gone or pointing on-prem, that route is the only path by which nodes without external IPs reach Google APIs. A more specific route (on-prem routes learned over the VPN, for instance) or one with a lower priority number silently takes the VIP traffic elsewhere, and image pulls and API calls fail.',
    articleSection: '限定公開のGoogleアクセスの設定',
    remediation: {
      gcloud:
        'gcloud compute routes create restricted-googleapis --network NETWORK \\\n  --destination-range 199.36.153.4/30 --next-hop-gateway default-internet-gateway --priority 1000\n# and remove or re-scope (tags, destination) any more specific or lower-priority-number route that shadows it',
      terraform:
        'resource "google_compute_route" "restricted_googleapis" {\n  name             = "restricted-googleapis"\n  network          = google_compute_network.vpc.id\n  dest_range       = "199.36.153.4/30"\n  next_hop_gateway = "default-internet-gateway"\n  priority         = 1000\n}',
    },
    messages: {
      viaGateway: 'Cluster {{subject}}: every node reaches the {{vip}} VIP ({{ranges}}) through {{routes}} to the default internet gateway.',
      shadowed:
        'Cluster {{subject}}: from {{node}}, {{range}} takes route {{route}} to {{nextHop}}, which shadows route {{expected}} to the default internet gateway with {{reason}}.',
      wrongNextHop: 'Cluster {{subject}}: from {{node}}, {{range}} takes route {{route}} to {{nextHop}}; no route to the default internet gateway covers it.',
      noRoute: 'Cluster {{subject}}: from {{node}}, no route covers {{range}}, so the {{vip}} VIP is unreachable{{hint}}.',
      pscPath:
        'Cluster {{subject}}: its nodes reach Google APIs through {{endpoints}} (DNS answers the endpoint\'s address), an internal address of the network that needs no route to the default internet gateway; the VIP route is not judged.',
      policyRoute:
        'Cluster {{subject}}: from {{node}}, {{range}} is taken by policy-based route {{route}} (priority {{priority}}) to {{nextHop}}, which Google Cloud applies before the route table.',
      routesNotRead:
        'Cluster {{subject}}: the route table sends the {{vip}} VIP to the default internet gateway through {{routes}}, but the {{collections}} of project {{project}} were not read ({{reason}}), so a route that takes the VIP elsewhere cannot be ruled out.',
      ...CLUSTER_NETWORK_MESSAGES,
    },
  },
  check({ index, params, report }) {
    const vip = VIPS[params.vip];
    // The two questions a node can be asked, each with its memo key built once.
    const ipv4Ranges = [vip.ipv4Range];
    const bothRanges = [vip.ipv4Range, vip.ipv6Range];
    const ipv4Key = `vip-route\n${ipv4Ranges.join(',')}`;
    const bothKey = `vip-route\n${bothRanges.join(',')}`;
    // The same needs for every cluster: one object, so the route checks find their memo key by it.
    const needs = { network: true, subnetwork: true, routes: true, nodes: true, destinations: bothRanges };
    for (const cluster of index.clusters) {
      // A PSC endpoint for Google APIs is an address inside the VPC: no gateway route carries it
      // (cloud.google.com/vpc/docs/about-accessing-google-apis-endpoints).
      const path = apiPathFor(index, cluster);
      if (path.kind === 'psc') {
        report({
          status: 'not-applicable',
          subject: cluster,
          messageId: 'pscPath',
          data: { endpoints: listText(path.endpoints.map(endpointText)) },
          related: path.endpoints.map((e) => e.forwardingRule.fullName),
        });
        continue;
      }
      const gathered = clusterNetwork(index, cluster, needs);
      if ('notEvaluated' in gathered) {
        report({ status: 'not-evaluated', subject: cluster, ...gathered.notEvaluated });
        continue;
      }
      const { subnetwork, routes } = gathered.scope;
      // Nodes alike (the same tags, service accounts and secure tags; routes see the tags only) would repeat the first one's judgement.
      const identities = index.distinctNodeIdentities(cluster);
      const policyRoutes = index.policyBasedRoutesOn(cluster.network);
      const badPolicyRoute = policyRoutes.find((r) => policyRouteDefect(r) ?? firstUnknown(index, r, ['filter', 'priority', 'virtualMachineTags', 'interconnectAttachmentRegion', 'nextHopIlbIp', 'nextHopOtherRoutes']));
      if (badPolicyRoute) {
        const field = policyRouteDefect(badPolicyRoute) ?? firstUnknown(index, badPolicyRoute, ['filter', 'priority', 'virtualMachineTags', 'interconnectAttachmentRegion', 'nextHopIlbIp', 'nextHopOtherRoutes']);
        report({ status: 'not-evaluated', subject: cluster, messageId: policyRouteDefect(badPolicyRoute) ? 'unreadable' : 'unknown', data: { field: `${field} of policy-based route ${badPolicyRoute.name}` }, related: [badPolicyRoute.fullName] });
        continue;
      }
      const region = regionOf(cluster.location);
      const routingMode = index.network(cluster.network)?.routingMode;
      const ipv6 = firstUnknown(index, subnetwork!, ['ipv6CidrRange']);
      if (ipv6) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'unknown', data: { field: `${ipv6} of subnetwork ${subnetwork!.name}` }, related: [subnetwork!.fullName] });
        continue;
      }
      const dualStack = Boolean(subnetwork!.ipv6CidrRange);
      const ranges = dualStack ? bothRanges : ipv4Ranges;
      const rangesKey = dualStack ? bothKey : ipv4Key;
      // Built once per cluster, not per node.
      const judgedKey = `${rangesKey}\n${routingMode === 'GLOBAL' ? '*' : region}`;

      let finding: Finding | undefined;
      const used = new Map<string, Route>();
      const sources = policyRoutes.length > 0 ? senderRanges(cluster, subnetwork!) : [];
      for (const identity of identities) {
        const diverted = divertingPolicyRoute(policyRoutes, ranges, identity.tags, sources);
        if (diverted) {
          const { route, range } = diverted;
          finding = { messageId: 'policyRoute', data: { node: nodeText(identity), range, route: route.name, priority: route.priority, nextHop: describePolicyRouteNextHop(route) }, related: [route.fullName] };
          break;
        }
        // Nodes the same routes apply to, on any cluster of the network, are judged once; a
        // dynamic route applies by region (REGIONAL routing), so the region is part of the key.
        const selection = routesAt(index, cluster, identity);
        const judged = index.memoOn(selection, judgedKey, () =>
          judgeNode(selection.rules.filter((r) => routeAppliesInRegion(r, region, routingMode)), ranges, identity.tags),
        );
        if (judged.failure) {
          const { segment } = judged.failure;
          finding = describeFailure(segment, routes, identity.tags, nodeText(identity), vipText(vip));
          break;
        }
        for (const r of judged.used) used.set(r.fullName, r);
      }
      if (finding) {
        report({ status: 'fail', subject: cluster, ...finding });
        continue;
      }
      const names = [...used.values()].map((r) => `route ${r.name}`);
      const unread = unreadRouteSources(index, cluster);
      if (unread) {
        report({ status: 'not-evaluated', subject: cluster, messageId: 'routesNotRead', data: { vip: vipText(vip), routes: listText(names), ...unread }, related: [...used.keys()] });
        continue;
      }
      report({
        status: 'pass',
        subject: cluster,
        messageId: 'viaGateway',
        data: { vip: vipText(vip), ranges: listText(ranges), routes: listText(names) },
        related: [...used.keys()],
      });
    }
  },
  fix(target) {
    const range = vipRange(target);
    return networkFix(
      target,
      `a google_compute_route { dest_range = "${range}", next_hop_gateway = "default-internet-gateway", priority = 1000 }`,
      (network) => `gcloud compute routes create ${target.params.vip}-googleapis ${network} --destination-range ${range} --next-hop-gateway default-internet-gateway --priority 1000`,
    );
  },
};
