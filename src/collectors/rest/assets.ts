/**
 * Cloud Asset Inventory assets (from `listAssets` live or from `gcloud asset export/list`) → Snapshot
 * entities, through the same REST normalizers the per-service clients use.
 */
import type { Entity, Origin, RecordSet, Snapshot, SnapshotScope } from '../../model/snapshot.js';
import { emptySnapshot } from '../../model/snapshot.js';
import { projectOf } from '../../model/names.js';
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
  recordSet: 'dns.googleapis.com/ResourceRecordSet',
  // cloud.google.com/asset-inventory/docs/asset-types (Network Connectivity): there is no dedicated
  // Node client for the Network Connectivity API, so policy-based routes are read through the asset API.
  policyBasedRoute: 'networkconnectivity.googleapis.com/PolicyBasedRoute',
} as const;

/** The asset types the live collector lists (record sets come from the DNS API). */
export const LISTED_ASSET_TYPES: string[] = Object.values(ASSET_TYPES).filter((t) => t !== ASSET_TYPES.recordSet);

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
 * Converts one asset. Instances that are not GKE nodes are skipped (the rules only look at nodes;
 * an organization has far more VMs than nodes).
 */
export function entryFromAsset(asset: AssetRecord, base: Omit<Origin, 'selfLink'>): AssetEntry {
  const data = asset.resource?.data;
  if (!data) return { kind: 'skipped', reason: `asset ${asset.name} has no resource data` };
  const project = projectOf(asset.name) ?? '';
  switch (asset.assetType) {
    case ASSET_TYPES.cluster:
      return { kind: 'entity', entity: normalizeCluster(data, project, base) };
    case ASSET_TYPES.network:
      return { kind: 'entity', entity: normalizeNetwork(data, project, base) };
    case ASSET_TYPES.subnetwork:
      return { kind: 'entity', entity: normalizeSubnetwork(data, project, base) };
    case ASSET_TYPES.route:
      return { kind: 'entity', entity: normalizeRoute(data, project, base) };
    case ASSET_TYPES.firewall:
      return { kind: 'entity', entity: normalizeFirewall(data, project, base) };
    case ASSET_TYPES.router:
      return { kind: 'entity', entity: normalizeRouter(data, project, base) };
    case ASSET_TYPES.instance:
      return isGkeNode(data) ? { kind: 'entity', entity: normalizeInstance(data, project, base) } : { kind: 'skipped', reason: 'not a GKE node' };
    case ASSET_TYPES.managedZone: {
      const zone = normalizeManagedZone(data, project, base);
      // The asset name is authoritative for the zone's full name (data has only the short name).
      zone.fullName = asset.name;
      return { kind: 'entity', entity: zone };
    }
    case ASSET_TYPES.policyBasedRoute: {
      const route = normalizePolicyBasedRoute(data, project, base);
      // The asset name is authoritative (it is the route's full name).
      route.fullName = asset.name;
      return { kind: 'entity', entity: route };
    }
    case ASSET_TYPES.recordSet: {
      const at = asset.name.indexOf('/rrsets/');
      if (at < 0) return { kind: 'skipped', reason: `record set asset ${asset.name} has no zone in its name` };
      return { kind: 'recordSet', zone: asset.name.slice(0, at), recordSet: normalizeRecordSet(data) };
    }
    default:
      return { kind: 'skipped', reason: `asset type ${asset.assetType} is not used` };
  }
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

  /**
   * Finishes the snapshot. `recordSetsKnown` says whether the source carried record sets at all: when
   * it did, a zone without any got none; when it did not, zones keep `recordSets` undefined (not read).
   */
  build(options: { recordSetsKnown: boolean }): Snapshot {
    for (const zone of this.snapshot.managedZones) {
      const sets = this.recordSets.get(zone.fullName);
      if (sets) zone.recordSets = [...(zone.recordSets ?? []), ...sets];
      else if (options.recordSetsKnown && !zone.recordSets) zone.recordSets = [];
    }
    const projects = new Set(this.snapshot.scope.projects);
    for (const list of [this.snapshot.networks, this.snapshot.clusters, this.snapshot.subnetworks, this.snapshot.managedZones]) {
      for (const e of list) projects.add(e.project);
    }
    this.snapshot.scope.projects = [...projects].sort();
    return this.snapshot;
  }
}
