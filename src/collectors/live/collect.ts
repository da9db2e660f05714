/**
 * The live collector: a Snapshot of projects, a folder or an organization, read through the
 * official clients. An organization or folder is read through Cloud Asset Inventory: one paged
 * stream per asset type (SCOPE_STREAMS), DNS record sets included, all pinned to one `readTime`;
 * record sets are read zone by zone through Cloud DNS only where the asset API would not list them.
 * Projects named one by one (and an organization read `fresh`) are read through the per-service
 * clients, all their collections at once. With a shard, only the shard's projects are kept: an
 * organization is still listed (that is how its projects are discovered), but the assets of other
 * shards' projects are dropped before they are normalized. Whatever could not be read becomes a
 * ReadError for that part of that project, so the rules that need it say "not evaluated"; only a
 * scope whose projects cannot be listed stops the collection.
 */
import { coverReads, coverSeenProjects, describeReadError, setCoverage, sortCoverage, V1_COLLECTIONS } from '../../model/coverage.js';
import type { CollectionKind, Entity, ManagedZone, Origin, ReadError, Router, Snapshot } from '../../model/snapshot.js';
import { ASSET_TYPES, SnapshotBuilder, assetKindOf, entryFromAsset } from '../rest/assets.js';
import {
  isGkeNode,
  normalizeCluster,
  normalizeFirewall,
  normalizeInstance,
  normalizeLearnedRoute,
  normalizeManagedZone,
  normalizeNetwork,
  normalizeRecordSet,
  normalizeRoute,
  normalizeRouter,
  normalizeSubnetwork,
  type Json,
} from '../rest/normalize.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { projectOf } from '../../model/names.js';
import { formatShard, inShard, type Shard } from '../../shard.js';
import { Caller, CallFailure, classify, DEFAULT_CALL_POLICY, type ApiStats, type CallHooks, type CallPolicy, type LiveApi } from './calls.js';
import { createClients, servicesFor, type LiveClients, type LiveService } from './clients.js';
import { assetParent, PROJECT_ASSET_TYPE, SCOPE_STREAMS, zoneMatters, type AssetStream, type LiveScope } from './scope.js';
import { plainData } from './struct.js';

export interface CollectProgress {
  /** More projects are known (the scope grows as the asset pages arrive). */
  addProjects(n: number): void;
  projectDone(): void;
  call(): void;
  retry(): void;
  stop(): void;
}

export interface LiveOptions {
  scope: LiveScope;
  endpoints?: Partial<Record<LiveService, URL>>;
  policy?: Partial<CallPolicy>;
  /** Page size asked of the asset API (at most 1000) and of the list calls (compute: at most 500). */
  pageSize?: number;
  progress?: CollectProgress;
  /** Only the projects of this shard (`--shard i/n`). */
  shard?: Shard;
  /**
   * Project scope: also read the network collections of the Shared VPC host project of a cluster
   * whose network lives outside the scope (default true; `--no-follow-host` turns it off).
   */
  followHost?: boolean;
  /** For tests: jitter source, call observer. */
  hooks?: CallHooks;
  /** The moment an organization or folder is read at (every asset stream's `readTime`); default READ_TIME_LAG_MS before now. */
  readTime?: Date;
  /**
   * An organization or folder read per service (compute, container, dns) project by project, as it
   * is now, rather than as the asset inventory last saw it; only the project list comes from it.
   */
  fresh?: boolean;
  /** One line about a fallback the collection took (the CLI writes it on stderr). */
  notice?: (line: string) => void;
}

export interface LiveStats {
  calls: number;
  retries: number;
  projects: number;
  readErrors: number;
  wallMs: number;
  /** Calls made, retried and failed, per API called. */
  apis: Partial<Record<LiveApi, ApiStats>>;
}

/** The scope itself could not be listed (no snapshot can be made of it). */
export class ScopeError extends Error {
  /** The calls made before the run stopped, per API. */
  apis: Partial<Record<LiveApi, ApiStats>> = {};

  constructor(
    readonly scope: string,
    readonly failure: CallFailure,
  ) {
    super(`${scope}: cannot list the scope (${failure.status || 'timeout'}${failure.reason ? ` ${failure.reason}` : ''}): ${failure.message}`);
    this.name = 'ScopeError';
  }
}

/** gax per-call options: one page per call, and no retries of its own (the Caller retries). */
const ONE_PAGE = { autoPaginate: false, retry: { retryCodes: [] } };
const API: Omit<Origin, 'selfLink'> = { source: 'api' };
const ASSET: Omit<Origin, 'selfLink'> = { source: 'asset-inventory' };
/** The largest page `listAssets` returns (https://cloud.google.com/asset-inventory/docs/reference/rest/v1/assets/list). */
const MAX_ASSET_PAGE = 1000;
/**
 * How far before the local clock an organization is read by default. The inventory is eventually
 * consistent, minutes behind the services, so a minute costs no freshness, and a `readTime` ahead
 * of Google's clock (a skewed local one) would be refused.
 */
export const READ_TIME_LAG_MS = 60_000;

type Normalizer = (json: Json, project: string, base: Omit<Origin, 'selfLink'>) => Entity;
type PagedList = (request: Json, options: Json) => Promise<[unknown[], Json | null, unknown]>;

class Collection {
  readonly builder: SnapshotBuilder;
  readonly readErrors: ReadError[] = [];
  /** Collections each call read whole, per project: the live coverage (failures are in readErrors). */
  readonly reads: { project: string; collection: CollectionKind }[] = [];

  constructor(
    readonly clients: LiveClients,
    readonly caller: Caller,
    readonly pageSize: number,
    readonly progress: CollectProgress | undefined,
    scope: Snapshot['scope'],
    readonly shard: Shard | undefined,
  ) {
    this.builder = new SnapshotBuilder(scope);
  }

  private readonly shardOf = new Map<string, boolean>();

  /**
   * Whether the zones' record sets came from the asset API (each zone that matters then has its
   * list, empty or not) or were read zone by zone (a zone whose read failed keeps none).
   */
  recordSetsFromAssets = true;

  /** Says a fallback was taken (stderr in the CLI). */
  notice?: (line: string) => void;

  /** Whether a project is this run's (always, without a shard); hashed once per project. */
  mine(project: string): boolean {
    if (!this.shard) return true;
    let kept = this.shardOf.get(project);
    if (kept === undefined) this.shardOf.set(project, (kept = inShard(project, this.shard)));
    return kept;
  }

  /** Reads one collection of one project; all of it or, on failure, none of it plus a ReadError. */
  async read(project: string, collection: CollectionKind, reader: () => Promise<Entity[]>): Promise<void> {
    try {
      for (const e of await reader()) this.builder.add(e);
      this.reads.push({ project, collection });
    } catch (e) {
      this.fail(project, collection, e);
    }
  }

  fail(project: string, collection: CollectionKind, error: unknown, resource?: string): void {
    const f = classify(error);
    const re: ReadError = { project, collection, status: f.status, message: f.message };
    if (resource) re.resource = resource;
    if (f.reason) re.reason = f.reason;
    this.readErrors.push(re);
  }

  /** Follows `nextPageToken` one call at a time (each page retried on its own). */
  async pages(what: string, first: Json, list: PagedList): Promise<unknown[]> {
    const items: unknown[] = [];
    let request: Json | null = first;
    while (request) {
      const req: Json = request;
      const [page, next] = await this.caller.run('compute', what, () => list(req, ONE_PAGE));
      items.push(...(page ?? []));
      request = next && next.pageToken ? next : null;
    }
    return items;
  }

  async computeList(project: string, collection: CollectionKind, list: PagedList, normalize: Normalizer): Promise<void> {
    await this.read(project, collection, async () => {
      const items = await this.pages(`compute ${collection} ${project}`, { project, maxResults: Math.min(this.pageSize, 500) }, list);
      return items.map((i) => normalize(i as Json, project, API));
    });
  }

  /**
   * An aggregated list, page by page. The public iterator restarts from the first page on any
   * error, so the pages are fetched through the client's own page call (`innerApiCalls`).
   */
  async aggregated(
    project: string,
    collection: 'subnetworks' | 'routers' | 'instances',
    client: { initialize(): unknown; innerApiCalls: Record<string, unknown> },
    normalize: Normalizer,
    keep: (json: Json) => boolean = () => true,
  ): Promise<void> {
    await this.read(project, collection, async () => {
      await client.initialize();
      const call = client.innerApiCalls.aggregatedList as (r: Json, o: Json) => Promise<[Record<string, Json>, Json | null, Json]>;
      const entities: Entity[] = [];
      const unreachable: string[] = [];
      let request: Json | null = { project, maxResults: Math.min(this.pageSize, 500) };
      while (request) {
        const req: Json = request;
        const [scopes, next, raw] = await this.caller.run('compute', `compute aggregated ${collection} ${project}`, () => call(req, ONE_PAGE));
        for (const [scope, scoped] of Object.entries(scopes ?? {})) {
          for (const item of (scoped[collection] as Json[] | undefined) ?? []) if (keep(item)) entities.push(normalize(item, project, API));
          const warning = scoped.warning as Json | undefined;
          // NO_RESULTS_ON_PAGE only says a scope is empty on this page; anything else means missing data.
          if (warning && warning.code !== 'NO_RESULTS_ON_PAGE') {
            unreachable.push(`${scope} (${String(warning.code)})`);
          }
        }
        unreachable.push(...(((raw?.unreachables as string[] | undefined) ?? []).filter(Boolean)));
        request = next && next.pageToken ? next : null;
      }
      if (unreachable.length) {
        for (const e of entities) this.builder.add(e);
        throw new CallFailure(503, `some scopes could not be read: ${unreachable.join(', ')}`, 'UNREACHABLE');
      }
      return entities;
    });
  }

  async clustersOf(project: string): Promise<void> {
    await this.read(project, 'clusters', async () => {
      const [response] = await this.caller.run('container', `container clusters ${project}`, () =>
        this.clients.clusters.listClusters({ parent: `projects/${project}/locations/-` }, { retry: { retryCodes: [] } } as never),
      );
      const clusters = ((response.clusters ?? []) as unknown as Json[]).map((c) => normalizeCluster(c, project, API));
      const missing = (response.missingZones ?? []).filter(Boolean);
      if (missing.length) {
        for (const c of clusters) this.builder.add(c);
        throw new CallFailure(503, `clusters in ${missing.join(', ')} could not be listed`, 'MISSING_ZONES');
      }
      return clusters;
    });
  }

  /**
   * Every page of a Cloud DNS list through the dns client, one call per page (so each page is
   * retried on its own). The client's third result is the raw JSON answer: the record sets and
   * zones are taken from it as the API wrote them, not from the client's wrapper objects.
   */
  async dnsPages(what: string, key: 'managedZones' | 'rrsets', list: (query: Json) => Promise<unknown>): Promise<Json[]> {
    const items: Json[] = [];
    let query: Json | null = { autoPaginate: false, maxResults: this.pageSize };
    while (query) {
      const q: Json = query;
      const [, next, raw] = (await this.caller.run('dns', what, () => list(q))) as [unknown, Json | null, Json | undefined];
      items.push(...((raw?.[key] as Json[] | undefined) ?? []));
      query = next && next.pageToken ? { ...q, pageToken: next.pageToken } : null;
    }
    return items;
  }

  /** Record sets of one zone, every page; on failure the zone keeps `recordSets` undefined. */
  async recordSets(zone: ManagedZone): Promise<void> {
    const dnsZone = this.clients.dns(zone.project).zone(zone.name);
    try {
      const rrsets = await this.dnsPages(`dns rrsets ${zone.project}/${zone.name}`, 'rrsets', (q) => dnsZone.getRecords(q as never));
      zone.recordSets = rrsets.map(normalizeRecordSet);
    } catch (e) {
      this.fail(zone.project, 'recordSets', e, zone.fullName);
    }
  }

  async zonesOf(project: string): Promise<void> {
    const zones: ManagedZone[] = [];
    await this.read(project, 'managedZones', async () => {
      const dns = this.clients.dns(project);
      for (const z of await this.dnsPages(`dns managedZones ${project}`, 'managedZones', (q) => dns.getZones(q as never))) {
        zones.push(normalizeManagedZone(z, project, API));
      }
      return zones;
    });
    await Promise.all(zones.filter(zoneMatters).map((z) => this.recordSets(z)));
    // Record sets are read per zone; a zone that failed carries its own read error.
    if (this.reads.some((r) => r.project === project && r.collection === 'managedZones')) this.reads.push({ project, collection: 'recordSets' });
  }

  /**
   * The policy-based routes of one project, through Cloud Asset Inventory: the Network
   * Connectivity API has no Node client of its own, and the asset API serves the resource as the
   * API writes it (asset type `networkconnectivity.googleapis.com/PolicyBasedRoute`).
   */
  async policyBasedRoutesOf(project: string): Promise<void> {
    await this.read(project, 'policyBasedRoutes', async () => {
      // Built and initialized outside the timed calls, as the compute clients are.
      const assets = this.clients.assets;
      await assets.initialize();
      const list = assets.listAssets.bind(assets) as unknown as PagedList;
      const entities: Entity[] = [];
      let request: Json | null = { parent: `projects/${project}`, assetTypes: [ASSET_TYPES.policyBasedRoute], contentType: 'RESOURCE', pageSize: Math.min(this.pageSize, MAX_ASSET_PAGE) };
      while (request) {
        const req: Json = request;
        const [page, next] = await this.caller.run('asset', `asset listAssets projects/${project} policy-based routes`, () => list(req, ONE_PAGE));
        for (const raw of (page ?? []) as Json[]) {
          const resource = (raw.resource ?? {}) as Json;
          const entry = entryFromAsset({ name: String(raw.name), assetType: String(raw.assetType), resource: { data: plainData(resource.data) } }, ASSET);
          if (entry.kind === 'entity') entities.push(entry.entity);
        }
        request = next && next.pageToken ? next : null;
      }
      return entities;
    });
  }

  /**
   * The routes a project's Cloud Routers learned over BGP (routers.getRouterStatus
   * `result.bestRoutesForRouter`), one call per router with BGP peers: a router without any learns
   * nothing. Read only once the routers were; a failed call leaves the project's learned routes unread.
   */
  async learnedRoutesOf(project: string, routers: Router[]): Promise<void> {
    if (this.readErrors.some((e) => e.project === project && e.collection === 'routers' && e.resource === undefined)) return;
    const learning = routers.filter((r) => r.bgpPeers.length > 0);
    await this.read(project, 'dynamicRoutes', async () => {
      if (learning.length === 0) return [];
      // Built and initialized outside the timed calls: constructing a compute client takes a while.
      const client = this.clients.routers;
      await client.initialize();
      const statuses = await Promise.all(
        learning.map((r) =>
          this.caller.run('compute', `compute routers.getRouterStatus ${r.project}/${r.region}/${r.name}`, () =>
            client.getRouterStatus({ project: r.project, region: r.region, router: r.name }, { retry: { retryCodes: [] } } as never),
          ),
        ),
      );
      return statuses.flatMap(([response], i) => {
        const result = ((response as unknown as Json).result ?? {}) as Json;
        return ((result.bestRoutesForRouter as Json[] | undefined) ?? []).map((route) => normalizeLearnedRoute(route, learning[i], API));
      });
    });
  }

  /** Learned routes of the project's routers, once they were listed. */
  private learnedRoutesAfterRouters(project: string): Promise<void> {
    return this.learnedRoutesOf(project, this.builder.current.routers.filter((r) => r.project === project));
  }

  /**
   * A Shared VPC host project: only the collections its service projects' clusters need (the
   * network, its subnets, routes, firewall rules, Cloud Routers and the DNS zones that may be
   * visible to it), list calls only. Its clusters and VMs belong to other service projects.
   */
  async hostProject(project: string): Promise<void> {
    await Promise.all(this.networkReads(project));
    await this.learnedRoutesAfterRouters(project);
  }

  /** The reads of a project's network collections, started at once. */
  private networkReads(project: string): Promise<void>[] {
    const c = this.clients;
    const list = (client: { list: unknown }): PagedList => (r, o) => (client.list as PagedList).call(client, r, o);
    return [
      this.computeList(project, 'networks', list(c.networks), normalizeNetwork),
      this.computeList(project, 'routes', list(c.routes), normalizeRoute),
      this.computeList(project, 'firewalls', list(c.firewalls), normalizeFirewall),
      this.aggregated(project, 'subnetworks', c.subnetworks as never, normalizeSubnetwork),
      this.aggregated(project, 'routers', c.routers as never, normalizeRouter),
      this.zonesOf(project),
      this.policyBasedRoutesOf(project),
    ];
  }

  async project(project: string): Promise<void> {
    await Promise.all([
      ...this.networkReads(project),
      // Only GKE nodes: an organization has far more VMs than nodes, and the rules look at nodes.
      this.aggregated(project, 'instances', this.clients.instances as never, normalizeInstance, isGkeNode),
      this.clustersOf(project),
    ]);
    await this.learnedRoutesAfterRouters(project);
    this.progress?.projectDone();
  }

  /**
   * An organization or folder through Cloud Asset Inventory: every stream of SCOPE_STREAMS at once,
   * each a chain of pages asked for as soon as the previous one arrives, all at one `readTime`, so
   * the snapshot is one moment of the inventory and the wall time is the longest chain, not the sum.
   * With a shard, another shard's asset is dropped on its project id before anything else is done
   * with it. With `fresh`, only the projects are listed this way and each is read per service.
   */
  async assetScope(scope: Exclude<LiveScope, { kind: 'projects' }>, projects: Set<string>, readTime: Date, fresh: boolean): Promise<void> {
    const parent = assetParent(scope);
    const streams = fresh ? SCOPE_STREAMS.filter((s) => s.name === 'projects') : SCOPE_STREAMS;
    const settled = await Promise.allSettled(streams.map((s) => this.stream(parent, s, readTime, projects)));
    const failed = new Map<AssetStream, CallFailure>();
    settled.forEach((outcome, i) => {
      if (outcome.status === 'rejected') failed.set(streams[i], classify(outcome.reason));
    });
    // Without the project list nothing can be placed or said to be complete.
    const projectsFailure = [...failed].find(([s]) => s.name === 'projects')?.[1];
    if (projectsFailure) throw new ScopeError(parent, projectsFailure);
    const mine = [...projects].sort();
    for (const [stream, failure] of failed) {
      if (stream.assetTypes.includes(ASSET_TYPES.recordSet)) {
        await this.recordSetsPerZone(parent, failure);
        continue;
      }
      for (const type of stream.assetTypes) {
        const collection = assetKindOf(type)?.collection;
        if (!collection) continue;
        for (const project of mine) this.fail(project, collection, new CallFailure(failure.status, `${type} could not be listed under ${parent}: ${failure.message}`, failure.reason));
      }
    }
    if (fresh) {
      this.recordSetsFromAssets = false;
      await Promise.all(mine.map((p) => this.project(p)));
    } else {
      // Learned routes have no asset type: the routers with BGP peers are asked for their status.
      if (this.builder.current.routers.some((r) => r.bgpPeers.length > 0)) await this.clients.loadCompute();
      await Promise.all(mine.map((p) => this.learnedRoutesAfterRouters(p)));
      for (let i = 0; i < projects.size; i++) this.progress?.projectDone();
    }
  }

  /** Where the asset API would not list record sets: each zone that matters read through Cloud DNS. */
  private async recordSetsPerZone(parent: string, failure: CallFailure): Promise<void> {
    this.recordSetsFromAssets = false;
    this.builder.dropRecordSets();
    const zones = this.builder.current.managedZones.filter(zoneMatters);
    this.notice?.(
      `Cloud Asset Inventory did not list ${ASSET_TYPES.recordSet} under ${parent} (${failure.status || 'timeout'}${failure.reason ? ` ${failure.reason}` : ''}: ${failure.message}); ` +
        `reading the record sets of ${zones.length} zone(s) that matter one by one through the Cloud DNS API instead`,
    );
    await Promise.all(zones.map((z) => this.recordSets(z)));
  }

  /** One stream: its pages one after the other, the next asked for before this one is converted. */
  private async stream(parent: string, stream: AssetStream, readTime: Date, projects: Set<string>): Promise<void> {
    const assets = this.clients.assets;
    const list = assets.listAssets.bind(assets) as unknown as PagedList;
    const fetchPage = (request: Json) => this.caller.run('asset', `asset listAssets ${parent} ${stream.name}`, () => list(request, ONE_PAGE));
    let pending: ReturnType<typeof fetchPage> | undefined = fetchPage({
      parent,
      assetTypes: stream.assetTypes,
      contentType: 'RESOURCE',
      pageSize: Math.min(this.pageSize, MAX_ASSET_PAGE),
      readTime: { seconds: Math.floor(readTime.getTime() / 1000), nanos: (readTime.getTime() % 1000) * 1e6 },
    });
    while (pending) {
      const [page, next]: [unknown[], Json | null, unknown] = await pending;
      // The page that follows is what the chain waits for: ask for it first. (The client's next
      // request repeats the first one's readTime, types and size, with the page token.)
      pending = next && next.pageToken ? fetchPage(next) : undefined;
      // A failed next page is reported when it is awaited; until then it must not count as unhandled.
      pending?.catch(() => undefined);
      const before = projects.size;
      for (const raw of (page ?? []) as Json[]) this.asset(raw, projects);
      this.progress?.addProjects(projects.size - before);
    }
  }

  private asset(raw: Json, projects: Set<string>): void {
    const resource = (raw.resource ?? {}) as Json;
    if (raw.assetType === PROJECT_ASSET_TYPE) {
      const projectId = plainData(resource.data)?.projectId;
      if (typeof projectId === 'string' && this.mine(projectId)) projects.add(projectId);
      return;
    }
    // Dropped on its name, before its Struct is converted: another shard's asset costs nothing more.
    const project = projectOf(String(raw.name));
    if (project !== undefined && !this.mine(project)) return;
    const entry = entryFromAsset(
      {
        name: String(raw.name),
        assetType: String(raw.assetType),
        resource: { data: plainData(resource.data), location: resource.location as string | undefined, parent: resource.parent as string | undefined },
        ancestors: raw.ancestors as string[] | undefined,
      },
      ASSET,
    );
    this.builder.addEntry(entry);
    if (entry.kind === 'entity') projects.add(entry.entity.project);
  }
}

/**
 * The Shared VPC host projects the scope's clusters need: a cluster whose network (or node
 * subnetwork) lives in a project outside the scope. Keyed by host, with the service projects.
 */
export function hostProjects(snapshot: Snapshot, scope: Set<string>): Map<string, Set<string>> {
  const hosts = new Map<string, Set<string>>();
  for (const cluster of snapshot.clusters) {
    for (const ref of [cluster.network, cluster.subnetwork]) {
      const host = projectOf(ref);
      if (!host || scope.has(host) || !scope.has(cluster.project)) continue;
      const services = hosts.get(host) ?? new Set<string>();
      services.add(cluster.project);
      hosts.set(host, services);
    }
  }
  return hosts;
}

/**
 * Project scope coverage, per call: each project's collections are read where their call read them
 * whole, not read (with the read error) where it failed. A followed host is listed as a Shared VPC
 * host, and its service projects name it.
 */
function coverProjectReads(snapshot: Snapshot, reads: { project: string; collection: CollectionKind }[], hosts: Map<string, Set<string>>): void {
  const projects = [...snapshot.scope.projects, ...hosts.keys()];
  for (const projectId of snapshot.scope.projects) snapshot.projects.push({ projectId, includedAs: 'scope' });
  for (const [projectId, services] of hosts) {
    snapshot.projects.push({ projectId, includedAs: 'shared-vpc-host' });
    for (const service of services) {
      const info = snapshot.projects.find((p) => p.projectId === service);
      // One service project has one host; a cluster on a second one is an oddity not to guess at.
      if (info && info.sharedVpcHost === undefined) info.sharedVpcHost = projectId;
    }
  }
  snapshot.projects.sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  for (const { project, collection } of reads) setCoverage(snapshot, project, [collection], 'read');
  for (const error of snapshot.readErrors) {
    if (error.resource === undefined) setCoverage(snapshot, error.project, [error.collection], 'not-read', describeReadError(error));
  }
  for (const project of projects) {
    if (!snapshot.scope.projects.includes(project)) {
      setCoverage(snapshot, project, ['clusters', 'instances'], 'out-of-scope', 'a Shared VPC host is read for its network only');
    }
    // Record sets are read zone by zone once the zones are listed; without the zones there were none to read.
    if (!snapshot.coverage.some((e) => e.project === project && e.collection === 'recordSets')) {
      setCoverage(snapshot, project, ['recordSets'], 'not-read', 'the DNS managed zones of the project were not read');
    }
  }
  sortCoverage(snapshot.coverage);
}

export async function collectLive(options: LiveOptions): Promise<{ snapshot: Snapshot; stats: LiveStats }> {
  const started = Date.now();
  const policy: CallPolicy = { ...DEFAULT_CALL_POLICY, ...options.policy };
  const progress = options.progress;
  const caller = new Caller(policy, {
    ...options.hooks,
    onCall: (what, api) => {
      progress?.call();
      options.hooks?.onCall?.(what, api);
    },
    onRetry: (what, f, api) => {
      progress?.retry();
      options.hooks?.onRetry?.(what, f, api);
    },
  });
  const scope = options.scope;
  const shard = options.shard;
  const clients = await createClients({ endpoints: options.endpoints ?? {}, timeoutMs: policy.timeoutMs, services: servicesFor(scope, options.fresh ?? false) });
  const snapshotScope: Snapshot['scope'] =
    scope.kind === 'projects'
      ? { kind: 'projects', projects: [...new Set(scope.projects)].filter((p) => !shard || inShard(p, shard)).sort() }
      : { kind: scope.kind, id: scope.id, projects: [] };
  if (shard) snapshotScope.shard = formatShard(shard);
  const run = new Collection(clients, caller, options.pageSize ?? 1000, progress, snapshotScope, shard);
  run.notice = options.notice;
  const projects = new Set<string>();
  let followed = new Map<string, Set<string>>();
  try {
    if (scope.kind === 'projects') {
      progress?.addProjects(snapshotScope.projects.length);
      await Promise.all(snapshotScope.projects.map((p) => run.project(p)));
      if (options.followHost !== false) {
        const hosts = hostProjects(run.builder.current, new Set(snapshotScope.projects));
        progress?.addProjects(hosts.size);
        await Promise.all([...hosts.keys()].map(async (host) => {
          await run.hostProject(host);
          progress?.projectDone();
        }));
        followed = hosts;
      }
    } else {
      await run.assetScope(scope, projects, options.readTime ?? new Date(Date.now() - READ_TIME_LAG_MS), options.fresh ?? false);
    }
  } catch (e) {
    if (e instanceof ScopeError) e.apis = caller.stats();
    throw e;
  } finally {
    progress?.stop();
    await clients.close();
  }
  const asked = [...snapshotScope.projects];
  // From the asset API every zone that matters has its record sets (none is an answer too); read zone
  // by zone, a zone keeps what its own read gave. Other zones' record sets are not kept either way.
  const snapshot = run.builder.build({ recordSetsKnown: scope.kind !== 'projects' && run.recordSetsFromAssets ? zoneMatters : false });
  // A followed Shared VPC host is not part of the scope asked for: snapshot.projects lists it.
  snapshot.scope.projects = scope.kind === 'projects' ? asked : [...new Set([...snapshot.scope.projects, ...projects])].sort();
  snapshot.generator = { name: TOOL_NAME, version: TOOL_VERSION };
  snapshot.readErrors = run.readErrors.sort((a, b) =>
    `${a.project}/${a.collection}/${a.resource ?? ''}`.localeCompare(`${b.project}/${b.collection}/${b.resource ?? ''}`),
  );
  if (scope.kind === 'projects') coverProjectReads(snapshot, run.reads, followed);
  else {
    const seen = coverSeenProjects(snapshot, V1_COLLECTIONS);
    // Streamed like the others (a failed stream left a read error per project); learned routes are
    // read where the routers were.
    coverReads(snapshot, seen, ['policyBasedRoutes']);
    const learned = new Set(run.reads.filter((r) => r.collection === 'dynamicRoutes').map((r) => r.project));
    for (const project of seen) {
      const error = snapshot.readErrors.find((e) => e.project === project && e.collection === 'dynamicRoutes' && e.resource === undefined);
      if (learned.has(project)) setCoverage(snapshot, project, ['dynamicRoutes'], 'read');
      else setCoverage(snapshot, project, ['dynamicRoutes'], 'not-read', error ? describeReadError(error) : 'the Cloud Routers of the project were not read');
    }
    sortCoverage(snapshot.coverage);
  }
  return {
    snapshot,
    stats: {
      calls: caller.calls,
      retries: caller.retried,
      projects: snapshot.scope.projects.length,
      readErrors: snapshot.readErrors.length,
      wallMs: Date.now() - started,
      apis: caller.stats(),
    },
  };
}
