/**
 * The Snapshot: the normalized state of one or more projects, the single data model between
 * collectors and the engine. Field names follow the Google Cloud REST API (camelCase) so a reader
 * can hold the API reference next to the code; only what the rules need is kept, and never a
 * secret (no masterAuth, keys or passwords).
 *
 * References between entities (a subnetwork's network, a cluster's subnetwork, a zone's visible
 * networks) are always the referenced entity's `fullName`, so the engine can join them without
 * knowing where the data came from.
 */

export const SNAPSHOT_SCHEMA_VERSION = 1;

export type EntityKind =
  | 'network'
  | 'subnetwork'
  | 'route'
  | 'firewall'
  | 'router'
  | 'managedZone'
  | 'cluster'
  | 'instance';

/** Where an entity came from: an API self link, or a Terraform address with its `.tf` block. */
export interface Origin {
  source: 'api' | 'asset-inventory' | 'asset-export' | 'terraform' | 'fixture';
  selfLink?: string;
  /** Terraform resource address, e.g. `module.net.google_compute_route.vip["a"]`. */
  address?: string;
  /** Path of the `.tf` file holding the resource block, relative to the working directory. */
  file?: string;
  line?: number;
}

export interface EntityBase {
  kind: EntityKind;
  /** Short name as the API shows it (`name`). */
  name: string;
  /**
   * Full resource name as Cloud Asset Inventory writes it, e.g.
   * `//compute.googleapis.com/projects/P/global/networks/N`. For a Terraform resource whose
   * project or name is unknown at plan time, `tf://ADDRESS`.
   */
  fullName: string;
  project: string;
  origin: Origin;
  /**
   * Dotted model paths whose value is unknown (a Terraform plan value computed at apply time).
   * A rule that needs one of them is not evaluated for this entity.
   */
  unknown?: string[];
}

export interface Peering {
  name: string;
  /** fullName of the peer network (the GKE-managed one for a peering-based private cluster). */
  network: string;
  state?: string;
  exportCustomRoutes?: boolean;
  importCustomRoutes?: boolean;
}

export interface Network extends EntityBase {
  kind: 'network';
  autoCreateSubnetworks?: boolean;
  peerings: Peering[];
}

export interface SecondaryRange {
  rangeName: string;
  ipCidrRange: string;
}

export interface Subnetwork extends EntityBase {
  kind: 'subnetwork';
  region: string;
  network: string;
  ipCidrRange: string;
  secondaryIpRanges: SecondaryRange[];
  privateIpGoogleAccess?: boolean;
  purpose?: string;
  ipv6CidrRange?: string;
}

export interface Route extends EntityBase {
  kind: 'route';
  network: string;
  destRange: string;
  priority: number;
  /** Instance tags the route applies to; empty = every instance of the network. */
  tags: string[];
  /** Normalized: `default-internet-gateway` for the default internet gateway, whatever form the input used. */
  nextHopGateway?: string;
  nextHopIp?: string;
  nextHopInstance?: string;
  nextHopVpnTunnel?: string;
  nextHopIlb?: string;
  nextHopPeering?: string;
  nextHopNetwork?: string;
  routeType?: string;
}

export interface FirewallPermission {
  /** `tcp`, `udp`, `icmp`, `all`, or a protocol number, lower-cased. */
  IPProtocol: string;
  ports?: string[];
}

export interface Firewall extends EntityBase {
  kind: 'firewall';
  network: string;
  direction: 'INGRESS' | 'EGRESS';
  priority: number;
  sourceRanges: string[];
  destinationRanges: string[];
  sourceTags: string[];
  targetTags: string[];
  sourceServiceAccounts: string[];
  targetServiceAccounts: string[];
  allowed: FirewallPermission[];
  denied: FirewallPermission[];
  disabled: boolean;
}

export interface AdvertisedRange {
  range: string;
  description?: string;
}

export interface BgpConfig {
  asn?: number;
  /** `DEFAULT` or `CUSTOM`. */
  advertiseMode?: string;
  /** e.g. `ALL_SUBNETS`. */
  advertisedGroups?: string[];
  advertisedIpRanges?: AdvertisedRange[];
}

export interface BgpPeer {
  name: string;
  interfaceName?: string;
  peerIpAddress?: string;
  peerAsn?: number;
  /** A peer's own `CUSTOM` mode overrides the router's for that peer. */
  advertiseMode?: string;
  advertisedGroups?: string[];
  advertisedIpRanges?: AdvertisedRange[];
  enable?: string;
}

export interface RouterInterface {
  name: string;
  linkedVpnTunnel?: string;
  linkedInterconnectAttachment?: string;
  ipRange?: string;
}

export interface Router extends EntityBase {
  kind: 'router';
  network: string;
  region: string;
  bgp?: BgpConfig;
  bgpPeers: BgpPeer[];
  interfaces: RouterInterface[];
}

export interface RecordSet {
  /** Fully qualified with the trailing dot, e.g. `*.googleapis.com.`. */
  name: string;
  type: string;
  ttl?: number;
  rrdatas: string[];
  origin?: Origin;
}

export interface ManagedZone extends EntityBase {
  kind: 'managedZone';
  /** With the trailing dot, lower-cased, e.g. `googleapis.com.`. */
  dnsName: string;
  visibility: 'public' | 'private';
  /** fullNames of the networks the private zone is visible to. */
  privateVisibilityNetworks: string[];
  /** A forwarding or peering zone does not answer from its own record sets. */
  forwardingTargets?: string[];
  peeringTargetNetwork?: string;
  /** Absent when the record sets were not read (see the snapshot's readErrors). */
  recordSets?: RecordSet[];
}

export interface AuthorizedNetworksConfig {
  enabled?: boolean;
  cidrBlocks: { displayName?: string; cidrBlock: string }[];
  gcpPublicCidrsAccessEnabled?: boolean;
  privateEndpointEnforcementEnabled?: boolean;
}

export interface NodePool {
  name: string;
  /** Network tags of the pool's nodes (`config.tags`). */
  tags: string[];
  serviceAccount?: string;
  /** `networkConfig.enablePrivateNodes`: a per-pool override of the cluster default. */
  enablePrivateNodes?: boolean;
  instanceGroupUrls?: string[];
  origin?: Origin;
}

export interface Cluster extends EntityBase {
  kind: 'cluster';
  location: string;
  /** fullName of the VPC network. */
  network: string;
  /** fullName of the node subnetwork. */
  subnetwork: string;
  /** Tag GKE puts on every node (`gke-<cluster>-<hash>-node`), when known. */
  nodeTag?: string;
  ipAllocationPolicy?: {
    useIpAliases?: boolean;
    clusterSecondaryRangeName?: string;
    servicesSecondaryRangeName?: string;
    clusterIpv4CidrBlock?: string;
    servicesIpv4CidrBlock?: string;
  };
  /** Legacy private-cluster fields. */
  privateClusterConfig?: {
    enablePrivateNodes?: boolean;
    enablePrivateEndpoint?: boolean;
    masterIpv4CidrBlock?: string;
    peeringName?: string;
    privateEndpoint?: string;
    publicEndpoint?: string;
    privateEndpointSubnetwork?: string;
    masterGlobalAccessConfig?: { enabled?: boolean };
  };
  masterAuthorizedNetworksConfig?: AuthorizedNetworksConfig;
  /** Newer control-plane endpoint fields (GKE 1.29+). */
  controlPlaneEndpointsConfig?: {
    ipEndpointsConfig?: {
      enabled?: boolean;
      enablePublicEndpoint?: boolean;
      globalAccess?: boolean;
      authorizedNetworksConfig?: AuthorizedNetworksConfig;
      publicEndpoint?: string;
      privateEndpoint?: string;
      privateEndpointSubnetwork?: string;
    };
    dnsEndpointConfig?: {
      endpoint?: string;
      allowExternalTraffic?: boolean;
    };
  };
  networkConfig?: {
    defaultEnablePrivateNodes?: boolean;
  };
  nodePools: NodePool[];
}

export interface AccessConfig {
  name?: string;
  type?: string;
  natIP?: string;
}

export interface NetworkInterface {
  network: string;
  subnetwork?: string;
  networkIP?: string;
  accessConfigs: AccessConfig[];
  ipv6AccessConfigs?: AccessConfig[];
}

export interface Instance extends EntityBase {
  kind: 'instance';
  zone: string;
  tags: string[];
  serviceAccounts: string[];
  labels: Record<string, string>;
  /** From metadata `cluster-name` (GKE nodes). */
  clusterName?: string;
  /** From label `goog-k8s-node-pool-name`. */
  nodePool?: string;
  networkInterfaces: NetworkInterface[];
}

export type Entity = Network | Subnetwork | Route | Firewall | Router | ManagedZone | Cluster | Instance;

/** What a read covers; `recordSets` is per zone (`resource` names the zone). */
export type CollectionKind =
  | 'networks'
  | 'subnetworks'
  | 'routes'
  | 'firewalls'
  | 'routers'
  | 'managedZones'
  | 'recordSets'
  | 'clusters'
  | 'instances';

/** A part of a project the collector could not read; rules that need it are not evaluated. */
export interface ReadError {
  project: string;
  collection: CollectionKind;
  /** The specific resource (a zone's fullName for record sets), when the error is that narrow. */
  resource?: string;
  /** HTTP status, or 0 for a timeout / network failure. */
  status: number;
  reason?: string;
  message: string;
}

export interface SnapshotScope {
  kind: 'projects' | 'folder' | 'organization' | 'plan' | 'assets' | 'fixture';
  /** The folder or organization id, the plan path, the export path. */
  id?: string;
  projects: string[];
  /** `i/n` when this snapshot is one shard of a larger scope. */
  shard?: string;
}

export interface Snapshot {
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  generatedAt: string;
  generator?: { name: string; version: string };
  scope: SnapshotScope;
  networks: Network[];
  subnetworks: Subnetwork[];
  routes: Route[];
  firewalls: Firewall[];
  routers: Router[];
  managedZones: ManagedZone[];
  clusters: Cluster[];
  instances: Instance[];
  readErrors: ReadError[];
}

export function emptySnapshot(scope: SnapshotScope): Snapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    scope,
    networks: [],
    subnetworks: [],
    routes: [],
    firewalls: [],
    routers: [],
    managedZones: [],
    clusters: [],
    instances: [],
    readErrors: [],
  };
}
