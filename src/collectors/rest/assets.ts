/**
 * Cloud Asset Inventory assets (from `listAssets` live or from `gcloud asset export/list`) → Snapshot
 * entities, through the same REST normalizers the per-service clients use.
 */
import type { CollectionKind, Entity, ManagedZone, Origin, RecordSet, Snapshot, SnapshotScope } from '../../model/snapshot.js';
import { emptySnapshot } from '../../model/snapshot.js';
import { canonicalClusterName, projectOf } from '../../model/names.js';
import {
  normalizeCluster,
  normalizeFirewall,
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
  // cloud.google.com/asset-inventory/docs/asset-types (Network Connectivity): there is no dedicated
  // Node client for the Network Connectivity API, so policy-based routes are read through the asset API.
  policyBasedRoute: 'networkconnectivity.googleapis.com/PolicyBasedRoute',
} as const;

export interface AssetRecord {
  name: string;
  assetType: string;
  resource?: { data?: Json; location?: string; parent?: string };
  ancestors?: string[];
}

export type AssetEntry =
  | { kind: 'entity'; entity: Entity }
  | { kind: 'recordSet'; zone: string; recordSet: RecordSet }
  | { kind: 'skipped'; reason: string };

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
  const data = asset.resource?.data;
  if (!data) return { kind: 'skipped', reason: `asset ${asset.name} has no resource data` };
  const kind = KIND_OF_TYPE.get(asset.assetType);
  if (!kind) return { kind: 'skipped', reason: `asset type ${asset.assetType} is not used` };
  return kind.toEntry(asset, data, projectOf(asset.name) ?? '', base);
}

/** Collects entities into a Snapshot; record sets are attached to their zones at the end. */
export class SnapshotBuilder {
  private readonly snapshot: Snapshot;
  private readonly recordSets = new Map<string, RecordSet[]>();

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
      case 'policyBasedRoute': s.policyBasedRoutes.push(entity); break;
    }
  }

  addRecordSet(zoneFullName: string, rs: RecordSet): void {
    const list = this.recordSets.get(zoneFullName);
    if (list) list.push(rs);
    else this.recordSets.set(zoneFullName, [rs]);
  }

  addEntry(entry: AssetEntry): void {
    if (entry.kind === 'entity') this.add(entry.entity);
    else if (entry.kind === 'recordSet') this.addRecordSet(entry.zone, entry.recordSet);
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
  build(options: { recordSetsKnown: boolean | ((zone: ManagedZone) => boolean) }): Snapshot {
    const known = options.recordSetsKnown;
    for (const zone of this.snapshot.managedZones) {
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
    return this.snapshot;
  }
}
