/**
 * A local stand-in for the Google Cloud APIs the live collector calls, on 127.0.0.1 only. It serves
 * a World in Google's own REST wire format (so the official client libraries decode it as they
 * would Google's answers), pages lists with `nextPageToken`, answers unknown and refused projects
 * with Google's error body, injects latency and faults on demand, and logs every request so tests
 * can assert what was called. It is read-only: anything but GET is refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cluster, FirewallPolicy, Instance, ManagedZone, Route, Router, Subnetwork } from '../model/snapshot.js';
import { ASSET_TYPES, LISTED_ASSET_TYPES } from '../collectors/rest/assets.js';
import { PROJECT_ASSET_TYPE } from '../collectors/live/scope.js';
import {
  aggregatedScope,
  addressJson,
  assetJson,
  clusterJson,
  effectiveFirewallPolicyJson,
  forwardingRuleJson,
  instanceJson,
  perimeterAssetJson,
  responsePolicyRuleAssetJson,
  firewallJson,
  managedZoneJson,
  networkJson,
  projectAssetJson,
  recordSetAssetJson,
  recordSetJson,
  restJson,
  routeJson,
  routerStatusJson,
  type Json,
} from './wire.js';
import { entitiesOf, type Refusal, type Service, type World, type WorldProject } from './world.js';
import { enabledServicesJson, grantedPermissions } from './preflight.js';

export interface EmulatorOptions {
  /** 0 (default): a free port. */
  port?: number;
  /** Delay before every answer. */
  latencyMs?: number;
  /** Largest page the emulator returns, whatever the client asks for. */
  pageSize?: number;
  /** Shares (0..1) of calls answered 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, or never answered. */
  fault429?: number;
  fault503?: number;
  hang?: number;
  /** Only calls whose path matches are subject to faults (default: every call). */
  faultPath?: RegExp;
  /** Seed of the fault dice, so a faulty run can be replayed. */
  seed?: number;
  /**
   * Asset types `listAssets` refuses as unsupported (400 INVALID_ARGUMENT), as an environment
   * that does not index them would (the collector then reads record sets through Cloud DNS).
   */
  unsupportedAssetTypes?: string[];
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  service: Service | 'serviceusage' | 'resourcemanager' | 'unknown';
  /** HTTP status answered; 0 while (or when) the call hangs. */
  status: number;
  /** When the request arrived (ms, `performance.now()` of the emulator's process). */
  at: number;
  /**
   * The `x-goog-api-client` header, when sent: the official clients name themselves in it
   * (gax: `gax/… gapic/… rest/…`, @google-cloud/common: `gccl/…`), which shows who made the call.
   */
  apiClient?: string;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  requests: RequestRecord[];
  close(): Promise<void>;
}

interface ProjectData {
  project: WorldProject;
  ancestors: string[];
  networks: Json[];
  routes: Json[];
  firewalls: Json[];
  aggregated: Record<'subnetworks' | 'routers' | 'instances', [string, Json][]>;
  clusters: { location: string; name: string; json: Json }[];
  zones: { name: string; json: Json; rrsets: Json[] }[];
  /** Global addresses and global forwarding rules (PSC endpoints for Google APIs among them). */
  globalAddresses: Json[];
  globalForwardingRules: Json[];
  assets: Json[];
  /** routers.getRouterStatus answers by `region/router`. */
  routerStatus: Map<string, Json>;
}

/** Content types of `listAssets` as the REST fallback sends them (enum name or number). */
const RESOURCE_CONTENT = ['1', 'RESOURCE'];
const ACCESS_POLICY_CONTENT = ['5', 'ACCESS_POLICY'];

const DEFAULT_REGIONS = ['asia-northeast1', 'us-central1', 'europe-west1'];

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly reason?: string,
    readonly metadata?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Google's error body (google.rpc.Status as JSON, with the legacy `errors` list compute clients read). */
function errorBody(e: HttpError): Json {
  const legacyReason: Record<number, string> = { 400: 'badRequest', 403: 'forbidden', 404: 'notFound', 405: 'methodNotAllowed', 429: 'rateLimitExceeded', 503: 'backendError' };
  return {
    error: {
      code: e.code,
      message: e.message,
      status: e.status,
      errors: [{ message: e.message, domain: 'global', reason: legacyReason[e.code] ?? 'error' }],
      details: e.reason
        ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: e.reason, domain: 'googleapis.com', metadata: e.metadata ?? {} }]
        : [],
    },
  };
}

/** mulberry32: small, seedable, good enough to spread faults. */
function dice(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A page token: where the next page starts, and (asset listings) which listing it continues. */
function encodeToken(offset: number, listing?: string): string {
  return Buffer.from(JSON.stringify(listing === undefined ? { o: offset } : { o: offset, l: listing })).toString('base64url');
}

function decodeToken(token: string | null, listing?: string): number {
  if (!token) return 0;
  let parsed: { o?: unknown; l?: unknown } | undefined;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; l?: unknown };
  } catch {
    // fall through to the error below
  }
  const o = parsed?.o;
  if (typeof o === 'number' && Number.isInteger(o) && o >= 0) {
    if (parsed?.l !== listing) throw new HttpError(400, 'INVALID_ARGUMENT', 'The page token does not belong to this request (its readTime, types or content differ).');
    return o;
  }
  throw new HttpError(400, 'INVALID_ARGUMENT', `Invalid page token "${token}".`);
}

/** The readTime an asset listing's page token continues (its listing key starts with it). */
function readTimeInToken(token: string | null): string | undefined {
  if (!token) return undefined;
  try {
    const l = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { l?: unknown }).l;
    return typeof l === 'string' ? l.split('\u0000')[0] : undefined;
  } catch {
    return undefined;
  }
}

/** How far back `readTime` may go (https://cloud.google.com/asset-inventory/docs/reference/rest/v1/assets/list). */
const READ_TIME_HISTORY_MS = 35 * 24 * 3600 * 1000;

/**
 * The moment a listing is of: `readTime` (RFC 3339, as the REST form of a Timestamp: `Z` or an
 * offset), between 35 days ago and now, or now when absent; echoed in UTC. The emulated inventory does not change, so any moment
 * lists the same assets; what is honoured is the window, the echo and the page tokens' binding.
 */
function readTimeOf(value: string | null | undefined): string {
  if (!value) return new Date().toISOString();
  const at = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(at)) {
    throw new HttpError(400, 'INVALID_ARGUMENT', `Invalid value at 'read_time' (type.googleapis.com/google.protobuf.Timestamp), "${value}"`);
  }
  const now = Date.now();
  if (at > now) throw new HttpError(400, 'INVALID_ARGUMENT', `read_time ${value} is in the future.`);
  if (at < now - READ_TIME_HISTORY_MS) throw new HttpError(400, 'INVALID_ARGUMENT', `read_time ${value} is more than 35 days ago.`);
  return new Date(at).toISOString();
}

function page<T>(
  items: T[],
  query: URLSearchParams,
  sizeParam: string,
  defaultSize: number,
  maxSize: number,
  cap: number | undefined,
  listing?: string,
): { items: T[]; next?: string } {
  const requested = Number(query.get(sizeParam) ?? '') || defaultSize;
  const size = Math.max(1, Math.min(requested, maxSize, cap ?? Infinity));
  const offset = decodeToken(query.get('pageToken'), listing);
  const slice = items.slice(offset, offset + size);
  return { items: slice, next: offset + size < items.length ? encodeToken(offset + size, listing) : undefined };
}

function ancestorsOf(world: World, project: WorldProject): string[] {
  const chain = [`projects/${project.number}`];
  let parent = project.parent;
  const folders = new Map(world.folders.map((f) => [`folders/${f.id}`, f]));
  while (parent) {
    chain.push(parent);
    parent = folders.get(parent)?.parent;
  }
  return chain;
}

interface WorldIndex {
  byId: Map<string, ProjectData>;
  byNumber: Map<string, ProjectData>;
  regions: string[];
  zones: string[];
  /** Hierarchical firewall policies by the organization or folder they are attached to. */
  hierarchicalPolicies: Map<string, FirewallPolicy[]>;
  /** Network and regional firewall policies by the network they are attached to. */
  networkPolicies: Map<string, FirewallPolicy[]>;
  /** Assets of organizations and folders (hierarchical firewall policies), by their parent. */
  hierarchyAssets: Map<string, Json[]>;
  /** Service perimeters as ACCESS_POLICY assets. */
  perimeters: Json[];
}

function indexWorld(world: World): WorldIndex {
  const byId = new Map<string, ProjectData>();
  for (const project of world.projects) {
    byId.set(project.id, {
      project,
      ancestors: ancestorsOf(world, project),
      networks: [],
      routes: [],
      firewalls: [],
      aggregated: { subnetworks: [], routers: [], instances: [] },
      clusters: [],
      zones: [],
      globalAddresses: [],
      globalForwardingRules: [],
      assets: [],
      routerStatus: new Map(),
    });
  }
  const regions = new Set(DEFAULT_REGIONS);
  const zones = new Set(DEFAULT_REGIONS.flatMap((r) => [`${r}-a`, `${r}-b`, `${r}-c`]));
  const s = world.snapshot;
  const data = (p: string) => byId.get(p)!;
  for (const n of s.networks) data(n.project).networks.push(networkJson(n));
  // A learned route is no route resource: routes.list and the asset API never show it; the router
  // that learned it does, in its status.
  const learned = s.routes.filter((r) => r.learnedBy !== undefined);
  for (const r of s.routes) if (r.learnedBy === undefined) data(r.project).routes.push(routeJson(r));
  const global = new Set(s.networks.filter((n) => n.routingMode === 'GLOBAL').map((n) => n.fullName));
  for (const router of s.routers) {
    const own = learned.filter((r) => r.learnedBy === router.fullName);
    const inRegion: Route[] = learned.filter((r) => r.network === router.network && (r.region === router.region || global.has(router.network)));
    data(router.project).routerStatus.set(`${router.region}/${router.name}`, routerStatusJson(router, own, inRegion));
  }
  for (const f of s.firewalls) data(f.project).firewalls.push(firewallJson(f));
  const aggregated = (e: Subnetwork | Router | Instance, key: 'subnetworks' | 'routers' | 'instances', json: Json) =>
    data(e.project).aggregated[key].push([aggregatedScope(e), json]);
  for (const e of s.subnetworks) {
    regions.add(e.region);
    aggregated(e, 'subnetworks', restJson(e));
  }
  for (const e of s.routers) {
    regions.add(e.region);
    aggregated(e, 'routers', restJson(e));
  }
  for (const e of s.instances) {
    zones.add(e.zone);
    aggregated(e, 'instances', instanceJson(e, data(e.project).project.number));
  }
  for (const c of s.clusters as Cluster[]) data(c.project).clusters.push({ location: c.location, name: c.name, json: clusterJson(c) });
  for (const z of s.managedZones as ManagedZone[]) {
    data(z.project).zones.push({ name: z.name, json: managedZoneJson(z), rrsets: (z.recordSets ?? []).map(recordSetJson) });
  }
  const hierarchicalPolicies = new Map<string, FirewallPolicy[]>();
  const networkPolicies = new Map<string, FirewallPolicy[]>();
  const hierarchyAssets = new Map<string, Json[]>();
  const folders = new Map(world.folders.map((f) => [`folders/${f.id}`, f.parent]));
  for (const p of s.firewallPolicies) {
    const byTarget = p.policyType === 'hierarchical' ? hierarchicalPolicies : networkPolicies;
    for (const a of p.attachments) byTarget.set(a, [...(byTarget.get(a) ?? []), p]);
  }
  for (const a of s.addresses) if (a.region === undefined) data(a.project).globalAddresses.push(addressJson(a));
  for (const f of s.forwardingRules) if (f.region === undefined) data(f.project).globalForwardingRules.push(forwardingRuleJson(f, s.addresses));
  for (const e of entitiesOf(s)) {
    // Learned routes are served by getRouterStatus, never listed.
    if (e.kind === 'route' && e.learnedBy !== undefined) continue;
    // Perimeters belong to an access policy, not a project: listed with content type ACCESS_POLICY.
    if (e.kind === 'servicePerimeter') continue;
    if (e.kind === 'firewallPolicy' && e.policyType === 'hierarchical') {
      // It lives under its organization or folder: listed with the assets of that node.
      const ancestors = [e.project];
      for (let up = folders.get(e.project); up; up = folders.get(up)) ancestors.push(up);
      hierarchyAssets.set(e.project, [...(hierarchyAssets.get(e.project) ?? []), assetJson(e, '', ancestors)]);
      continue;
    }
    const d = data(e.project);
    // A forwarding rule's data carries the address it serves, as compute returns it.
    d.assets.push(assetJson(e, d.project.number, d.ancestors, e.kind === 'forwardingRule' ? forwardingRuleJson(e, s.addresses) : restJson(e)));
    if (e.kind === 'responsePolicy') for (const rule of e.rules ?? []) d.assets.push(responsePolicyRuleAssetJson(e, rule, d.project.number, d.ancestors));
  }
  // Record sets are assets of their own, as Cloud Asset Inventory lists them; a zone whose record
  // sets the snapshot does not know has none to list.
  for (const z of s.managedZones as ManagedZone[]) {
    const d = data(z.project);
    for (const r of z.recordSets ?? []) d.assets.push(recordSetAssetJson(z, r, d.ancestors));
  }
  const perimeters = world.organization ? s.servicePerimeters.map((p) => perimeterAssetJson(p, `organizations/${world.organization!.id}`)) : [];
  const byNumber = new Map([...byId.values()].map((d) => [d.project.number, d]));
  return { byId, byNumber, regions: [...regions].sort(), zones: [...zones].sort(), hierarchicalPolicies, networkPolicies, hierarchyAssets, perimeters };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A body already serialized (asset pages: the emulator must not be what a benchmark measures). */
class RawJson {
  constructor(readonly text: string) {}
}

export async function startEmulator(world: World, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const index = indexWorld(world);
  const roll = dice(options.seed ?? 1);
  const requests: RequestRecord[] = [];

  const projectData = (ref: string, service: Service): ProjectData => {
    const d = index.byId.get(ref) ?? index.byNumber.get(ref);
    if (!d) throw new HttpError(404, 'NOT_FOUND', `The resource 'projects/${ref}' was not found`);
    const refusal: Refusal | undefined = d.project.refuses?.[service] ?? d.project.refuses?.['*'];
    if (refusal?.status === 404) throw new HttpError(404, 'NOT_FOUND', `The resource 'projects/${ref}' was not found`);
    if (refusal) {
      const api = `${service === 'asset' ? 'cloudasset' : service}.googleapis.com`;
      throw new HttpError(
        403,
        'PERMISSION_DENIED',
        refusal.reason === 'SERVICE_DISABLED'
          ? `${api} has not been used in project ${d.project.number} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${api}/overview?project=${d.project.number} then retry.`
          : `Permission denied on resource project ${ref} (or it may not exist).`,
        refusal.reason,
        { service: api, consumer: `projects/${d.project.number}` },
      );
    }
    return d;
  };

  /** The hierarchical policies above a project, the organization's first (the order Google evaluates them in). */
  const hierarchicalFor = (d: ProjectData): FirewallPolicy[] => [...d.ancestors.slice(1)].reverse().flatMap((node) => index.hierarchicalPolicies.get(node) ?? []);

  const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `The resource '${what}' was not found`);

  const listBody = (items: Json[], query: URLSearchParams, kind: string): Json => {
    const p = page(items, query, 'maxResults', 500, 500, options.pageSize);
    return { kind, items: p.items, ...(p.next ? { nextPageToken: p.next } : {}) };
  };

  const aggregatedBody = (d: ProjectData, key: 'subnetworks' | 'routers' | 'instances', query: URLSearchParams): Json => {
    const p = page(d.aggregated[key], query, 'maxResults', 500, 500, options.pageSize);
    const items: Record<string, Json> = {};
    for (const [scope, json] of p.items) ((items[scope] ??= { [key]: [] })[key] as Json[]).push(json);
    // Google lists every scope on every page; those with nothing on this page carry a warning.
    for (const scope of key === 'instances' ? index.zones.map((z) => `zones/${z}`) : index.regions.map((r) => `regions/${r}`)) {
      items[scope] ??= {
        warning: { code: 'NO_RESULTS_ON_PAGE', message: `There are no results for scope '${scope}' on this page.`, data: [{ key: 'scope', value: scope }] },
      };
    }
    return { kind: `compute#${key.slice(0, -1)}AggregatedList`, items, ...(p.next ? { nextPageToken: p.next } : {}) };
  };

  // The world does not change: an asset listing is built and serialized once per parent, types and
  // content, from assets serialized once when the emulator starts (the first page of each of the
  // collector's streams must not wait for the emulator to serialize an organization).
  const listings = new Map<string, string[]>();
  const texts = new Map<Json, string>();
  for (const d of index.byId.values()) for (const a of d.assets) texts.set(a, JSON.stringify(a));
  const serialized = (a: Json): string => texts.get(a) ?? JSON.stringify(a);

  const assetsFor = (parent: string, query: URLSearchParams): RawJson => {
    const [kind, id] = parent.split('/');
    let projects: ProjectData[];
    if (kind === 'projects') projects = [projectData(id, 'asset')];
    else {
      const known = kind === 'organizations' ? world.organization?.id === id : world.folders.some((f) => f.id === id);
      if (!known) throw notFound(parent);
      projects = [...index.byId.values()].filter((d) => d.ancestors.includes(parent));
    }
    const types = new Set(query.getAll('assetTypes').flatMap((t) => t.split(',')).filter(Boolean));
    for (const t of types) {
      if ((t !== PROJECT_ASSET_TYPE && t !== ASSET_TYPES.servicePerimeter && !LISTED_ASSET_TYPES.includes(t) && !t.endsWith('.*')) || options.unsupportedAssetTypes?.includes(t)) {
        throw new HttpError(400, 'INVALID_ARGUMENT', `Invalid asset type: ${t}`);
      }
    }
    // A later page keeps the moment of the first one: the time asked for, or the first page's "now".
    const readTime = readTimeOf(query.get('readTime') ?? readTimeInToken(query.get('pageToken')));
    const wanted = (t: string) => types.size === 0 || types.has(t);
    const contentType = query.get('contentType') ?? '';
    if (ACCESS_POLICY_CONTENT.includes(contentType)) {
      // Access policies are organization resources (cloud.google.com/asset-inventory/docs/asset-types, "Access policy").
      if (kind !== 'organizations') throw new HttpError(400, 'INVALID_ARGUMENT', 'Access policy content type is only supported for an organization parent.');
      const listing = index.perimeters.filter((a) => wanted(a.assetType as string)).map((a) => JSON.stringify(a));
      const p = page(listing, query, 'pageSize', 100, 1000, options.pageSize);
      const next = p.next ? `,"nextPageToken":${JSON.stringify(p.next)}` : '';
      return new RawJson(`{"readTime":${JSON.stringify(new Date().toISOString())},"assets":[${p.items.join(',')}]${next}}`);
    }
    const withResource = RESOURCE_CONTENT.includes(contentType);
    const key = `${parent}\u0000${[...types].sort().join(',')}\u0000${withResource}`;
    let listing = listings.get(key);
    if (!listing) {
      const assets: Json[] = [];
      // Organization and folder assets (hierarchical firewall policies) at or under the parent.
      for (const [node, list] of index.hierarchyAssets) {
        for (const a of list) if ((node === parent || (a.ancestors as string[]).includes(parent)) && wanted(a.assetType as string)) assets.push(a);
      }
      for (const d of projects) {
        if (wanted(PROJECT_ASSET_TYPE)) assets.push(projectAssetJson(d.project.id, d.project.number, d.ancestors));
        for (const a of d.assets) if (wanted(a.assetType as string)) assets.push(a);
      }
      listing = withResource ? assets.map(serialized) : assets.map(({ resource: _resource, ...rest }) => JSON.stringify(rest));
      listings.set(key, listing);
    }
    // A page token continues the listing it came from: the same moment, the same types.
    const listingKey = `${readTime}\u0000${key}`;
    const p = page(listing, query, 'pageSize', 100, 1000, options.pageSize, listingKey);
    const next = p.next ? `,"nextPageToken":${JSON.stringify(p.next)}` : '';
    return new RawJson(`{"readTime":${JSON.stringify(readTime)},"assets":[${p.items.join(',')}]${next}}`);
  };

  /** Routes one GET to its answer; throws HttpError for Google's error answers. */
  const answer = (pathname: string, query: URLSearchParams): Json | RawJson => {
    let m: RegExpExecArray | null;
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/global\/networks\/([^/]+)\/getEffectiveFirewalls$/.exec(pathname))) {
      const d = projectData(m[1], 'compute');
      const network = d.networks.find((x) => x.name === m![2]);
      if (!network) throw notFound(`projects/${m[1]}/global/networks/${m[2]}`);
      const fullName = `//compute.googleapis.com/projects/${d.project.id}/global/networks/${m[2]}`;
      return {
        firewalls: d.firewalls.filter((f) => f.network === network.selfLink),
        firewallPolicys: [
          ...hierarchicalFor(d).map((p) => effectiveFirewallPolicyJson(p, fullName)),
          ...(index.networkPolicies.get(fullName) ?? []).filter((p) => p.policyType === 'network').map((p) => effectiveFirewallPolicyJson(p, fullName)),
        ],
      };
    }
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)\/firewallPolicies\/getEffectiveFirewalls$/.exec(pathname))) {
      const d = projectData(m[1], 'compute');
      const ref = query.get('network') ?? '';
      const name = ref.split('/').pop() ?? '';
      const network = d.networks.find((x) => x.name === name);
      if (!network) throw new HttpError(400, 'INVALID_ARGUMENT', `Invalid value for field 'network': '${ref}'.`);
      const fullName = `//compute.googleapis.com/projects/${d.project.id}/global/networks/${name}`;
      const attached = index.networkPolicies.get(fullName) ?? [];
      return {
        firewalls: d.firewalls.filter((f) => f.network === network.selfLink),
        firewallPolicys: [
          ...hierarchicalFor(d).map((p) => effectiveFirewallPolicyJson(p, fullName)),
          ...attached.filter((p) => p.policyType === 'network').map((p) => effectiveFirewallPolicyJson(p, fullName)),
          ...attached.filter((p) => p.policyType === 'regional' && p.region === m![2]).map((p) => effectiveFirewallPolicyJson(p, fullName)),
        ],
      };
    }
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/global\/networks(?:\/([^/]+))?$/.exec(pathname))) {
      const d = projectData(m[1], 'compute');
      if (!m[2]) return listBody(d.networks, query, 'compute#networkList');
      const n = d.networks.find((x) => x.name === m![2]);
      if (!n) throw notFound(`projects/${m[1]}/global/networks/${m[2]}`);
      return n;
    }
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/global\/(addresses|forwardingRules)$/.exec(pathname))) {
      const d = projectData(m[1], 'compute');
      return m[2] === 'addresses' ? listBody(d.globalAddresses, query, 'compute#addressList') : listBody(d.globalForwardingRules, query, 'compute#forwardingRuleList');
    }
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/global\/(routes|firewalls)$/.exec(pathname))) {
      const d = projectData(m[1], 'compute');
      return m[2] === 'routes' ? listBody(d.routes, query, 'compute#routeList') : listBody(d.firewalls, query, 'compute#firewallList');
    }
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)\/routers\/([^/]+)\/getRouterStatus$/.exec(pathname))) {
      const status = projectData(m[1], 'compute').routerStatus.get(`${m[2]}/${m[3]}`);
      if (!status) throw notFound(`projects/${m[1]}/regions/${m[2]}/routers/${m[3]}`);
      return status;
    }
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/aggregated\/(subnetworks|routers|instances)$/.exec(pathname))) {
      return aggregatedBody(projectData(m[1], 'compute'), m[2] as 'subnetworks' | 'routers' | 'instances', query);
    }
    if ((m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters(?:\/([^/]+))?$/.exec(pathname))) {
      const d = projectData(m[1], 'container');
      const location = m[2];
      const inLocation = d.clusters.filter((c) => location === '-' || c.location === location);
      if (!m[3]) return { clusters: inLocation.map((c) => c.json) };
      const c = inLocation.find((x) => x.name === m![3]);
      if (!c) throw notFound(`projects/${m[1]}/locations/${location}/clusters/${m[3]}`);
      return c.json;
    }
    if ((m = /^\/dns\/v1\/projects\/([^/]+)\/managedZones(?:\/([^/]+)(\/rrsets)?)?$/.exec(pathname))) {
      const d = projectData(m[1], 'dns');
      if (!m[2]) {
        const p = page(d.zones.map((z) => z.json), query, 'maxResults', 1000, 1000, options.pageSize);
        return { kind: 'dns#managedZonesListResponse', managedZones: p.items, ...(p.next ? { nextPageToken: p.next } : {}) };
      }
      const zone = d.zones.find((z) => z.name === m![2]);
      if (!zone) throw notFound(`projects/${m[1]}/managedZones/${m[2]}`);
      if (!m[3]) return zone.json;
      const p = page(zone.rrsets, query, 'maxResults', 1000, 1000, options.pageSize);
      return { kind: 'dns#resourceRecordSetsListResponse', rrsets: p.items, ...(p.next ? { nextPageToken: p.next } : {}) };
    }
    if ((m = /^\/v1\/((?:projects|folders|organizations)\/[^/]+)\/assets$/.exec(pathname))) return assetsFor(m[1], query);
    if ((m = /^\/v1\/projects\/([^/]+)\/services$/.exec(pathname))) {
      const d = index.byId.get(m[1]) ?? index.byNumber.get(m[1]);
      if (!d) throw notFound(`projects/${m[1]}`);
      const all = enabledServicesJson(d.project, query.get('filter'));
      const p = page(all, query, 'pageSize', 50, 200, options.pageSize);
      return { services: p.items, ...(p.next ? { nextPageToken: p.next } : {}) };
    }
    throw new HttpError(404, 'NOT_FOUND', `The emulator does not serve ${pathname}`);
  };

  /**
   * The one POST the emulator answers: testIamPermissions, a read that Resource Manager exposes as
   * POST (`/v3/{projects|folders|organizations}/ID:testIamPermissions`). Anything else is refused.
   */
  const answerPost = (pathname: string, body: string): Json => {
    const m = /^\/v3\/(projects|folders|organizations)\/([^/:]+):testIamPermissions$/.exec(pathname);
    if (!m) throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'The emulator is read-only: POST is not allowed.');
    let asked: unknown;
    try {
      asked = (JSON.parse(body || '{}') as { permissions?: unknown }).permissions;
    } catch {
      throw new HttpError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    if (!Array.isArray(asked) || !asked.every((p) => typeof p === 'string')) throw new HttpError(400, 'INVALID_ARGUMENT', 'permissions must be a list of strings.');
    let project: WorldProject | undefined;
    if (m[1] === 'projects') {
      project = (index.byId.get(m[2]) ?? index.byNumber.get(m[2]))?.project;
      if (!project) throw new HttpError(403, 'PERMISSION_DENIED', `Permission denied on resource project ${m[2]} (or it may not exist).`);
    } else {
      const known = m[1] === 'organizations' ? world.organization?.id === m[2] : world.folders.some((f) => f.id === m![2]);
      if (!known) throw new HttpError(403, 'PERMISSION_DENIED', `Permission denied on resource ${m[1]}/${m[2]} (or it may not exist).`);
    }
    const granted = grantedPermissions(asked as string[], project);
    return granted.length ? { permissions: granted } : {};
  };

  const serviceOf = (pathname: string): RequestRecord['service'] => {
    if (pathname.startsWith('/compute/')) return 'compute';
    if (pathname.startsWith('/v3/')) return 'resourcemanager';
    if (/^\/v1\/projects\/[^/]+\/services$/.test(pathname)) return 'serviceusage';
    if (pathname.startsWith('/dns/')) return 'dns';
    if (/^\/v1\/[^/]+\/[^/]+\/assets$/.test(pathname)) return 'asset';
    if (pathname.startsWith('/v1/')) return 'container';
    return 'unknown';
  };

  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RequestRecord = { method: req.method ?? '', path: url.pathname, query: url.search, service: serviceOf(url.pathname), status: 0, at: performance.now() };
    const apiClient = req.headers['x-goog-api-client'];
    if (typeof apiClient === 'string') record.apiClient = apiClient;
    requests.push(record);
    const send = (status: number, body: Json | RawJson) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(body instanceof RawJson ? body.text : JSON.stringify(body));
    };
    const faulty = !options.faultPath || options.faultPath.test(url.pathname);
    if (faulty && options.hang && roll() < options.hang) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    void (async () => {
      if (options.latencyMs) await sleep(options.latencyMs);
      try {
        if (req.method === 'POST') {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          send(200, answerPost(url.pathname, Buffer.concat(chunks).toString('utf8')));
          return;
        }
        if (req.method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `The emulator is read-only: ${req.method} is not allowed.`);
        if (faulty && options.fault429 && roll() < options.fault429) {
          throw new HttpError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric \'Read requests\' (emulated).', 'RATE_LIMIT_EXCEEDED');
        }
        if (faulty && options.fault503 && roll() < options.fault503) {
          throw new HttpError(503, 'UNAVAILABLE', 'The service is currently unavailable (emulated).');
        }
        send(200, answer(url.pathname, url.searchParams));
      } catch (e) {
        if (e instanceof HttpError) send(e.code, errorBody(e));
        else send(500, errorBody(new HttpError(500, 'INTERNAL', (e as Error).message)));
      }
    })();
  });
  // Clients reuse a socket only until a second before the server's advertised keep-alive timeout,
  // so a short one makes every call a new connection. close() ends idle sockets itself.
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
