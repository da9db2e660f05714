/**
 * Effective routes in a VPC network, as Google Cloud chooses them for a packet leaving an instance:
 * among the routes of the network whose `destRange` contains the destination and whose `tags` are
 * empty or shared with the instance, the longest prefix wins, then the lowest `priority` number.
 * Routes still tied after both are used together (ECMP), so all of them are winners.
 */
import { DEFAULT_INTERNET_GATEWAY } from '../model/facts.js';
import { normalizeGateway, shortName } from '../model/names.js';
import type { PolicyBasedRoute, Route } from '../model/snapshot.js';
import { overlaps, parseCidr, prefixLength, type Interval } from './cidr.js';
import { joinAdjacent, sameMembers, splitAt } from './segments.js';

/** The answer for one destination address, or for every address of one segment of a range. */
export interface EffectiveRoute {
  /** The routes the packet takes: one, or several tied ones (ECMP); empty when no route covers it. */
  winners: Route[];
  /** Routes that also apply to the destination and the instance but lost on prefix or priority. */
  beaten: Route[];
}

export interface RouteSegment extends EffectiveRoute {
  range: Interval;
}

/** A route with `tags` applies only to instances carrying one of them. */
export function routeAppliesTo(route: Route, instanceTags: readonly string[]): boolean {
  return route.tags.length === 0 || route.tags.some((t) => instanceTags.includes(t));
}

export function isInternetGatewayRoute(route: Route): boolean {
  return normalizeGateway(route.nextHopGateway) === DEFAULT_INTERNET_GATEWAY;
}

/** The next hop of a route in words, for messages. */
export function describeNextHop(route: Route): string {
  const hop = describeHop(route);
  return route.learnedBy ? `${hop} (learned by Cloud Router ${shortName(route.learnedBy)})` : hop;
}

function describeHop(route: Route): string {
  if (isInternetGatewayRoute(route)) return 'the default internet gateway';
  if (route.nextHopGateway) return `gateway ${shortName(route.nextHopGateway)}`;
  if (route.nextHopVpnTunnel) return `VPN tunnel ${shortName(route.nextHopVpnTunnel)}`;
  if (route.nextHopInstance) return `instance ${shortName(route.nextHopInstance)}`;
  if (route.nextHopIlb) return `internal load balancer ${shortName(route.nextHopIlb)}`;
  if (route.nextHopIp) return `IP ${route.nextHopIp}`;
  if (route.nextHopPeering) return `peering ${route.nextHopPeering}`;
  if (route.nextHopNetwork) return `the subnet of network ${shortName(route.nextHopNetwork)}`;
  return 'an unknown next hop';
}

interface Candidate {
  route: Route;
  range: Interval;
  prefix: number;
}

/** More specific first, then lower priority number; the order Google Cloud applies. */
function byPrecedence(a: Candidate, b: Candidate): number {
  return b.prefix - a.prefix || a.route.priority - b.route.priority;
}

// Parsed once per route object: the same routes are asked about for every node of every cluster.
const parsed = new WeakMap<Route, Candidate>();

function candidate(route: Route): Candidate {
  let c = parsed.get(route);
  if (!c) {
    c = { route, range: parseCidr(route.destRange), prefix: prefixLength(route.destRange) };
    parsed.set(route, c);
  }
  return c;
}

function candidates(routes: readonly Route[], instanceTags: readonly string[], within?: Interval): Candidate[] {
  return routes
    .filter((r) => routeAppliesTo(r, instanceTags))
    .map(candidate)
    .filter((c) => !within || overlaps(c.range, within))
    .sort(byPrecedence);
}

function decide(sorted: Candidate[], address: bigint, family: 4 | 6): EffectiveRoute {
  const matching = sorted.filter((c) => c.range.family === family && c.range.start <= address && address <= c.range.end);
  if (matching.length === 0) return { winners: [], beaten: [] };
  const best = matching[0];
  const tied = (c: Candidate) => c.prefix === best.prefix && c.route.priority === best.route.priority;
  return { winners: matching.filter(tied).map((c) => c.route), beaten: matching.filter((c) => !tied(c)).map((c) => c.route) };
}

/** The route's `destRange` as an interval (parsed once per route object); throws on a malformed range. */
export function routeRange(route: Route): Interval {
  return candidate(route).range;
}

/** The effective route for one destination address (or the first address of a CIDR). */
export function effectiveRoute(routes: readonly Route[], destination: string, instanceTags: readonly string[]): EffectiveRoute {
  const dest = parseCidr(destination);
  return decide(candidates(routes, instanceTags, { ...dest, end: dest.start }), dest.start, dest.family);
}

/**
 * The effective route for every address of a range: the range split where the routes that apply
 * begin and end, one answer per piece, adjacent pieces with the same answer joined.
 */
export function effectiveRoutes(routes: readonly Route[], destination: string | Interval, instanceTags: readonly string[]): RouteSegment[] {
  const target = typeof destination === 'string' ? parseCidr(destination) : destination;
  const sorted = candidates(routes, instanceTags, target);
  const pieces = splitAt([target], sorted.map((c) => c.range));
  const segments = pieces.map((range) => ({ range, ...decide(sorted, range.start, range.family) }));
  return joinAdjacent(segments, (a, b) => sameMembers(a.winners, b.winners) && sameMembers(a.beaten, b.beaten));
}

/** The route's `destRange` when the analysis cannot read it, if so. */
export function routeDefect(route: Route): string | undefined {
  try {
    candidate(route);
    return undefined;
  } catch {
    return `destRange ${JSON.stringify(route.destRange)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Dynamic routes and the network's dynamic routing mode.
//
// A Cloud Router learns routes over BGP and programs them into its network (routers.getRouterStatus
// `bestRoutesForRouter`: "the best BGP routes learned by this Cloud Router"). In a network whose
// `routingConfig.routingMode` is REGIONAL (the default) they apply only to instances in the
// router's region and a router advertises only its region's subnets; in GLOBAL mode they apply in
// every region and routers advertise the subnets of every region
// (cloud.google.com/network-connectivity/docs/router/how-to/configuring-routing-mode;
// compute REST `Network.routingConfig.routingMode`, `RouterStatus.bestRoutes`).

export type RoutingMode = 'REGIONAL' | 'GLOBAL';

/** A route learned by a Cloud Router (routeType `BGP`, or one the collector read from a router's status). */
export function isDynamicRoute(route: Route): boolean {
  return route.learnedBy !== undefined || route.routeType === 'BGP';
}

/**
 * Whether a route applies to an instance in `region`: static and subnet routes apply network-wide;
 * a dynamic route in a REGIONAL network only in the region of the router that learned it.
 */
export function routeAppliesInRegion(route: Route, region: string, routingMode: RoutingMode | undefined): boolean {
  if (!isDynamicRoute(route) || route.region === undefined) return true;
  return routingMode === 'GLOBAL' || route.region === region;
}

/** Whether a Cloud Router in `routerRegion` serves (learns for, advertises) instances and subnets in `region`. */
export function routerServesRegion(routerRegion: string, region: string, routingMode: RoutingMode | undefined): boolean {
  return routingMode === 'GLOBAL' || routerRegion === region;
}

// ---------------------------------------------------------------------------------------------
// Policy-based routes (Network Connectivity API `PolicyBasedRoute`,
// cloud.google.com/vpc/docs/policy-based-routes and cloud.google.com/vpc/docs/routes):
// - evaluated before every other route type (special routing paths aside), and not by longest
//   prefix: the route with the lowest `priority` number that matches the packet decides; at equal
//   priority Google picks one with a "deterministic, internal algorithm", so ties are read here
//   in name order and the rules say which route they took;
// - `filter` matches the packet: `ipProtocol` (`ALL`, the default, `TCP` or `UDP`), `srcRange`
//   and `destRange` (both default to every address of `protocolVersion`, IPv4);
// - it applies to the VMs whose network tags share one with `virtualMachine.tags`, to the traffic
//   entering through the VLAN attachments of `interconnectAttachment.region` (not to VMs), or,
//   with neither, to every VM, attachment and tunnel of the network;
// - `nextHopIlbIp` sends the packet to an internal passthrough load balancer;
//   `nextHopOtherRoutes: DEFAULT_ROUTING` sends it on to the route table and keeps
//   lower-priority policy-based routes from applying to it.

/** What the packets of a node look like to a policy-based route. */
export interface PolicyRouteSender {
  /** The node's network tags. */
  tags: readonly string[];
  /** The addresses its packets leave with (the node range, the pod range). */
  sources: readonly Interval[];
  /** `tcp`, `udp`, ... */
  protocol: string;
}

/** A piece of a destination range and the policy-based route that decides it, if any. */
export interface PolicyRouteSegment {
  range: Interval;
  /** The deciding policy-based route; absent when none matches (the route table decides). */
  route?: PolicyBasedRoute;
}

const ALL_OF: Record<4 | 6, string> = { 4: '0.0.0.0/0', 6: '::/0' };

function pbrFamily(route: PolicyBasedRoute): 4 | 6 {
  return (route.filter.protocolVersion ?? 'IPV4').toUpperCase() === 'IPV6' ? 6 : 4;
}

/** The `destRange` of a policy-based route, its default filled in. */
export function policyRouteDestRange(route: PolicyBasedRoute): string {
  return route.filter.destRange ?? ALL_OF[pbrFamily(route)];
}

function policyRouteSrcRange(route: PolicyBasedRoute): string {
  return route.filter.srcRange ?? ALL_OF[pbrFamily(route)];
}

/** Whether the route applies to packets sent by VMs carrying `tags`. */
export function policyRouteAppliesToVm(route: PolicyBasedRoute, tags: readonly string[]): boolean {
  if (route.interconnectAttachmentRegion !== undefined) return false;
  const vmTags = route.virtualMachineTags ?? [];
  return vmTags.length === 0 || vmTags.some((t) => tags.includes(t));
}

function policyRouteMatchesSender(route: PolicyBasedRoute, sender: PolicyRouteSender): boolean {
  if (!policyRouteAppliesToVm(route, sender.tags)) return false;
  const protocol = (route.filter.ipProtocol ?? 'ALL').toUpperCase();
  if (protocol !== 'ALL' && protocol !== sender.protocol.toUpperCase()) return false;
  const src = parseCidr(policyRouteSrcRange(route));
  return sender.sources.some((s) => overlaps(s, src));
}

/** The policy-based route's `filter` ranges that cannot be read, if any. */
export function policyRouteDefect(route: PolicyBasedRoute): string | undefined {
  for (const [field, value] of [['filter.destRange', route.filter.destRange], ['filter.srcRange', route.filter.srcRange]] as const) {
    if (value === undefined) continue;
    try {
      parseCidr(value);
    } catch {
      return `${field} ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}

/**
 * How policy-based routes treat packets from the sender to every address of `destination`: the
 * range split where the routes' destination ranges begin and end, each piece with the route that
 * decides it (the lowest priority number among those that match), adjacent pieces alike joined.
 * A source range that only partly overlaps a route's `srcRange` counts as matching: some of the
 * sender's packets take that route.
 */
export function policyRouteSegments(routes: readonly PolicyBasedRoute[], destination: Interval, sender: PolicyRouteSender): PolicyRouteSegment[] {
  const matching = routes
    .filter((r) => pbrFamily(r) === destination.family && policyRouteMatchesSender(r, sender))
    .map((route) => ({ route, range: parseCidr(policyRouteDestRange(route)) }))
    .filter((c) => overlaps(c.range, destination))
    .sort((a, b) => a.route.priority - b.route.priority || (a.route.name < b.route.name ? -1 : a.route.name > b.route.name ? 1 : 0));
  const pieces = splitAt([destination], matching.map((c) => c.range));
  const segments = pieces.map((range): PolicyRouteSegment => {
    const winner = matching.find((c) => c.range.start <= range.start && range.start <= c.range.end);
    return winner ? { range, route: winner.route } : { range };
  });
  return joinAdjacent(segments, (a, b) => a.route === b.route);
}

/** Whether a policy-based route hands its packets on to the route table (`nextHopOtherRoutes: DEFAULT_ROUTING`). */
export function passesToRouteTable(route: PolicyBasedRoute): boolean {
  return route.nextHopOtherRoutes?.toUpperCase() === 'DEFAULT_ROUTING';
}

/** The next hop of a policy-based route in words, for messages. */
export function describePolicyRouteNextHop(route: PolicyBasedRoute): string {
  if (passesToRouteTable(route)) return 'the route table (DEFAULT_ROUTING)';
  if (route.nextHopIlbIp) return `the internal load balancer ${route.nextHopIlbIp}`;
  return 'an unknown next hop';
}
