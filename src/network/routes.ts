/**
 * Effective routes in a VPC network, as Google Cloud chooses them for a packet leaving an instance:
 * among the routes of the network whose `destRange` contains the destination and whose `tags` are
 * empty or shared with the instance, the longest prefix wins, then the lowest `priority` number.
 * Routes still tied after both are used together (ECMP), so all of them are winners.
 */
import { DEFAULT_INTERNET_GATEWAY } from '../model/facts.js';
import { normalizeGateway, shortName } from '../model/names.js';
import type { Route } from '../model/snapshot.js';
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
