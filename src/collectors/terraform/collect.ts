/**
 * A Terraform plan → a PlanDelta: the entities the plan leaves or creates, the parts of entities
 * it manages as resources of their own, and what it deletes. The delta is applied to an empty
 * snapshot (`check --plan`) or to a live one (plan over live, src/collectors/overlay.ts).
 */
import { InputError } from '../../errors.js';
import { entityValueProblem } from '../../model/values.js';
import path from 'node:path';
import type { Entity, EntityKind } from '../../model/snapshot.js';
import type { Action, ConfigModule, PlanJson, PlannedModule, ResourceChange } from './plan.js';
import { isDeletion, plannedResources, readPlanFile } from './plan.js';
import { PlanValues, type Path } from './values.js';
import { expressionAt, ReferenceResolver, type ModuleScope } from './references.js';
import { SourceLocator } from './sources.js';
import {
  ENTITY_TYPES,
  PART_PARENT,
  PART_TYPES,
  identify,
  isGkeNodeInstance,
  mapCluster,
  mapDnsPolicy,
  mapFirewall,
  mapGlobalAddress,
  mapGlobalForwardingRule,
  mapResponsePolicy,
  mapServicePerimeter,
  mapInstance,
  mapManagedZone,
  mapFirewallPolicy,
  mapNetwork,
  mapPart,
  mapRoute,
  mapPolicyBasedRoute,
  mapRouter,
  mapSubnetwork,
  type MapContext,
  type Part,
  type PartCollection,
  type PartType,
} from './resources.js';

export type PlannedAction = 'create' | 'replace' | 'update' | 'no-op';

export interface PlannedEntity {
  entity: Entity;
  action: PlannedAction;
}

export type Removal =
  | { kind: EntityKind; key: string; address: string }
  | { part: Part['kind']; parent: string; name: string; type?: string; address: string };

export interface PlanDelta {
  /** The plan file, as given. */
  plan: string;
  terraformVersion?: string;
  entities: PlannedEntity[];
  parts: Part[];
  /** Parts whose parent cannot be told: their whole collection gets `path` marked unknown. */
  orphans: { collection: PartCollection; path: string; address: string }[];
  removals: Removal[];
  /**
   * Control-plane peerings of clusters that already exist, whose export flags the plan does not
   * set: the live network says what they are; without it they are unknown.
   */
  peeringsElsewhere: { network: string; name: string }[];
  /**
   * Project numbers the plan knows (a `google_project` resource or data source with `number`):
   * perimeters list projects as `projects/NUMBER`. Absent: none.
   */
  projectNumbers?: { projectId: string; projectNumber: string }[];
}

/** `google_project` instances of the planned values (managed or data) whose id and number are known. */
function projectNumbers(plan: PlanJson): { projectId: string; projectNumber: string }[] {
  const out: { projectId: string; projectNumber: string }[] = [];
  const walk = (module: PlannedModule): void => {
    for (const resource of module.resources ?? []) {
      if (resource.type !== 'google_project') continue;
      const id = resource.values?.project_id;
      const number = resource.values?.number;
      if (typeof id === 'string' && id && (typeof number === 'string' || typeof number === 'number') && String(number) !== '') {
        out.push({ projectId: id, projectNumber: String(number) });
      }
    }
    for (const child of module.child_modules ?? []) walk(child);
  };
  walk(plan.planned_values.root_module);
  return out;
}

export interface PlanOptions {
  /** Where the root module's `.tf` files are (default: the plan file's directory). */
  tfDir?: string;
}

function plannedAction(change: ResourceChange | undefined): PlannedAction {
  const actions: Action[] = change?.change.actions ?? ['no-op'];
  if (actions.includes('create')) return actions.includes('delete') ? 'replace' : 'create';
  return actions.includes('update') ? 'update' : 'no-op';
}

function moduleAddresses(root: PlannedModule): string[] {
  const out: string[] = [];
  const walk = (m: PlannedModule): void => {
    for (const child of m.child_modules ?? []) {
      if (child.address) out.push(child.address);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** `GKE peering of ADDRESS`: stands for a peering name GKE only chooses at apply. */
export const pendingPeeringName = (clusterAddress: string): string => `(peering GKE creates for ${clusterAddress})`;

const ENTITY_MAPPERS: Record<EntityKind, ((c: MapContext) => Entity) | undefined> = {
  network: mapNetwork,
  subnetwork: mapSubnetwork,
  route: mapRoute,
  firewall: mapFirewall,
  router: mapRouter,
  managedZone: mapManagedZone,
  cluster: undefined,
  instance: mapInstance,
  firewallPolicy: undefined, // mapFirewallPolicy needs the resource type: see below
  address: mapGlobalAddress,
  forwardingRule: mapGlobalForwardingRule,
  responsePolicy: mapResponsePolicy,
  dnsPolicy: mapDnsPolicy,
  servicePerimeter: mapServicePerimeter,
  policyBasedRoute: mapPolicyBasedRoute,
};

export function planDelta(plan: PlanJson, planPath: string, options: PlanOptions = {}): PlanDelta {
  const rootConfig: ConfigModule | undefined = plan.configuration?.root_module;
  const locator = new SourceLocator(options.tfDir ?? path.dirname(planPath), rootConfig);
  const changes = new Map(plan.resource_changes.map((c) => [c.address, c]));
  const planned = plannedResources(plan);
  const resolver = new ReferenceResolver(
    rootConfig ?? {},
    planned.map(({ resource, moduleAddress }) => ({ ...resource, moduleAddress })),
    moduleAddresses(plan.planned_values.root_module),
  );

  interface Prepared {
    address: string;
    type: string;
    name: string;
    index?: string | number;
    values: PlanValues;
    scope?: ModuleScope;
    expressions?: Record<string, unknown>;
    action: PlannedAction;
  }
  const prepared: Prepared[] = [];
  for (const { resource, moduleAddress } of planned) {
    if (!(resource.type in ENTITY_TYPES) && !(PART_TYPES as readonly string[]).includes(resource.type)) continue;
    const change = changes.get(resource.address);
    const scope = resolver.scope(moduleAddress);
    const configResource = scope?.config.resources?.find((r) => r.type === resource.type && r.name === resource.name && r.mode !== 'data');
    const expressions = configResource?.expressions;
    // Without the configuration nothing says what is set, so every unknown value counts.
    const configured = configResource ? (p: Path) => expressionAt(expressions, p) !== undefined : () => true;
    const values = new PlanValues(
      resource.values ?? {},
      change?.change.after_unknown ?? {},
      change?.change.after_sensitive ?? resource.sensitive_values ?? {},
      configured,
    );
    prepared.push({ address: resource.address, type: resource.type, name: resource.name, index: resource.index, values, scope, expressions, action: plannedAction(change) });
  }

  const keys = new Map<string, { kind: EntityKind; key: string }>();
  for (const p of prepared) {
    const kind = ENTITY_TYPES[p.type];
    if (kind) keys.set(p.address, { kind, key: identify(p.type, p.values, p.address) });
  }

  const pending = new Set<string>();
  const context = (p: Prepared): MapContext => {
    const located = p.scope ? locator.locate(p.scope.configPath, p.type, p.name) : undefined;
    return {
      address: p.address,
      values: p.values,
      key: keys.get(p.address)?.key ?? `tf://${p.address}`,
      origin: { source: 'terraform', address: p.address, ...(located ? { file: located.file, line: located.line } : {}) },
      follow: (at, kinds) => {
        if (!p.scope) return undefined;
        const target = resolver.resolve(expressionAt(p.expressions, at), p.scope, p.index);
        const key = target && keys.get(target.address);
        if (target && (key ? kinds.includes(key.kind) : kinds.includes('cluster'))) {
          return { key: key?.key ?? `tf://${target.address}`, address: target.address, attribute: target.attribute };
        }
        return undefined;
      },
      pendingPeering: (clusterAddress) => (clusterAddress === p.address && p.type === 'google_container_cluster') || pending.has(clusterAddress) ? pendingPeeringName(clusterAddress) : undefined,
    };
  };

  const delta: PlanDelta = {
    plan: planPath,
    terraformVersion: plan.terraform_version,
    entities: [],
    parts: [],
    orphans: [],
    removals: [],
    peeringsElsewhere: [],
    projectNumbers: projectNumbers(plan),
  };
  const clusters: { address: string; network: string; peering?: string; pending: boolean }[] = [];
  for (const p of prepared) {
    const kind = ENTITY_TYPES[p.type];
    if (!kind) continue;
    if (kind === 'instance' && !isGkeNodeInstance(p.values)) continue;
    const c = context(p);
    if (kind === 'cluster') {
      const { cluster, peeringPending } = mapCluster(c);
      if (peeringPending) pending.add(p.address);
      clusters.push({ address: p.address, network: cluster.network, peering: cluster.privateClusterConfig?.peeringName, pending: peeringPending });
      delta.entities.push({ entity: cluster, action: p.action });
    } else if (kind === 'firewallPolicy') {
      delta.entities.push({ entity: mapFirewallPolicy(c, p.type), action: p.action });
    } else {
      delta.entities.push({ entity: ENTITY_MAPPERS[kind]!(c), action: p.action });
    }
  }
  for (const p of prepared) {
    if (p.type in ENTITY_TYPES) continue;
    const part = mapPart(p.type as PartType, context(p));
    if (part.parent) delta.parts.push(part as Part);
    else delta.orphans.push({ ...PART_PARENT[part.kind], address: p.address });
  }

  // The peering GKE makes for a new cluster starts without route export, unless the plan sets it.
  for (const cluster of clusters) {
    if (!cluster.peering || !cluster.network) continue;
    const configured = delta.parts.some((part) => part.kind === 'peering' && part.parent === cluster.network && part.item.name === cluster.peering);
    if (configured) continue;
    if (cluster.pending) {
      delta.parts.push({
        kind: 'peering',
        parent: cluster.network,
        item: { name: cluster.peering, exportCustomRoutes: false, importCustomRoutes: false },
        unknown: [],
      });
    } else delta.peeringsElsewhere.push({ network: cluster.network, name: cluster.peering });
  }

  delta.removals = removals(plan);
  return delta;
}

/** What the plan deletes, identified from its `before` values (all known: they are state). */
function removals(plan: PlanJson): Removal[] {
  const out: Removal[] = [];
  for (const change of plan.resource_changes) {
    if (!isDeletion(change) || change.mode === 'data') continue;
    const before = change.change.before;
    if (!before) continue;
    const values = new PlanValues(before, {}, change.change.before_sensitive ?? {});
    const kind = ENTITY_TYPES[change.type];
    if (kind) {
      const key = identify(change.type, values, change.address);
      if (!key.startsWith('tf://')) out.push({ kind, key, address: change.address });
      continue;
    }
    if (!(PART_TYPES as readonly string[]).includes(change.type) || change.type === 'google_compute_network_peering_routes_config') continue;
    const part = mapPart(change.type as PartType, {
      address: change.address,
      values,
      key: `tf://${change.address}`,
      origin: { source: 'terraform', address: change.address },
      follow: () => undefined,
      pendingPeering: () => undefined,
    });
    if (!part.parent) continue;
    const whole = part as Part;
    out.push({ part: whole.kind, parent: whole.parent, name: whole.item.name, type: whole.kind === 'recordSet' ? whole.item.type : undefined, address: change.address });
  }
  return out;
}

export function readPlanDelta(planPath: string, options: PlanOptions = {}): PlanDelta {
  const delta = planDelta(readPlanFile(planPath), planPath, options);
  // An address or priority the plan states in a form the tool does not read is bad input.
  for (const { entity } of delta.entities) {
    const problem = entityValueProblem(entity);
    if (problem) throw new InputError(planPath, `${problem[0]} is ${problem[1]}`, entity.origin.address ?? entity.name);
  }
  return delta;
}
