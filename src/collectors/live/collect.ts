/**
 * The live collector: a Snapshot of projects, a folder or an organization, read through the
 * official clients. An organization or folder is read through Cloud Asset Inventory (one paged
 * stream for the whole scope) plus the DNS record sets of the zones that matter; projects named one
 * by one are read through the per-service clients, all their collections at once. Whatever could
 * not be read becomes a ReadError for that part of that project, so the rules that need it say
 * "not evaluated"; only a scope that cannot be listed at all stops the collection.
 */
import type { CollectionKind, Entity, ManagedZone, Origin, ReadError, Snapshot } from '../../model/snapshot.js';
import { SnapshotBuilder, entryFromAsset } from '../rest/assets.js';
import {
  isGkeNode,
  normalizeCluster,
  normalizeFirewall,
  normalizeInstance,
  normalizeManagedZone,
  normalizeNetwork,
  normalizeRecordSet,
  normalizeRoute,
  normalizeRouter,
  normalizeSubnetwork,
  type Json,
} from '../rest/normalize.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { Caller, CallFailure, classify, DEFAULT_CALL_POLICY, type CallHooks, type CallPolicy } from './calls.js';
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
  /** For tests: jitter source, call observer. */
  hooks?: CallHooks;
}

export interface LiveStats {
  calls: number;
  retries: number;
  projects: number;
  readErrors: number;
  wallMs: number;
}

/** The scope itself could not be listed (no snapshot can be made of it). */
export class ScopeError extends Error {
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
  ) {
    this.builder = new SnapshotBuilder(scope);
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
      const [page, next] = await this.caller.run(what, () => list(req, ONE_PAGE));
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
        const [scopes, next, raw] = await this.caller.run(`compute aggregated ${collection} ${project}`, () => call(req, ONE_PAGE));
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
      const [response] = await this.caller.run(`container clusters ${project}`, () =>
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

  /** Record sets of one zone, every page; on failure the zone keeps `recordSets` undefined. */
  async recordSets(zone: ManagedZone): Promise<void> {
    const dnsZone = this.clients.dns(zone.project).zone(zone.name);
    try {
      const rrsets: Json[] = [];
      let query: Json | null = { autoPaginate: false, maxResults: this.pageSize };
      while (query) {
        const q: Json = query;
        const [, next, raw] = (await this.caller.run(`dns rrsets ${zone.project}/${zone.name}`, () => dnsZone.getRecords(q as never))) as unknown as [unknown, Json | null, Json];
        rrsets.push(...(((raw?.rrsets as Json[] | undefined) ?? [])));
        query = next && next.pageToken ? { ...q, pageToken: next.pageToken } : null;
      }
      zone.recordSets = rrsets.map(normalizeRecordSet);
    } catch (e) {
      this.fail(zone.project, 'recordSets', e, zone.fullName);
    }
  }

  async zonesOf(project: string): Promise<void> {
    const zones: ManagedZone[] = [];
    await this.read(project, 'managedZones', async () => {
      const dns = this.clients.dns(project);
      let query: Json | null = { autoPaginate: false, maxResults: this.pageSize };
      while (query) {
        const q: Json = query;
        const [, next, raw] = (await this.caller.run(`dns managedZones ${project}`, () => dns.getZones(q as never))) as unknown as [unknown, Json | null, Json];
        for (const z of (raw?.managedZones as Json[] | undefined) ?? []) zones.push(normalizeManagedZone(z, project, API));
        query = next && next.pageToken ? { ...q, pageToken: next.pageToken } : null;
      }
      return zones;
    });
    await Promise.all(zones.filter(zoneMatters).map((z) => this.recordSets(z)));
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
    ]);
    this.progress?.projectDone();
  }

  /**
   * An organization or folder: one asset stream. The record sets of a zone that matters are read as
   * soon as its page arrives, alongside the next pages, so they add at most one round trip.
   */
  async assetScope(scope: Exclude<LiveScope, { kind: 'projects' }>, projects: Set<string>): Promise<void> {
    const parent = assetParent(scope);
    const list: PagedList = (r, o) => (this.clients.assets.listAssets as unknown as PagedList).call(this.clients.assets, r, o);
    const reads: Promise<void>[] = [];
    let request: Json | null = { parent, assetTypes: SCOPE_ASSET_TYPES, contentType: 'RESOURCE', pageSize: Math.min(this.pageSize, 1000) };
    while (request) {
      const req: Json = request;
      let page: unknown[];
      let next: Json | null;
      try {
        [page, next] = await this.caller.run(`asset listAssets ${parent}`, () => list(req, ONE_PAGE));
      } catch (e) {
        await Promise.all(reads);
        throw new ScopeError(parent, classify(e));
      }
      const before = projects.size;
      for (const raw of (page ?? []) as Json[]) {
        const resource = (raw.resource ?? {}) as Json;
        const data = plainData(resource.data);
        if (raw.assetType === PROJECT_ASSET_TYPE) {
          if (typeof data?.projectId === 'string') projects.add(data.projectId);
          continue;
        }
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
      request = next && next.pageToken ? next : null;
    }
    await Promise.all(reads);
    for (let i = 0; i < projects.size; i++) this.progress?.projectDone();
  }
}

export async function collectLive(options: LiveOptions): Promise<{ snapshot: Snapshot; stats: LiveStats }> {
  const started = Date.now();
  const policy: CallPolicy = { ...DEFAULT_CALL_POLICY, ...options.policy };
  const progress = options.progress;
  const caller = new Caller(policy, {
    ...options.hooks,
    onCall: (what) => {
      progress?.call();
      options.hooks?.onCall?.(what);
    },
    onRetry: (what, f) => {
      progress?.retry();
      options.hooks?.onRetry?.(what, f);
    },
  });
  const clients = await createClients({ endpoints: options.endpoints ?? {}, timeoutMs: policy.timeoutMs });
  const scope = options.scope;
  const snapshotScope: Snapshot['scope'] =
    scope.kind === 'projects' ? { kind: 'projects', projects: [...new Set(scope.projects)].sort() } : { kind: scope.kind, id: scope.id, projects: [] };
  const run = new Collection(clients, caller, options.pageSize ?? 1000, progress, snapshotScope);
  const projects = new Set<string>();
  try {
    if (scope.kind === 'projects') {
      progress?.addProjects(snapshotScope.projects.length);
      await Promise.all(snapshotScope.projects.map((p) => run.project(p)));
    } else {
      await run.assetScope(scope, projects);
    }
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
  return {
    snapshot,
    stats: { calls: caller.calls, retries: caller.retried, projects: snapshot.scope.projects.length, readErrors: snapshot.readErrors.length, wallMs: Date.now() - started },
  };
}
