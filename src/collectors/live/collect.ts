/**
 * The live collector: a Snapshot of projects, a folder or an organization, read through the
 * official clients. An organization or folder is read through Cloud Asset Inventory (one paged
 * stream for the whole scope) plus the DNS record sets of the zones that matter; projects named one
 * by one are read through the per-service clients, all their collections at once. With a shard,
 * only the shard's projects are kept: an organization is still listed once (that is how its
 * projects are discovered), but the assets of other shards' projects are dropped before they are
 * normalized and their zones' record sets are never read. Whatever could not be read becomes a
 * ReadError for that part of that project, so the rules that need it say "not evaluated"; only a
 * scope that cannot be listed at all stops the collection.
 */
import { coverReads, coverSeenProjects, setCoverage, sortCoverage, V1_COLLECTIONS } from '../../model/coverage.js';
import type { CollectionKind, Entity, ManagedZone, Origin, ReadError, Router, Snapshot } from '../../model/snapshot.js';
import { ASSET_TYPES, SnapshotBuilder, entryFromAsset } from '../rest/assets.js';
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
import { createClients, type LiveClients, type LiveService } from './clients.js';
import { assetParent, PROJECT_ASSET_TYPE, SCOPE_ASSET_TYPES, zoneMatters, type LiveScope } from './scope.js';
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
  /** For tests: jitter source, call observer. */
  hooks?: CallHooks;
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

type Normalizer = (json: Json, project: string, base: Omit<Origin, 'selfLink'>) => Entity;
type PagedList = (request: Json, options: Json) => Promise<[unknown[], Json | null, unknown]>;

class Collection {
  readonly builder: SnapshotBuilder;
  readonly readErrors: ReadError[] = [];

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
  }

  /**
   * The policy-based routes of one project, through Cloud Asset Inventory: the Network
   * Connectivity API has no Node client of its own, and the asset API serves the resource as the
   * API writes it (asset type `networkconnectivity.googleapis.com/PolicyBasedRoute`).
   */
  async policyBasedRoutesOf(project: string): Promise<void> {
    await this.read(project, 'policyBasedRoutes', async () => {
      const assets = this.clients.assets;
      const list = assets.listAssets.bind(assets) as unknown as PagedList;
      const entities: Entity[] = [];
      let request: Json | null = { parent: `projects/${project}`, assetTypes: [ASSET_TYPES.policyBasedRoute], contentType: 'RESOURCE', pageSize: Math.min(this.pageSize, 1000) };
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
   * The routes the project's Cloud Routers learned over BGP (routers.getRouterStatus
   * `result.bestRoutesForRouter`), one call per router with BGP peers: a router without any learns
   * nothing. A failed call leaves the project's learned routes unread.
   */
  async learnedRoutesOf(project: string, routers: Router[]): Promise<void> {
    const learning = routers.filter((r) => r.bgpPeers.length > 0);
    if (learning.length === 0) return;
    await this.read(project, 'dynamicRoutes', async () => {
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

  async project(project: string): Promise<void> {
    const c = this.clients;
    const list = (client: { list: unknown }): PagedList => (r, o) => (client.list as PagedList).call(client, r, o);
    await Promise.all([
      this.computeList(project, 'networks', list(c.networks), normalizeNetwork),
      this.computeList(project, 'routes', list(c.routes), normalizeRoute),
      this.computeList(project, 'firewalls', list(c.firewalls), normalizeFirewall),
      this.aggregated(project, 'subnetworks', c.subnetworks as never, normalizeSubnetwork),
      this.aggregated(project, 'routers', c.routers as never, normalizeRouter),
      // Only GKE nodes: an organization has far more VMs than nodes, and the rules look at nodes.
      this.aggregated(project, 'instances', c.instances as never, normalizeInstance, isGkeNode),
      this.clustersOf(project),
      this.zonesOf(project),
      this.policyBasedRoutesOf(project),
    ]);
    await this.learnedRoutesOf(project, this.builder.current.routers.filter((r) => r.project === project));
    this.progress?.projectDone();
  }

  /**
   * An organization or folder: one asset stream. The record sets of a zone that matters are read as
   * soon as its page arrives, alongside the next pages, so they add at most one round trip. With a
   * shard, another shard's asset is dropped on its project id, before anything else is done with it.
   */
  async assetScope(scope: Exclude<LiveScope, { kind: 'projects' }>, projects: Set<string>): Promise<void> {
    const parent = assetParent(scope);
    const assets = this.clients.assets;
    const list = assets.listAssets.bind(assets) as unknown as PagedList;
    const reads: Promise<void>[] = [];
    const fetchPage = (request: Json) => this.caller.run('asset', `asset listAssets ${parent}`, () => list(request, ONE_PAGE));
    let pending: ReturnType<typeof fetchPage> | undefined = fetchPage({
      parent,
      assetTypes: SCOPE_ASSET_TYPES,
      contentType: 'RESOURCE',
      pageSize: Math.min(this.pageSize, 1000),
    });
    while (pending) {
      let page: unknown[];
      let next: Json | null;
      try {
        [page, next] = await pending;
      } catch (e) {
        await Promise.all(reads);
        throw new ScopeError(parent, classify(e));
      }
      // The next page is asked for before this one is read: the pages are the critical path.
      pending = next && next.pageToken ? fetchPage(next) : undefined;
      // A failed next page is reported when it is awaited; until then it must not count as unhandled.
      pending?.catch(() => undefined);
      const before = projects.size;
      for (const raw of (page ?? []) as Json[]) {
        const resource = (raw.resource ?? {}) as Json;
        if (raw.assetType === PROJECT_ASSET_TYPE) {
          const projectId = plainData(resource.data)?.projectId;
          if (typeof projectId === 'string' && this.mine(projectId)) projects.add(projectId);
          continue;
        }
        // Dropped on its name, before its Struct is converted: another shard's asset costs nothing more.
        const project = projectOf(String(raw.name));
        if (project !== undefined && !this.mine(project)) continue;
        const data = plainData(resource.data);
        const entry = entryFromAsset(
          {
            name: String(raw.name),
            assetType: String(raw.assetType),
            resource: { data, location: resource.location as string | undefined, parent: resource.parent as string | undefined },
            ancestors: raw.ancestors as string[] | undefined,
          },
          ASSET,
        );
        this.builder.addEntry(entry);
        if (entry.kind !== 'entity') continue;
        projects.add(entry.entity.project);
        if (entry.entity.kind === 'managedZone' && zoneMatters(entry.entity)) reads.push(this.recordSets(entry.entity));
      }
      this.progress?.addProjects(projects.size - before);
    }
    await Promise.all(reads);
    // Learned routes have no asset type: the routers with BGP peers are asked for their status.
    const routers = this.builder.current.routers;
    if (routers.some((r) => r.bgpPeers.length > 0)) await this.clients.loadCompute();
    const byProject = new Map<string, Router[]>();
    for (const r of routers) byProject.set(r.project, [...(byProject.get(r.project) ?? []), r]);
    await Promise.all([...byProject].map(([project, list]) => this.learnedRoutesOf(project, list)));
    for (let i = 0; i < projects.size; i++) this.progress?.projectDone();
  }
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
  const clients = await createClients({ endpoints: options.endpoints ?? {}, timeoutMs: policy.timeoutMs, perProject: scope.kind === 'projects' });
  const snapshotScope: Snapshot['scope'] =
    scope.kind === 'projects'
      ? { kind: 'projects', projects: [...new Set(scope.projects)].filter((p) => !shard || inShard(p, shard)).sort() }
      : { kind: scope.kind, id: scope.id, projects: [] };
  if (shard) snapshotScope.shard = formatShard(shard);
  const run = new Collection(clients, caller, options.pageSize ?? 1000, progress, snapshotScope, shard);
  const projects = new Set<string>();
  try {
    if (scope.kind === 'projects') {
      progress?.addProjects(snapshotScope.projects.length);
      await Promise.all(snapshotScope.projects.map((p) => run.project(p)));
    } else {
      await run.assetScope(scope, projects);
    }
  } catch (e) {
    if (e instanceof ScopeError) e.apis = caller.stats();
    throw e;
  } finally {
    progress?.stop();
    await clients.close();
  }
  const snapshot = run.builder.build({ recordSetsKnown: false });
  snapshot.scope.projects = [...new Set([...snapshot.scope.projects, ...projects])].sort();
  snapshot.generator = { name: TOOL_NAME, version: TOOL_VERSION };
  snapshot.readErrors = run.readErrors.sort((a, b) =>
    `${a.project}/${a.collection}/${a.resource ?? ''}`.localeCompare(`${b.project}/${b.collection}/${b.resource ?? ''}`),
  );
  const seen = coverSeenProjects(snapshot, V1_COLLECTIONS);
  coverReads(snapshot, seen, ['policyBasedRoutes', 'dynamicRoutes']);
  // Routers that could not be listed were not asked what they learned.
  for (const project of seen) {
    if (run.readErrors.some((e) => e.project === project && e.collection === 'routers' && e.resource === undefined)) {
      setCoverage(snapshot, project, ['dynamicRoutes'], 'not-read', 'the Cloud Routers could not be read');
    }
  }
  sortCoverage(snapshot.coverage);
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
