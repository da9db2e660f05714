/**
 * Internet egress of a node: whether packets from it (or from its pods) to internet addresses
 * actually leave Google Cloud. Three links must all hold, as Google Cloud forwards a packet:
 *
 * 1. the route: the policy-based routes, then the route table, send the destination to the
 *    default internet gateway (a policy-based route to an internal load balancer takes it to an
 *    appliance instead; cloud.google.com/vpc/docs/routes, …/policy-based-routes);
 * 2. the firewall: the egress rules enforced at the node allow the packet;
 * 3. an address: the node has an external IP, or a Cloud NAT gateway serves the range the packet
 *    leaves from. Without either, a packet routed to the default internet gateway is dropped
 *    (cloud.google.com/vpc/docs/vpc#internet_access_reqs; cloud.google.com/nat/docs/overview).
 *
 * The answer names each link, holding or missing, so a report can say why a node is or is not
 * able to reach the internet.
 */
import type { Firewall, PolicyBasedRoute, Route, Router, Subnetwork } from '../model/snapshot.js';
import { formatRange, type Interval } from './cidr.js';
import { describeDecider, firewallDecisions, formatPacket, type FirewallIdentity, type FirewallSegment, type Packet } from './firewall.js';
import { describeNat, natGatewaysServing, type NatGateway } from './nat.js';
import {
  describePolicyRouteNextHop,
  effectiveRoutes,
  isInternetGatewayRoute,
  passesToRouteTable,
  policyRouteSegments,
  type PolicyRouteSender,
} from './routes.js';

/** The packets asked about: web traffic, what a node pulling from the internet sends first. */
export const INTERNET_PROBE_PACKETS: readonly Packet[] = [
  { protocol: 'tcp', port: 80 },
  { protocol: 'tcp', port: 443 },
];

/**
 * The firewall's answer for an egress packet from the node to `ranges`: the VPC rules alone
 * (`vpcEgress`), or the whole firewall-policy chain, which the rules layer builds from the
 * snapshot (src/rules/chain.ts) and hands in. A piece marked `undetermined` could not be decided
 * (a policy rule this tool cannot judge): it is never taken as its action.
 */
export type EgressDecide = (packet: Packet, ranges: readonly Interval[]) => readonly (FirewallSegment & { undetermined?: unknown })[];

/** The VPC firewall rules enforced at the node as the whole answer. */
export function vpcEgress(firewalls: readonly Firewall[], node: FirewallIdentity): EgressDecide {
  return (packet, ranges) => firewallDecisions(firewalls, { direction: 'EGRESS', packet, target: node }, ranges);
}

export interface EgressQuestion {
  /** Internet destinations: disjoint intervals (outside every private, VIP, on-prem and proxy range). */
  internet: readonly Interval[];
  /** The routes of the network that apply to the node (its tags and region). */
  routes: readonly Route[];
  /** The policy-based routes of the network (the ones applying to the node are picked here). */
  policyRoutes: readonly PolicyBasedRoute[];
  /** The egress firewall rules enforced at the node. */
  firewalls: readonly Firewall[];
  node: FirewallIdentity;
  /** The node subnet, its pod range's name (a secondary range), and the intervals of both. */
  subnetwork: Subnetwork;
  podRangeName?: string;
  sources: readonly Interval[];
  /** The routers of the network (NAT gateways live on them). */
  routers: readonly Router[];
  /** The node's external addresses in words (`nic0 natIP 34.1.2.3`); empty for none. */
  externalAccess: readonly string[];
}

/** One link of the path, holding or not, with what decided it. */
export interface EgressLink {
  holds: boolean;
  /** Words for a message: what holds, or why it does not. */
  text: string;
  related: string[];
  /** The link does not hold as far as is known, but a piece of it could not be decided: why. */
  undetermined?: string;
}

export interface EgressAnswer {
  /** True when all three links hold for some internet address and probe packet. */
  open: boolean;
  route: EgressLink;
  firewall: EgressLink;
  address: EgressLink;
}

/** What the routes do with internet destinations: the ranges sent to the gateway, and why others are not. */
export function internetRouteLink(q: Pick<EgressQuestion, 'internet' | 'routes' | 'policyRoutes' | 'node' | 'sources'>): { link: EgressLink; gateway: Interval[] } {
  const sender: PolicyRouteSender = { tags: q.node.tags, sources: q.sources, protocol: 'tcp' };
  const gateway: Interval[] = [];
  const gatewayRoutes = new Map<string, Route>();
  const diverted = new Map<string, PolicyBasedRoute>();
  const elsewhere = new Map<string, Route>();
  let uncovered = false;
  for (const target of q.internet) {
    for (const piece of policyRouteSegments(q.policyRoutes, target, sender)) {
      if (piece.route && !passesToRouteTable(piece.route)) {
        diverted.set(piece.route.fullName, piece.route);
        continue;
      }
      for (const segment of effectiveRoutes(q.routes, piece.range, q.node.tags)) {
        const toGateway = segment.winners.filter(isInternetGatewayRoute);
        if (toGateway.length > 0) {
          // ECMP with the gateway among the next hops: part of the traffic leaves through it.
          gateway.push(segment.range);
          for (const r of toGateway) gatewayRoutes.set(r.fullName, r);
        } else if (segment.winners.length === 0) {
          uncovered = true;
        } else {
          for (const r of segment.winners) elsewhere.set(r.fullName, r);
        }
      }
    }
  }
  if (gateway.length > 0) {
    const names = [...gatewayRoutes.values()].map((r) => `route ${r.name} (${r.destRange})`);
    const first = formatRange(gateway[0]);
    return { gateway, link: { holds: true, text: `internet addresses such as ${first} take ${names.join(', ')} to the default internet gateway`, related: [...gatewayRoutes.keys()] } };
  }
  const why: string[] = [];
  if (diverted.size > 0) why.push(`policy-based route ${[...diverted.values()].map((r) => `${r.name} sends it to ${describePolicyRouteNextHop(r)}`).join(', ')}`);
  if (elsewhere.size > 0) why.push(`it takes ${[...elsewhere.values()].map((r) => `route ${r.name}`).join(', ')} elsewhere`);
  if (uncovered) why.push('no route covers the rest');
  return {
    gateway,
    link: { holds: false, text: `no route sends internet traffic to the default internet gateway (${why.join('; ')})`, related: [...diverted.keys(), ...elsewhere.keys()] },
  };
}

/** Whether the egress firewall lets a probe packet out to `ranges`; the first allowed piece names the rule. */
export function internetFirewallLink(decide: EgressDecide, ranges: readonly Interval[]): EgressLink {
  const denials: FirewallSegment[] = [];
  let undetermined: string | undefined;
  for (const packet of INTERNET_PROBE_PACKETS) {
    const segments = decide(packet, ranges);
    const allowed = segments.find((s) => s.action === 'allow' && !s.undetermined);
    if (allowed) {
      return { holds: true, text: `${formatPacket(packet)} to ${formatRange(allowed.range)} is allowed by ${describeDecider(allowed, 'EGRESS')}`, related: allowed.rule ? [allowed.rule.fullName] : [] };
    }
    const open = segments.find((s) => s.undetermined);
    if (open) undetermined ??= `${formatPacket(packet)} to ${formatRange(open.range)} may be allowed by a firewall policy rule this tool cannot judge`;
    denials.push(...segments.filter((s) => !s.undetermined));
  }
  const rules = new Map<string, string>();
  for (const s of denials) if (s.action === 'deny') rules.set(s.rule?.fullName ?? describeDecider(s, 'EGRESS'), describeDecider(s, 'EGRESS'));
  const link: EgressLink = { holds: false, text: `egress firewall denies tcp:80 and tcp:443 to the internet (${[...rules.values()].join(', ') || 'no rule'})`, related: [...rules.keys()].filter((k) => k.startsWith('//')) };
  if (undetermined) link.undetermined = undetermined;
  return link;
}

/** An external IP on the node, or a public Cloud NAT serving the node or pod range. */
export function internetAddressLink(q: Pick<EgressQuestion, 'routers' | 'subnetwork' | 'podRangeName' | 'externalAccess'>): EgressLink {
  const primary = natGatewaysServing(q.routers, q.subnetwork, { kind: 'primary' });
  const pods = q.podRangeName ? natGatewaysServing(q.routers, q.subnetwork, { kind: 'secondary', rangeName: q.podRangeName }) : [];
  const podRange = q.podRangeName ? q.subnetwork.secondaryIpRanges.find((r) => r.rangeName === q.podRangeName)?.ipCidrRange : undefined;
  const served: string[] = [];
  const related = (gateways: NatGateway[]) => gateways.map((g) => g.router.fullName);
  if (q.externalAccess.length > 0) served.push(`the node has an external IP (${q.externalAccess.join(', ')})`);
  if (primary.length > 0) served.push(`${describeNat(primary[0])} serves the node range ${q.subnetwork.ipCidrRange}`);
  const podsOnly = pods.filter((g) => !primary.includes(g));
  if (podsOnly.length > 0) served.push(`${describeNat(podsOnly[0])} serves the pod range ${podRange ?? q.podRangeName}`);
  if (served.length > 0) return { holds: true, text: served.join('; '), related: [...new Set([...related(primary), ...related(podsOnly)])] };
  const ranges = [q.subnetwork.ipCidrRange, ...(podRange ? [podRange] : [])].join(' or ');
  return { holds: false, text: `no NAT serves ${ranges} and the node has no external IP`, related: [] };
}

/** The three links for one node; the firewall is asked about the addresses the routes send to the gateway (all of the internet when none). */
export function internetEgress(q: EgressQuestion): EgressAnswer {
  const { link: route, gateway } = internetRouteLink(q);
  const firewall = internetFirewallLink(vpcEgress(q.firewalls, q.node), gateway.length > 0 ? gateway : q.internet);
  const address = internetAddressLink(q);
  return { open: route.holds && firewall.holds && address.holds, route, firewall, address };
}
