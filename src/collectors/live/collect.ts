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
import type { CollectionKind, Entity, FirewallPolicy, ManagedZone, Origin, ReadError, Router, Snapshot } from '../../model/snapshot.js';
import { ASSET_TYPES, DNS_POLICY_ASSET_TYPES, SnapshotBuilder, assetKindOf, coverAssetReads, entryFromAsset, type AssetRecord } from '../rest/assets.js';
import {
  normalizeAddress,
  normalizeForwardingRule,
  isGkeNode,
  normalizeCluster,
  normalizeEffectiveFirewallPolicy,
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
import { createClients, servicesFor, unaryCall, type LiveClients, type LiveService } from './clients.js';
import { assetParent, PROJECT_ASSET_TYPE, SCOPE_STREAMS, zoneMatters, type AssetStream, type LiveScope } from './scope.js';
import { plainData } from './struct.js';
import { requireShape } from '../rest/shapes.js';
import { PageGuard, DEFAULT_MAX_PAGES } from './pages.js';

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
  /** Pages of one list before it is given up as a read error (default DEFAULT_MAX_PAGES). */
  maxPages?: number;
  /** Decompressed bytes of one API answer (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
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

/**
 * The collections of schema version 2 this collector reads for every project: PSC endpoints
 * (global addresses and forwarding rules), DNS response and server policies, project records
 * (numbers) and the perimeters that could hold the project.
 */
const V2_READ: CollectionKind[] = ['projects', 'addresses', 'forwardingRules', 'responsePolicies', 'dnsPolicies', 'servicePerimeters'];

/** An asset from a `listAssets` page, its Struct data made plain. */
function assetRecord(raw: Json): AssetRecord {
  const resource = (raw.resource ?? {}) as Json;
  const perimeter = raw.servicePerimeter as Json | null | undefined;
  return {
    name: String(raw.name),
    assetType: String(raw.assetType),
    resource: { data: plainData(resource.data), location: resource.location as string | undefined, parent: resource.parent as string | undefined },
    ancestors: raw.ancestors as string[] | undefined,
    ...(perimeter ? { servicePerimeter: JSON.parse(JSON.stringify(perimeter)) as Json } : {}),
  };
}

/** The organization among an asset's ancestors (`organizations/N`), if any. */
function organizationOf(ancestors: string[] | undefined): string | undefined {
  return ancestors?.find((a) => a.startsWith('organizations/'));
}

/** What the asset stream of a scope carries (record sets are read from the DNS API). */
const STREAMED_COLLECTIONS: CollectionKind[] = ['networks', 'subnetworks', 'routes', 'firewalls', 'routers', 'managedZones', 'clusters', 'instances'];

/** gax per-call options: one page per call, and no retries of its own (the Caller retries). */
const ONE_PAGE = { autoPaginate: false, retry: { retryCodes: [] } };
/** gax per-call options of a unary call, no retries of its own; new each call, as the generated methods add headers to them. */
const noRetry = () => ({ retry: { retryCodes: [] } });
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
    readonly maxPages: number,
  ) {
    this.builder = new SnapshotBuilder(scope);
  }

  private readonly shardOf = new Map<string, boolean>();

  /** The projects of each organization, as their Project assets say (where perimeters are listed). */
  readonly organizations = new Map<string, Set<string>>();
  /** Projects whose Project asset says they are in no organization, hence in no perimeter. */
  readonly noOrganization = new Set<string>();
  /** Projects whose organization is not known (Cloud Asset Inventory gave no Project asset), and why. */
  readonly withoutOrganization = new Map<string, string>();

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
  async pages(what: string, project: string, first: Json, list: PagedList): Promise<unknown[]> {
    const items: unknown[] = [];
    const guard = new PageGuard(what, this.maxPages);
    let request: Json | null = first;
    while (request) {
      const req: Json = request;
      const [page, next] = await this.caller.run('compute', what, () => list(req, ONE_PAGE), project);
      items.push(...(page ?? []));
      request = guard.next(next?.pageToken) ? next : null;
    }
    return items;
  }

  async computeList(project: string, collection: CollectionKind, list: PagedList, normalize: Normalizer): Promise<void> {
    await this.read(project, collection, async () => {
      const items = await this.pages(`compute ${collection} ${project}`, project, { project, maxResults: Math.min(this.pageSize, 500) }, list);
      return items.map((i) => normalize(requireShape(collection, i), project, API));
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
      const what = `compute aggregated ${collection} ${project}`;
      const guard = new PageGuard(what, this.maxPages);
      let request: Json | null = { project, maxResults: Math.min(this.pageSize, 500) };
      while (request) {
        const req: Json = request;
        const [scopes, next, raw] = await this.caller.run('compute', what, () => call(req, ONE_PAGE), project);
        for (const [scope, scoped] of Object.entries(scopes ?? {})) {
          const items = scoped?.[collection] ?? [];
          if (!Array.isArray(items)) throw new CallFailure(0, `${scope}: "${collection}" is not a list`, 'BAD_RESPONSE');
          for (const item of items as unknown[]) {
            const json = requireShape(collection, item);
            if (keep(json)) entities.push(normalize(json, project, API));
          }
          const warning = scoped.warning as Json | undefined;
          // NO_RESULTS_ON_PAGE only says a scope is empty on this page; anything else means missing data.
          if (warning && warning.code !== 'NO_RESULTS_ON_PAGE') {
            unreachable.push(`${scope} (${String(warning.code)})`);
          }
        }
        unreachable.push(...(((raw?.unreachables as string[] | undefined) ?? []).filter(Boolean)));
        request = guard.next(next?.pageToken) ? next : null;
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
      const [response] = await this.caller.run(
        'container',
        `container clusters ${project}`,
        () => unaryCall<Json>((done) => this.clients.clusters.listClusters({ parent: `projects/${project}/locations/-` }, noRetry() as never, done as never)),
        project,
      );
      const clusters = ((response.clusters ?? []) as unknown[]).map((c) => normalizeCluster(requireShape('clusters', c), project, API));
      const missing = ((response.missingZones ?? []) as string[]).filter(Boolean);
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
  async dnsPages(what: string, project: string, key: 'managedZones' | 'rrsets', list: (query: Json) => Promise<unknown>): Promise<Json[]> {
    const items: Json[] = [];
    const collection = key === 'rrsets' ? 'recordSets' : 'managedZones';
    const guard = new PageGuard(what, this.maxPages);
    let query: Json | null = { autoPaginate: false, maxResults: this.pageSize };
    while (query) {
      const q: Json = query;
      const [, next, raw] = (await this.caller.run('dns', what, () => list(q), project)) as [unknown, Json | null, Json | undefined];
      const page = raw?.[key] ?? [];
      if (!Array.isArray(page)) throw new CallFailure(0, `"${key}" is not a list`, 'BAD_RESPONSE');
      for (const item of page as unknown[]) items.push(requireShape(collection, item));
      query = guard.next(next?.pageToken) ? { ...q, pageToken: next!.pageToken } : null;
    }
    return items;
  }

  /** Record sets of one zone, every page; on failure the zone keeps `recordSets` undefined. */
  async recordSets(zone: ManagedZone): Promise<void> {
    const dnsZone = this.clients.dns(zone.project).zone(zone.name);
    try {
      const rrsets = await this.dnsPages(`dns rrsets ${zone.project}/${zone.name}`, zone.project, 'rrsets', (q) => dnsZone.getRecords(q as never));
      zone.recordSets = rrsets.map(normalizeRecordSet);
    } catch (e) {
      this.fail(zone.project, 'recordSets', e, zone.fullName);
    }
  }

  async zonesOf(project: string): Promise<void> {
    const zones: ManagedZone[] = [];
    await this.read(project, 'managedZones', async () => {
      const dns = this.clients.dns(project);
      for (const z of await this.dnsPages(`dns managedZones ${project}`, project, 'managedZones', (q) => dns.getZones(q as never))) {
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
      const learned = await Promise.all(
        learning.map(async (r) => {
          const [response] = await this.caller.run(
            'compute',
            `compute routers.getRouterStatus ${r.project}/${r.region}/${r.name}`,
            () => unaryCall<Json>((done) => client.getRouterStatus({ project: r.project, region: r.region, router: r.name }, noRetry() as never, done as never)),
            r.project,
          );
          const routes = ((response.result ?? {}) as Json).bestRoutesForRouter ?? [];
          if (!Array.isArray(routes)) throw new CallFailure(0, '"result.bestRoutesForRouter" is not a list', 'BAD_RESPONSE');
          return (routes as Json[]).map((route) => normalizeLearnedRoute(route, r, API));
        }),
      );
      return learned.flat();
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
    // The firewall policies that apply to the host's networks decide its service projects' nodes too.
    await this.firewallPoliciesOf(project);
    await this.learnedRoutesAfterRouters(project);
  }

  /** The reads of a project's network collections, started at once. */
  /** Every page of one `listAssets` request, one call per page (each retried on its own). */
  async assetPages(what: string, first: Json): Promise<Json[]> {
    const assets = this.clients.assets;
    const list = assets.listAssets.bind(assets) as unknown as PagedList;
    const items: Json[] = [];
    let request: Json | null = first;
    while (request) {
      const req: Json = request;
      const [page, next] = await this.caller.run('asset', what, () => list(req, ONE_PAGE));
      items.push(...((page ?? []) as Json[]));
      request = next && next.pageToken ? next : null;
    }
    return items;
  }

  /** Notes the project's number, ancestry and organization from its Project asset. */
  private projectRecord(asset: AssetRecord): void {
    const entry = entryFromAsset(asset, ASSET);
    if (entry.kind !== 'project') return;
    const ancestors = asset.ancestors?.slice(1);
    if (ancestors && ancestors.length > 0) entry.project.ancestors = ancestors;
    this.builder.addProject(entry.project);
    const organization = organizationOf(asset.ancestors);
    if (organization) {
      const projects = this.organizations.get(organization) ?? new Set<string>();
      projects.add(entry.project.projectId);
      this.organizations.set(organization, projects);
    } else {
      // Access policies belong to organizations: a project in none is in no perimeter.
      this.noOrganization.add(entry.project.projectId);
    }
  }

  /**
   * What no per-service client of a project reads, through Cloud Asset Inventory: its Project
   * record (number, organization), DNS response policies with their rules, and DNS server
   * policies. `@google-cloud/dns` covers managed zones and record sets only (no responsePolicies,
   * responsePolicyRules or policies calls), and Cloud Asset Inventory is the read path the project
   * prefers over a generated client (cloud.google.com/asset-inventory/docs/asset-types: Cloud DNS
   * `Policy`, `ResponsePolicy`, `ResponsePolicyRule`).
   */
  async projectAssets(project: string): Promise<void> {
    try {
      const raws = await this.assetPages(`asset listAssets projects/${project}`, {
        parent: `projects/${project}`,
        assetTypes: [ASSET_TYPES.project, ...DNS_POLICY_ASSET_TYPES],
        contentType: 'RESOURCE',
        pageSize: Math.min(this.pageSize, 1000),
      });
      for (const raw of raws) {
        const asset = assetRecord(raw);
        if (asset.assetType === ASSET_TYPES.project) this.projectRecord(asset);
        else this.builder.addEntry(entryFromAsset(asset, ASSET));
      }
      for (const collection of ['projects', 'responsePolicies', 'dnsPolicies'] as const) this.reads.push({ project, collection });
      if (!this.builder.current.projects.some((p) => p.projectId === project)) {
        this.withoutOrganization.set(project, 'Cloud Asset Inventory returned no Project asset for it, so its organization is not known');
      }
    } catch (e) {
      // Without the Project asset the organization is not known, so neither are the perimeters.
      for (const collection of ['projects', 'responsePolicies', 'dnsPolicies', 'servicePerimeters'] as const) this.fail(project, collection, e);
    }
  }

  /**
   * The service perimeters of each organization the projects belong to: Cloud Asset Inventory
   * `listAssets` with content type ACCESS_POLICY under the organization (there is no dedicated Node
   * client for Access Context Manager). A project whose organization is not known has its
   * perimeters unread, saying why; one in no organization is in no perimeter.
   */
  async perimeters(readTime?: Date): Promise<void> {
    for (const project of this.noOrganization) this.reads.push({ project, collection: 'servicePerimeters' });
    for (const [project, why] of this.withoutOrganization) {
      if (this.readErrors.some((e) => e.project === project && e.collection === 'servicePerimeters')) continue;
      this.readErrors.push({ project, collection: 'servicePerimeters', status: 0, reason: 'organizationUnknown', message: why });
    }
    await Promise.all(
      [...this.organizations].map(async ([organization, projects]) => {
        try {
          const raws = await this.assetPages(`asset listAssets ${organization} access policies`, {
            parent: organization,
            assetTypes: [ASSET_TYPES.servicePerimeter],
            contentType: 'ACCESS_POLICY',
            pageSize: Math.min(this.pageSize, 1000),
            // An organization's streams are pinned to one moment: the perimeters too.
            ...(readTime ? { readTime: { seconds: Math.floor(readTime.getTime() / 1000), nanos: (readTime.getTime() % 1000) * 1e6 } } : {}),
          });
          for (const raw of raws) this.builder.addEntry(entryFromAsset(assetRecord(raw), ASSET));
          for (const project of projects) this.reads.push({ project, collection: 'servicePerimeters' });
        } catch (e) {
          for (const project of projects) this.fail(project, 'servicePerimeters', e);
        }
      }),
    );
  }

  /** (PSC endpoints and DNS policies belong with the network: on a Shared VPC they live in the host project.) */
  private networkReads(project: string): Promise<void>[] {
    const c = this.clients;
    const list = (client: { list: unknown }): PagedList => (r, o) => (client.list as PagedList).call(client, r, o);
    return [
      this.computeList(project, 'addresses', list(c.globalAddresses), normalizeAddress),
      this.computeList(project, 'forwardingRules', list(c.globalForwardingRules), normalizeForwardingRule),
      this.projectAssets(project),
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
    await this.firewallPoliciesOf(project);
    await this.learnedRoutesAfterRouters(project);
    this.progress?.projectDone();
  }

  /**
   * The firewall policies that apply to the project's networks, through getEffectiveFirewalls:
   * `networks.getEffectiveFirewalls` gives the hierarchical and global network policies of a
   * network, `regionNetworkFirewallPolicies.getEffectiveFirewalls` adds the regional ones of one
   * region (https://cloud.google.com/compute/docs/reference/rest/v1/networks/getEffectiveFirewalls),
   * asked for each region the network has a subnet in. Chosen over listing the policies and their
   * associations because a project-scoped reader cannot list hierarchical policies (that needs
   * permissions on the organization or folders, and their ids) but is shown them here with the
   * project's own `compute.networks.getEffectiveFirewalls`. Read after the networks and subnets;
   * if those could not be read, neither can this.
   */
  async firewallPoliciesOf(project: string): Promise<void> {
    const current = this.builder.current;
    const networks = current.networks.filter((n) => n.project === project);
    const readFailed = this.readErrors.find((e) => e.project === project && (e.collection === 'networks' || e.collection === 'subnetworks'));
    if (readFailed) {
      const derived: ReadError = { project, collection: 'firewallPolicies', status: readFailed.status, message: `the ${readFailed.collection} could not be read (${readFailed.message}), so neither could the firewall policies that apply to them` };
      if (readFailed.reason) derived.reason = readFailed.reason;
      this.readErrors.push(derived);
      return;
    }
    await this.read(project, 'firewallPolicies', async () => {
      const policies = new Map<string, FirewallPolicy>();
      const keep = (p: FirewallPolicy | undefined) => {
        if (!p) return;
        const known = policies.get(p.fullName);
        if (known) known.attachments = [...new Set([...known.attachments, ...p.attachments])];
        else policies.set(p.fullName, p);
      };
      for (const network of networks) {
        const [answer] = await this.caller.run(
          'compute',
          `compute getEffectiveFirewalls ${project}/${network.name}`,
          () => unaryCall<Json>((done) => this.clients.networks.getEffectiveFirewalls({ project, network: network.name }, noRetry() as never, done as never)),
          project,
        );
        for (const p of (answer.firewallPolicys ?? []) as Json[]) keep(normalizeEffectiveFirewallPolicy(p, project, network.fullName, undefined, API));
        const regions = [...new Set(current.subnetworks.filter((s) => s.network === network.fullName).map((s) => s.region))].sort();
        for (const region of regions) {
          const [regional] = await this.caller.run(
            'compute',
            `compute regionNetworkFirewallPolicies getEffectiveFirewalls ${project}/${region}/${network.name}`,
            () =>
              unaryCall<Json>((done) =>
                this.clients.regionNetworkFirewallPolicies.getEffectiveFirewalls(
                  { project, region, network: network.origin.selfLink ?? `projects/${project}/global/networks/${network.name}` },
                  noRetry() as never,
                  done as never,
                ),
              ),
            project,
          );
          for (const p of (regional.firewallPolicys ?? []) as Json[]) {
            if (String(p.type) === 'NETWORK_REGIONAL') keep(normalizeEffectiveFirewallPolicy(p, project, network.fullName, region, API));
          }
        }
      }
      return [...policies.values()];
    });
  }

  /**
   * An organization or folder through Cloud Asset Inventory: every stream of SCOPE_STREAMS at once,
   * each a chain of pages asked for as soon as the previous one arrives, all at one `readTime`, so
   * the snapshot is one moment of the inventory and the wall time is the longest chain, not the sum.
   * What depends on a stream starts as soon as that stream is whole, while the longer ones still
   * run: the routers' learned routes once the projects and routers are known, the perimeters once
   * the projects (their organizations) are. With a shard, another shard's asset is dropped on its
   * project id before anything else is done with it. With `fresh`, only the projects are listed
   * this way and each is read per service.
   */
  async assetScope(scope: Exclude<LiveScope, { kind: 'projects' }>, projects: Set<string>, readTime: Date, fresh: boolean): Promise<void> {
    const parent = assetParent(scope);
    const streams = fresh ? SCOPE_STREAMS.filter((s) => s.name === 'projects') : SCOPE_STREAMS;
    const reading = streams.map((s) => this.stream(parent, s, readTime, projects));
    const whole = (name: string) => reading[streams.findIndex((s) => s.name === name)];
    // Started early, awaited below; each settles without rejecting but for a client that cannot be loaded.
    const learned = fresh ? undefined : Promise.all([whole('projects'), whole('routers')]).then(() => this.learnedRoutesOfScope(projects), () => new Set<string>());
    const perimeters = fresh ? undefined : whole('projects').then(() => this.perimeters(readTime), () => undefined);
    learned?.catch(() => undefined);
    const settled = await Promise.allSettled(reading);
    const failed = new Map<AssetStream, CallFailure>();
    settled.forEach((outcome, i) => {
      if (outcome.status === 'rejected') failed.set(streams[i], classify(outcome.reason));
    });
    // Without the project list nothing can be placed or said to be complete.
    const projectsFailure = [...failed].find(([s]) => s.name === 'projects')?.[1];
    const mine = [...projects].sort();
    if (projectsFailure) {
      // Past the deadline the scope stops where it is: every project seen so far is read only in
      // part, so all of its collections are unread (not evaluated) rather than the run lost.
      if (projectsFailure.reason !== 'DEADLINE' || mine.length === 0) throw new ScopeError(parent, projectsFailure);
      for (const project of mine) for (const collection of STREAMED_COLLECTIONS) this.fail(project, collection, projectsFailure);
    }
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
      await this.perimeters(undefined);
      return;
    }
    // The projects the early read did not take (it did not run, or they have no router that learns):
    // their learned routes are read, or said unread, now that every stream's failures are known.
    const taken = (await learned) ?? new Set<string>();
    await Promise.all(mine.filter((p) => !taken.has(p)).map((p) => this.learnedRoutesAfterRouters(p)));
    for (let i = 0; i < projects.size; i++) this.progress?.projectDone();
    // The perimeters did not start if the project list failed (past the deadline): read them now.
    if (projectsFailure) await this.perimeters(readTime);
    else await perimeters;
  }

  /**
   * Learned routes have no asset type: every router with BGP peers of the scope's projects is asked
   * for its status (the routers client is loaded for it). Runs once the projects and routers
   * streams are whole; returns the projects it read.
   */
  private async learnedRoutesOfScope(projects: Set<string>): Promise<Set<string>> {
    const learning = new Map<string, Router[]>();
    for (const r of this.builder.current.routers) {
      if (r.bgpPeers.length === 0 || !projects.has(r.project)) continue;
      learning.set(r.project, [...(learning.get(r.project) ?? []), r]);
    }
    if (learning.size === 0) return new Set();
    await this.clients.loadRouters();
    await Promise.all([...learning].map(([project, routers]) => this.learnedRoutesOf(project, routers)));
    return new Set(learning.keys());
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
    const what = `asset listAssets ${parent} ${stream.name}`;
    const fetchPage = (request: Json) => this.caller.run('asset', what, () => list(request, ONE_PAGE));
    const guard = new PageGuard(what, this.maxPages);
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
      // request repeats the first one's readTime, types and size, with the page token.) A repeated
      // token or one page too many rejects the stream: a read error, never an endless loop.
      pending = guard.next(next?.pageToken) ? fetchPage(next!) : undefined;
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
      if (typeof projectId === 'string' && this.mine(projectId)) {
        projects.add(projectId);
        // Its ancestors are the project's folders and organization: which hierarchical policies apply.
        this.builder.noteAsset({ name: String(raw.name), assetType: String(raw.assetType), ancestors: raw.ancestors as string[] | undefined }, projectId);
        this.projectRecord(assetRecord(raw));
      }
      return;
    }
    // Dropped on its name, before its Struct is converted: another shard's asset costs nothing more.
    const project = projectOf(String(raw.name));
    if (project !== undefined && !this.mine(project)) return;
    const record = {
      name: String(raw.name),
      assetType: String(raw.assetType),
      resource: { data: plainData(resource.data), location: resource.location as string | undefined, parent: resource.parent as string | undefined },
      ancestors: raw.ancestors as string[] | undefined,
    };
    const entry = entryFromAsset(record, ASSET);
    this.builder.addEntry(entry, record);
    // A hierarchical firewall policy belongs to an organization or folder, not to a project.
    if (entry.kind === 'entity' && !entry.entity.project.includes('/')) projects.add(entry.entity.project);
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
  // Records the Project assets gave (numbers, ancestry) are kept; their includedAs is set here.
  const record = (projectId: string, includedAs: 'scope' | 'shared-vpc-host') => {
    const known = snapshot.projects.find((p) => p.projectId === projectId);
    if (known) known.includedAs = includedAs;
    else snapshot.projects.push({ projectId, includedAs });
  };
  for (const projectId of snapshot.scope.projects) record(projectId, 'scope');
  for (const [projectId, services] of hosts) {
    record(projectId, 'shared-vpc-host');
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
  const clients = await createClients({
    endpoints: options.endpoints ?? {},
    timeoutMs: policy.timeoutMs,
    services: servicesFor(scope, options.fresh ?? false),
    runSignal: caller.signal,
    maxResponseBytes: options.maxResponseBytes,
  });
  const snapshotScope: Snapshot['scope'] =
    scope.kind === 'projects'
      ? { kind: 'projects', projects: [...new Set(scope.projects)].filter((p) => !shard || inShard(p, shard)).sort() }
      : { kind: scope.kind, id: scope.id, projects: [] };
  if (shard) snapshotScope.shard = formatShard(shard);
  const run = new Collection(clients, caller, options.pageSize ?? 1000, progress, snapshotScope, shard, options.maxPages ?? DEFAULT_MAX_PAGES);
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
      await run.perimeters();
    } else {
      await run.assetScope(scope, projects, options.readTime ?? new Date(Date.now() - READ_TIME_LAG_MS), options.fresh ?? false);
    }
  } catch (e) {
    if (e instanceof ScopeError) e.apis = caller.stats();
    throw e;
  } finally {
    // Whatever is still in flight (a next page asked for ahead, a hung socket) is aborted now: the
    // run is over, and nothing of it may keep the process alive.
    caller.end();
    progress?.stop();
    await clients.close();
  }
  const asked = [...snapshotScope.projects];
  // From the asset API every zone that matters has its record sets (none is an answer too); read zone
  // by zone, a zone keeps what its own read gave. Other zones' record sets are not kept either way.
  const snapshot = run.builder.build({ recordSetsKnown: scope.kind !== 'projects' && run.recordSetsFromAssets ? zoneMatters : false, policyRulesKnown: true });
  // A followed Shared VPC host is not part of the scope asked for: snapshot.projects lists it.
  snapshot.scope.projects = scope.kind === 'projects' ? asked : [...new Set([...snapshot.scope.projects, ...projects])].sort();
  snapshot.generator = { name: TOOL_NAME, version: TOOL_VERSION };
  snapshot.readErrors = [...snapshot.readErrors, ...run.readErrors].sort((a, b) =>
    `${a.project}/${a.collection}/${a.resource ?? ''}`.localeCompare(`${b.project}/${b.collection}/${b.resource ?? ''}`),
  );
  if (scope.kind === 'projects') coverProjectReads(snapshot, run.reads, followed);
  else {
    const seen = coverSeenProjects(snapshot, [...V1_COLLECTIONS, ...V2_READ]);
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
    coverAssetReads(
      snapshot,
      run.builder,
      scope.kind === 'folder'
        ? `a folder's asset listing does not hold the hierarchical firewall policies of the organization above it (collect the organization)`
        : undefined,
    );
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
