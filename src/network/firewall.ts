/**
 * Effective VPC firewall decisions, as Google Cloud makes them for one packet at one instance:
 * of the enabled rules of the packet's direction that target the instance (no target tags and no
 * target service accounts = every instance), whose remote side and protocol/port match, the lowest
 * priority number wins and, at equal priority, a deny wins over an allow. When no rule matches,
 * the implied rules decide: egress allowed, ingress denied (priority 65535).
 */
import type { Firewall, FirewallPermission } from '../model/snapshot.js';
import { anyIntervalsOverlap, parseCidr, type Interval } from './cidr.js';
import { joinAdjacent, sameMembers, splitAt } from './segments.js';

export type Direction = Firewall['direction'];

/** The tags and service accounts of an instance, as rules see it (target, or ingress source). */
export interface FirewallIdentity {
  tags: readonly string[];
  serviceAccounts: readonly string[];
}

/** A packet's protocol (a name such as `tcp`, or a number) and, for tcp/udp/sctp, its port. */
export interface Packet {
  protocol: string;
  port?: number;
}

export interface FirewallQuery {
  direction: Direction;
  packet: Packet;
  /** The instance the rules are enforced at: the sender for EGRESS, the receiver for INGRESS. */
  target: FirewallIdentity;
  /**
   * For INGRESS from an instance of the network: its identity, matched by `sourceTags` and
   * `sourceServiceAccounts` (an address range alone never matches those).
   */
  source?: FirewallIdentity;
}

export interface FirewallDecision {
  action: 'allow' | 'deny';
  /** The deciding rule; undefined when an implied rule decided. */
  rule?: Firewall;
  /** The other rules that matched the packet but lost to the deciding one. */
  overridden: Firewall[];
  /**
   * How to name the decider when it is not a VPC rule (a firewall policy rule of the chain,
   * src/network/firewall-chain.ts), so `describeDecider` names it for rules that switch to the chain.
   */
  deciderText?: string;
}

export interface FirewallSegment extends FirewallDecision {
  range: Interval;
}

export const IMPLIED_PRIORITY = 65535;

// Maps: a protocol name is input, and `constructor` must find nothing.
const PROTOCOL_NUMBERS = new Map<string, number>(Object.entries({ icmp: 1, igmp: 2, ipip: 4, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, sctp: 132 }));
const PORT_PROTOCOLS = new Set([6, 17, 132]);
/** Protocol names by number, for packets people can read. */
const PROTOCOL_NAMES = new Map<string, string>([...PROTOCOL_NUMBERS].map(([n, k]) => [String(k), n]));

// Protocols are written a handful of ways in a whole organization; their keys are kept, so the
// hot path compares strings without trimming and lower-casing them again.
const protocolKeys = new Map<string, string>();

/** `tcp` and `6` are the same protocol; names the table does not know compare as written. */
function protocolKey(protocol: string): string {
  let key = protocolKeys.get(protocol);
  if (key === undefined) {
    const p = protocol.trim().toLowerCase();
    key = String(PROTOCOL_NUMBERS.get(p) ?? p);
    if (protocolKeys.size >= 10_000) protocolKeys.clear();
    protocolKeys.set(protocol, key);
  }
  return key;
}

/** `all` matches every protocol (`protocolKey` leaves it as written, lower-cased). */
const ALL_PROTOCOLS = 'all';

function hasPorts(protocol: string): boolean {
  return PORT_PROTOCOLS.has(Number(protocolKey(protocol)));
}

/** `443` or `8000-9000` as an inclusive pair. */
export function parsePortRange(text: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new RangeError(`not a port or port range: ${JSON.stringify(text)}`);
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (low > 65535 || high > 65535 || high < low) throw new RangeError(`not a port or port range: ${JSON.stringify(text)}`);
  return [low, high];
}

/**
 * Whether a permission (`allowed[]`/`denied[]` entry) covers the packet: `all` covers everything;
 * otherwise the protocol must match and, when the permission lists ports, the packet's port must
 * fall in one of them. A packet without a port matches only permissions without ports.
 */
export function permissionMatches(permission: FirewallPermission, packet: Packet): boolean {
  return matchesKey(permission, protocolKey(packet.protocol), packet.port);
}

function matchesKey(permission: FirewallPermission, packetKey: string, port: number | undefined): boolean {
  const key = protocolKey(permission.IPProtocol);
  if (key === ALL_PROTOCOLS) return true;
  if (key !== packetKey) return false;
  if (!permission.ports || permission.ports.length === 0) return true;
  if (port === undefined) return false;
  for (const [low, high] of portRanges(permission)) if (low <= port && port <= high) return true;
  return false;
}

function anyMatches(permissions: readonly FirewallPermission[], packetKey: string, port: number | undefined): boolean {
  for (const p of permissions) if (matchesKey(p, packetKey, port)) return true;
  return false;
}

function sharesAny(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

// Parsed once per permission object: every node of every cluster asks the same rules, and a
// snapshot does not change while it is being checked.
const parsedPorts = new WeakMap<FirewallPermission, [number, number][]>();

function portRanges(permission: FirewallPermission): [number, number][] {
  let ranges = parsedPorts.get(permission);
  if (!ranges) {
    ranges = (permission.ports ?? []).map(parsePortRange);
    parsedPorts.set(permission, ranges);
  }
  return ranges;
}

/**
 * Ports that stand for every port of `low`–`high` under `rules` for `protocol`: each returned port
 * starts a stretch (up to the next one, or `high`) over which no rule's port list changes, so every
 * port of the stretch gets the same decision as its first. Lets a port range (the NodePort range)
 * be judged exactly with one question per stretch instead of one per port.
 */
export function portStretches(rules: readonly Firewall[], protocol: string, low: number, high: number): [number, number][] {
  const key = protocolKey(protocol);
  const starts = new Set<number>([low]);
  for (const rule of rules) {
    for (const permission of [...rule.allowed, ...rule.denied]) {
      if (protocolKey(permission.IPProtocol) !== key) continue;
      for (const [from, to] of portRanges(permission)) {
        if (from > low && from <= high) starts.add(from);
        if (to + 1 > low && to + 1 <= high) starts.add(to + 1);
      }
    }
  }
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((start, i) => [start, i + 1 < sorted.length ? sorted[i + 1] - 1 : high]);
}

/** Whether the rule is enforced at the instance: no targets means every instance of the network. */
export function firewallTargets(rule: Firewall, target: FirewallIdentity): boolean {
  if (rule.targetTags.length === 0 && rule.targetServiceAccounts.length === 0) return true;
  return sharesAny(rule.targetTags, target.tags) || sharesAny(rule.targetServiceAccounts, target.serviceAccounts);
}

/** What the rule does to the packet, if it matches it at all (a deny permission takes precedence). */
export function firewallAction(rule: Firewall, packet: Packet): 'allow' | 'deny' | undefined {
  return actionFor(rule, protocolKey(packet.protocol), packet.port);
}

function actionFor(rule: Firewall, packetKey: string, port: number | undefined): 'allow' | 'deny' | undefined {
  if (anyMatches(rule.denied, packetKey, port)) return 'deny';
  if (anyMatches(rule.allowed, packetKey, port)) return 'allow';
  return undefined;
}

const EVERYTHING: Interval[] = [
  { family: 4, start: 0n, end: (1n << 32n) - 1n },
  { family: 6, start: 0n, end: (1n << 128n) - 1n },
];

/**
 * The remote addresses a rule matches: `destinationRanges` for egress, `sourceRanges` for ingress
 * (empty = 0.0.0.0/0, the API's default); for ingress, a source instance whose tags or service
 * account the rule names matches wherever it is. Filters on the node's own address (an ingress
 * rule's `destinationRanges`, an egress rule's `sourceRanges`) are not modelled: the snapshot does
 * not say which address each node has, so such a rule counts for every node it targets.
 */
function remoteIntervals(rule: Firewall, query: FirewallQuery): Interval[] {
  if (query.direction === 'INGRESS') {
    const src = query.source;
    if (src && (rule.sourceTags.some((t) => src.tags.includes(t)) || rule.sourceServiceAccounts.some((s) => src.serviceAccounts.includes(s)))) {
      return EVERYTHING;
    }
  }
  return remoteRanges(rule);
}

const parsedRanges = new WeakMap<Firewall, Interval[]>();

/** The address ranges on the remote side of the rule, by its direction, parsed once per rule object. */
export function remoteRanges(rule: Firewall): Interval[] {
  let ranges = parsedRanges.get(rule);
  if (!ranges) {
    if (rule.direction === 'INGRESS') {
      const none = rule.sourceRanges.length === 0 && rule.sourceTags.length === 0 && rule.sourceServiceAccounts.length === 0;
      ranges = (none ? ['0.0.0.0/0'] : rule.sourceRanges).map((r) => parseCidr(r));
    } else {
      ranges = (rule.destinationRanges.length === 0 ? ['0.0.0.0/0'] : rule.destinationRanges).map((r) => parseCidr(r));
    }
    parsedRanges.set(rule, ranges);
  }
  return ranges;
}

/** Whether the rule's remote side touches any of the intervals (rules that do not can decide nothing there). */
export function firewallReaches(rule: Firewall, intervals: readonly Interval[]): boolean {
  return anyIntervalsOverlap(remoteRanges(rule), intervals);
}

interface Matching {
  rule: Firewall;
  action: 'allow' | 'deny';
  remote: Interval[];
}

/** Lowest priority number first; at equal priority, deny before allow. */
function byPrecedence(a: Matching, b: Matching): number {
  return a.rule.priority - b.rule.priority || (a.action === b.action ? 0 : a.action === 'deny' ? -1 : 1);
}

function matchingRules(rules: readonly Firewall[], query: FirewallQuery, within: Interval[]): Matching[] {
  const out: Matching[] = [];
  const packetKey = protocolKey(query.packet.protocol);
  for (const rule of rules) {
    if (rule.disabled || rule.direction !== query.direction || !firewallTargets(rule, query.target)) continue;
    const action = actionFor(rule, packetKey, query.packet.port);
    if (!action) continue;
    const remote = remoteIntervals(rule, query);
    if (anyIntervalsOverlap(remote, within)) out.push({ rule, action, remote });
  }
  return out.sort(byPrecedence);
}

function holds(remote: readonly Interval[], family: 4 | 6, address: bigint): boolean {
  for (const i of remote) if (i.family === family && i.start <= address && address <= i.end) return true;
  return false;
}

function decideAt(sorted: Matching[], direction: Direction, family: 4 | 6, address: bigint): FirewallDecision {
  let first: Matching | undefined;
  const overridden: Firewall[] = [];
  for (const m of sorted) {
    if (!holds(m.remote, family, address)) continue;
    if (first) overridden.push(m.rule);
    else first = m;
  }
  if (!first) return { action: direction === 'EGRESS' ? 'allow' : 'deny', overridden };
  return { action: first.action, rule: first.rule, overridden };
}

/** The decision for a piece of the remote range, shaped as before: no `rule` key when an implied rule decided. */
function segmentAt(sorted: Matching[], direction: Direction, range: Interval): FirewallSegment {
  const d = decideAt(sorted, direction, range.family, range.start);
  return d.rule ? { range, action: d.action, rule: d.rule, overridden: d.overridden } : { range, action: d.action, overridden: d.overridden };
}

function toIntervals(remote: string | Interval | readonly (string | Interval)[]): Interval[] {
  const list = Array.isArray(remote) ? remote : [remote];
  return list.map((r: string | Interval) => (typeof r === 'string' ? parseCidr(r) : r));
}

/**
 * The decision for every address of the remote range(s): split where the matching rules' ranges
 * begin and end, one decision per piece, adjacent pieces decided alike joined.
 */
export function firewallDecisions(
  rules: readonly Firewall[],
  query: FirewallQuery,
  remote: string | Interval | readonly (string | Interval)[],
): FirewallSegment[] {
  const targets = toIntervals(remote);
  const sorted = matchingRules(rules, query, targets);
  const pieces = splitAt(targets, sorted.flatMap((m) => m.remote));
  const segments = pieces.map((range) => segmentAt(sorted, query.direction, range));
  return joinAdjacent(segments, (a, b) => a.action === b.action && a.rule === b.rule && sameMembers(a.overridden, b.overridden));
}

/** The decision for one remote address. */
export function firewallDecision(rules: readonly Firewall[], query: FirewallQuery, remote: string): FirewallDecision {
  const [first] = firewallDecisions(rules, query, parseCidr(remote));
  return { action: first.action, rule: first.rule, overridden: first.overridden };
}

/**
 * One packet per class of packets the rules cannot tell apart: every protocol they name, plus tcp,
 * udp and icmp, plus one protocol none names; for tcp/udp/sctp one port per stretch between the
 * rules' port boundaries. Checking these packets is checking every packet.
 */
export function packetClasses(rules: readonly Firewall[]): Packet[] {
  return packetClassesOf(rules.map((rule) => rule.allowed.concat(rule.denied)));
}

/** `packetClasses` for any lists of permissions (a firewall policy rule's `layer4Configs` as permissions). */
export function packetClassesOf(permissionLists: readonly (readonly FirewallPermission[])[]): Packet[] {
  const protocols = new Set(['6', '17', '1']);
  const cuts = new Map<string, Set<number>>();
  for (const permissions of permissionLists) {
    for (const perm of permissions) {
      const key = protocolKey(perm.IPProtocol);
      if (key === ALL_PROTOCOLS) continue;
      protocols.add(key);
      for (const [low, high] of portRanges(perm)) {
        const set = cuts.get(key) ?? new Set<number>();
        set.add(low);
        if (high < 65535) set.add(high + 1);
        cuts.set(key, set);
      }
    }
  }
  let other = 253; // reserved for experimentation (RFC 3692): a protocol no rule is likely to name
  while (protocols.has(String(other))) other -= 1;
  protocols.add(String(other));

  const packets: Packet[] = [];
  for (const key of protocols) {
    const protocol = PROTOCOL_NAMES.get(key) ?? key;
    if (!hasPorts(protocol)) {
      packets.push({ protocol });
      continue;
    }
    const starts = [...new Set([0, ...(cuts.get(key) ?? [])])].sort((a, b) => a - b);
    starts.forEach((start, i) => {
      const end = i + 1 < starts.length ? starts[i + 1] - 1 : 65535;
      // Port 0 is no real service: show a port people recognize when the stretch has one.
      packets.push({ protocol, port: start === 0 && end >= 1 ? 1 : start });
    });
  }
  return packets;
}

/** `tcp:443`, `icmp`, `47`. */
export function formatPacket(packet: Packet): string {
  return packet.port === undefined ? packet.protocol : `${packet.protocol}:${packet.port}`;
}

/** `deny-egress-all (priority 65534)`, or the implied rule. */
export function describeDecider(decision: FirewallDecision, direction: Direction): string {
  if (decision.deciderText !== undefined) return decision.deciderText;
  if (decision.rule) return `${decision.rule.name} (priority ${decision.rule.priority})`;
  return direction === 'EGRESS' ? `the implied egress allow rule (priority ${IMPLIED_PRIORITY})` : `the implied ingress deny rule (priority ${IMPLIED_PRIORITY})`;
}

const defects = new WeakMap<Firewall, string>();

/** The first field of the rule the analysis cannot read (a malformed range or port), if any. */
export function firewallDefect(rule: Firewall): string | undefined {
  // One lookup on the usual path (a defect is rare, and `undefined` is kept as the empty string).
  const known = defects.get(rule);
  if (known !== undefined) return known === '' ? undefined : known;
  const defect = findDefect(rule);
  defects.set(rule, defect ?? '');
  return defect;
}

const RANGE_FIELDS = ['sourceRanges', 'destinationRanges'] as const;
const PERMISSION_FIELDS = ['allowed', 'denied'] as const;

// Indexed loops: asked once of every rule of an organization, where an entries() iterator per list adds up.
function findDefect(rule: Firewall): string | undefined {
  for (const field of RANGE_FIELDS) {
    const ranges = rule[field];
    for (let i = 0; i < ranges.length; i++) {
      try {
        parseCidr(ranges[i]);
      } catch {
        return `${field}[${i}] ${JSON.stringify(ranges[i])}`;
      }
    }
  }
  for (const field of PERMISSION_FIELDS) {
    const permissions = rule[field];
    for (let i = 0; i < permissions.length; i++) {
      const ports = permissions[i].ports ?? [];
      for (let j = 0; j < ports.length; j++) {
        try {
          parsePortRange(ports[j]);
        } catch {
          return `${field}[${i}].ports[${j}] ${JSON.stringify(ports[j])}`;
        }
      }
    }
  }
  return undefined;
}
