/**
 * Coverage: which collections of which projects an input actually holds. A rule that needs a
 * collection that was not read says "not evaluated", naming it, instead of reading an empty list
 * as "there is none".
 */
import { ENTITY_LISTS, type CollectionKind, type CoverageEntry, type Entity, type ReadError, type Snapshot } from './snapshot.js';

/** Every collection kind, in the order reports list them. */
export const COLLECTION_KINDS: readonly CollectionKind[] = [
  'projects',
  'networks',
  'subnetworks',
  'routes',
  'dynamicRoutes',
  'policyBasedRoutes',
  'firewalls',
  'firewallPolicies',
  'routers',
  'managedZones',
  'recordSets',
  'responsePolicies',
  'dnsPolicies',
  'addresses',
  'forwardingRules',
  'servicePerimeters',
  'clusters',
  'instances',
];

/** The collections schema version 1 knew: its collectors read all of them for every project in scope. */
export const V1_COLLECTIONS: readonly CollectionKind[] = [
  'networks',
  'subnetworks',
  'routes',
  'firewalls',
  'routers',
  'managedZones',
  'recordSets',
  'clusters',
  'instances',
];

/** How a collection is named to a person ("firewall policies"). */
export const COLLECTION_LABELS: Record<CollectionKind, string> = {
  projects: 'project records (folders, Shared VPC host)',
  networks: 'networks',
  subnetworks: 'subnetworks',
  routes: 'routes',
  dynamicRoutes: 'dynamic routes learned by Cloud Routers',
  policyBasedRoutes: 'policy-based routes',
  firewalls: 'VPC firewall rules',
  firewallPolicies: 'firewall policies',
  routers: 'Cloud Routers',
  managedZones: 'DNS managed zones',
  recordSets: 'DNS record sets',
  responsePolicies: 'DNS response policies',
  dnsPolicies: 'DNS server policies',
  addresses: 'addresses',
  forwardingRules: 'forwarding rules',
  servicePerimeters: 'VPC Service Controls perimeters',
  clusters: 'GKE clusters',
  instances: 'VM instances',
};

/**
 * The entries of a coverage list by project and collection, kept beside the list so that setting
 * one entry costs one lookup: collectors set tens of thousands of them for an organization, and a
 * filter of the whole list per entry made that quadratic. Rebuilt whenever the list changed
 * length behind setCoverage's back (a list replaced, or pushed to directly).
 */
const coverageIndexes = new WeakMap<CoverageEntry[], { length: number; byKey: Map<string, CoverageEntry> }>();

const coverageKey = (project: string, collection: CollectionKind): string => `${project}\u0000${collection}`;

function coverageIndex(list: CoverageEntry[]): Map<string, CoverageEntry> {
  let index = coverageIndexes.get(list);
  if (!index || index.length !== list.length) {
    index = { length: list.length, byKey: new Map(list.map((e) => [coverageKey(e.project, e.collection), e])) };
    coverageIndexes.set(list, index);
  }
  return index.byKey;
}

/** Sets the coverage of `collections` of `project`, replacing what was said of them before. */
export function setCoverage(
  snapshot: Snapshot,
  project: string,
  collections: readonly CollectionKind[],
  state: CoverageEntry['state'],
  reason?: string,
): void {
  const list = snapshot.coverage;
  const byKey = coverageIndex(list);
  for (const collection of collections) {
    const key = coverageKey(project, collection);
    const known = byKey.get(key);
    if (known) {
      // Said again where it stands (every collector sorts the list once it is done).
      known.state = state;
      if (reason === undefined) delete known.reason;
      else known.reason = reason;
      continue;
    }
    const entry: CoverageEntry = reason === undefined ? { project, collection, state } : { project, collection, state, reason };
    list.push(entry);
    byKey.set(key, entry);
  }
  coverageIndexes.get(list)!.length = list.length;
}

export function describeReadError(e: ReadError): string {
  return e.status ? `read error ${e.status}${e.reason ? ` ${e.reason}` : ''}: ${e.message}` : `read error: ${e.message}`;
}

/**
 * Marks `collections` of each project read, except where a read error left the whole collection
 * unread. For collectors that read every listed collection of every project they were given.
 */
export function coverReads(snapshot: Snapshot, projects: Iterable<string>, collections: readonly CollectionKind[]): void {
  // The first read error that left a whole collection of a project unread, looked up once per pair.
  const wholeCollection = new Map<string, ReadError>();
  for (const e of snapshot.readErrors) {
    const key = coverageKey(e.project, e.collection);
    if (e.resource === undefined && !wholeCollection.has(key)) wholeCollection.set(key, e);
  }
  for (const project of projects) {
    for (const collection of collections) {
      const error = wholeCollection.get(coverageKey(project, collection));
      if (error) setCoverage(snapshot, project, [collection], 'not-read', describeReadError(error));
      else setCoverage(snapshot, project, [collection], 'read');
    }
  }
}

/** Sorted for stable output: by project, then in COLLECTION_KINDS order. */
export function sortCoverage(entries: CoverageEntry[]): CoverageEntry[] {
  const order = new Map(COLLECTION_KINDS.map((k, i) => [k, i]));
  return entries.sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : order.get(a.collection)! - order.get(b.collection)!));
}


/** The project ids of the scope and of every project-owned entity (not organizations, folders or unknown plan values). */
export function projectsSeen(snapshot: Snapshot): Set<string> {
  const projects = new Set(snapshot.scope.projects);
  for (const key of ENTITY_LISTS) {
    for (const e of snapshot[key] as Entity[]) if (e.project && !e.project.includes('/') && !e.project.startsWith('tf:')) projects.add(e.project);
  }
  return projects;
}

/**
 * For inputs that read `collections` of every project they hold: lists those projects (as in
 * scope, where the snapshot does not list them yet) and marks the collections read, except where
 * a read error says otherwise.
 */
export function coverSeenProjects(snapshot: Snapshot, collections: readonly CollectionKind[]): Set<string> {
  const projects = projectsSeen(snapshot);
  const listed = new Set(snapshot.projects.map((p) => p.projectId));
  for (const projectId of [...projects].sort()) {
    if (!listed.has(projectId)) snapshot.projects.push({ projectId, includedAs: 'scope' });
  }
  coverReads(snapshot, projects, collections);
  sortCoverage(snapshot.coverage);
  return projects;
}

/** A collection that was not read, in words: `the routes of project p (not in the input)`. */
export function coverageGapText(entry: CoverageEntry): string {
  const what = `the ${COLLECTION_LABELS[entry.collection]} of project ${entry.project}`;
  if (entry.state === 'out-of-scope') return `${what} (out of the input's scope${entry.reason ? `: ${entry.reason}` : ''})`;
  return `${what} (${entry.reason ?? 'not read'})`;
}

/** Several gaps in words, for one "not evaluated" message. */
export function coverageGapsText(entries: readonly CoverageEntry[]): string {
  return entries.map(coverageGapText).join('; ');
}

/** Marks `collections` of `project` not read for one reason (an export without an asset type, a plan that manages none). */
export function markNotRead(snapshot: Snapshot, project: string, collections: readonly CollectionKind[], reason: string): void {
  setCoverage(snapshot, project, collections, 'not-read', reason);
}

/** Coverage per project: how many collections read, and the ones not read, for reports and `collect`. */
export interface CoverageSummary {
  project: string;
  includedAs?: string;
  read: CollectionKind[];
  notRead: CoverageEntry[];
}

/** Summarizes the snapshot's coverage per project, in COLLECTION_KINDS order (pairs with no entry are left out). */
export function summarizeCoverage(snapshot: Pick<Snapshot, 'coverage' | 'projects'>): CoverageSummary[] {
  const byProject = new Map<string, CoverageSummary>();
  const includedAs = new Map(snapshot.projects.map((p) => [p.projectId, p.includedAs]));
  for (const entry of sortCoverage([...snapshot.coverage])) {
    let summary = byProject.get(entry.project);
    if (!summary) {
      summary = { project: entry.project, read: [], notRead: [] };
      const as = includedAs.get(entry.project);
      if (as) summary.includedAs = as;
      byProject.set(entry.project, summary);
    }
    if (entry.state === 'read') summary.read.push(entry.collection);
    else summary.notRead.push(entry);
  }
  return [...byProject.values()];
}

/**
 * One line, for text output: `coverage: 3 projects (1 Shared VPC host); not read: p: routes,
 * firewall rules; q: DNS managed zones` (reasons are in the reports' tables).
 */
export function coverageLine(summaries: readonly CoverageSummary[]): string {
  const hosts = summaries.filter((s) => s.includedAs === 'shared-vpc-host').length;
  const projects = `${summaries.length} project${summaries.length === 1 ? '' : 's'}${hosts ? ` (${hosts} Shared VPC host${hosts === 1 ? '' : 's'})` : ''}`;
  const gaps = summaries.filter((s) => s.notRead.some((e) => e.state === 'not-read'));
  if (gaps.length === 0) return `coverage: ${projects}, every collection read`;
  const text = gaps.map((s) => `${s.project}: ${s.notRead.filter((e) => e.state === 'not-read').map((e) => COLLECTION_LABELS[e.collection]).join(', ')}`);
  return `coverage: ${projects}; not read: ${text.join('; ')}`;
}
