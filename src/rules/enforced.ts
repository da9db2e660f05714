/**
 * What a network enforces at a node, worked out once per evaluation and shared by every cluster and
 * every rule that asks. Nodes differ by their tags and service accounts, but routes and firewalls
 * only see which rules select them: nodes (of any cluster on the network) that the same rules
 * select get the same decisions, so a decision is kept with that selection, not with the node.
 *
 * A network's rules are indexed once by the tags and service accounts they target, so selecting
 * the rules of a node costs what the node matches, not the size of the network: a Shared VPC host
 * with thousands of firewall rules and hundreds of clusters stays linear.
 */
import type { NodeIdentity, SnapshotIndex } from '../engine/snapshot-index.js';
import type { Cluster, Firewall, Route } from '../model/snapshot.js';
import { anyIntervalsOverlap, parseCidr, type Interval } from '../network/cidr.js';
import { firewallDecisions, formatPacket, remoteRanges, type Direction, type FirewallSegment, type Packet } from '../network/firewall.js';

/**
 * The rules of a network that apply to a node, in the network's order. Equal selections are the
 * same object for the whole evaluation, so whatever is derived from one is derived once.
 */
export interface Selection<T> {
  rules: T[];
  /** Where each of `rules` is in the network's list. */
  positions: number[];
  network: string;
  /** The kind of selection, the network and the positions that tell it apart: equal keys, equal selections. */
  key: string;
}

/** A network's rules of one kind, by what they target. Positions are indexes into `all`. */
interface TargetIndex<T> {
  all: readonly T[];
  /** Rules that apply to every node of the network (no targets). */
  everyNode: number[];
  byTag: Map<string, number[]>;
  byServiceAccount: Map<string, number[]>;
}

function addTo(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [position]);
  else if (list[list.length - 1] !== position) list.push(position);
}

function buildIndex<T>(all: readonly T[], targets: (rule: T) => { applies: boolean; tags: readonly string[]; serviceAccounts: readonly string[] }): TargetIndex<T> {
  const index: TargetIndex<T> = { all, everyNode: [], byTag: new Map(), byServiceAccount: new Map() };
  for (let i = 0; i < all.length; i++) {
    const { applies, tags, serviceAccounts } = targets(all[i]);
    if (!applies) continue;
    if (tags.length === 0 && serviceAccounts.length === 0) {
      index.everyNode.push(i);
      continue;
    }
    for (const tag of tags) addTo(index.byTag, tag, i);
    for (const sa of serviceAccounts) addTo(index.byServiceAccount, sa, i);
  }
  return index;
}

const NO_ACCOUNTS: readonly string[] = [];

/** The selection for a node: the rules for every node plus those targeting its tags or service accounts. */
function select<T>(index: SnapshotIndex, namespace: string, network: string, target: TargetIndex<T>, identity: NodeIdentity, accounts: boolean): Selection<T> {
  const targeted: number[] = [];
  for (const tag of identity.tags) targeted.push(...(target.byTag.get(tag) ?? []));
  if (accounts) for (const sa of identity.serviceAccounts) targeted.push(...(target.byServiceAccount.get(sa) ?? []));
  targeted.sort((a, b) => a - b);
  const unique = targeted.filter((p, i) => i === 0 || p !== targeted[i - 1]);
  const key = `${network}\n${unique.join(',')}`;
  return index.memo(namespace, key, () => {
    const positions = [...target.everyNode, ...unique].sort((a, b) => a - b);
    return { rules: positions.map((p) => target.all[p]), positions, network, key: `${namespace}\n${key}` };
  });
}

/**
 * The part of a selection that can matter to one question (the rules reaching the internet, or a
 * proxy): often the same for nodes whose selections differ elsewhere, so it is decided once for them.
 * `namespace` names the question, and everything `keep` depends on.
 */
export function narrowed<T>(index: SnapshotIndex, selection: Selection<T>, namespace: string, keep: (rule: T, position: number) => boolean): Selection<T> {
  const rules: T[] = [];
  const positions: number[] = [];
  for (let i = 0; i < selection.rules.length; i++) {
    if (!keep(selection.rules[i], selection.positions[i])) continue;
    rules.push(selection.rules[i]);
    positions.push(selection.positions[i]);
  }
  const key = `${selection.network}\n${positions.join(',')}`;
  return index.memo(namespace, key, () => ({ rules, positions, network: selection.network, key: `${namespace}\n${key}` }));
}

const FIREWALLS = { EGRESS: 'firewalls EGRESS', INGRESS: 'firewalls INGRESS' } as const;

function firewallIndex(index: SnapshotIndex, network: string, direction: Direction): TargetIndex<Firewall> {
  return index.memo(`${FIREWALLS[direction]} by target`, network, () =>
    buildIndex(index.firewallsOf(network), (f) => ({
      applies: !f.disabled && f.direction === direction,
      tags: f.targetTags,
      serviceAccounts: f.targetServiceAccounts,
    })),
  );
}

/** The enabled firewall rules of `direction` on the cluster's network that are enforced at one of its nodes. */
export function firewallsAt(index: SnapshotIndex, cluster: Cluster, identity: NodeIdentity, direction: Direction): Selection<Firewall> {
  const namespace = FIREWALLS[direction];
  return index.memoOnNode(cluster, identity, namespace, () => select(index, namespace, cluster.network, firewallIndex(index, cluster.network, direction), identity, true));
}

function routeIndex(index: SnapshotIndex, network: string): TargetIndex<Route> {
  return index.memo('routes by tag', network, () => buildIndex(index.routesOf(network), (r) => ({ applies: true, tags: r.tags, serviceAccounts: NO_ACCOUNTS })));
}

/** The routes of the cluster's network that apply to one of its nodes (untagged, or sharing a tag with it). */
export function routesAt(index: SnapshotIndex, cluster: Cluster, identity: NodeIdentity): Selection<Route> {
  return index.memoOnNode(cluster, identity, 'routes', () => select(index, 'routes', cluster.network, routeIndex(index, cluster.network), identity, false));
}

/** Text that tells sets of ranges apart, for memo keys. */
export function rangesKey(remote: string | Interval | readonly (string | Interval)[]): string {
  const list: readonly (string | Interval)[] = Array.isArray(remote) ? remote : [remote as string | Interval];
  return list.map((r) => (typeof r === 'string' ? r : `${r.family}:${r.start}-${r.end}`)).join(',');
}

/** Remote ranges parsed once, with the key that names them in memos. */
export interface RemoteRanges {
  intervals: Interval[];
  key: string;
  /** The memo namespaces of `reaching` for these ranges, built once (a key built per call is hashed per call). */
  reachingKey: string;
  reachingByPositionKey: string;
}

/** One RemoteRanges per range text: rules ask about the same proxy or VIP for every node. */
const rangesOfText = new Map<string, RemoteRanges>();

export function remoteRangesOf(remote: string | Interval | readonly (string | Interval)[]): RemoteRanges {
  if (typeof remote === 'string') {
    let known = rangesOfText.get(remote);
    if (!known) {
      known = buildRemoteRanges([remote]);
      // Range texts come from the policy and the rules, a handful; the bound only guards odd callers.
      if (rangesOfText.size >= 10_000) rangesOfText.clear();
      rangesOfText.set(remote, known);
    }
    return known;
  }
  return buildRemoteRanges(Array.isArray(remote) ? remote : [remote as Interval]);
}

function buildRemoteRanges(list: readonly (string | Interval)[]): RemoteRanges {
  const key = rangesKey(list);
  return {
    intervals: list.map((r) => (typeof r === 'string' ? parseCidr(r) : r)),
    key,
    reachingKey: `reaching ${key}`,
    reachingByPositionKey: `reaching ${key} by position`,
  };
}

/**
 * The rules of the selection whose remote side touches `remote`: the only ones that can decide
 * traffic to or from it. Selections that differ only in rules elsewhere narrow to the same one.
 */
export function reaching(index: SnapshotIndex, selection: Selection<Firewall>, remote: RemoteRanges): Selection<Firewall> {
  const namespace = remote.reachingKey;
  return index.memoOn(selection, namespace, () => {
    // Whether each rule of the network reaches the ranges, worked out once per network.
    const reaches = index.memo(remote.reachingByPositionKey, selection.network, () => {
      const ranges = index.memo('firewall remote ranges', selection.network, () => index.firewallsOf(selection.network).map(remoteRanges));
      return ranges.map((r) => anyIntervalsOverlap(r, remote.intervals));
    });
    return narrowed(index, selection, namespace, (_, position) => reaches[position]);
  });
}

/** A packet between a node and every address of `remote`, with the key its answers are kept under. */
export interface FirewallQuestion {
  packet: Packet;
  remote: RemoteRanges;
  key: string;
}

/** Build a question once per rule run (its key is then hashed once, not once per node). */
export function firewallQuestion(packet: Packet, remote: string | Interval | readonly (string | Interval)[]): FirewallQuestion {
  const ranges = remoteRangesOf(remote);
  return { packet, remote: ranges, key: `decisions\n${formatPacket(packet)}\n${ranges.key}` };
}

/**
 * The firewall decisions for the question at a node the selection's rules apply to
 * (src/network/firewall.ts). Rules that do not reach the remote ranges cannot decide anything
 * there, so the question is put to the rules that do, once for every selection, cluster and rule
 * that narrows to them; callers must not change the answer.
 */
export function decisionsAt(index: SnapshotIndex, selection: Selection<Firewall>, identity: NodeIdentity, direction: Direction, question: FirewallQuestion): FirewallSegment[] {
  const relevant = reaching(index, selection, question.remote);
  return index.memoOn(relevant, question.key, () =>
    firewallDecisions(relevant.rules, { direction, packet: question.packet, target: identity }, question.remote.intervals),
  );
}
