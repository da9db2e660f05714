/**
 * Google Cloud REST resources (camelCase JSON, as the APIs, the client libraries and Cloud Asset
 * Inventory's `resource.data` give them) → Snapshot entities. Every source that speaks the REST
 * representation goes through here, so a cluster read live and one read from an asset export are
 * the same entity.
 *
 * Fields are picked one by one, never copied wholesale: a cluster's `masterAuth`, an instance's
 * metadata (kube-env holds credentials) or any key never reaches the Snapshot.
 */
import type {
  AccessConfig,
  Address,
  DnsServerPolicy,
  ForwardingRule,
  ResponsePolicy,
  ResponsePolicyRule,
  ServicePerimeter,
  ServicePerimeterConfig,
  AuthorizedNetworksConfig,
  BgpPeer,
  Cluster,
  Firewall,
  FirewallPermission,
  FirewallPolicy,
  FirewallPolicyRule,
  Instance,
  ManagedZone,
  Network,
  NodePool,
  Origin,
  PolicyBasedRoute,
  RecordSet,
  Route,
  Router,
  RouterNat,
  Subnetwork,
} from '../../model/snapshot.js';
import {
  clusterName,
  firewallName,
  instanceName,
  managedZoneName,
  networkName,
  normalizeGateway,
  projectOf,
  routeName,
  routerName,
  shortName,
  subnetworkName,
  toFullName,
} from '../../model/names.js';
import { compact } from '../../model/compact.js';

/** A REST resource: loosely typed JSON straight from the wire. */
export type Json = Record<string, unknown>;

// Client libraries fill unset fields with '' / 0 / false / [] (proto3 defaults); treat '' as absent.
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}
function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Json[]) : [];
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}
function obj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
function origin(base: Omit<Origin, 'selfLink'>, json: Json): Origin {
  return compact({ ...base, selfLink: str(json.selfLink) });
}
const lastSegment = (v: unknown): string | undefined => {
  const s = str(v);
  return s ? shortName(s) : undefined;
};

/** The project of a resource: from its self link, else the one it was listed under. */
function projectFor(json: Json, fallback: string): string {
  const link = str(json.selfLink);
  return (link && projectOf(link)) ?? fallback;
}

const netRef = (ref: unknown, project: string): string =>
  toFullName(str(ref), { defaultProject: project, collection: 'networks' }) ?? String(ref ?? '');

export function normalizeNetwork(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Network {
  const p = projectFor(json, project);
  const name = String(json.name);
  return {
    kind: 'network',
    name,
    fullName: networkName(p, name),
    project: p,
    origin: origin(base, json),
    ...compact({
      autoCreateSubnetworks: bool(json.autoCreateSubnetworks),
      networkFirewallPolicyEnforcementOrder: enforcementOrder(json.networkFirewallPolicyEnforcementOrder),
      routingMode: routingModeOf(json),
    }),
    peerings: arr(json.peerings).map((peer) =>
      compact({
        name: String(peer.name),
        network: netRef(peer.network, p),
        state: str(peer.state),
        exportCustomRoutes: bool(peer.exportCustomRoutes),
        importCustomRoutes: bool(peer.importCustomRoutes),
      }),
    ),
  };
}

/** `routingConfig.routingMode`; anything but GLOBAL is Google's default, REGIONAL. */
function routingModeOf(json: Json): Network['routingMode'] {
  const mode = str(obj(json.routingConfig)?.routingMode)?.toUpperCase();
  return mode === 'GLOBAL' ? 'GLOBAL' : mode === 'REGIONAL' ? 'REGIONAL' : undefined;
}

export function normalizeSubnetwork(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Subnetwork {
  const p = projectFor(json, project);
  const name = String(json.name);
  const region = lastSegment(json.region) ?? '';
  return compact({
    kind: 'subnetwork' as const,
    name,
    fullName: subnetworkName(p, region, name),
    project: p,
    origin: origin(base, json),
    region,
    network: netRef(json.network, p),
    ipCidrRange: String(json.ipCidrRange ?? ''),
    secondaryIpRanges: arr(json.secondaryIpRanges).map((r) => ({ rangeName: String(r.rangeName), ipCidrRange: String(r.ipCidrRange) })),
    privateIpGoogleAccess: bool(json.privateIpGoogleAccess),
    purpose: str(json.purpose),
    ipv6CidrRange: str(json.ipv6CidrRange) ?? str(json.internalIpv6Prefix) ?? str(json.externalIpv6Prefix),
    // Dual-stack node subnets reach Google APIs over IPv6 too (vip-egress-firewall asks for both).
    stackType: str(json.stackType),
  });
}

export function normalizeRoute(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Route {
  const p = projectFor(json, project);
  const name = String(json.name);
  return compact({
    kind: 'route' as const,
    name,
    fullName: routeName(p, name),
    project: p,
    origin: origin(base, json),
    network: netRef(json.network, p),
    destRange: String(json.destRange ?? ''),
    priority: num(json.priority) ?? 1000,
    tags: strings(json.tags),
    nextHopGateway: normalizeGateway(str(json.nextHopGateway)),
    nextHopIp: str(json.nextHopIp),
    nextHopInstance: str(json.nextHopInstance),
    nextHopVpnTunnel: str(json.nextHopVpnTunnel),
    nextHopIlb: str(json.nextHopIlb),
    nextHopPeering: str(json.nextHopPeering),
    nextHopNetwork: str(json.nextHopNetwork),
    routeType: str(json.routeType),
  });
}

function permissions(v: unknown): FirewallPermission[] {
  return arr(v).map((p) => {
    const protocol = String(p.IPProtocol ?? p.ipProtocol ?? p.protocol ?? 'all').toLowerCase();
    const ports = strings(p.ports);
    return ports.length ? { IPProtocol: protocol, ports } : { IPProtocol: protocol };
  });
}

export function normalizeFirewall(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Firewall {
  const p = projectFor(json, project);
  const name = String(json.name);
  const direction = String(json.direction ?? 'INGRESS').toUpperCase() === 'EGRESS' ? 'EGRESS' : 'INGRESS';
  return {
    kind: 'firewall',
    name,
    fullName: firewallName(p, name),
    project: p,
    origin: origin(base, json),
    network: netRef(json.network, p),
    direction,
    priority: num(json.priority) ?? 1000,
    sourceRanges: strings(json.sourceRanges),
    destinationRanges: strings(json.destinationRanges),
    sourceTags: strings(json.sourceTags),
    targetTags: strings(json.targetTags),
    sourceServiceAccounts: strings(json.sourceServiceAccounts),
    targetServiceAccounts: strings(json.targetServiceAccounts),
    allowed: permissions(json.allowed),
    denied: permissions(json.denied),
    disabled: bool(json.disabled) ?? false,
  };
}

function advertised(v: unknown): { range: string; description?: string }[] {
  return arr(v).map((r) => compact({ range: String(r.range), description: str(r.description) }));
}

export function normalizeRouter(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Router {
  const p = projectFor(json, project);
  const name = String(json.name);
  const region = lastSegment(json.region) ?? '';
  const bgp = obj(json.bgp);
  const router: Router = {
    kind: 'router',
    name,
    fullName: routerName(p, region, name),
    project: p,
    origin: origin(base, json),
    network: netRef(json.network, p),
    region,
    bgpPeers: arr(json.bgpPeers).map(
      (peer): BgpPeer =>
        compact({
          name: String(peer.name),
          interfaceName: str(peer.interfaceName),
          peerIpAddress: str(peer.peerIpAddress),
          peerAsn: num(peer.peerAsn),
          advertiseMode: str(peer.advertiseMode),
          advertisedGroups: strings(peer.advertisedGroups).length ? strings(peer.advertisedGroups) : undefined,
          advertisedIpRanges: arr(peer.advertisedIpRanges).length ? advertised(peer.advertisedIpRanges) : undefined,
          enable: str(peer.enable),
        }),
    ),
    interfaces: arr(json.interfaces).map((i) =>
      compact({
        name: String(i.name),
        linkedVpnTunnel: str(i.linkedVpnTunnel),
        linkedInterconnectAttachment: str(i.linkedInterconnectAttachment),
        ipRange: str(i.ipRange),
      }),
    ),
  };
  const nats = arr(json.nats).map(normalizeNat);
  if (nats.length > 0) router.nats = nats;
  if (bgp) {
    router.bgp = compact({
      asn: num(bgp.asn),
      advertiseMode: str(bgp.advertiseMode),
      advertisedGroups: strings(bgp.advertisedGroups),
      advertisedIpRanges: advertised(bgp.advertisedIpRanges),
    });
  }
  return router;
}

/** A Cloud NAT gateway of a router (compute REST `RouterNat`); subnetwork references become fullNames. */
function normalizeNat(json: Json): RouterNat {
  return compact({
    name: String(json.name),
    type: str(json.type),
    sourceSubnetworkIpRangesToNat: str(json.sourceSubnetworkIpRangesToNat) ?? '',
    subnetworks: arr(json.subnetworks).map((s) =>
      compact({
        name: toFullName(str(s.name), { collection: 'subnetworks' }) ?? String(s.name ?? ''),
        sourceIpRangesToNat: strings(s.sourceIpRangesToNat),
        secondaryIpRangeNames: strings(s.secondaryIpRangeNames).length ? strings(s.secondaryIpRangeNames) : undefined,
      }),
    ),
    natIpAllocateOption: str(json.natIpAllocateOption),
  });
}

/**
 * A route a Cloud Router learned (an entry of routers.getRouterStatus `result.bestRoutesForRouter`,
 * compute REST `RouterStatus`): a dynamic route of the router's network, applying in the router's
 * region (everywhere under GLOBAL routing). It has no name of its own, so it is named by the router,
 * the destination and the next hop.
 */
export function normalizeLearnedRoute(json: Json, router: Router, base: Omit<Origin, 'selfLink'>): Route {
  const destRange = String(json.destRange ?? '');
  const hop = str(json.nextHopIp) ?? lastSegment(json.nextHopVpnTunnel) ?? lastSegment(json.nextHopInterconnectAttachment) ?? '';
  return compact({
    kind: 'route' as const,
    name: `${router.name} learned ${destRange}${hop ? ` via ${hop}` : ''}`,
    fullName: `${router.fullName}/learnedRoutes/${destRange}${hop ? `/${hop}` : ''}`,
    project: router.project,
    origin: { ...base },
    network: router.network,
    destRange,
    priority: num(json.priority) ?? 1000,
    tags: strings(json.tags),
    nextHopIp: str(json.nextHopIp),
    nextHopVpnTunnel: str(json.nextHopVpnTunnel),
    routeType: str(json.routeType) ?? 'BGP',
    learnedBy: router.fullName,
    region: router.region,
  });
}

/**
 * A policy-based route as the Network Connectivity API (and Cloud Asset Inventory's
 * `networkconnectivity.googleapis.com/PolicyBasedRoute` `resource.data`) gives it: `name`
 * `projects/P/locations/global/policyBasedRoutes/N`, `network` a network URL.
 */
export function normalizePolicyBasedRoute(json: Json, project: string, base: Omit<Origin, 'selfLink'>): PolicyBasedRoute {
  const nameField = String(json.name ?? '');
  const p = projectOf(nameField) ?? project;
  const name = shortName(nameField);
  const filter = obj(json.filter) ?? {};
  const vm = obj(json.virtualMachine);
  const attachment = obj(json.interconnectAttachment);
  return compact({
    kind: 'policyBasedRoute' as const,
    name,
    fullName: `//networkconnectivity.googleapis.com/projects/${p}/locations/global/policyBasedRoutes/${name}`,
    project: p,
    origin: origin(base, json),
    network: netRef(json.network, p),
    priority: num(json.priority) ?? 0,
    filter: compact({ ipProtocol: str(filter.ipProtocol), srcRange: str(filter.srcRange), destRange: str(filter.destRange), protocolVersion: str(filter.protocolVersion) }),
    virtualMachineTags: vm ? strings(vm.tags) : undefined,
    interconnectAttachmentRegion: attachment ? str(attachment.region) : undefined,
    nextHopIlbIp: str(json.nextHopIlbIp),
    nextHopOtherRoutes: str(json.nextHopOtherRoutes),
  });
}

function accessConfigs(v: unknown): AccessConfig[] {
  return arr(v).map((a) => compact({ name: str(a.name), type: str(a.type), natIP: str(a.natIP) ?? str(a.externalIpv6) }));
}

/** Only the metadata keys that place a node (never kube-env or ssh keys): one key's value. */
function metadataValue(metadata: unknown, key: 'cluster-name' | 'cluster-uid' | 'cluster-location' | 'created-by'): string | undefined {
  const items = arr(obj(metadata)?.items);
  return str(items.find((i) => i.key === key)?.value);
}

function clusterNameFromMetadata(metadata: unknown): string | undefined {
  return metadataValue(metadata, 'cluster-name');
}

/**
 * The managed instance group a VM belongs to, as a full name in the VM's project: metadata
 * `created-by` is `projects/NUMBER/zones/Z/instanceGroupManagers/NAME` (a project number, so the
 * VM's own project id is used; a MIG's VMs live in its project).
 */
function instanceGroupOf(createdBy: string | undefined, project: string): string | undefined {
  const m = createdBy ? /(zones|regions)\/([^/]+)\/instanceGroupManagers\/([^/]+)$/.exec(createdBy) : null;
  return m ? `//compute.googleapis.com/projects/${project}/${m[1]}/${m[2]}/instanceGroupManagers/${m[3]}` : undefined;
}

export function normalizeInstance(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Instance {
  const p = projectFor(json, project);
  const name = String(json.name);
  const zone = lastSegment(json.zone) ?? '';
  const labels = Object.fromEntries(
    Object.entries(obj(json.labels) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const tags = obj(json.tags);
  return compact({
    kind: 'instance' as const,
    name,
    fullName: instanceName(p, zone, name),
    project: p,
    origin: origin(base, json),
    zone,
    tags: strings(tags?.items),
    serviceAccounts: arr(json.serviceAccounts)
      .map((sa) => str(sa.email))
      .filter((e): e is string => !!e),
    labels,
    clusterName: clusterNameFromMetadata(json.metadata) ?? labels['goog-k8s-cluster-name'],
    clusterLocation: metadataValue(json.metadata, 'cluster-location') ?? labels['goog-k8s-cluster-location'],
    clusterUid: metadataValue(json.metadata, 'cluster-uid'),
    instanceGroup: instanceGroupOf(metadataValue(json.metadata, 'created-by'), p),
    nodePool: labels['goog-k8s-node-pool-name'],
    networkInterfaces: arr(json.networkInterfaces).map((ni) =>
      compact({
        network: netRef(ni.network, p),
        subnetwork: toFullName(str(ni.subnetwork), { defaultProject: p }),
        networkIP: str(ni.networkIP),
        accessConfigs: accessConfigs(ni.accessConfigs),
        ipv6AccessConfigs: arr(ni.ipv6AccessConfigs).length ? accessConfigs(ni.ipv6AccessConfigs) : undefined,
      }),
    ),
  });
}

/** True for the VMs GKE creates for node pools. */
export function isGkeNode(json: Json): boolean {
  const labels = obj(json.labels) ?? {};
  return 'goog-gke-node' in labels || 'goog-k8s-cluster-name' in labels || clusterNameFromMetadata(json.metadata) !== undefined;
}

function authorizedNetworks(v: unknown): AuthorizedNetworksConfig | undefined {
  const c = obj(v);
  if (!c) return undefined;
  return compact({
    enabled: bool(c.enabled),
    cidrBlocks: arr(c.cidrBlocks).map((b) => compact({ displayName: str(b.displayName), cidrBlock: String(b.cidrBlock) })),
    gcpPublicCidrsAccessEnabled: bool(c.gcpPublicCidrsAccessEnabled),
    privateEndpointEnforcementEnabled: bool(c.privateEndpointEnforcementEnabled),
  });
}

function nodePool(json: Json): NodePool {
  const config = obj(json.config) ?? {};
  const networkConfig = obj(json.networkConfig) ?? {};
  return compact({
    name: String(json.name),
    tags: strings(config.tags),
    serviceAccount: str(config.serviceAccount),
    enablePrivateNodes: bool(networkConfig.enablePrivateNodes),
    instanceGroupUrls: strings(json.instanceGroupUrls).length ? strings(json.instanceGroupUrls) : undefined,
    resourceManagerTags: secureTagValues(config.resourceManagerTags),
  });
}

/**
 * The secure tag values (`tagValues/N`) of a `ResourceManagerTags` (`{ tags: { "tagKeys/K": "tagValues/V" } }`),
 * which GKE binds to the nodes and firewall policy rules target; absent = none.
 */
function secureTagValues(v: unknown): string[] | undefined {
  const tags = obj(obj(v)?.tags);
  const values = tags ? Object.values(tags).filter((t): t is string => typeof t === 'string' && t !== '') : [];
  return values.length ? values : undefined;
}

export function normalizeCluster(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Cluster {
  const selfLink = str(json.selfLink);
  const p = (selfLink && projectOf(selfLink)) ?? project;
  const name = String(json.name);
  const location = str(json.location) ?? str(json.zone) ?? '';
  const region = location.replace(/-[a-z]$/, '');
  const networkConfig = obj(json.networkConfig) ?? {};
  // networkConfig.network carries the host project (Shared VPC); the top-level field is a short name.
  const network = toFullName(str(networkConfig.network), { defaultProject: p }) ?? networkName(p, str(json.network) ?? 'default');
  const subnetwork =
    toFullName(str(networkConfig.subnetwork), { defaultProject: p }) ??
    subnetworkName(projectOf(network) ?? p, region, str(json.subnetwork) ?? 'default');
  const id = str(json.id);

  const ipa = obj(json.ipAllocationPolicy);
  const pcc = obj(json.privateClusterConfig);
  const cpec = obj(json.controlPlaneEndpointsConfig);
  const ipec = obj(cpec?.ipEndpointsConfig);
  const dnsec = obj(cpec?.dnsEndpointConfig);

  const cluster: Cluster = {
    kind: 'cluster',
    name,
    fullName: clusterName(p, location, name),
    project: p,
    origin: compact({ ...base, selfLink }),
    location,
    network,
    subnetwork,
    nodePools: arr(json.nodePools).map(nodePool),
    ...compact({ autoNodeResourceManagerTags: secureTagValues(obj(json.nodePoolAutoConfig)?.resourceManagerTags) }),
  };
  if (id) cluster.uid = id;
  // Autopilot: GKE manages the nodes and fixes their settings (https://cloud.google.com/kubernetes-engine/docs/resources/autopilot-standard-feature-comparison).
  if (bool(obj(json.autopilot)?.enabled) === true) {
    cluster.autopilot = true;
    for (const pool of cluster.nodePools) pool.autopilot = true;
  }
  // GKE tags every node `gke-<cluster>-<first 8 hex of the cluster id>-node`.
  if (id && /^[0-9a-f]{8}/.test(id)) cluster.nodeTag = `gke-${name}-${id.slice(0, 8)}-node`;
  if (ipa) {
    cluster.ipAllocationPolicy = compact({
      useIpAliases: bool(ipa.useIpAliases),
      clusterSecondaryRangeName: str(ipa.clusterSecondaryRangeName),
      servicesSecondaryRangeName: str(ipa.servicesSecondaryRangeName),
      clusterIpv4CidrBlock: str(ipa.clusterIpv4CidrBlock),
      servicesIpv4CidrBlock: str(ipa.servicesIpv4CidrBlock),
    });
  }
  if (pcc) {
    const mga = obj(pcc.masterGlobalAccessConfig);
    cluster.privateClusterConfig = compact({
      enablePrivateNodes: bool(pcc.enablePrivateNodes),
      enablePrivateEndpoint: bool(pcc.enablePrivateEndpoint),
      masterIpv4CidrBlock: str(pcc.masterIpv4CidrBlock),
      peeringName: str(pcc.peeringName),
      privateEndpoint: str(pcc.privateEndpoint),
      publicEndpoint: str(pcc.publicEndpoint),
      privateEndpointSubnetwork: str(pcc.privateEndpointSubnetwork),
      masterGlobalAccessConfig: mga ? compact({ enabled: bool(mga.enabled) }) : undefined,
    });
  }
  const man = authorizedNetworks(json.masterAuthorizedNetworksConfig);
  if (man) cluster.masterAuthorizedNetworksConfig = man;
  if (cpec) {
    cluster.controlPlaneEndpointsConfig = compact({
      ipEndpointsConfig: ipec
        ? compact({
            enabled: bool(ipec.enabled),
            enablePublicEndpoint: bool(ipec.enablePublicEndpoint),
            globalAccess: bool(ipec.globalAccess),
            authorizedNetworksConfig: authorizedNetworks(ipec.authorizedNetworksConfig),
            publicEndpoint: str(ipec.publicEndpoint),
            privateEndpoint: str(ipec.privateEndpoint),
            privateEndpointSubnetwork: str(ipec.privateEndpointSubnetwork),
          })
        : undefined,
      dnsEndpointConfig: dnsec ? compact({ endpoint: str(dnsec.endpoint), allowExternalTraffic: bool(dnsec.allowExternalTraffic) }) : undefined,
    });
  }
  const defaultPrivate = bool(networkConfig.defaultEnablePrivateNodes);
  if (defaultPrivate !== undefined) cluster.networkConfig = { defaultEnablePrivateNodes: defaultPrivate };
  return cluster;
}

export function normalizeRecordSet(json: Json): RecordSet {
  return compact({
    name: String(json.name).toLowerCase(),
    type: String(json.type).toUpperCase(),
    ttl: num(json.ttl),
    rrdatas: strings(json.rrdatas),
  });
}

export function normalizeManagedZone(
  json: Json,
  project: string,
  base: Omit<Origin, 'selfLink'>,
  recordSets?: Json[],
): ManagedZone {
  const name = String(json.name);
  const visibility = String(json.visibility ?? 'public').toLowerCase() === 'private' ? 'private' : 'public';
  const pvc = obj(json.privateVisibilityConfig);
  const forwarding = arr(obj(json.forwardingConfig)?.targetNameServers)
    .map((t) => str(t.ipv4Address) ?? str(t.ipv6Address) ?? str(t.domainName))
    .filter((t): t is string => !!t);
  const peeringTarget = str(obj(obj(json.peeringConfig)?.targetNetwork)?.networkUrl);
  return compact({
    kind: 'managedZone' as const,
    name,
    fullName: managedZoneName(project, name),
    project,
    origin: origin(base, json),
    dnsName: String(json.dnsName ?? '').toLowerCase(),
    visibility,
    privateVisibilityNetworks: arr(pvc?.networks)
      .map((n) => toFullName(str(n.networkUrl), { defaultProject: project, collection: 'networks' }))
      .filter((n): n is string => !!n),
    privateVisibilityClusters: gkeClusterNames(pvc?.gkeClusters),
    forwardingTargets: forwarding.length ? forwarding : undefined,
    peeringTargetNetwork: peeringTarget ? toFullName(peeringTarget, { defaultProject: project, collection: 'networks' }) : undefined,
    recordSets: recordSets?.map(normalizeRecordSet),
  });
}

/** `networkFirewallPolicyEnforcementOrder`; anything else (absent, UNDEFINED_...) is Google's default. */
function enforcementOrder(v: unknown): Network['networkFirewallPolicyEnforcementOrder'] {
  return v === 'BEFORE_CLASSIC_FIREWALL' || v === 'AFTER_CLASSIC_FIREWALL' ? v : undefined;
}

/**
 * The match fields of a FirewallPolicyRule this tool cannot judge (REST reference:
 * https://cloud.google.com/compute/docs/reference/rest/v1/firewallPolicies, `rules[].match`):
 * lists of FQDNs, region codes, address groups, threat-intelligence lists, source networks, and the
 * network scopes (enums; `..._UNSPECIFIED` or absent = no condition).
 */
const UNSUPPORTED_LISTS = ['srcFqdns', 'destFqdns', 'srcRegionCodes', 'destRegionCodes', 'srcAddressGroups', 'destAddressGroups', 'srcThreatIntelligences', 'destThreatIntelligences', 'srcNetworks'];
const UNSUPPORTED_ENUMS = ['srcNetworkScope', 'destNetworkScope'];

function unsupportedMatch(match: Json): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const field of UNSUPPORTED_LISTS) {
    const values = strings(match[field]);
    if (values.length) out[field] = values;
  }
  for (const field of UNSUPPORTED_ENUMS) {
    const value = str(match[field]);
    if (value && !value.endsWith('UNSPECIFIED')) out[field] = [value];
  }
  return Object.keys(out).length ? out : undefined;
}

const ACTIONS = new Set(['allow', 'deny', 'goto_next', 'apply_security_profile_group']);

/** One REST `FirewallPolicyRule` (in a FirewallPolicy, or in an effective-firewalls answer). */
export function normalizeFirewallPolicyRule(json: Json, project: string): FirewallPolicyRule {
  const match = obj(json.match) ?? {};
  const action = String(json.action ?? 'deny').toLowerCase();
  return compact({
    priority: num(json.priority) ?? 0,
    direction: String(json.direction ?? 'INGRESS').toUpperCase() === 'EGRESS' ? ('EGRESS' as const) : ('INGRESS' as const),
    // An action this tool does not know is taken as a deny: it can only make a verdict stricter.
    action: (ACTIONS.has(action) ? action : 'deny') as FirewallPolicyRule['action'],
    disabled: bool(json.disabled) ?? false,
    ruleName: str(json.ruleName),
    description: str(json.description),
    srcIpRanges: strings(match.srcIpRanges),
    destIpRanges: strings(match.destIpRanges),
    layer4Configs: arr(match.layer4Configs).map((l4) => {
      const ports = strings(l4.ports);
      const ipProtocol = String(l4.ipProtocol ?? 'all').toLowerCase();
      return ports.length ? { ipProtocol, ports } : { ipProtocol };
    }),
    srcSecureTags: arr(match.srcSecureTags).map((t) => String(t.name)),
    targetSecureTags: arr(json.targetSecureTags).map((t) => String(t.name)),
    targetServiceAccounts: strings(json.targetServiceAccounts),
    targetResources: strings(json.targetResources).map((r) => netRef(r, project)),
    unsupportedMatch: unsupportedMatch(match),
  });
}

/** `organizations/N` or `folders/N` out of an attachment target or parent, in whatever form it came. */
function hierarchyNode(v: unknown): string | undefined {
  const m = /(organizations|folders)\/(\d+)/.exec(String(v ?? ''));
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * A REST `FirewallPolicy`: hierarchical (it has a `parent`, and its `name` is a numeric id), global
 * network, or regional network (it has a `region`). Its attachments are its
 * `associations[].attachmentTarget`: an organization or folder, or a network.
 */
export function normalizeFirewallPolicy(json: Json, project: string, base: Omit<Origin, 'selfLink'>): FirewallPolicy {
  const link = str(json.selfLink) ?? '';
  const name = String(json.name);
  const parent = hierarchyNode(json.parent);
  const hierarchical = parent !== undefined || /\/locations\/global\/firewallPolicies\//.test(link);
  const region = lastSegment(json.region);
  const p = hierarchical ? (parent ?? 'organizations/unknown') : projectFor(json, project);
  const policyType: FirewallPolicy['policyType'] = hierarchical ? 'hierarchical' : region ? 'regional' : 'network';
  const fullName = hierarchical
    ? `//compute.googleapis.com/locations/global/firewallPolicies/${name}`
    : region
      ? `//compute.googleapis.com/projects/${p}/regions/${region}/firewallPolicies/${name}`
      : `//compute.googleapis.com/projects/${p}/global/firewallPolicies/${name}`;
  const attachments = arr(json.associations)
    .map((a) => (hierarchical ? hierarchyNode(a.attachmentTarget) : netRef(a.attachmentTarget, p)))
    .filter((a): a is string => a !== undefined && a !== '');
  return compact({
    kind: 'firewallPolicy' as const,
    name,
    fullName,
    project: p,
    origin: origin(base, json),
    policyType,
    displayName: str(json.shortName) ?? str(json.displayName),
    region,
    attachments: [...new Set(attachments)],
    rules: arr(json.rules).map((r) => normalizeFirewallPolicyRule(r, p)),
  });
}

/** `[{gkeClusterName: "projects/P/locations/L/clusters/C"}]` → cluster fullNames; undefined when empty. */
function gkeClusterNames(v: unknown): string[] | undefined {
  const names = arr(v)
    .map((c) => toFullName(str(c.gkeClusterName), { service: 'container' }))
    .filter((n): n is string => !!n);
  return names.length > 0 ? names : undefined;
}

function networkUrls(v: unknown, project: string): string[] {
  return arr(v)
    .map((n) => toFullName(str(n.networkUrl), { defaultProject: project, collection: 'networks' }))
    .filter((n): n is string => !!n);
}

const IP_LITERAL = /^[0-9.]+$|^[0-9a-f:]+$/i;

/** A compute address, global or regional (REST `Address`; CAI `compute.googleapis.com/GlobalAddress`). */
export function normalizeAddress(json: Json, project: string, base: Omit<Origin, 'selfLink'>): Address {
  const p = projectFor(json, project);
  const name = String(json.name);
  const region = lastSegment(json.region);
  return compact({
    kind: 'address' as const,
    name,
    fullName: region ? `//compute.googleapis.com/projects/${p}/regions/${region}/addresses/${name}` : `//compute.googleapis.com/projects/${p}/global/addresses/${name}`,
    project: p,
    origin: origin(base, json),
    region,
    address: String(json.address ?? ''),
    addressType: str(json.addressType),
    purpose: str(json.purpose),
    network: toFullName(str(json.network), { defaultProject: p, collection: 'networks' }),
    subnetwork: toFullName(str(json.subnetwork), { defaultProject: p }),
    ipVersion: str(json.ipVersion),
  });
}

/**
 * One policy of a `getEffectiveFirewalls` answer (networks. or regionNetworkFirewallPolicies.):
 * `type` HIERARCHY, NETWORK or NETWORK_REGIONAL, with its rules as they apply to `network`. The
 * answer does not say where a hierarchical policy is attached, so it is recorded as attached to the
 * network itself, in the answer's order (the organization's first). Google's system policies
 * (SYSTEM_*) are managed for its own services and are not modelled. Returns undefined for those.
 */
export function normalizeEffectiveFirewallPolicy(json: Json, project: string, network: string, region: string | undefined, base: Omit<Origin, 'selfLink'>): FirewallPolicy | undefined {
  const type = String(json.type ?? '');
  const name = String(json.name);
  const rules = arr(json.rules).map((r) => normalizeFirewallPolicyRule(r, project));
  const displayName = str(json.shortName) ?? str(json.displayName);
  const common = { kind: 'firewallPolicy' as const, name, origin: compact({ ...base }), attachments: [network], rules };
  if (type === 'HIERARCHY') {
    return compact({ ...common, fullName: `//compute.googleapis.com/locations/global/firewallPolicies/${name}`, project: 'organizations/unknown', policyType: 'hierarchical' as const, displayName });
  }
  if (type === 'NETWORK') {
    return compact({ ...common, fullName: `//compute.googleapis.com/projects/${project}/global/firewallPolicies/${name}`, project, policyType: 'network' as const, displayName });
  }
  if (type === 'NETWORK_REGIONAL' && region) {
    return compact({ ...common, fullName: `//compute.googleapis.com/projects/${project}/regions/${region}/firewallPolicies/${name}`, project, policyType: 'regional' as const, region, displayName });
  }
  return undefined;
}

/**
 * A compute forwarding rule, global or regional (REST `ForwardingRule`). For a Private Service
 * Connect endpoint for Google APIs `target` is the bundle, `all-apis` or `vpc-sc`; `IPAddress` is
 * the address itself or, as written at creation, a reference to the address resource.
 */
export function normalizeForwardingRule(json: Json, project: string, base: Omit<Origin, 'selfLink'>): ForwardingRule {
  const p = projectFor(json, project);
  const name = String(json.name);
  const region = lastSegment(json.region);
  const ip = str(json.IPAddress);
  const target = str(json.target);
  return compact({
    kind: 'forwardingRule' as const,
    name,
    fullName: region
      ? `//compute.googleapis.com/projects/${p}/regions/${region}/forwardingRules/${name}`
      : `//compute.googleapis.com/projects/${p}/global/forwardingRules/${name}`,
    project: p,
    origin: origin(base, json),
    region,
    IPAddress: ip && IP_LITERAL.test(ip) ? ip : undefined,
    addressRef: ip && !IP_LITERAL.test(ip) ? toFullName(ip, { defaultProject: p }) : undefined,
    target: target === 'all-apis' || target === 'vpc-sc' ? target : target && (toFullName(target, { defaultProject: p }) ?? target),
    network: toFullName(str(json.network), { defaultProject: p, collection: 'networks' }),
    loadBalancingScheme: str(json.loadBalancingScheme),
    pscConnectionStatus: str(json.pscConnectionStatus),
  });
}

/** One rule of a response policy (REST `ResponsePolicyRule`). */
export function normalizeResponsePolicyRule(json: Json): ResponsePolicyRule {
  const localData = arr(obj(json.localData)?.localDatas).map(normalizeRecordSet);
  return compact({
    ruleName: String(json.ruleName ?? ''),
    dnsName: String(json.dnsName ?? '').toLowerCase(),
    behavior: str(json.behavior) === 'behaviorUnspecified' ? undefined : str(json.behavior),
    localData: localData.length > 0 ? localData : undefined,
  });
}

/**
 * A Cloud DNS response policy (REST `ResponsePolicy`: `responsePolicyName`, `networks[].networkUrl`,
 * `gkeClusters[].gkeClusterName`). Its rules are a separate resource (and a separate asset type):
 * `rules` stays undefined until they are attached.
 */
export function normalizeResponsePolicy(json: Json, project: string, base: Omit<Origin, 'selfLink'>, rules?: Json[]): ResponsePolicy {
  const name = String(json.responsePolicyName ?? json.name ?? '');
  return compact({
    kind: 'responsePolicy' as const,
    name,
    fullName: `//dns.googleapis.com/projects/${project}/responsePolicies/${name}`,
    project,
    origin: origin(base, json),
    networks: networkUrls(json.networks, project),
    gkeClusters: gkeClusterNames(json.gkeClusters) ?? [],
    rules: rules?.map(normalizeResponsePolicyRule),
  });
}

/** A Cloud DNS server policy (REST `Policy`: `networks[].networkUrl`, `alternativeNameServerConfig.targetNameServers`). */
export function normalizeDnsPolicy(json: Json, project: string, base: Omit<Origin, 'selfLink'>): DnsServerPolicy {
  const name = String(json.name ?? '');
  return compact({
    kind: 'dnsPolicy' as const,
    name,
    fullName: `//dns.googleapis.com/projects/${project}/policies/${name}`,
    project,
    origin: origin(base, json),
    networks: networkUrls(json.networks, project),
    alternativeNameServers: arr(obj(json.alternativeNameServerConfig)?.targetNameServers).map((t) =>
      compact({ ipv4Address: str(t.ipv4Address), ipv6Address: str(t.ipv6Address), forwardingPath: str(t.forwardingPath) }),
    ),
    enableInboundForwarding: bool(json.enableInboundForwarding),
  });
}

function perimeterConfig(v: unknown): ServicePerimeterConfig | undefined {
  const config = obj(v);
  if (!config) return undefined;
  return { resources: strings(config.resources), restrictedServices: strings(config.restrictedServices) };
}

/**
 * An Access Context Manager service perimeter (REST `ServicePerimeter`, `name`
 * `accessPolicies/P/servicePerimeters/N`; Cloud Asset Inventory gives it in the asset's
 * `servicePerimeter` with content type ACCESS_POLICY).
 */
export function normalizeServicePerimeter(json: Json, base: Omit<Origin, 'selfLink'>): ServicePerimeter {
  const path = String(json.name ?? '').replace(/^\/\/accesscontextmanager\.googleapis\.com\//, '');
  const policy = /^(accessPolicies\/[^/]+)/.exec(path)?.[1] ?? '';
  return compact({
    kind: 'servicePerimeter' as const,
    name: shortName(path),
    fullName: `//accesscontextmanager.googleapis.com/${path}`,
    project: policy,
    origin: compact({ ...base }),
    title: str(json.title),
    // The REST fallback of the asset client may give the enum as its number (0 regular, 1 bridge).
    perimeterType: typeof json.perimeterType === 'number' ? (json.perimeterType === 1 ? 'PERIMETER_TYPE_BRIDGE' : 'PERIMETER_TYPE_REGULAR') : str(json.perimeterType),
    status: perimeterConfig(json.status),
    spec: perimeterConfig(json.spec),
    useExplicitDryRunSpec: bool(json.useExplicitDryRunSpec),
  });
}
