/**
 * Plan over live: the Snapshot after `terraform apply`, from the live Snapshot and a plan's
 * creates, updates and deletes. A plan that only adds a cluster is then judged against the
 * network, DNS and firewalls that already exist. The same function builds the snapshot of a plan
 * on its own, by applying it to an empty snapshot.
 */
import type { Cluster, CollectionKind, Entity, FirewallPolicy, ManagedZone, Network, ResponsePolicy, Router, ServicePerimeter, Snapshot } from '../model/snapshot.js';
import { COLLECTION_LABELS, projectsSeen, setCoverage, sortCoverage } from '../model/coverage.js';
import { emptySnapshot } from '../model/snapshot.js';
import { projectOf } from '../model/names.js';
import { readPlanDelta, type PlanDelta, type PlannedEntity, type PlanOptions } from './terraform/collect.js';
import { PART_PARENT, type Part } from './terraform/resources.js';
import { LIST_OF_KIND } from '../model/lists.js';

function list(snapshot: Snapshot, kind: Entity['kind']): Entity[] {
  return snapshot[LIST_OF_KIND[kind]] as Entity[];
}

function addUnknown(entity: Entity, path: string): void {
  const set = new Set(entity.unknown ?? []);
  set.add(path);
  entity.unknown = [...set].sort();
}

/**
 * What the plan does not describe of a resource that keeps existing: values the API computes
 * (a cluster's node tag and endpoints) and parts Terraform manages elsewhere or not at all (a
 * network's peerings, a router's BGP peers, a zone's record sets, node pools made by gcloud).
 */
function merge(live: Entity, planned: PlannedEntity): Entity {
  const next = planned.entity;
  if (planned.action === 'create' || planned.action === 'replace') return next;
  switch (next.kind) {
    case 'network':
      return { ...next, peerings: (live as Network).peerings.map((p) => ({ ...p })) };
    case 'router': {
      const old = live as Router;
      const router: Router = { ...next, bgpPeers: [...old.bgpPeers], interfaces: [...old.interfaces] };
      if (old.nats) router.nats = old.nats.map((n) => ({ ...n }));
      return router;
    }
    case 'managedZone': {
      const old = live as ManagedZone;
      const zone: ManagedZone = { ...next };
      if (old.recordSets) zone.recordSets = old.recordSets.map((r) => ({ ...r }));
      else delete zone.recordSets;
      return zone;
    }
    case 'responsePolicy': {
      // Rules are resources of their own: the live ones stay until the plan's parts replace them.
      const old = live as ResponsePolicy;
      const policy: ResponsePolicy = { ...next };
      if (old.rules) policy.rules = old.rules.map((r) => ({ ...r }));
      else delete policy.rules;
      return policy;
    }
    case 'cluster': {
      const old = live as Cluster;
      const cluster: Cluster = { ...next };
      if (!cluster.nodeTag && old.nodeTag) cluster.nodeTag = old.nodeTag;
      if (cluster.privateClusterConfig && old.privateClusterConfig) {
        const pcc = { ...cluster.privateClusterConfig };
        for (const key of ['privateEndpoint', 'publicEndpoint', 'peeringName'] as const) {
          if (pcc[key] === undefined && old.privateClusterConfig[key] !== undefined && !cluster.unknown?.includes(`privateClusterConfig.${key}`)) {
            pcc[key] = old.privateClusterConfig[key];
          }
        }
        cluster.privateClusterConfig = pcc;
      }
      const oldIp = old.controlPlaneEndpointsConfig?.ipEndpointsConfig;
      if (cluster.controlPlaneEndpointsConfig && oldIp) {
        const ip = { ...cluster.controlPlaneEndpointsConfig.ipEndpointsConfig };
        for (const key of ['privateEndpoint', 'publicEndpoint'] as const) if (ip[key] === undefined && oldIp[key] !== undefined) ip[key] = oldIp[key];
        cluster.controlPlaneEndpointsConfig = { ...cluster.controlPlaneEndpointsConfig, ipEndpointsConfig: ip };
      }
      const plannedPools = new Set(next.nodePools.map((p) => p.name));
      cluster.nodePools = [...next.nodePools, ...old.nodePools.filter((p) => !plannedPools.has(p.name))];
      return cluster;
    }
    case 'firewallPolicy': {
      // Associations are their own resources; so are the rules, except in a `_with_rules` policy.
      const old = live as FirewallPolicy;
      const inline = next.origin.address?.includes('_with_rules.') ?? false;
      return { ...next, attachments: [...old.attachments], rules: inline ? next.rules : old.rules.map((r) => ({ ...r })) };
    }
    default:
      return next;
  }
}

function upsertByName<T extends { name: string }>(items: T[], item: T, same: (a: T) => boolean = (a) => a.name === item.name): number {
  const at = items.findIndex(same);
  if (at >= 0) {
    items[at] = item;
    return at;
  }
  items.push(item);
  return items.length - 1;
}

function attach(snapshot: Snapshot, part: Part): void {
  const { collection, path } = PART_PARENT[part.kind];
  const parent = (snapshot[collection] as Entity[]).find((e) => e.fullName === part.parent);
  if (!parent) return; // nothing to attach to: neither the plan nor the live snapshot has it
  switch (part.kind) {
    case 'nodePool': {
      const cluster = parent as Cluster;
      const at = upsertByName(cluster.nodePools, { ...part.item });
      for (const f of part.unknown) addUnknown(cluster, f ? `${path}.${at}.${f}` : path);
      break;
    }
    case 'bgpPeer': {
      const router = parent as Router;
      const at = upsertByName(router.bgpPeers, { ...part.item });
      for (const f of part.unknown) addUnknown(router, f ? `${path}.${at}.${f}` : path);
      break;
    }
    case 'routerInterface': {
      const router = parent as Router;
      upsertByName(router.interfaces, { ...part.item });
      if (part.unknown.length) addUnknown(router, path);
      break;
    }
    case 'recordSet': {
      const zone = parent as ManagedZone;
      // Record sets the source did not read stay unread: the plan's few do not complete them.
      if (!zone.recordSets) break;
      upsertByName(zone.recordSets, { ...part.item }, (r) => r.name === part.item.name && r.type === part.item.type);
      if (part.unknown.length) addUnknown(zone, path);
      break;
    }
    case 'policyRule': {
      const policy = parent as FirewallPolicy;
      const { name: _priority, ...rule } = part.item;
      const at = policy.rules.findIndex((r) => r.priority === rule.priority);
      if (at >= 0) policy.rules[at] = rule;
      else policy.rules.push(rule);
      if (part.unknown.includes('')) addUnknown(policy, path);
      else if (part.unknown.length) rule.unknown = [...part.unknown];
      break;
    }
    case 'policyAttachment': {
      const policy = parent as FirewallPolicy;
      if (part.item.name && !policy.attachments.includes(part.item.name)) policy.attachments.push(part.item.name);
      if (part.unknown.length) addUnknown(policy, path);
      break;
    }
    case 'responsePolicyRule': {
      const policy = parent as ResponsePolicy;
      // Rules the source did not read stay unread: the plan's few do not complete them.
      if (!policy.rules) break;
      const { name: _name, ...rule } = part.item;
      const at = policy.rules.findIndex((r) => r.ruleName === rule.ruleName);
      if (at >= 0) policy.rules[at] = rule;
      else policy.rules.push(rule);
      if (part.unknown.length) addUnknown(policy, path);
      break;
    }
    case 'perimeterResource': {
      const perimeter = parent as ServicePerimeter;
      const status = (perimeter.status ??= { resources: [], restrictedServices: [] });
      if (part.item.name && !status.resources.includes(part.item.name)) status.resources.push(part.item.name);
      if (part.unknown.length) addUnknown(perimeter, path);
      break;
    }
    case 'nat': {
      const router = parent as Router;
      router.nats ??= [];
      const at = upsertByName(router.nats, { ...part.item });
      for (const f of part.unknown) addUnknown(router, f ? `${path}.${at}.${f}` : path);
      break;
    }
    case 'peering': {
      const network = parent as Network;
      const existing = network.peerings.find((p) => p.name === part.item.name);
      if (existing) {
        if (part.item.exportCustomRoutes !== undefined) existing.exportCustomRoutes = part.item.exportCustomRoutes;
        if (part.item.importCustomRoutes !== undefined) existing.importCustomRoutes = part.item.importCustomRoutes;
      } else if (part.item.name) {
        network.peerings.push({ name: part.item.name, network: `tf://${part.item.name}`, ...stripUndefined(part.item) });
      }
      for (const f of part.unknown) addUnknown(network, f && part.item.name ? `${path}.${part.item.name}.${f}` : path);
      break;
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'name')) as Partial<T>;
}

/** The snapshot after the plan is applied to `base` (which is not modified). */
export function applyDelta(base: Snapshot, delta: PlanDelta): Snapshot {
  const snapshot = structuredClone(base);

  for (const removal of delta.removals) {
    if ('kind' in removal) {
      const collection = LIST_OF_KIND[removal.kind];
      (snapshot[collection] as Entity[]) = (snapshot[collection] as Entity[]).filter((e) => e.fullName !== removal.key);
      continue;
    }
    const { collection } = PART_PARENT[removal.part];
    const parent = (snapshot[collection] as Entity[]).find((e) => e.fullName === removal.parent);
    if (!parent) continue;
    if (removal.part === 'nodePool') (parent as Cluster).nodePools = (parent as Cluster).nodePools.filter((p) => p.name !== removal.name);
    if (removal.part === 'bgpPeer') (parent as Router).bgpPeers = (parent as Router).bgpPeers.filter((p) => p.name !== removal.name);
    if (removal.part === 'routerInterface') (parent as Router).interfaces = (parent as Router).interfaces.filter((p) => p.name !== removal.name);
    if (removal.part === 'policyRule') (parent as FirewallPolicy).rules = (parent as FirewallPolicy).rules.filter((r) => String(r.priority) !== removal.name);
    if (removal.part === 'policyAttachment') (parent as FirewallPolicy).attachments = (parent as FirewallPolicy).attachments.filter((a) => a !== removal.name);
    if (removal.part === 'responsePolicyRule' && (parent as ResponsePolicy).rules) {
      const policy = parent as ResponsePolicy;
      policy.rules = policy.rules!.filter((r) => r.ruleName !== removal.name);
    }
    if (removal.part === 'perimeterResource' && (parent as ServicePerimeter).status) {
      const status = (parent as ServicePerimeter).status!;
      status.resources = status.resources.filter((r) => r !== removal.name);
    }
    if (removal.part === 'nat' && (parent as Router).nats) (parent as Router).nats = (parent as Router).nats!.filter((n) => n.name !== removal.name);
    if (removal.part === 'recordSet' && (parent as ManagedZone).recordSets) {
      const zone = parent as ManagedZone;
      zone.recordSets = zone.recordSets!.filter((r) => !(r.name === removal.name && r.type === removal.type));
    }
  }

  for (const planned of delta.entities) {
    const entities = list(snapshot, planned.entity.kind);
    const at = entities.findIndex((e) => e.fullName === planned.entity.fullName);
    const entity = structuredClone(planned.entity);
    if (at >= 0) entities[at] = merge(entities[at], { ...planned, entity });
    else {
      // A zone the plan describes without a live counterpart holds the plan's record sets.
      if (entity.kind === 'managedZone') entity.recordSets = [];
      if (entity.kind === 'responsePolicy') entity.rules = [];
      entities.push(entity);
    }
  }

  for (const part of delta.parts) attach(snapshot, part);

  for (const { network, name } of delta.peeringsElsewhere) {
    const net = snapshot.networks.find((n) => n.fullName === network);
    if (net && !net.peerings.some((p) => p.name === name)) addUnknown(net, `peerings.${name}.exportCustomRoutes`);
  }

  for (const orphan of delta.orphans) {
    for (const entity of snapshot[orphan.collection] as Entity[]) addUnknown(entity, orphan.path);
  }

  for (const { projectId, projectNumber } of delta.projectNumbers ?? []) {
    const known = snapshot.projects.find((p) => p.projectId === projectId);
    if (known) known.projectNumber ??= projectNumber;
    else snapshot.projects.push({ projectId, projectNumber, includedAs: 'scope' });
  }

  const projects = new Set(snapshot.scope.projects);
  for (const collection of Object.values(LIST_OF_KIND)) {
    // Perimeters (`accessPolicies/N`) and hierarchical policies (`organizations/N`) are no project.
    for (const e of snapshot[collection] as Entity[]) if (e.project && !e.project.includes('/')) projects.add(e.project);
  }
  snapshot.scope = { ...snapshot.scope, projects: [...projects].sort() };
  return snapshot;
}

/** The collections a plan's entities fill, by entity kind (record sets go with their zones). */
const PLAN_COLLECTIONS: [Entity['kind'], CollectionKind[]][] = [
  ['network', ['networks']],
  ['subnetwork', ['subnetworks']],
  ['route', ['routes']],
  ['firewall', ['firewalls']],
  ['router', ['routers']],
  ['managedZone', ['managedZones', 'recordSets']],
  ['cluster', ['clusters']],
  ['policyBasedRoute', ['policyBasedRoutes']],
];

/**
 * Coverage of what a plan describes, for `projects`: a collection is read where the plan manages
 * resources of its kind in that project (its configuration is then taken as the whole of it), and
 * not read where it manages none (they may exist outside Terraform). The VMs GKE creates are never
 * in a plan: out of its scope.
 */
export function coverPlan(snapshot: Snapshot, delta: PlanDelta, projects: Iterable<string>): void {
  const managed = new Set(delta.entities.map((p) => `${p.entity.project}\u0000${p.entity.kind}`));
  // A plan that deletes a resource manages its kind there too.
  for (const removal of delta.removals) if ('kind' in removal) managed.add(`${projectOf(removal.key) ?? ''}\u0000${removal.kind}`);
  for (const project of projects) {
    if (!snapshot.projects.some((p) => p.projectId === project)) snapshot.projects.push({ projectId: project, includedAs: 'scope' });
    for (const [kind, collections] of PLAN_COLLECTIONS) {
      if (managed.has(`${project}\u0000${kind}`)) setCoverage(snapshot, project, collections, 'read');
      else setCoverage(snapshot, project, collections, 'not-read', `the plan manages no ${COLLECTION_LABELS[collections[0]]} in project ${project}`);
    }
    setCoverage(snapshot, project, ['instances'], 'out-of-scope', 'a plan does not hold the VMs GKE creates');
    // Firewall policies go with the firewall configuration: a plan that manages the project's VPC
    // firewall rules or its firewall policies is taken as the whole of it (a hierarchical policy it
    // does not manage is not seen; docs/firewall-policies.md).
    if (managed.has(`${project}\u0000firewall`) || managed.has(`${project}\u0000firewallPolicy`)) setCoverage(snapshot, project, ['firewallPolicies'], 'read');
    else setCoverage(snapshot, project, ['firewallPolicies'], 'not-read', `the plan manages no firewall rules or firewall policies in project ${project}`);
    coverPlanApiPath(snapshot, managed, project);
    // Learned routes exist only once a Cloud Router's BGP sessions are up, which no plan can show.
    setCoverage(snapshot, project, ['dynamicRoutes'], 'out-of-scope', 'a Terraform plan cannot hold the routes Cloud Routers learn over BGP (routers.getRouterStatus)');
  }
  snapshot.projects.sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  sortCoverage(snapshot.coverage);
}

/**
 * The Google API path of a project in a plan: a plan that manages the project's network describes
 * its PSC endpoints too (they are network configuration), and one that manages its DNS (zones or
 * response policies) describes its response and server policies, which Cloud DNS applies before
 * any zone. Perimeters belong to the organization's access policy: only a plan that manages one
 * says anything of them.
 */
function coverPlanApiPath(snapshot: Snapshot, managed: Set<string>, project: string): void {
  const manages = (...kinds: Entity['kind'][]) => kinds.some((kind) => managed.has(`${project}\u0000${kind}`));
  const cover = (collections: CollectionKind[], read: boolean, what: string) =>
    read ? setCoverage(snapshot, project, collections, 'read') : setCoverage(snapshot, project, collections, 'not-read', `the plan manages no ${what} in project ${project}`);
  cover(['addresses', 'forwardingRules'], manages('network', 'address', 'forwardingRule'), 'network or PSC endpoint');
  cover(['responsePolicies', 'dnsPolicies'], manages('managedZone', 'responsePolicy', 'dnsPolicy'), 'DNS zone or policy');
  if (snapshot.servicePerimeters.length > 0) setCoverage(snapshot, project, ['servicePerimeters'], 'read');
  else setCoverage(snapshot, project, ['servicePerimeters'], 'out-of-scope', 'the plan manages no VPC Service Controls perimeter');
}

/** The snapshot of a plan on its own: what will exist after apply, as far as the plan says. */
export function planSnapshot(delta: PlanDelta): Snapshot {
  const snapshot = applyDelta(emptySnapshot({ kind: 'plan', id: delta.plan, projects: [] }), delta);
  coverPlan(snapshot, delta, projectsSeen(snapshot));
  return snapshot;
}

export function loadPlanSnapshot(planPath: string, options: PlanOptions = {}): Snapshot {
  return planSnapshot(readPlanDelta(planPath, options));
}

/**
 * Plan over live, for `check --plan --snapshot` and `audit --plan`: the live input's coverage
 * stands for the projects it read; a project only the plan names is covered as the plan covers it.
 */
export function applyPlanToSnapshot(live: Snapshot, planPath: string, tfDir?: string): Snapshot {
  const delta = readPlanDelta(planPath, { tfDir });
  const snapshot = applyDelta(live, delta);
  const covered = new Set(live.coverage.map((e) => e.project));
  if (live.scope.kind !== 'fixture') coverPlan(snapshot, delta, [...projectsSeen(snapshot)].filter((p) => !covered.has(p)));
  return snapshot;
}
