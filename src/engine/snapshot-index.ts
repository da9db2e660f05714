/**
 * The Snapshot indexed once, so every rule looks things up in constant time and a run stays linear
 * in the size of the snapshot.
 */
import type {
  Address,
  Cluster,
  CollectionKind,
  CoverageEntry,
  DnsServerPolicy,
  Entity,
  Firewall,
  FirewallPolicy,
  ForwardingRule,
  Instance,
  ManagedZone,
  Network,
  NodePool,
  PolicyBasedRoute,
  ProjectInfo,
  ReadError,
  ResponsePolicy,
  Route,
  Router,
  Snapshot,
  Subnetwork,
} from '../model/snapshot.js';
import { fqdn, regionOf } from '../model/names.js';

/** What the routes and firewalls see of a node: its tags and service account. */
export interface NodeIdentity {
  /** An instance name, or `pool <name>` when derived from the node pool configuration. */
  label: string;
  tags: string[];
  serviceAccounts: string[];
  /**
   * Secure tags (`tagValues/N`) bound to the node, which firewall policy rules target; undefined
   * when the input does not say.
   */
  secureTags?: string[];
}

function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** Groups items under each of the keys `keys` gives (once per distinct key). */
function groupByEach<T>(items: T[], keys: (t: T) => string[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    for (const k of new Set(keys(item))) {
      const list = map.get(k);
      if (list) list.push(item);
      else map.set(k, [item]);
    }
  }
  return map;
}

/** The secure tags GKE binds to a pool's nodes: the pool's own and the cluster's for auto-provisioned nodes. */
function poolSecureTags(cluster: Cluster, pool: NodePool): string[] {
  return [...new Set([...(pool.resourceManagerTags ?? []), ...(cluster.autoNodeResourceManagerTags ?? [])])];
}

/**
 * Places each GKE node VM on its cluster by what GKE writes on it, strongest first: metadata
 * `cluster-uid` (the cluster's `id`), the managed instance group of a node pool
 * (`instanceGroupUrls` against metadata `created-by`), then `cluster-name` with `cluster-location`
 * (metadata, or the `goog-k8s-cluster-name` / `goog-k8s-cluster-location` labels). The name alone
 * places a node only when one cluster of its project has that name and a location that holds the
 * node's zone; otherwise the node is left unplaced rather than given to a namesake.
 */
export function placeNodes(snapshot: Pick<Snapshot, 'clusters' | 'instances'>): { placed: [Instance, Cluster][]; unplaced: { instance: Instance; reason: string }[] } {
  const byUid = new Map<string, Cluster>();
  const byGroup = new Map<string, Cluster>();
  const byName = new Map<string, Cluster[]>();
  for (const c of snapshot.clusters) {
    if (c.uid) byUid.set(c.uid, c);
    for (const pool of c.nodePools) for (const url of pool.instanceGroupUrls ?? []) {
      const group = instanceGroupKey(url);
      if (group) byGroup.set(group, c);
    }
    const key = `${c.project}/${c.name}`;
    const list = byName.get(key);
    if (list) list.push(c);
    else byName.set(key, [c]);
  }
  const placed: [Instance, Cluster][] = [];
  const unplaced: { instance: Instance; reason: string }[] = [];
  for (const inst of snapshot.instances) {
    if (!inst.clusterName && !inst.clusterUid && !inst.instanceGroup) continue;
    const byId = (inst.clusterUid && byUid.get(inst.clusterUid)) || (inst.instanceGroup && byGroup.get(instanceGroupKey(inst.instanceGroup) ?? ''));
    if (byId) {
      placed.push([inst, byId]);
      continue;
    }
    const namesakes = inst.clusterName ? (byName.get(`${inst.project}/${inst.clusterName}`) ?? []) : [];
    const candidates = inst.clusterLocation
      ? namesakes.filter((c) => c.location === inst.clusterLocation)
      : namesakes.filter((c) => c.location === inst.zone || c.location === regionOf(inst.zone));
    if (candidates.length === 1 && (inst.clusterLocation || namesakes.length === 1)) {
      placed.push([inst, candidates[0]]);
      continue;
    }
    if (candidates.length === 0 && namesakes.length === 0) continue; // a node of a cluster outside the snapshot
    const reason =
      candidates.length === 0
        ? `no cluster ${inst.clusterName} of project ${inst.project} is in ${inst.clusterLocation ?? inst.zone}`
        : `clusters ${candidates.map((c) => c.fullName).join(' and ')} both match its name and zone, and it carries no cluster-uid, cluster-location or node-pool instance group that tells them apart`;
    unplaced.push({ instance: inst, reason });
  }
  return { placed, unplaced };
}

/** An instance group manager as `projects/P/zones/Z/instanceGroupManagers/N` (URL and full-name forms agree). */
function instanceGroupKey(ref: string): string | undefined {
  const m = /projects\/([^/]+)\/(zones|regions)\/([^/]+)\/(?:instanceGroupManagers|instanceGroups)\/([^/]+)$/.exec(ref);
  return m ? `projects/${m[1]}/${m[2]}/${m[3]}/instanceGroupManagers/${m[4]}` : undefined;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether routes, firewall rules and firewall policy rules see the two nodes alike. */
function alike(a: NodeIdentity, b: NodeIdentity): boolean {
  return sameList(a.tags, b.tags) && sameList(a.serviceAccounts, b.serviceAccounts) && sameList(a.secureTags, b.secureTags);
}

/** Stands for a memoized `undefined`, so a lookup is one `get`, not `has` then `get`. */
const UNDEFINED = Symbol('undefined');

/** What `readErrorsFor` answers for the (usual) project that read fine: shared, so frozen. */
const NO_READ_ERRORS: ReadError[] = Object.freeze([]) as unknown as ReadError[];

export class SnapshotIndex {
  readonly snapshot: Snapshot;
  private readonly networks: Map<string, Network>;
  private readonly subnetworks: Map<string, Subnetwork>;
  private readonly subnetworksByNetwork: Map<string, Subnetwork[]>;
  private readonly routesByNetwork: Map<string, Route[]>;
  private readonly firewallsByNetwork: Map<string, Firewall[]>;
  private readonly routersByNetwork: Map<string, Router[]>;
  private readonly zonesByNetwork: Map<string, ManagedZone[]>;
  private readonly zonesByDnsName: Map<string, ManagedZone[]>;
  private readonly clustersByNetwork: Map<string, Cluster[]>;
  private readonly instancesByCluster: Map<string, Instance[]>;
  /** GKE nodes no cluster of the snapshot can be told to own, with why (reported once by the engine). */
  readonly unplacedNodes: { instance: Instance; reason: string }[];
  private readonly projects: Map<string, ProjectInfo>;
  /** Coverage by project, then by collection. */
  private readonly coverage: Map<string, Map<CollectionKind, CoverageEntry>>;
  /** Firewall policies by what they are attached to (`organizations/N`, `folders/N`, a network). */
  private readonly firewallPoliciesByAttachment: Map<string, FirewallPolicy[]>;
  private readonly addressesByNetwork: Map<string, Address[]>;
  private readonly forwardingRulesByNetwork: Map<string, ForwardingRule[]>;
  private readonly responsePoliciesByNetwork: Map<string, ResponsePolicy[]>;
  private readonly responsePoliciesByCluster: Map<string, ResponsePolicy[]>;
  private readonly dnsPoliciesByNetwork: Map<string, DnsServerPolicy[]>;
  private readonly zonesByCluster: Map<string, ManagedZone[]>;
  private readonly policyBasedRoutesByNetwork: Map<string, PolicyBasedRoute[]>;
  /** Read errors by project, then by collection. */
  private readonly readErrors: Map<string, Map<CollectionKind, ReadError[]>>;
  private readonly identities = new Map<string, NodeIdentity[]>();
  private readonly distinctIdentities = new Map<string, NodeIdentity[]>();
  private readonly memos = new Map<string, Map<string, unknown>>();
  // A Map, not a WeakMap: the owners live as long as the evaluation, and the index with them; a
  // WeakMap lookup costs several times as much, on a path taken millions of times per organization.
  private readonly memosOn = new Map<string, Map<object, unknown>>();

  constructor(snapshot: Snapshot) {
    this.snapshot = snapshot;
    this.networks = new Map(snapshot.networks.map((n) => [n.fullName, n]));
    this.subnetworks = new Map(snapshot.subnetworks.map((s) => [s.fullName, s]));
    this.subnetworksByNetwork = groupBy(snapshot.subnetworks, (s) => s.network);
    this.routesByNetwork = groupBy(snapshot.routes, (r) => r.network);
    this.firewallsByNetwork = groupBy(snapshot.firewalls, (f) => f.network);
    this.routersByNetwork = groupBy(snapshot.routers, (r) => r.network);
    this.zonesByNetwork = new Map();
    for (const zone of snapshot.managedZones) {
      if (zone.visibility !== 'private') continue;
      for (const net of new Set(zone.privateVisibilityNetworks)) {
        const list = this.zonesByNetwork.get(net);
        if (list) list.push(zone);
        else this.zonesByNetwork.set(net, [zone]);
      }
    }
    this.zonesByDnsName = groupBy(snapshot.managedZones, (z) => fqdn(z.dnsName));
    this.clustersByNetwork = groupBy(snapshot.clusters, (c) => c.network);
    this.instancesByCluster = new Map();
    const placement = placeNodes(snapshot);
    for (const [inst, cluster] of placement.placed) {
      const list = this.instancesByCluster.get(cluster.fullName);
      if (list) list.push(inst);
      else this.instancesByCluster.set(cluster.fullName, [inst]);
    }
    this.unplacedNodes = placement.unplaced;
    this.projects = new Map(snapshot.projects.map((p) => [p.projectId, p]));
    this.coverage = new Map();
    for (const entry of snapshot.coverage) {
      let byCollection = this.coverage.get(entry.project);
      if (!byCollection) {
        byCollection = new Map();
        this.coverage.set(entry.project, byCollection);
      }
      byCollection.set(entry.collection, entry);
    }
    this.firewallPoliciesByAttachment = groupByEach(snapshot.firewallPolicies, (p) => p.attachments);
    this.addressesByNetwork = groupBy(snapshot.addresses, (a) => a.network);
    this.forwardingRulesByNetwork = groupBy(snapshot.forwardingRules, (f) => f.network);
    this.responsePoliciesByNetwork = groupByEach(snapshot.responsePolicies, (p) => p.networks);
    this.responsePoliciesByCluster = groupByEach(snapshot.responsePolicies, (p) => p.gkeClusters);
    this.dnsPoliciesByNetwork = groupByEach(snapshot.dnsPolicies, (p) => p.networks);
    this.zonesByCluster = groupByEach(
      snapshot.managedZones.filter((z) => z.visibility === 'private'),
      (z) => z.privateVisibilityClusters ?? [],
    );
    this.policyBasedRoutesByNetwork = groupBy(snapshot.policyBasedRoutes, (r) => r.network);
    this.readErrors = new Map();
    for (const e of snapshot.readErrors) {
      let byCollection = this.readErrors.get(e.project);
      if (!byCollection) {
        byCollection = new Map();
        this.readErrors.set(e.project, byCollection);
      }
      const list = byCollection.get(e.collection);
      if (list) list.push(e);
      else byCollection.set(e.collection, [e]);
    }
  }

  get clusters(): Cluster[] {
    return this.snapshot.clusters;
  }

  get instances(): Instance[] {
    return this.snapshot.instances;
  }

  network(fullName: string): Network | undefined {
    return this.networks.get(fullName);
  }

  subnetwork(fullName: string): Subnetwork | undefined {
    return this.subnetworks.get(fullName);
  }

  subnetworksOf(network: string): Subnetwork[] {
    return this.subnetworksByNetwork.get(network) ?? [];
  }

  routesOf(network: string): Route[] {
    return this.routesByNetwork.get(network) ?? [];
  }

  firewallsOf(network: string): Firewall[] {
    return this.firewallsByNetwork.get(network) ?? [];
  }

  /** Routers on the network, in the region when one is given. */
  routersOf(network: string, region?: string): Router[] {
    const all = this.routersByNetwork.get(network) ?? [];
    return region ? all.filter((r) => r.region === region) : all;
  }

  /** Private zones whose visibility lists the network. */
  zonesVisibleTo(network: string): ManagedZone[] {
    return this.zonesByNetwork.get(network) ?? [];
  }

  /** Private zones whose visibility lists the GKE cluster (`privateVisibilityConfig.gkeClusters`). */
  zonesVisibleToCluster(cluster: string): ManagedZone[] {
    return this.zonesByCluster.get(cluster) ?? [];
  }

  /** Every zone (public or private, any project) with that DNS name. */
  zonesNamed(dnsName: string): ManagedZone[] {
    return this.zonesByDnsName.get(fqdn(dnsName)) ?? [];
  }

  clustersOn(network: string): Cluster[] {
    return this.clustersByNetwork.get(network) ?? [];
  }

  /** Networks that host at least one cluster, with those clusters (the subjects of the DNS rules). */
  networksWithClusters(): { network: string; clusters: Cluster[] }[] {
    return [...this.clustersByNetwork.entries()].map(([network, clusters]) => ({ network, clusters }));
  }

  instancesOf(cluster: Cluster): Instance[] {
    return this.instancesByCluster.get(cluster.fullName) ?? [];
  }

  /**
   * The identities the cluster's nodes present to routes and firewalls. Real instances when the
   * snapshot has them (they show drift); otherwise one per node pool from its configuration, with
   * the tag GKE adds to every node.
   */
  nodeIdentities(cluster: Cluster): NodeIdentity[] {
    // Several rules ask for the same cluster's identities; one array per cluster also lets them
    // key their shared decisions on the identity objects themselves.
    let identities = this.identities.get(cluster.fullName);
    if (!identities) {
      identities = this.deriveIdentities(cluster);
      this.identities.set(cluster.fullName, identities);
    }
    return identities;
  }

  /**
   * The cluster's node identities, without those alike to an earlier one (the same tags, service
   * accounts and secure tags, in the same order): for a rule whose judgement of a node depends on
   * nothing else and that names only the first node it finds wanting, the nodes left out would
   * repeat the judgement of the one kept. A cluster's nodes are most often all alike.
   */
  distinctNodeIdentities(cluster: Cluster): NodeIdentity[] {
    let distinct = this.distinctIdentities.get(cluster.fullName);
    if (!distinct) {
      const all = this.nodeIdentities(cluster);
      distinct = [];
      for (const identity of all) if (!distinct.some((kept) => alike(kept, identity))) distinct.push(identity);
      // The usual case keeps them all or one: the shared list then is the one rules already hold.
      if (distinct.length === all.length) distinct = all;
      this.distinctIdentities.set(cluster.fullName, distinct);
    }
    return distinct;
  }

  /**
   * `memoOn` for a value of one node of the cluster that depends only on what routes, firewall
   * rules and firewall policies see of it (its tags, service accounts and secure tags) and on the
   * cluster: worked out once for the nodes of the cluster alike (`distinctNodeIdentities`).
   */
  memoOnNode<T>(cluster: Cluster, identity: NodeIdentity, key: string, compute: () => T): T {
    return this.memoOn(identity, key, () => {
      const first = this.alikeNode(cluster, identity);
      return first === identity ? compute() : this.memoOn(first, key, compute);
    });
  }

  /** The node of `distinctNodeIdentities(cluster)` alike to `identity` (itself when none is). */
  alikeNode(cluster: Cluster, identity: NodeIdentity): NodeIdentity {
    return this.distinctNodeIdentities(cluster).find((kept) => kept === identity || alike(kept, identity)) ?? identity;
  }

  private deriveIdentities(cluster: Cluster): NodeIdentity[] {
    const instances = this.instancesOf(cluster);
    if (instances.length > 0) {
      return instances.map((i) => {
        // GKE binds the pool's resourceManagerTags to its VMs: the pool says what an instance read without them has.
        const pool = i.nodePool === undefined ? undefined : cluster.nodePools.find((p) => p.name === i.nodePool);
        const secureTags = i.secureTags ?? (pool ? poolSecureTags(cluster, pool) : undefined);
        return secureTags === undefined
          ? { label: i.name, tags: i.tags, serviceAccounts: i.serviceAccounts }
          : { label: i.name, tags: i.tags, serviceAccounts: i.serviceAccounts, secureTags };
      });
    }
    const gkeTags = cluster.nodeTag ? [cluster.nodeTag] : [];
    return cluster.nodePools.map((p) => ({
      label: `pool ${p.name}`,
      tags: [...new Set([...p.tags, ...gkeTags])],
      serviceAccounts: [p.serviceAccount ?? 'default'],
      secureTags: poolSecureTags(cluster, p),
    }));
  }

  /** The project's record (ancestry, Shared VPC host), when the input has one. */
  project(projectId: string): ProjectInfo | undefined {
    return this.projects.get(projectId);
  }

  /**
   * Whether the input holds `collection` of `project`. A pair the input says nothing of was not
   * read; hand-built fixtures (scope `fixture`) are complete by construction.
   */
  coverageOf(project: string, collection: CollectionKind): CoverageEntry {
    const entry = this.coverage.get(project)?.get(collection);
    if (entry) return entry;
    if (this.snapshot.scope.kind === 'fixture') return { project, collection, state: 'read' };
    const known = this.projects.has(project) || this.coverage.has(project);
    return { project, collection, state: 'not-read', reason: known ? 'not in the input' : `project ${project} is not in the input` };
  }

  /** The collections of `project` among `collections` that were not read (empty: all were). */
  notRead(project: string, collections: readonly CollectionKind[]): CoverageEntry[] {
    const missing: CoverageEntry[] = [];
    for (const collection of collections) {
      const entry = this.coverageOf(project, collection);
      if (entry.state !== 'read') missing.push(entry);
    }
    return missing;
  }

  /** Firewall policies attached to `target`: `organizations/N`, `folders/N` or a network's fullName. */
  firewallPoliciesAttachedTo(target: string): FirewallPolicy[] {
    return this.firewallPoliciesByAttachment.get(target) ?? [];
  }

  addressesOn(network: string): Address[] {
    return this.addressesByNetwork.get(network) ?? [];
  }

  forwardingRulesOn(network: string): ForwardingRule[] {
    return this.forwardingRulesByNetwork.get(network) ?? [];
  }

  responsePoliciesBoundTo(networkOrCluster: string): ResponsePolicy[] {
    return this.responsePoliciesByNetwork.get(networkOrCluster) ?? this.responsePoliciesByCluster.get(networkOrCluster) ?? [];
  }

  dnsPoliciesOn(network: string): DnsServerPolicy[] {
    return this.dnsPoliciesByNetwork.get(network) ?? [];
  }

  policyBasedRoutesOn(network: string): PolicyBasedRoute[] {
    return this.policyBasedRoutesByNetwork.get(network) ?? [];
  }

  /**
   * Read errors that leave data about `project` missing: for the whole collection, or for the one
   * resource named (a zone's record sets).
   */
  readErrorsFor(project: string, collection: CollectionKind, resource?: string): ReadError[] {
    // Asked for every cluster by several rules: two lookups on the strings given, no key built.
    const errors = this.readErrors.get(project)?.get(collection);
    if (!errors) return NO_READ_ERRORS;
    return errors.filter((e) => e.resource === undefined || e.resource === resource);
  }

  /** True when the value at `path` (or anything under it) is unknown until apply. */
  isUnknown(entity: Entity, path: string): boolean {
    const unknown = entity.unknown;
    // Asked millions of times at organization scale, almost always of an entity with nothing unknown.
    if (unknown === undefined || unknown.length === 0) return false;
    return unknown.some((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`));
  }

  /**
   * A value derived from this snapshot, computed on first request and shared by every rule of the
   * evaluation (which builds one index): the firewall rules of a network by tag, a network's
   * unreadable routes, the ranges of its subnets. `namespace` names the kind of value (a constant),
   * `key` what it is of (usually a full name taken from the snapshot, whose hash the engine keeps,
   * so a lookup builds no string); `compute` must be a pure function of the snapshot and the key,
   * so rules stay pure.
   */
  memo<T>(namespace: string, key: string, compute: () => T): T {
    return remember(this.memos, namespace, key, compute);
  }

  /**
   * `memo` for a value that belongs to an object the evaluation hands around (a node identity, a
   * selection of rules): looked up by the object itself, so hot paths need no long string key.
   * `key` names what else the value depends on; `compute` must be pure, as for `memo`.
   */
  memoOn<T>(owner: object, key: string, compute: () => T): T {
    // One table per kind of value (a few dozen), not one per owner (hundreds of thousands).
    return remember(this.memosOn, key, owner, compute);
  }
}

/** The value kept in `tables` under `namespace` and `key`, computed and kept on first request. */
function remember<K, T>(tables: Map<string, Map<K, unknown>>, namespace: string, key: K, compute: () => T): T {
  let memos = tables.get(namespace);
  if (!memos) {
    memos = new Map();
    tables.set(namespace, memos);
  }
  const known = memos.get(key);
  if (known !== undefined) return (known === UNDEFINED ? undefined : known) as T;
  const value = compute();
  memos.set(key, value === undefined ? UNDEFINED : value);
  return value;
}
