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

/**
 * Version 2 added coverage (what was read, per project and collection), the projects with their
 * folder ancestry and Shared VPC host, firewall policies, PSC addresses and forwarding rules, DNS
 * response and server policies, service perimeters, policy-based routes, Cloud NAT and dynamic
 * routes. Version 1 snapshots are upgraded on load (src/model/upgrade.ts).
 */
export const SNAPSHOT_SCHEMA_VERSION = 2;

export type EntityKind =
  | 'network'
  | 'subnetwork'
  | 'route'
  | 'firewall'
  | 'router'
  | 'managedZone'
  | 'cluster'
  | 'instance'
  | 'firewallPolicy'
  | 'address'
  | 'forwardingRule'
  | 'responsePolicy'
  | 'dnsPolicy'
  | 'servicePerimeter'
  | 'policyBasedRoute';

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
  /**
   * The project id; for a resource that lives above projects, its owner: `organizations/N` or
   * `folders/N` (a hierarchical firewall policy), `accessPolicies/N` (a service perimeter).
   */
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
  /** `routingConfig.routingMode`; Google's default is `REGIONAL`. */
  routingMode?: 'REGIONAL' | 'GLOBAL';
  /**
   * Where the network's global and regional network firewall policies sit relative to its VPC
   * firewall rules; Google's default is `AFTER_CLASSIC_FIREWALL`.
   */
  networkFirewallPolicyEnforcementOrder?: 'AFTER_CLASSIC_FIREWALL' | 'BEFORE_CLASSIC_FIREWALL';
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
  /** `IPV4_ONLY`, `IPV4_IPV6` (dual-stack) or `IPV6_ONLY`. */
  stackType?: string;
  /** `externalIpv6Prefix` of a dual-stack subnet with external IPv6. */
  externalIpv6Prefix?: string;
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
  /** `TRANSIT`, `SUBNET`, `BGP` (dynamic, learned by a Cloud Router) or `STATIC`. */
  routeType?: string;
  /** A dynamic route: the fullName of the Cloud Router that learned it. */
  learnedBy?: string;
  /**
   * A dynamic route in a network whose routing mode is `REGIONAL` applies only to instances in
   * this region.
   */
  region?: string;
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

/** One rule of a firewall policy (REST `FirewallPolicyRule`). */
export interface FirewallPolicyRule {
  priority: number;
  direction: 'INGRESS' | 'EGRESS';
  /** `allow`, `deny`, `goto_next` or `apply_security_profile_group` (an allow that inspects). */
  action: 'allow' | 'deny' | 'goto_next' | 'apply_security_profile_group';
  disabled: boolean;
  ruleName?: string;
  description?: string;
  srcIpRanges: string[];
  destIpRanges: string[];
  /** `match.layer4Configs`, with `ipProtocol` lower-cased; empty = every protocol. */
  layer4Configs: { ipProtocol: string; ports?: string[] }[];
  /** `match.srcSecureTags[].name`: `tagValues/N`. */
  srcSecureTags: string[];
  /** `targetSecureTags[].name`: `tagValues/N`; empty with no other target = every instance. */
  targetSecureTags: string[];
  /** Service account emails. */
  targetServiceAccounts: string[];
  /** Network fullNames the rule is limited to (hierarchical policies). */
  targetResources: string[];
  /**
   * Match fields this tool cannot judge (the answer could depend on them): the field name and its
   * values, e.g. `destFqdns` → [`example.com`]. Fields: `srcFqdns`, `destFqdns`, `srcRegionCodes`,
   * `destRegionCodes`, `srcAddressGroups`, `destAddressGroups`, `srcThreatIntelligences`,
   * `destThreatIntelligences`, `srcNetworkScope`, `destNetworkScope`, `srcNetworks`.
   */
  unsupportedMatch?: Record<string, string[]>;
  origin?: Origin;
  /** Model paths (relative to the rule) unknown until apply. */
  unknown?: string[];
}

/**
 * A firewall policy: hierarchical (on an organization or folder), global network or regional
 * network. fullName: `//compute.googleapis.com/locations/global/firewallPolicies/ID`
 * (hierarchical), `//compute.googleapis.com/projects/P/global/firewallPolicies/NAME`,
 * `//compute.googleapis.com/projects/P/regions/R/firewallPolicies/NAME`.
 */
export interface FirewallPolicy extends EntityBase {
  kind: 'firewallPolicy';
  policyType: 'hierarchical' | 'network' | 'regional';
  /** `shortName` (hierarchical) or `name`, for messages. */
  displayName?: string;
  /** A regional network firewall policy's region. */
  region?: string;
  /**
   * What the policy is associated with: `organizations/N` or `folders/N` (hierarchical), network
   * fullNames (network and regional policies).
   */
  attachments: string[];
  rules: FirewallPolicyRule[];
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

export interface RouterNatSubnetwork {
  /** fullName of the subnetwork. */
  name: string;
  /** `ALL_IP_RANGES`, `PRIMARY_IP_RANGE`, `LIST_OF_SECONDARY_IP_RANGES`. */
  sourceIpRangesToNat: string[];
  secondaryIpRangeNames?: string[];
}

/** A Cloud NAT gateway on a router (REST `RouterNat`). */
export interface RouterNat {
  name: string;
  /** `PUBLIC` (the default: internet egress) or `PRIVATE` (NAT between VPC networks). */
  type?: string;
  /**
   * `ALL_SUBNETWORKS_ALL_IP_RANGES`, `ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES` or
   * `LIST_OF_SUBNETWORKS` (then `subnetworks` says which ranges).
   */
  sourceSubnetworkIpRangesToNat: string;
  subnetworks: RouterNatSubnetwork[];
  natIpAllocateOption?: string;
}

export interface Router extends EntityBase {
  kind: 'router';
  network: string;
  region: string;
  bgp?: BgpConfig;
  bgpPeers: BgpPeer[];
  interfaces: RouterInterface[];
  /** Cloud NAT gateways; absent = none. */
  nats?: RouterNat[];
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
  /** fullNames of the GKE clusters the private zone is visible to (`privateVisibilityConfig.gkeClusters`). */
  privateVisibilityClusters?: string[];
  /** A forwarding or peering zone does not answer from its own record sets. */
  forwardingTargets?: string[];
  peeringTargetNetwork?: string;
  /** Absent when the record sets were not read (see the snapshot's readErrors). */
  recordSets?: RecordSet[];
}

/** One rule of a response policy (REST `ResponsePolicyRule`). */
export interface ResponsePolicyRule {
  ruleName: string;
  /** With the trailing dot, lower-cased; may start with `*.`. */
  dnsName: string;
  /** `bypassResponsePolicy` passes the query on to zones; absent with `localData` = answer. */
  behavior?: string;
  /** The records the rule answers with. */
  localData?: RecordSet[];
  origin?: Origin;
}

/** A Cloud DNS response policy, evaluated before private zones. fullName `//dns.googleapis.com/projects/P/responsePolicies/N`. */
export interface ResponsePolicy extends EntityBase {
  kind: 'responsePolicy';
  /** fullNames of the networks it is bound to. */
  networks: string[];
  /** fullNames of the GKE clusters it is bound to. */
  gkeClusters: string[];
  /** Absent when the rules were not read (see coverage `responsePolicies`). */
  rules?: ResponsePolicyRule[];
}

/** A Cloud DNS server policy. fullName `//dns.googleapis.com/projects/P/policies/N`. */
export interface DnsServerPolicy extends EntityBase {
  kind: 'dnsPolicy';
  networks: string[];
  /** Alternative name servers: when present, every query of the network is forwarded to them. */
  alternativeNameServers: { ipv4Address?: string; ipv6Address?: string; forwardingPath?: string }[];
  enableInboundForwarding?: boolean;
}

/** A compute address (global or regional). */
export interface Address extends EntityBase {
  kind: 'address';
  /** Absent for a global address. */
  region?: string;
  address: string;
  /** `INTERNAL` or `EXTERNAL`. */
  addressType?: string;
  /** e.g. `PRIVATE_SERVICE_CONNECT`, `GCE_ENDPOINT`, `VPC_PEERING`. */
  purpose?: string;
  network?: string;
  subnetwork?: string;
  ipVersion?: string;
}

/** A compute forwarding rule (global or regional). */
export interface ForwardingRule extends EntityBase {
  kind: 'forwardingRule';
  /** Absent for a global forwarding rule. */
  region?: string;
  /** The IP address it serves (resolved from an address reference when the input allows). */
  IPAddress?: string;
  /** fullName of the address resource `IPAddress` named, when it named one. */
  addressRef?: string;
  /**
   * For a Private Service Connect endpoint for Google APIs, the bundle: `all-apis` or `vpc-sc`;
   * otherwise the target's reference as given.
   */
  target?: string;
  network?: string;
  loadBalancingScheme?: string;
  pscConnectionStatus?: string;
}

/** The enforced (`status`) or dry-run (`spec`) configuration of a service perimeter. */
export interface ServicePerimeterConfig {
  /** `projects/NUMBER` (and VPC network names). */
  resources: string[];
  restrictedServices: string[];
}

/**
 * A VPC Service Controls service perimeter (Access Context Manager). fullName
 * `//accesscontextmanager.googleapis.com/accessPolicies/P/servicePerimeters/N`; `project` is
 * `accessPolicies/P`.
 */
export interface ServicePerimeter extends EntityBase {
  kind: 'servicePerimeter';
  title?: string;
  /** `PERIMETER_TYPE_REGULAR` or `PERIMETER_TYPE_BRIDGE`. */
  perimeterType?: string;
  status?: ServicePerimeterConfig;
  spec?: ServicePerimeterConfig;
  useExplicitDryRunSpec?: boolean;
}

/**
 * A policy-based route (Network Connectivity API), evaluated before the route table. fullName
 * `//networkconnectivity.googleapis.com/projects/P/locations/global/policyBasedRoutes/N`.
 */
export interface PolicyBasedRoute extends EntityBase {
  kind: 'policyBasedRoute';
  network: string;
  priority: number;
  filter: { ipProtocol?: string; srcRange?: string; destRange?: string; protocolVersion?: string };
  /** `virtualMachine.tags`: applies to instances with any of these tags. */
  virtualMachineTags?: string[];
  /** `interconnectAttachment.region`: applies to traffic from attachments in that region, not to VMs. */
  interconnectAttachmentRegion?: string;
  nextHopIlbIp?: string;
  /** `DEFAULT_ROUTING`: matching traffic skips the remaining policy-based routes. */
  nextHopOtherRoutes?: string;
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
  /** Secure tags bound to the pool's nodes (`config.resourceManagerTags` values: `tagValues/N`). */
  resourceManagerTags?: string[];
  /** Managed by Autopilot. */
  autopilot?: boolean;
  origin?: Origin;
}

export interface Cluster extends EntityBase {
  kind: 'cluster';
  location: string;
  /** The cluster's unique id (REST `id`), which GKE writes on its nodes as metadata `cluster-uid`. */
  uid?: string;
  /** `autopilot.enabled`. */
  autopilot?: boolean;
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
  /** Secure tags of Autopilot / auto-provisioned nodes (`nodePoolAutoConfig.resourceManagerTags`). */
  autoNodeResourceManagerTags?: string[];
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
  /** From metadata `cluster-name` or label `goog-k8s-cluster-name` (GKE nodes). */
  clusterName?: string;
  /** From metadata `cluster-location` or label `goog-k8s-cluster-location`. */
  clusterLocation?: string;
  /** From metadata `cluster-uid`. */
  clusterUid?: string;
  /** fullName of the managed instance group the VM belongs to (metadata `created-by`). */
  instanceGroup?: string;
  /** Secure tags bound to the VM (`tagValues/N`). */
  secureTags?: string[];
  /** From label `goog-k8s-node-pool-name`. */
  nodePool?: string;
  networkInterfaces: NetworkInterface[];
}

export type Entity =
  | Network
  | Subnetwork
  | Route
  | Firewall
  | Router
  | ManagedZone
  | Cluster
  | Instance
  | FirewallPolicy
  | Address
  | ForwardingRule
  | ResponsePolicy
  | DnsServerPolicy
  | ServicePerimeter
  | PolicyBasedRoute;

/**
 * What a read covers, per project (src/model/coverage.ts lists them). `recordSets` may also fail
 * per zone (a read error's `resource` names the zone). `firewallPolicies` of a project are the
 * policies that apply to its networks (hierarchical ones included); `servicePerimeters` of a
 * project are the perimeters that could hold it; `dynamicRoutes` are the routes its Cloud Routers
 * learned; `projects` is the project's own record (folder ancestry, Shared VPC host).
 */
export type CollectionKind =
  | 'projects'
  | 'networks'
  | 'subnetworks'
  | 'routes'
  | 'dynamicRoutes'
  | 'policyBasedRoutes'
  | 'firewalls'
  | 'firewallPolicies'
  | 'routers'
  | 'managedZones'
  | 'recordSets'
  | 'responsePolicies'
  | 'dnsPolicies'
  | 'addresses'
  | 'forwardingRules'
  | 'servicePerimeters'
  | 'clusters'
  | 'instances';

/**
 * Whether a collection of a project was read: `read` (whatever it holds, even nothing, is all
 * there is), `not-read` (`reason` says why: a read error, an asset type absent from an export, a
 * resource a plan does not manage), or `out-of-scope` (the input could not hold it, e.g. the
 * DNS zones of a project audited from a plan that manages none; rules treat it as not read).
 */
export interface CoverageEntry {
  project: string;
  collection: CollectionKind;
  state: 'read' | 'not-read' | 'out-of-scope';
  reason?: string;
}

/** A project of the snapshot: why it is there, where it sits, and its Shared VPC host. */
export interface ProjectInfo {
  projectId: string;
  projectNumber?: string;
  /** `scope`: asked for; `shared-vpc-host`: read because a cluster's network lives there. */
  includedAs: 'scope' | 'shared-vpc-host';
  /**
   * Ancestors from the direct parent up to the organization, e.g.
   * [`folders/2`, `folders/1`, `organizations/3`]; absent when not read.
   */
  ancestors?: string[];
  /** A Shared VPC service project's host project id. */
  sharedVpcHost?: string;
}

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
  /** Projects of the snapshot (scope and followed hosts). */
  projects: ProjectInfo[];
  /** What was read per project and collection; a pair with no entry was not read. */
  coverage: CoverageEntry[];
  networks: Network[];
  subnetworks: Subnetwork[];
  routes: Route[];
  firewalls: Firewall[];
  routers: Router[];
  managedZones: ManagedZone[];
  clusters: Cluster[];
  instances: Instance[];
  firewallPolicies: FirewallPolicy[];
  addresses: Address[];
  forwardingRules: ForwardingRule[];
  responsePolicies: ResponsePolicy[];
  dnsPolicies: DnsServerPolicy[];
  servicePerimeters: ServicePerimeter[];
  policyBasedRoutes: PolicyBasedRoute[];
  readErrors: ReadError[];
}

/** The snapshot's entity lists, one per entity kind. */
export const ENTITY_LISTS = [
  'networks',
  'subnetworks',
  'routes',
  'firewalls',
  'routers',
  'managedZones',
  'clusters',
  'instances',
  'firewallPolicies',
  'addresses',
  'forwardingRules',
  'responsePolicies',
  'dnsPolicies',
  'servicePerimeters',
  'policyBasedRoutes',
] as const satisfies readonly (keyof Snapshot)[];

export function emptySnapshot(scope: SnapshotScope): Snapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    scope,
    projects: [],
    coverage: [],
    networks: [],
    subnetworks: [],
    routes: [],
    firewalls: [],
    routers: [],
    managedZones: [],
    clusters: [],
    instances: [],
    firewallPolicies: [],
    addresses: [],
    forwardingRules: [],
    responsePolicies: [],
    dnsPolicies: [],
    servicePerimeters: [],
    policyBasedRoutes: [],
    readErrors: [],
  };
}
