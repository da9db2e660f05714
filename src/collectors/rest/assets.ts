/**
 * Cloud Asset Inventory assets (from `listAssets` live or from `gcloud asset export/list`) → Snapshot
 * entities, through the same REST normalizers the per-service clients use.
 */
import type { CollectionKind, Entity, ManagedZone, Origin, ProjectInfo, ReadError, RecordSet, ResponsePolicyRule, Snapshot, SnapshotScope } from '../../model/snapshot.js';
import { shapeProblem } from './shapes.js';
import { emptySnapshot } from '../../model/snapshot.js';
import { describeReadError, projectsSeen, setCoverage, sortCoverage } from '../../model/coverage.js';
import { canonicalClusterName, projectOf } from '../../model/names.js';
import {
  normalizeAddress,
  normalizeDnsPolicy,
  normalizeForwardingRule,
  normalizeResponsePolicy,
  normalizeResponsePolicyRule,
  normalizeServicePerimeter,
  normalizeCluster,
  normalizeFirewall,
  normalizeFirewallPolicy,
  normalizeInstance,
  normalizeManagedZone,
  normalizeNetwork,
  normalizePolicyBasedRoute,
  normalizeRecordSet,
  normalizeRoute,
  normalizeRouter,
  normalizeSubnetwork,
  isGkeNode,
  type Json,
} from './normalize.js';

export const ASSET_TYPES = {
  cluster: 'container.googleapis.com/Cluster',
  network: 'compute.googleapis.com/Network',
  subnetwork: 'compute.googleapis.com/Subnetwork',
  route: 'compute.googleapis.com/Route',
  firewall: 'compute.googleapis.com/Firewall',
  router: 'compute.googleapis.com/Router',
  instance: 'compute.googleapis.com/Instance',
  managedZone: 'dns.googleapis.com/ManagedZone',
  // https://cloud.google.com/asset-inventory/docs/asset-types (Cloud DNS); its name is the zone's
  // full name followed by `/rrsets/NAME/TYPE`.
  recordSet: 'dns.googleapis.com/ResourceRecordSet',
  // Google's list of supported asset types (https://cloud.google.com/asset-inventory/docs/asset-types,
  // Compute Engine): hierarchical, global network and regional network firewall policies.
  firewallPolicy: 'compute.googleapis.com/FirewallPolicy',
  networkFirewallPolicy: 'compute.googleapis.com/NetworkFirewallPolicy',
  regionNetworkFirewallPolicy: 'compute.googleapis.com/RegionNetworkFirewallPolicy',
  // PSC endpoints for Google APIs are global addresses and global forwarding rules; response
  // policy rules are an asset type of their own (same page).
  globalAddress: 'compute.googleapis.com/GlobalAddress',
  globalForwardingRule: 'compute.googleapis.com/GlobalForwardingRule',
  responsePolicy: 'dns.googleapis.com/ResponsePolicy',
  responsePolicyRule: 'dns.googleapis.com/ResponsePolicyRule',
  dnsPolicy: 'dns.googleapis.com/Policy',
  /** Listed with content type ACCESS_POLICY, under an organization; the data is in `servicePerimeter`. */
  servicePerimeter: 'accesscontextmanager.googleapis.com/ServicePerimeter',
  project: 'cloudresourcemanager.googleapis.com/Project',
  // cloud.google.com/asset-inventory/docs/asset-types (Network Connectivity): there is no dedicated
  // Node client for the Network Connectivity API, so policy-based routes are read through the asset API.
  policyBasedRoute: 'networkconnectivity.googleapis.com/PolicyBasedRoute',
} as const;

/** The asset types that hold firewall policies: an input with any of them read the policies. */
export const FIREWALL_POLICY_ASSET_TYPES: readonly string[] = [ASSET_TYPES.firewallPolicy, ASSET_TYPES.networkFirewallPolicy, ASSET_TYPES.regionNetworkFirewallPolicy];

/** The DNS policy asset types a project scope reads through Cloud Asset Inventory (`@google-cloud/dns` has no call for them). */
export const DNS_POLICY_ASSET_TYPES: string[] = [ASSET_TYPES.responsePolicy, ASSET_TYPES.responsePolicyRule, ASSET_TYPES.dnsPolicy];

export interface AssetRecord {
  name: string;
  assetType: string;
  resource?: { data?: Json; location?: string; parent?: string };
  ancestors?: string[];
  /** With content type ACCESS_POLICY: the perimeter itself (REST `ServicePerimeter`). */
  servicePerimeter?: Json;
}

export type AssetEntry =
  | { kind: 'entity'; entity: Entity }
  | { kind: 'recordSet'; zone: string; recordSet: RecordSet }
  | { kind: 'responsePolicyRule'; policy: string; rule: ResponsePolicyRule }
  | { kind: 'project'; project: ProjectInfo }
  | { kind: 'skipped'; reason: string }
  /** Not of the shape its collection needs: that collection of that project is a read error. */
  | { kind: 'invalid'; project: string; collection: CollectionKind; message: string };

/** snake_case keys (an export's proto fields) → camelCase, deeply; a REST object is returned as is. */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camelKeys(x)]));
}

/**
 * One row per asset type the product reads: the snapshot collection it fills and how an asset of
 * that type becomes an entry. The live collector streams every type listed here (one `listAssets`
 * stream each, see src/collectors/live/scope.ts) and the export reader converts them, so adding a
 * collection read through Cloud Asset Inventory is adding a row.
 */
export interface AssetKind {
  assetType: string;
  collection: CollectionKind;
  toEntry(asset: AssetRecord, data: Json, project: string, base: Omit<Origin, 'selfLink'>): AssetEntry;
}

const entity = (e: Entity): AssetEntry => ({ kind: 'entity', entity: e });

export const ASSET_KINDS: readonly AssetKind[] = [
  { assetType: ASSET_TYPES.network, collection: 'networks', toEntry: (_a, data, project, base) => entity(normalizeNetwork(data, project, base)) },
  { assetType: ASSET_TYPES.subnetwork, collection: 'subnetworks', toEntry: (_a, data, project, base) => entity(normalizeSubnetwork(data, project, base)) },
  { assetType: ASSET_TYPES.route, collection: 'routes', toEntry: (_a, data, project, base) => entity(normalizeRoute(data, project, base)) },
  { assetType: ASSET_TYPES.firewall, collection: 'firewalls', toEntry: (_a, data, project, base) => entity(normalizeFirewall(data, project, base)) },
  { assetType: ASSET_TYPES.router, collection: 'routers', toEntry: (_a, data, project, base) => entity(normalizeRouter(data, project, base)) },
  {
    assetType: ASSET_TYPES.instance,
    collection: 'instances',
    // Only GKE nodes: the rules look at nodes, and an organization has far more VMs than nodes.
    toEntry: (_a, data, project, base) => (isGkeNode(data) ? entity(normalizeInstance(data, project, base)) : { kind: 'skipped', reason: 'not a GKE node' }),
  },
  {
    assetType: ASSET_TYPES.cluster,
    collection: 'clusters',
    toEntry: (asset, data, project, base) => {
      const cluster = normalizeCluster(data, project, base);
      // The asset name is the cluster's identity (data.name is only its short name); its
      // `zones/` form is the same resource as the `locations/` one.
      cluster.fullName = canonicalClusterName(asset.name);
      return entity(cluster);
    },
  },
  {
    assetType: ASSET_TYPES.managedZone,
    collection: 'managedZones',
    toEntry: (asset, data, project, base) => {
      const zone = normalizeManagedZone(data, project, base);
      // The asset name is authoritative for the zone's full name (data has only the short name).
      zone.fullName = asset.name;
      return entity(zone);
    },
  },
  {
    assetType: ASSET_TYPES.policyBasedRoute,
    collection: 'policyBasedRoutes',
    toEntry: (asset, data, project, base) => {
      const route = normalizePolicyBasedRoute(data, project, base);
      // The asset name is authoritative (it is the route's full name).
      route.fullName = asset.name;
      return entity(route);
    },
  },
  {
    assetType: ASSET_TYPES.recordSet,
    collection: 'recordSets',
    toEntry: (asset, data) => {
      const at = asset.name.indexOf('/rrsets/');
      if (at < 0) return { kind: 'skipped', reason: `record set asset ${asset.name} has no zone in its name` };
      return { kind: 'recordSet', zone: asset.name.slice(0, at), recordSet: normalizeRecordSet(data) };
    },
  },
  // Hierarchical, global network and regional network firewall policies: the asset name is
  // authoritative (a hierarchical policy's data has only its numeric name).
  ...FIREWALL_POLICY_ASSET_TYPES.map(
    (assetType): AssetKind => ({
      assetType,
      collection: 'firewallPolicies',
      toEntry: (asset, data, project, base) => {
        const policy = normalizeFirewallPolicy(data, project, base);
        policy.fullName = asset.name;
        return entity(policy);
      },
    }),
  ),
  { assetType: ASSET_TYPES.globalAddress, collection: 'addresses', toEntry: (_a, data, project, base) => entity(normalizeAddress(data, project, base)) },
  { assetType: ASSET_TYPES.globalForwardingRule, collection: 'forwardingRules', toEntry: (_a, data, project, base) => entity(normalizeForwardingRule(data, project, base)) },
  {
    assetType: ASSET_TYPES.responsePolicy,
    collection: 'responsePolicies',
    toEntry: (asset, data, project, base) => {
      const policy = normalizeResponsePolicy(data, project, base);
      policy.fullName = asset.name;
      policy.name = policy.name || asset.name.slice(asset.name.lastIndexOf('/') + 1);
      return entity(policy);
    },
  },
  {
    assetType: ASSET_TYPES.responsePolicyRule,
    collection: 'responsePolicies',
    toEntry: (asset, data) => {
      const at = asset.name.indexOf('/rules/');
      if (at < 0) return { kind: 'skipped', reason: `response policy rule asset ${asset.name} has no policy in its name` };
      return { kind: 'responsePolicyRule', policy: asset.name.slice(0, at), rule: normalizeResponsePolicyRule(data) };
    },
  },
  {
    assetType: ASSET_TYPES.dnsPolicy,
    collection: 'dnsPolicies',
    toEntry: (asset, data, project, base) => {
      const policy = normalizeDnsPolicy(data, project, base);
      policy.fullName = asset.name;
      return entity(policy);
    },
  },
];

const KIND_OF_TYPE = new Map(ASSET_KINDS.map((k) => [k.assetType, k]));

/** The asset types the product reads (the live collector streams each of them). */
export const LISTED_ASSET_TYPES: string[] = ASSET_KINDS.map((k) => k.assetType);

/** The row of an asset type, if the product reads it. */
export function assetKindOf(assetType: string): AssetKind | undefined {
  return KIND_OF_TYPE.get(assetType);
}

/** Converts one asset through its row of ASSET_KINDS. */
export function entryFromAsset(asset: AssetRecord, base: Omit<Origin, 'selfLink'>): AssetEntry {
  if (asset.assetType === ASSET_TYPES.servicePerimeter) {
    if (!asset.servicePerimeter) return { kind: 'skipped', reason: `perimeter asset ${asset.name} has no servicePerimeter (export it with content type access-policy)` };
    return entity(normalizeServicePerimeter({ name: asset.name, ...(camelKeys(asset.servicePerimeter) as Json) }, base));
  }
  const data = asset.resource?.data;
  if (!data) return { kind: 'skipped', reason: `asset ${asset.name} has no resource data` };
  if (asset.assetType === ASSET_TYPES.project) {
    const number = data.projectNumber;
    const info: ProjectInfo = { projectId: typeof data.projectId === 'string' ? data.projectId : (projectOf(asset.name) ?? ''), includedAs: 'scope' };
    if (typeof number === 'string' || typeof number === 'number') info.projectNumber = String(number);
    return { kind: 'project', project: info };
  }
  const kind = KIND_OF_TYPE.get(asset.assetType);
  if (!kind) return { kind: 'skipped', reason: `asset type ${asset.assetType} is not used` };
  const project = projectOf(asset.name) ?? '';
  const problem = shapeProblem(kind.collection, data);
  if (problem) return { kind: 'invalid', project, collection: kind.collection, message: `asset ${asset.name}: ${problem}` };
  return kind.toEntry(asset, data, project, base);
}

/** Collects entities into a Snapshot; record sets are attached to their zones at the end. */
export class SnapshotBuilder {
  private readonly snapshot: Snapshot;
  private readonly recordSets = new Map<string, RecordSet[]>();
  private readonly policyRules = new Map<string, ResponsePolicyRule[]>();
  /** `project/collection` parts with a malformed resource: none of their entities is kept. */
  private readonly invalid = new Map<string, ReadError>();

  constructor(scope: SnapshotScope) {
    this.snapshot = emptySnapshot(scope);
  }

  add(entity: Entity): void {
    const s = this.snapshot;
    switch (entity.kind) {
      case 'network': s.networks.push(entity); break;
      case 'subnetwork': s.subnetworks.push(entity); break;
      case 'route': s.routes.push(entity); break;
      case 'firewall': s.firewalls.push(entity); break;
      case 'router': s.routers.push(entity); break;
      case 'managedZone': s.managedZones.push(entity); break;
      case 'cluster': s.clusters.push(entity); break;
      case 'instance': s.instances.push(entity); break;
      case 'address': s.addresses.push(entity); break;
      case 'forwardingRule': s.forwardingRules.push(entity); break;
      case 'responsePolicy': s.responsePolicies.push(entity); break;
      case 'dnsPolicy': s.dnsPolicies.push(entity); break;
      case 'servicePerimeter': s.servicePerimeters.push(entity); break;
      case 'firewallPolicy': s.firewallPolicies.push(entity); break;
      case 'policyBasedRoute': s.policyBasedRoutes.push(entity); break;
    }
  }

  /** A response-policy rule, attached to its policy when the snapshot is built. */
  addResponsePolicyRule(policyFullName: string, rule: ResponsePolicyRule): void {
    const list = this.policyRules.get(policyFullName);
    if (list) list.push(rule);
    else this.policyRules.set(policyFullName, [rule]);
  }

  /** A project record (its number, from a Project asset); the first one of a project is kept. */
  addProject(project: ProjectInfo): void {
    const known = this.snapshot.projects.find((p) => p.projectId === project.projectId);
    if (!known) this.snapshot.projects.push(project);
    else {
      if (!known.projectNumber && project.projectNumber) known.projectNumber = project.projectNumber;
      if (!known.ancestors && project.ancestors) known.ancestors = project.ancestors;
    }
  }

  private readonly ancestry = new Map<string, string[]>();
  private firewallPolicyAssets = false;

  /**
   * Notes an asset's `ancestors` (`projects/NUMBER`, then folders, then the organization): the
   * project's folder ancestry, which says which hierarchical firewall policies apply to it.
   */
  noteAsset(asset: Pick<AssetRecord, 'name' | 'assetType' | 'ancestors'>, projectId: string | undefined): void {
    if (FIREWALL_POLICY_ASSET_TYPES.includes(asset.assetType)) this.firewallPolicyAssets = true;
    if (!projectId || !asset.ancestors || this.ancestry.has(projectId)) return;
    const [first, ...above] = asset.ancestors;
    if (first?.startsWith('projects/')) this.ancestry.set(projectId, above);
  }

  /** Whether the input held any firewall policy asset (then it was made with those types). */
  get sawFirewallPolicies(): boolean {
    return this.firewallPolicyAssets;
  }

  /** The ancestry noted per project id. */
  get ancestors(): ReadonlyMap<string, string[]> {
    return this.ancestry;
  }

  addRecordSet(zoneFullName: string, rs: RecordSet): void {
    const list = this.recordSets.get(zoneFullName);
    if (list) list.push(rs);
    else this.recordSets.set(zoneFullName, [rs]);
  }

  addEntry(entry: AssetEntry, asset?: AssetRecord): void {
    if (asset) this.noteAsset(asset, entry.kind === 'entity' && !entry.entity.project.includes('/') ? entry.entity.project : undefined);
    if (entry.kind === 'entity') this.add(entry.entity);
    else if (entry.kind === 'recordSet') this.addRecordSet(entry.zone, entry.recordSet);
    else if (entry.kind === 'responsePolicyRule') this.addResponsePolicyRule(entry.policy, entry.rule);
    else if (entry.kind === 'project') this.addProject(entry.project);
    else if (entry.kind === 'invalid') {
      const key = `${entry.project}/${entry.collection}`;
      if (!this.invalid.has(key)) this.invalid.set(key, { project: entry.project, collection: entry.collection, status: 0, reason: 'BAD_RESPONSE', message: entry.message });
    }
  }

  /** Drops every entity of a part that had a malformed resource: a part is read whole or not at all. */
  private dropInvalidParts(): void {
    if (this.invalid.size === 0) return;
    const s = this.snapshot;
    const bad = (collection: CollectionKind) => (e: Entity) => !this.invalid.has(`${e.project}/${collection}`);
    s.networks = s.networks.filter(bad('networks'));
    s.subnetworks = s.subnetworks.filter(bad('subnetworks'));
    s.routes = s.routes.filter(bad('routes'));
    s.firewalls = s.firewalls.filter(bad('firewalls'));
    s.routers = s.routers.filter(bad('routers'));
    s.managedZones = s.managedZones.filter(bad('managedZones'));
    s.clusters = s.clusters.filter(bad('clusters'));
    s.instances = s.instances.filter(bad('instances'));
    for (const zone of s.managedZones) {
      if (this.invalid.has(`${zone.project}/recordSets`)) {
        delete zone.recordSets;
        this.recordSets.delete(zone.fullName);
      }
    }
    s.readErrors.push(...this.invalid.values());
  }

  get current(): Snapshot {
    return this.snapshot;
  }

  /** Forgets the record sets added so far (a stream of them that failed part way). */
  dropRecordSets(): void {
    this.recordSets.clear();
  }

  /**
   * Finishes the snapshot. `recordSetsKnown` says whether the source carried record sets at all: when
   * it did, a zone without any got none; when it did not, zones keep `recordSets` undefined (not read).
   * As a function, it says it per zone: the other zones keep `recordSets` as they are and the record
   * sets received for them are dropped (the live collector keeps those of the zones that matter).
   */
  build(options: { recordSetsKnown: boolean | ((zone: ManagedZone) => boolean); policyRulesKnown?: boolean }): Snapshot {
    for (const policy of this.snapshot.responsePolicies) {
      const rules = this.policyRules.get(policy.fullName);
      if (rules) policy.rules = [...(policy.rules ?? []), ...rules];
      else if (options.policyRulesKnown && !policy.rules) policy.rules = [];
    }
    this.dropInvalidParts();
    const known = options.recordSetsKnown;
    for (const zone of this.snapshot.managedZones) {
      if (this.invalid.has(`${zone.project}/recordSets`)) continue;
      if (typeof known === 'function' && !known(zone)) continue;
      const sets = this.recordSets.get(zone.fullName);
      if (sets) zone.recordSets = [...(zone.recordSets ?? []), ...sets];
      else if (known && !zone.recordSets) zone.recordSets = [];
    }
    this.recordSets.clear();
    const projects = new Set(this.snapshot.scope.projects);
    for (const list of [this.snapshot.networks, this.snapshot.clusters, this.snapshot.subnetworks, this.snapshot.managedZones]) {
      for (const e of list) projects.add(e.project);
    }
    this.snapshot.scope.projects = [...projects].sort();
    for (const [projectId, ancestors] of [...this.ancestry].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const known = this.snapshot.projects.find((p) => p.projectId === projectId);
      if (known) known.ancestors ??= ancestors;
      else this.snapshot.projects.push({ projectId, includedAs: 'scope', ancestors });
    }
    return this.snapshot;
  }
}

/**
 * Coverage of what an asset read says beyond the version 1 collections: `projects` (the folder
 * ancestry, from the assets' `ancestors`) where an asset of the project carried it, and
 * `firewallPolicies` of every project when the read listed the firewall policy asset types
 * (`policiesRead` undefined), else not read for the reason given.
 */
export function coverAssetReads(snapshot: Snapshot, builder: SnapshotBuilder, policiesNotRead?: string): void {
  for (const projectId of builder.ancestors.keys()) setCoverage(snapshot, projectId, ['projects'], 'read');
  for (const projectId of projectsSeen(snapshot)) {
    // A stream of policies that failed left a read error: that stands.
    const error = snapshot.readErrors.find((e) => e.project === projectId && e.collection === 'firewallPolicies' && e.resource === undefined);
    if (error) setCoverage(snapshot, projectId, ['firewallPolicies'], 'not-read', describeReadError(error));
    else if (policiesNotRead === undefined) setCoverage(snapshot, projectId, ['firewallPolicies'], 'read');
    else setCoverage(snapshot, projectId, ['firewallPolicies'], 'not-read', policiesNotRead);
  }
  sortCoverage(snapshot.coverage);
}
