/**
 * Cloud Asset Inventory assets (from `listAssets` live or from `gcloud asset export/list`) → Snapshot
 * entities, through the same REST normalizers the per-service clients use.
 */
import type { Entity, Origin, ProjectInfo, RecordSet, ResponsePolicyRule, Snapshot, SnapshotScope } from '../../model/snapshot.js';
import { emptySnapshot } from '../../model/snapshot.js';
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
  normalizeInstance,
  normalizeManagedZone,
  normalizeNetwork,
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
  // cloud.google.com/asset-inventory/docs/asset-types: PSC endpoints for Google APIs are global
  // addresses and global forwarding rules; response policy rules are an asset type of their own.
  globalAddress: 'compute.googleapis.com/GlobalAddress',
  globalForwardingRule: 'compute.googleapis.com/GlobalForwardingRule',
  responsePolicy: 'dns.googleapis.com/ResponsePolicy',
  responsePolicyRule: 'dns.googleapis.com/ResponsePolicyRule',
  dnsPolicy: 'dns.googleapis.com/Policy',
  /** Listed with content type ACCESS_POLICY, under an organization; the data is in `servicePerimeter`. */
  servicePerimeter: 'accesscontextmanager.googleapis.com/ServicePerimeter',
  project: 'cloudresourcemanager.googleapis.com/Project',
} as const;

/** The asset types read with content type RESOURCE for the collections this tool keeps. */
export const RESOURCE_ASSET_TYPES: string[] = Object.values(ASSET_TYPES).filter((t) => t !== ASSET_TYPES.servicePerimeter && t !== ASSET_TYPES.project);

/** The asset types the live collector lists (record sets come from the DNS API). */
export const LISTED_ASSET_TYPES: string[] = RESOURCE_ASSET_TYPES.filter((t) => t !== ASSET_TYPES.recordSet);

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
  | { kind: 'skipped'; reason: string };

/** snake_case keys (an export's proto fields) → camelCase, deeply; a REST object is returned as is. */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camelKeys(x)]));
}

/**
 * Converts one asset. Instances that are not GKE nodes are skipped (the rules only look at nodes;
 * an organization has far more VMs than nodes).
 */
export function entryFromAsset(asset: AssetRecord, base: Omit<Origin, 'selfLink'>): AssetEntry {
  if (asset.assetType === ASSET_TYPES.servicePerimeter) {
    if (!asset.servicePerimeter) return { kind: 'skipped', reason: `perimeter asset ${asset.name} has no servicePerimeter (export it with content type access-policy)` };
    const perimeter = normalizeServicePerimeter({ name: asset.name, ...(camelKeys(asset.servicePerimeter) as Json) }, base);
    return { kind: 'entity', entity: perimeter };
  }
  const data = asset.resource?.data;
  if (!data) return { kind: 'skipped', reason: `asset ${asset.name} has no resource data` };
  const project = projectOf(asset.name) ?? '';
  switch (asset.assetType) {
    case ASSET_TYPES.cluster: {
      const cluster = normalizeCluster(data, project, base);
      // The asset name is the cluster's identity (data.name is only its short name); its
      // `zones/` form is the same resource as the `locations/` one.
      cluster.fullName = canonicalClusterName(asset.name);
      return { kind: 'entity', entity: cluster };
    }
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
    case ASSET_TYPES.globalAddress:
      return { kind: 'entity', entity: normalizeAddress(data, project, base) };
    case ASSET_TYPES.globalForwardingRule:
      return { kind: 'entity', entity: normalizeForwardingRule(data, project, base) };
    case ASSET_TYPES.responsePolicy: {
      const policy = normalizeResponsePolicy(data, project, base);
      policy.fullName = asset.name;
      policy.name = policy.name || asset.name.slice(asset.name.lastIndexOf('/') + 1);
      return { kind: 'entity', entity: policy };
    }
    case ASSET_TYPES.responsePolicyRule: {
      const at = asset.name.indexOf('/rules/');
      if (at < 0) return { kind: 'skipped', reason: `response policy rule asset ${asset.name} has no policy in its name` };
      return { kind: 'responsePolicyRule', policy: asset.name.slice(0, at), rule: normalizeResponsePolicyRule(data) };
    }
    case ASSET_TYPES.dnsPolicy: {
      const policy = normalizeDnsPolicy(data, project, base);
      policy.fullName = asset.name;
      return { kind: 'entity', entity: policy };
    }
    case ASSET_TYPES.project: {
      const projectId = typeof data.projectId === 'string' ? data.projectId : project;
      const number = data.projectNumber;
      const info: ProjectInfo = { projectId, includedAs: 'scope' };
      if (typeof number === 'string' || typeof number === 'number') info.projectNumber = String(number);
      return { kind: 'project', project: info };
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
  private readonly policyRules = new Map<string, ResponsePolicyRule[]>();

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
    else if (!known.projectNumber && project.projectNumber) known.projectNumber = project.projectNumber;
  }

  addRecordSet(zoneFullName: string, rs: RecordSet): void {
    const list = this.recordSets.get(zoneFullName);
    if (list) list.push(rs);
    else this.recordSets.set(zoneFullName, [rs]);
  }

  addEntry(entry: AssetEntry): void {
    if (entry.kind === 'entity') this.add(entry.entity);
    else if (entry.kind === 'recordSet') this.addRecordSet(entry.zone, entry.recordSet);
    else if (entry.kind === 'responsePolicyRule') this.addResponsePolicyRule(entry.policy, entry.rule);
    else if (entry.kind === 'project') this.addProject(entry.project);
  }

  get current(): Snapshot {
    return this.snapshot;
  }

  /**
   * Finishes the snapshot. `recordSetsKnown` says whether the source carried record sets at all: when
   * it did, a zone without any got none; when it did not, zones keep `recordSets` undefined (not read).
   */
  build(options: { recordSetsKnown: boolean; policyRulesKnown?: boolean }): Snapshot {
    for (const policy of this.snapshot.responsePolicies) {
      const rules = this.policyRules.get(policy.fullName);
      if (rules) policy.rules = [...(policy.rules ?? []), ...rules];
      else if (options.policyRulesKnown && !policy.rules) policy.rules = [];
    }
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
