/**
 * Terraform resource instances of the google provider → Snapshot entities, or parts of one
 * (a node pool of a cluster, a BGP peer of a router, a record set of a zone, the route-export
 * flags of a network's peering). Attributes are picked one by one, never copied wholesale, and
 * read through PlanValues, so unknown or sensitive values never reach the Snapshot.
 */
import type {
  Address,
  DnsServerPolicy,
  ForwardingRule,
  ResponsePolicy,
  ResponsePolicyRule,
  ServicePerimeter,
  ServicePerimeterConfig,
  BgpPeer,
  Cluster,
  Entity,
  EntityKind,
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
  RouterInterface,
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
  regionOf,
  routeName,
  routerName,
  shortName,
  subnetworkName,
  toFullName,
} from '../../model/names.js';
import type { Path, PlanValues } from './values.js';
import { mapPolicy, mapPolicyRule, policyFullName, policyRefKey, POLICY_ASSOCIATION_TYPES, POLICY_RULE_TYPES, POLICY_TYPES } from './firewall-policies.js';
import { compact } from '../../model/compact.js';

// Null prototype: a plan's resource type is input, and `constructor` or `__proto__` must find nothing.
export const ENTITY_TYPES: Record<string, EntityKind> = Object.assign(Object.create(null) as Record<string, EntityKind>, {
  google_compute_network: 'network',
  google_compute_subnetwork: 'subnetwork',
  google_compute_route: 'route',
  google_compute_firewall: 'firewall',
  google_compute_router: 'router',
  google_dns_managed_zone: 'managedZone',
  google_container_cluster: 'cluster',
  google_compute_instance: 'instance',
  ...Object.fromEntries(Object.keys(POLICY_TYPES).map((t) => [t, 'firewallPolicy' as const])),
  // Terraform google provider: PSC endpoints for Google APIs (google_compute_global_address with
  // purpose PRIVATE_SERVICE_CONNECT, google_compute_global_forwarding_rule with target all-apis /
  // vpc-sc), Cloud DNS response and server policies, VPC Service Controls perimeters.
  google_compute_global_address: 'address',
  google_compute_global_forwarding_rule: 'forwardingRule',
  google_dns_response_policy: 'responsePolicy',
  google_dns_policy: 'dnsPolicy',
  google_access_context_manager_service_perimeter: 'servicePerimeter',
  google_network_connectivity_policy_based_route: 'policyBasedRoute',
});

export const PART_TYPES = [
  'google_container_node_pool',
  'google_compute_router_peer',
  'google_compute_router_interface',
  'google_dns_record_set',
  'google_compute_network_peering_routes_config',
  ...(Object.keys(POLICY_RULE_TYPES) as (keyof typeof POLICY_RULE_TYPES)[]),
  ...(Object.keys(POLICY_ASSOCIATION_TYPES) as (keyof typeof POLICY_ASSOCIATION_TYPES)[]),
  'google_dns_response_policy_rule',
  'google_access_context_manager_service_perimeter_resource',
  'google_compute_router_nat',
] as const;

export type PartType = (typeof PART_TYPES)[number];

export const isSupportedType = (type: string): boolean => type in ENTITY_TYPES || (PART_TYPES as readonly string[]).includes(type);

/**
 * A part of an entity that Terraform manages as its own resource. `parent` is the entity's full
 * name; `unknown` lists the item's fields unknown until apply (`''`: the parent's whole list).
 */
export type Part =
  | { kind: 'nodePool'; parent: string; item: NodePool; unknown: string[] }
  | { kind: 'bgpPeer'; parent: string; item: BgpPeer; unknown: string[] }
  | { kind: 'routerInterface'; parent: string; item: RouterInterface; unknown: string[] }
  | { kind: 'recordSet'; parent: string; item: RecordSet; unknown: string[] }
  | { kind: 'peering'; parent: string; item: { name: string; exportCustomRoutes?: boolean; importCustomRoutes?: boolean }; unknown: string[] }
  /** A firewall policy rule managed as its own resource; `name` is its priority, which identifies it in the policy. */
  | { kind: 'policyRule'; parent: string; item: FirewallPolicyRule & { name: string }; unknown: string[] }
  /** A firewall policy association: `name` is what it attaches the policy to. */
  | { kind: 'policyAttachment'; parent: string; item: { name: string }; unknown: string[] }
  | { kind: 'responsePolicyRule'; parent: string; item: ResponsePolicyRule & { name: string }; unknown: string[] }
  /** `google_access_context_manager_service_perimeter_resource`: one `projects/NUMBER` added to the enforced `status.resources`. */
  | { kind: 'perimeterResource'; parent: string; item: { name: string }; unknown: string[] }
  | { kind: 'nat'; parent: string; item: RouterNat; unknown: string[] };

export type PartCollection = 'clusters' | 'routers' | 'managedZones' | 'networks' | 'firewallPolicies' | 'responsePolicies' | 'servicePerimeters';

/** The collection a part belongs to, for parts whose parent cannot be told. */
export const PART_PARENT: Record<Part['kind'], { collection: PartCollection; path: string }> = {
  nodePool: { collection: 'clusters', path: 'nodePools' },
  bgpPeer: { collection: 'routers', path: 'bgpPeers' },
  routerInterface: { collection: 'routers', path: 'interfaces' },
  recordSet: { collection: 'managedZones', path: 'recordSets' },
  peering: { collection: 'networks', path: 'peerings' },
  policyRule: { collection: 'firewallPolicies', path: 'rules' },
  policyAttachment: { collection: 'firewallPolicies', path: 'attachments' },
  responsePolicyRule: { collection: 'responsePolicies', path: 'rules' },
  perimeterResource: { collection: 'servicePerimeters', path: 'status.resources' },
  nat: { collection: 'routers', path: 'nats' },
};

/** What a mapper needs besides the values: how to follow a link that is unknown until apply. */
export interface MapContext {
  address: string;
  values: PlanValues;
  origin: Origin;
  /** The identity of the entity this resource instance is (from identify()). */
  key: string;
  /**
   * The entity key a link attribute points at when its value is unknown, found through the
   * configuration's references; undefined when it cannot be told.
   */
  follow(path: Path, kinds: EntityKind[]): { key: string; address: string; attribute: string[] } | undefined;
  /** The synthetic peering name of a cluster created by this plan (see PlanCollector). */
  pendingPeering(clusterAddress: string): string | undefined;
}

/** The full name an entity will have, when project and name (and region/location) are known. */
export function identify(type: string, v: PlanValues, address: string): string {
  const fallback = `tf://${address}`;
  if (type === 'google_access_context_manager_service_perimeter') {
    // `name` is the perimeter's whole path, `accessPolicies/P/servicePerimeters/N`.
    const path = v.str(['name']);
    return path && /^accessPolicies\/[^/]+\/servicePerimeters\/[^/]+$/.test(path) ? `//accesscontextmanager.googleapis.com/${path}` : fallback;
  }
  const project = v.str(['project']);
  const name = type === 'google_dns_response_policy' ? v.str(['response_policy_name']) : v.str(['name']);
  if (POLICY_TYPES[type as keyof typeof POLICY_TYPES] === 'hierarchical') return policyFullName('hierarchical', undefined, undefined, name) ?? fallback;
  if (!project || !name) return fallback;
  switch (ENTITY_TYPES[type]) {
    case 'network': return networkName(project, name);
    case 'route': return routeName(project, name);
    case 'firewall': return firewallName(project, name);
    case 'managedZone': return managedZoneName(project, name);
    case 'address': return `//compute.googleapis.com/projects/${project}/global/addresses/${name}`;
    case 'forwardingRule': return `//compute.googleapis.com/projects/${project}/global/forwardingRules/${name}`;
    case 'responsePolicy': return `//dns.googleapis.com/projects/${project}/responsePolicies/${name}`;
    case 'dnsPolicy': return `//dns.googleapis.com/projects/${project}/policies/${name}`;
    case 'subnetwork': {
      const region = v.str(['region']);
      return region ? subnetworkName(project, shortName(region), name) : fallback;
    }
    case 'router': {
      const region = v.str(['region']);
      return region ? routerName(project, shortName(region), name) : fallback;
    }
    case 'cluster': {
      const location = v.str(['location']);
      return location ? clusterName(project, location, name) : fallback;
    }
    case 'instance': {
      const zone = v.str(['zone']);
      return zone ? instanceName(project, shortName(zone), name) : fallback;
    }
    case 'firewallPolicy': {
      // A hierarchical policy's name is its numeric id, known only once it exists.
      const policyType = POLICY_TYPES[type as keyof typeof POLICY_TYPES];
      return policyFullName(policyType, project, v.str(['region']), name) ?? fallback;
    }
    case 'policyBasedRoute':
      return `//networkconnectivity.googleapis.com/projects/${project}/locations/global/policyBasedRoutes/${name}`;
    default: return fallback;
  }
}

function base<K extends EntityKind>(kind: K, c: MapContext) {
  const project = c.values.str(['project'], 'project') ?? projectOf(c.key) ?? '';
  return { kind, name: c.values.str(['name'], 'name') ?? c.address, fullName: c.key, project, origin: c.origin };
}

function finish<T extends Entity>(entity: T, v: PlanValues): T {
  if (v.unknown.size > 0) entity.unknown = [...v.unknown].sort();
  return entity;
}

/**
 * A link attribute (a network, a subnetwork, a zone): its own value when known, else the entity
 * the configuration points it at, else undefined with `model` recorded as unknown.
 */
function link(c: MapContext, path: Path, model: string, kinds: EntityKind[], toKey: (ref: string) => string | undefined): string | undefined {
  if (!c.values.isUnknown(path)) {
    const known = c.values.str(path, model);
    return known ? toKey(known) : undefined;
  }
  const followed = c.follow(path, kinds);
  if (followed) return followed.key;
  c.values.raw(path, model);
  return undefined;
}

const networkKey = (project: string) => (ref: string) => toFullName(ref, { defaultProject: project, collection: 'networks' }) ?? networkName(project, ref);

/** A subnetwork as Terraform accepts it: a name (in the region), an id, or a self link. */
const subnetworkKey = (project: string, region: string) => (ref: string) =>
  ref.includes('/') ? (toFullName(ref, { defaultProject: project }) ?? ref) : subnetworkName(project, region, ref);

export function mapNetwork(c: MapContext): Network {
  const v = c.values;
  const order = v.str(['network_firewall_policy_enforcement_order'], 'networkFirewallPolicyEnforcementOrder');
  // `routing_mode` (REGIONAL or GLOBAL; the API's default REGIONAL when unset): registry.terraform.io
  // providers/hashicorp/google google_compute_network.
  const mode = v.str(['routing_mode'], 'routingMode')?.toUpperCase();
  const routingMode = mode === 'GLOBAL' ? 'GLOBAL' : mode === 'REGIONAL' ? 'REGIONAL' : undefined;
  return finish(
    {
      ...base('network', c),
      ...compact({
        autoCreateSubnetworks: v.bool(['auto_create_subnetworks'], 'autoCreateSubnetworks'),
        networkFirewallPolicyEnforcementOrder: order === 'BEFORE_CLASSIC_FIREWALL' || order === 'AFTER_CLASSIC_FIREWALL' ? order : undefined,
        routingMode,
      }),
      peerings: [],
    },
    v,
  );
}

/** A firewall policy (hierarchical, global or regional network; with or without its rules inline). */
export function mapFirewallPolicy(c: MapContext, type: string): FirewallPolicy {
  const b = base('firewallPolicy', c);
  return finish(mapPolicy(type as keyof typeof POLICY_TYPES, c.values, b), c.values);
}

/**
 * `google_network_connectivity_policy_based_route`: `filter { ip_protocol, src_range, dest_range,
 * protocol_version }`, `virtual_machine { tags }`, `interconnect_attachment { region }`,
 * `next_hop_ilb_ip`, `next_hop_other_routes`, `priority` (registry.terraform.io providers/hashicorp/google).
 */
export function mapPolicyBasedRoute(c: MapContext): PolicyBasedRoute {
  const v = c.values;
  const b = base('policyBasedRoute', c);
  const route: PolicyBasedRoute = {
    ...b,
    network: link(c, ['network'], 'network', ['network'], networkKey(b.project)) ?? '',
    priority: v.num(['priority'], 'priority') ?? 0,
    filter: v.blocks(['filter'], 'filter') > 0
      ? compact({
          ipProtocol: v.str(['filter', 0, 'ip_protocol'], 'filter'),
          srcRange: v.str(['filter', 0, 'src_range'], 'filter'),
          destRange: v.str(['filter', 0, 'dest_range'], 'filter'),
          protocolVersion: v.str(['filter', 0, 'protocol_version'], 'filter'),
        })
      : {},
  };
  const tags = v.blocks(['virtual_machine'], 'virtualMachineTags') > 0 ? v.strings(['virtual_machine', 0, 'tags'], 'virtualMachineTags') : undefined;
  const attachment = v.blocks(['interconnect_attachment'], 'interconnectAttachmentRegion') > 0 ? v.str(['interconnect_attachment', 0, 'region'], 'interconnectAttachmentRegion') : undefined;
  Object.assign(route, compact({
    virtualMachineTags: tags,
    interconnectAttachmentRegion: attachment,
    nextHopIlbIp: v.str(['next_hop_ilb_ip'], 'nextHopIlbIp'),
    nextHopOtherRoutes: v.str(['next_hop_other_routes'], 'nextHopOtherRoutes'),
  }));
  return finish(route, v);
}

export function mapSubnetwork(c: MapContext): Subnetwork {
  const v = c.values;
  const b = base('subnetwork', c);
  const region = shortName(v.str(['region'], 'region') ?? '');
  const ranges = v.blocks(['secondary_ip_range'], 'secondaryIpRanges');
  const subnet: Subnetwork = {
    ...b,
    region,
    network: link(c, ['network'], 'network', ['network'], networkKey(b.project)) ?? '',
    ipCidrRange: v.str(['ip_cidr_range'], 'ipCidrRange') ?? '',
    secondaryIpRanges: Array.from({ length: ranges }, (_, i) => ({
      rangeName: v.str(['secondary_ip_range', i, 'range_name'], 'secondaryIpRanges') ?? '',
      ipCidrRange: v.str(['secondary_ip_range', i, 'ip_cidr_range'], 'secondaryIpRanges') ?? '',
    })),
  };
  Object.assign(subnet, compact({
    privateIpGoogleAccess: v.bool(['private_ip_google_access'], 'privateIpGoogleAccess'),
    purpose: v.str(['purpose'], 'purpose'),
    ipv6CidrRange: v.str(['ipv6_cidr_range']),
    stackType: v.str(['stack_type'], 'stackType'),
  }));
  return finish(subnet, v);
}

export function mapRoute(c: MapContext): Route {
  const v = c.values;
  const b = base('route', c);
  const route: Route = {
    ...b,
    network: link(c, ['network'], 'network', ['network'], networkKey(b.project)) ?? '',
    destRange: v.str(['dest_range'], 'destRange') ?? '',
    priority: v.num(['priority'], 'priority') ?? 1000,
    tags: v.strings(['tags'], 'tags'),
  };
  Object.assign(route, compact({
    nextHopGateway: normalizeGateway(v.str(['next_hop_gateway'], 'nextHopGateway')),
    nextHopIp: v.str(['next_hop_ip'], 'nextHopIp'),
    nextHopInstance: v.str(['next_hop_instance'], 'nextHopInstance'),
    nextHopVpnTunnel: v.str(['next_hop_vpn_tunnel'], 'nextHopVpnTunnel'),
    nextHopIlb: v.str(['next_hop_ilb'], 'nextHopIlb'),
    routeType: 'STATIC',
  }));
  return finish(route, v);
}

function permissions(v: PlanValues, block: string, model: string): FirewallPermission[] {
  // allow and deny are Optional, never Computed, in the provider's google_compute_firewall schema.
  return Array.from({ length: v.blocks([block], model, { computed: false }) }, (_, i) => {
    const protocol = (v.str([block, i, 'protocol'], model) ?? 'all').toLowerCase();
    const ports = v.strings([block, i, 'ports'], model);
    return ports.length ? { IPProtocol: protocol, ports } : { IPProtocol: protocol };
  });
}

export function mapFirewall(c: MapContext): Firewall {
  const v = c.values;
  const b = base('firewall', c);
  return finish<Firewall>({
    ...b,
    network: link(c, ['network'], 'network', ['network'], networkKey(b.project)) ?? '',
    direction: (v.str(['direction'], 'direction') ?? 'INGRESS').toUpperCase() === 'EGRESS' ? 'EGRESS' : 'INGRESS',
    priority: v.num(['priority'], 'priority') ?? 1000,
    sourceRanges: v.strings(['source_ranges'], 'sourceRanges'),
    destinationRanges: v.strings(['destination_ranges'], 'destinationRanges'),
    sourceTags: v.strings(['source_tags'], 'sourceTags'),
    targetTags: v.strings(['target_tags'], 'targetTags'),
    sourceServiceAccounts: v.strings(['source_service_accounts'], 'sourceServiceAccounts'),
    targetServiceAccounts: v.strings(['target_service_accounts'], 'targetServiceAccounts'),
    allowed: permissions(v, 'allow', 'allowed'),
    denied: permissions(v, 'deny', 'denied'),
    disabled: v.bool(['disabled'], 'disabled') ?? false,
  }, v);
}

function advertisedRanges(v: PlanValues, path: Path, model: string): { range: string; description?: string }[] {
  return Array.from({ length: v.blocks(path, model) }, (_, i) =>
    compact({ range: v.str([...path, i, 'range'], model) ?? '', description: v.str([...path, i, 'description']) }),
  );
}

export function mapRouter(c: MapContext): Router {
  const v = c.values;
  const b = base('router', c);
  const router: Router = {
    ...b,
    network: link(c, ['network'], 'network', ['network'], networkKey(b.project)) ?? '',
    region: shortName(v.str(['region'], 'region') ?? ''),
    bgpPeers: [],
    interfaces: [],
  };
  if (v.blocks(['bgp'], 'bgp') > 0) {
    const groups = v.strings(['bgp', 0, 'advertised_groups'], 'bgp.advertisedGroups');
    router.bgp = compact({
      asn: v.num(['bgp', 0, 'asn'], 'bgp.asn'),
      advertiseMode: v.str(['bgp', 0, 'advertise_mode'], 'bgp.advertiseMode') ?? 'DEFAULT',
      advertisedGroups: groups,
      advertisedIpRanges: advertisedRanges(v, ['bgp', 0, 'advertised_ip_ranges'], 'bgp.advertisedIpRanges'),
    });
  }
  return finish(router, v);
}

export function mapManagedZone(c: MapContext): ManagedZone {
  const v = c.values;
  const b = base('managedZone', c);
  const networks: string[] = [];
  const pvc = v.blocks(['private_visibility_config'], 'privateVisibilityNetworks');
  for (let i = 0; i < pvc; i++) {
    const count = v.blocks(['private_visibility_config', i, 'networks'], 'privateVisibilityNetworks');
    for (let j = 0; j < count; j++) {
      const net = link(c, ['private_visibility_config', i, 'networks', j, 'network_url'], 'privateVisibilityNetworks', ['network'], networkKey(b.project));
      if (net) networks.push(net);
    }
  }
  const clusters: string[] = [];
  for (let i = 0; i < pvc; i++) {
    const count = v.blocks(['private_visibility_config', i, 'gke_clusters'], 'privateVisibilityClusters');
    for (let j = 0; j < count; j++) {
      const cluster = link(c, ['private_visibility_config', i, 'gke_clusters', j, 'gke_cluster_name'], 'privateVisibilityClusters', ['cluster'], clusterKey);
      if (cluster) clusters.push(cluster);
    }
  }
  const forwarding: string[] = [];
  const fc = v.blocks(['forwarding_config'], 'forwardingTargets');
  for (let i = 0; i < fc; i++) {
    const count = v.blocks(['forwarding_config', i, 'target_name_servers'], 'forwardingTargets');
    for (let j = 0; j < count; j++) {
      const target = v.str(['forwarding_config', i, 'target_name_servers', j, 'ipv4_address'], 'forwardingTargets') ?? v.str(['forwarding_config', i, 'target_name_servers', j, 'ipv6_address']);
      if (target) forwarding.push(target);
    }
  }
  let peeringTarget: string | undefined;
  if (v.blocks(['peering_config'], 'peeringTargetNetwork') > 0 && v.blocks(['peering_config', 0, 'target_network'], 'peeringTargetNetwork') > 0) {
    peeringTarget = link(c, ['peering_config', 0, 'target_network', 0, 'network_url'], 'peeringTargetNetwork', ['network'], networkKey(b.project));
  }
  const zone: ManagedZone = {
    ...b,
    dnsName: (v.str(['dns_name'], 'dnsName') ?? '').toLowerCase(),
    visibility: (v.str(['visibility'], 'visibility') ?? 'public').toLowerCase() === 'private' ? 'private' : 'public',
    privateVisibilityNetworks: networks,
  };
  Object.assign(zone, compact({
    privateVisibilityClusters: clusters.length ? clusters : undefined,
    forwardingTargets: forwarding.length ? forwarding : undefined,
    peeringTargetNetwork: peeringTarget,
  }));
  return finish(zone, v);
}

/** A GKE cluster as `gke_cluster_name` holds it: `projects/P/locations/L/clusters/C` or a URL. */
const clusterKey = (ref: string): string | undefined => toFullName(ref, { service: 'container' }) ?? (ref.startsWith('//') ? ref : undefined);

/** `google_compute_global_address`: a PSC endpoint's address when `purpose` is PRIVATE_SERVICE_CONNECT. */
export function mapGlobalAddress(c: MapContext): Address {
  const v = c.values;
  const b = base('address', c);
  const address: Address = { ...b, address: v.str(['address'], 'address') ?? '' };
  Object.assign(address, compact({
    addressType: v.str(['address_type'], 'addressType'),
    purpose: v.str(['purpose'], 'purpose'),
    network: link(c, ['network'], 'network', ['network'], networkKey(b.project)),
    ipVersion: v.str(['ip_version']),
  }));
  return finish(address, v);
}

/**
 * `google_compute_global_forwarding_rule`: a PSC endpoint for Google APIs has `target` `all-apis`
 * or `vpc-sc` and `ip_address` naming the global address (its id, or the address itself).
 */
export function mapGlobalForwardingRule(c: MapContext): ForwardingRule {
  const v = c.values;
  const b = base('forwardingRule', c);
  const rule: ForwardingRule = { ...b };
  let ip: string | undefined;
  let addressRef: string | undefined;
  if (v.isUnknown(['ip_address'])) {
    const followed = c.follow(['ip_address'], ['address']);
    if (followed && !followed.key.startsWith('tf://')) addressRef = followed.key;
    else v.raw(['ip_address'], 'IPAddress');
  } else {
    const given = v.str(['ip_address'], 'IPAddress');
    if (given && /^[0-9.]+$|^[0-9a-f:]+$/i.test(given)) ip = given;
    else if (given) addressRef = toFullName(given, { defaultProject: b.project });
  }
  const target = v.str(['target'], 'target');
  Object.assign(rule, compact({
    IPAddress: ip,
    addressRef,
    target: target === 'all-apis' || target === 'vpc-sc' ? target : target && (toFullName(target, { defaultProject: b.project }) ?? target),
    network: link(c, ['network'], 'network', ['network'], networkKey(b.project)),
    loadBalancingScheme: v.str(['load_balancing_scheme']),
  }));
  return finish(rule, v);
}

/** `google_dns_response_policy`; its rules are `google_dns_response_policy_rule` parts. */
export function mapResponsePolicy(c: MapContext): ResponsePolicy {
  const v = c.values;
  const project = v.str(['project'], 'project') ?? projectOf(c.key) ?? '';
  const networks: string[] = [];
  for (let i = 0; i < v.blocks(['networks'], 'networks'); i++) {
    const net = link(c, ['networks', i, 'network_url'], 'networks', ['network'], networkKey(project));
    if (net) networks.push(net);
  }
  const clusters: string[] = [];
  for (let i = 0; i < v.blocks(['gke_clusters'], 'gkeClusters'); i++) {
    const cluster = link(c, ['gke_clusters', i, 'gke_cluster_name'], 'gkeClusters', ['cluster'], clusterKey);
    if (cluster) clusters.push(cluster);
  }
  return finish<ResponsePolicy>(
    { kind: 'responsePolicy', name: v.str(['response_policy_name'], 'name') ?? c.address, fullName: c.key, project, origin: c.origin, networks, gkeClusters: clusters, rules: [] },
    v,
  );
}

/** `google_dns_policy`: a server policy; alternative name servers forward every query of its networks. */
export function mapDnsPolicy(c: MapContext): DnsServerPolicy {
  const v = c.values;
  const b = base('dnsPolicy', c);
  const networks: string[] = [];
  for (let i = 0; i < v.blocks(['networks'], 'networks'); i++) {
    const net = link(c, ['networks', i, 'network_url'], 'networks', ['network'], networkKey(b.project));
    if (net) networks.push(net);
  }
  const servers: DnsServerPolicy['alternativeNameServers'] = [];
  for (let i = 0; i < v.blocks(['alternative_name_server_config'], 'alternativeNameServers'); i++) {
    const at: Path = ['alternative_name_server_config', i, 'target_name_servers'];
    for (let j = 0; j < v.blocks(at, 'alternativeNameServers'); j++) {
      servers.push(compact({ ipv4Address: v.str([...at, j, 'ipv4_address'], 'alternativeNameServers'), forwardingPath: v.str([...at, j, 'forwarding_path']) }));
    }
  }
  const policy: DnsServerPolicy = { ...b, networks, alternativeNameServers: servers };
  Object.assign(policy, compact({ enableInboundForwarding: v.bool(['enable_inbound_forwarding']) }));
  return finish(policy, v);
}

function perimeterConfig(v: PlanValues, block: 'status' | 'spec', model: string): ServicePerimeterConfig | undefined {
  if (v.blocks([block], model) === 0) return undefined;
  return { resources: v.strings([block, 0, 'resources'], `${model}.resources`), restrictedServices: v.strings([block, 0, 'restricted_services'], `${model}.restrictedServices`) };
}

/** `google_access_context_manager_service_perimeter` (`status` enforced, `spec` dry run). */
export function mapServicePerimeter(c: MapContext): ServicePerimeter {
  const v = c.values;
  const path = v.str(['name'], 'name') ?? '';
  const perimeter: ServicePerimeter = {
    kind: 'servicePerimeter',
    name: path ? shortName(path) : c.address,
    fullName: c.key,
    project: v.str(['parent'], 'project') ?? (/^(accessPolicies\/[^/]+)/.exec(path)?.[1] ?? ''),
    origin: c.origin,
  };
  Object.assign(perimeter, compact({
    title: v.str(['title']),
    perimeterType: v.str(['perimeter_type'], 'perimeterType') ?? 'PERIMETER_TYPE_REGULAR',
    status: perimeterConfig(v, 'status', 'status'),
    spec: perimeterConfig(v, 'spec', 'spec'),
    useExplicitDryRunSpec: v.bool(['use_explicit_dry_run_spec'], 'useExplicitDryRunSpec'),
  }));
  return finish(perimeter, v);
}

/** The node pool fields of a `node_pool` block or a `google_container_node_pool` resource. */
function nodePool(v: PlanValues, at: Path, name: string | undefined, model: (field: string) => string): NodePool {
  const pool: NodePool = { name: name ?? 'default-pool', tags: v.strings([...at, 'node_config', 0, 'tags'], model('tags')) };
  Object.assign(pool, compact({
    serviceAccount: v.str([...at, 'node_config', 0, 'service_account'], model('serviceAccount')),
    enablePrivateNodes: v.bool([...at, 'network_config', 0, 'enable_private_nodes'], model('enablePrivateNodes')),
    resourceManagerTags: secureTagValues(v.stringMap([...at, 'node_config', 0, 'resource_manager_tags'], model('resourceManagerTags'))),
  }));
  return pool;
}

/** `resource_manager_tags = { "tagKeys/K" = "tagValues/V" }`: the values, which firewall policy rules target. */
function secureTagValues(tags: Record<string, string>): string[] | undefined {
  const values = Object.values(tags).filter((t) => t !== '');
  return values.length ? values : undefined;
}

export interface MappedCluster {
  cluster: Cluster;
  /** True when GKE will create a control-plane peering whose name is unknown until apply. */
  peeringPending: boolean;
}

export function mapCluster(c: MapContext): MappedCluster {
  const v = c.values;
  const b = base('cluster', c);
  const location = v.str(['location'], 'location') ?? '';
  const region = regionOf(location);
  const network = link(c, ['network'], 'network', ['network'], networkKey(b.project)) ?? (v.unknown.has('network') ? '' : networkName(b.project, 'default'));
  const netProject = projectOf(network) ?? b.project;
  const subnetwork =
    link(c, ['subnetwork'], 'subnetwork', ['subnetwork'], subnetworkKey(netProject, region)) ??
    (v.unknown.has('subnetwork') ? '' : subnetworkName(netProject, region, 'default'));
  const cluster: Cluster = { ...b, location, network, subnetwork, nodePools: [] };

  const routes = v.str(['networking_mode']) === 'ROUTES';
  if (v.blocks(['ip_allocation_policy'], 'ipAllocationPolicy') > 0) {
    const at = ['ip_allocation_policy', 0];
    cluster.ipAllocationPolicy = compact({
      useIpAliases: !routes,
      clusterSecondaryRangeName: v.str([...at, 'cluster_secondary_range_name'], 'ipAllocationPolicy.clusterSecondaryRangeName'),
      servicesSecondaryRangeName: v.str([...at, 'services_secondary_range_name'], 'ipAllocationPolicy.servicesSecondaryRangeName'),
      clusterIpv4CidrBlock: v.str([...at, 'cluster_ipv4_cidr_block'], 'ipAllocationPolicy.clusterIpv4CidrBlock'),
      servicesIpv4CidrBlock: v.str([...at, 'services_ipv4_cidr_block'], 'ipAllocationPolicy.servicesIpv4CidrBlock'),
    });
  } else if (v.str(['networking_mode']) === 'VPC_NATIVE') {
    cluster.ipAllocationPolicy = { useIpAliases: true };
  }

  // Autopilot clusters are always VPC-native (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-overview).
  if (v.bool(['enable_autopilot'], 'autopilot') === true) {
    cluster.autopilot = true;
    cluster.ipAllocationPolicy = { ...cluster.ipAllocationPolicy, useIpAliases: true };
  }

  let peeringPending = false;
  if (v.blocks(['private_cluster_config'], 'privateClusterConfig') > 0) {
    const at = ['private_cluster_config', 0];
    const pcc: NonNullable<Cluster['privateClusterConfig']> = compact({
      enablePrivateNodes: v.bool([...at, 'enable_private_nodes'], 'privateClusterConfig.enablePrivateNodes'),
      enablePrivateEndpoint: v.bool([...at, 'enable_private_endpoint'], 'privateClusterConfig.enablePrivateEndpoint'),
      masterIpv4CidrBlock: v.str([...at, 'master_ipv4_cidr_block'], 'privateClusterConfig.masterIpv4CidrBlock'),
      privateEndpoint: v.str([...at, 'private_endpoint']),
      publicEndpoint: v.str([...at, 'public_endpoint']),
      privateEndpointSubnetwork: v.str([...at, 'private_endpoint_subnetwork'], 'privateClusterConfig.privateEndpointSubnetwork'),
    });
    if (v.blocks([...at, 'master_global_access_config']) > 0) {
      pcc.masterGlobalAccessConfig = compact({ enabled: v.bool([...at, 'master_global_access_config', 0, 'enabled'], 'privateClusterConfig.masterGlobalAccessConfig.enabled') });
    }
    if (v.isUnknown([...at, 'peering_name'])) {
      // GKE names the peering at creation. It makes one only for a control plane in a range of
      // its own (master_ipv4_cidr_block); other new clusters use Private Service Connect.
      if (pcc.masterIpv4CidrBlock && !pcc.privateEndpointSubnetwork) {
        pcc.peeringName = c.pendingPeering(c.address);
        peeringPending = true;
      } else if (v.unknown.has('privateClusterConfig.masterIpv4CidrBlock')) {
        v.unknown.add('privateClusterConfig.peeringName');
      }
    } else {
      const peering = v.str([...at, 'peering_name']);
      if (peering) pcc.peeringName = peering;
    }
    // Without a peering the control plane is a Private Service Connect endpoint whose address
    // GKE picks from the subnet at apply; what on-prem must learn is unknown until then.
    if (!pcc.peeringName && v.isUnknown([...at, 'private_endpoint'])) v.unknown.add('privateClusterConfig.privateEndpoint');
    cluster.privateClusterConfig = pcc;
  }

  const man = v.blocks(['master_authorized_networks_config'], 'masterAuthorizedNetworksConfig');
  if (man > 0) {
    const at = ['master_authorized_networks_config', 0];
    const blocks = v.blocks([...at, 'cidr_blocks'], 'masterAuthorizedNetworksConfig.cidrBlocks');
    // The block's presence is what enables authorized networks in Terraform.
    cluster.masterAuthorizedNetworksConfig = compact({
      enabled: true,
      cidrBlocks: Array.from({ length: blocks }, (_, i) =>
        compact({
          displayName: v.str([...at, 'cidr_blocks', i, 'display_name']),
          cidrBlock: v.str([...at, 'cidr_blocks', i, 'cidr_block'], 'masterAuthorizedNetworksConfig.cidrBlocks') ?? '',
        }),
      ),
      gcpPublicCidrsAccessEnabled: v.bool([...at, 'gcp_public_cidrs_access_enabled'], 'masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled'),
      privateEndpointEnforcementEnabled: v.bool([...at, 'private_endpoint_enforcement_enabled']),
    });
  } else if (!v.unknown.has('masterAuthorizedNetworksConfig')) {
    cluster.masterAuthorizedNetworksConfig = { enabled: false, cidrBlocks: [] };
  }

  if (v.blocks(['control_plane_endpoints_config'], 'controlPlaneEndpointsConfig') > 0) {
    const at = ['control_plane_endpoints_config', 0];
    const cpec: NonNullable<Cluster['controlPlaneEndpointsConfig']> = {};
    if (v.blocks([...at, 'dns_endpoint_config'], 'controlPlaneEndpointsConfig.dnsEndpointConfig') > 0) {
      cpec.dnsEndpointConfig = compact({
        allowExternalTraffic: v.bool([...at, 'dns_endpoint_config', 0, 'allow_external_traffic'], 'controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic'),
      });
    }
    if (v.blocks([...at, 'ip_endpoints_config'], 'controlPlaneEndpointsConfig.ipEndpointsConfig') > 0) {
      cpec.ipEndpointsConfig = compact({ enabled: v.bool([...at, 'ip_endpoints_config', 0, 'enabled'], 'controlPlaneEndpointsConfig.ipEndpointsConfig.enabled') });
    }
    cluster.controlPlaneEndpointsConfig = cpec;
  }

  const autoTags = secureTagValues(v.stringMap(['node_pool_auto_config', 0, 'resource_manager_tags'], 'autoNodeResourceManagerTags'));
  if (autoTags) cluster.autoNodeResourceManagerTags = autoTags;

  const inline = v.blocks(['node_pool'], 'nodePools');
  for (let i = 0; i < inline; i++) {
    const name = v.str(['node_pool', i, 'name'], 'nodePools');
    cluster.nodePools.push(nodePool(v, ['node_pool', i], name, (f) => `nodePools.${i}.${f}`));
  }
  if (inline === 0 && !v.unknown.has('nodePools') && v.bool(['remove_default_node_pool']) !== true) {
    // Without node_pool blocks GKE creates `default-pool` from the cluster's node_config.
    cluster.nodePools.push(nodePool(v, [], 'default-pool', (f) => `nodePools.0.${f}`));
  }
  return { cluster: finish(cluster, v), peeringPending };
}

/** Only the VMs GKE runs as nodes are kept, as for the other sources. */
export function isGkeNodeInstance(v: PlanValues): boolean {
  const labels = v.stringMap(['labels']);
  return 'goog-gke-node' in labels || 'goog-k8s-cluster-name' in labels || v.mapEntry(['metadata'], 'cluster-name') !== undefined;
}

export function mapInstance(c: MapContext): Instance {
  const v = c.values;
  const b = base('instance', c);
  const labels = v.stringMap(['labels'], 'labels');
  const nics = v.blocks(['network_interface'], 'networkInterfaces');
  const instance: Instance = {
    ...b,
    zone: shortName(v.str(['zone'], 'zone') ?? ''),
    tags: v.strings(['tags'], 'tags'),
    serviceAccounts: Array.from({ length: v.blocks(['service_account'], 'serviceAccounts') }, (_, i) => v.str(['service_account', i, 'email'], 'serviceAccounts')).filter(
      (e): e is string => !!e,
    ),
    labels,
    networkInterfaces: Array.from({ length: nics }, (_, i) => {
      const at = ['network_interface', i];
      const access = v.blocks([...at, 'access_config'], 'networkInterfaces');
      return compact({
        network: link(c, [...at, 'network'], 'networkInterfaces', ['network'], networkKey(b.project)) ?? '',
        subnetwork: link(c, [...at, 'subnetwork'], 'networkInterfaces', ['subnetwork'], subnetworkKey(b.project, regionOf(shortName(v.str(['zone']) ?? '')))),
        networkIP: v.str([...at, 'network_ip']),
        // An access_config block is an external IP, whether or not its address is known yet.
        accessConfigs: Array.from({ length: access }, (_, j) => compact({ type: 'ONE_TO_ONE_NAT', natIP: v.str([...at, 'access_config', j, 'nat_ip']) })),
      });
    }),
  };
  Object.assign(instance, compact({
    clusterName: v.mapEntry(['metadata'], 'cluster-name') ?? labels['goog-k8s-cluster-name'],
    nodePool: labels['goog-k8s-node-pool-name'],
  }));
  return finish(instance, v);
}

/** Maps a part resource; `undefined` parent means it cannot be told which entity it belongs to. */
export function mapPart(type: PartType, c: MapContext): Omit<Part, 'parent'> & { parent?: string } {
  const v = c.values;
  const project = v.str(['project']) ?? '';
  const region = shortName(v.str(['region']) ?? '');
  switch (type) {
    case 'google_container_node_pool': {
      const location = v.str(['location']) ?? '';
      const parent = link(c, ['cluster'], '', ['cluster'], (ref) => (ref.includes('/') ? `//container.googleapis.com/${ref.replace(/^.*?(projects\/)/, '$1')}` : clusterName(project, location, ref)));
      const name = v.str(['name'], '');
      const item = nodePool(v, [], name ?? c.address, (f) => f);
      // An unknown pool name leaves the cluster's whole pool list unknown ('').
      return { kind: 'nodePool', parent, item, unknown: name ? [...v.unknown] : [''] };
    }
    case 'google_compute_router_peer': {
      const parent = link(c, ['router'], '', ['router'], (ref) => (ref.includes('/') ? toFullName(ref, { defaultProject: project }) : routerName(project, region, ref)));
      const enable = v.bool(['enable'], 'enable');
      const groups = v.strings(['advertised_groups'], 'advertisedGroups');
      const ranges = advertisedRanges(v, ['advertised_ip_ranges'], 'advertisedIpRanges');
      const item: BgpPeer = compact({
        name: v.str(['name'], '') ?? c.address,
        interfaceName: v.str(['interface']),
        peerIpAddress: v.str(['peer_ip_address']),
        peerAsn: v.num(['peer_asn']),
        advertiseMode: v.str(['advertise_mode'], 'advertiseMode') ?? 'DEFAULT',
        advertisedGroups: groups.length ? groups : undefined,
        advertisedIpRanges: ranges.length ? ranges : undefined,
        enable: enable === undefined ? undefined : enable ? 'TRUE' : 'FALSE',
      });
      return { kind: 'bgpPeer', parent, item, unknown: [...v.unknown] };
    }
    case 'google_compute_router_interface': {
      const parent = link(c, ['router'], '', ['router'], (ref) => (ref.includes('/') ? toFullName(ref, { defaultProject: project }) : routerName(project, region, ref)));
      const tunnel = v.str(['vpn_tunnel']);
      const item: RouterInterface = compact({
        name: v.str(['name'], '') ?? c.address,
        linkedVpnTunnel: tunnel ? (toFullName(tunnel, { defaultProject: project }) ?? tunnel) : undefined,
        linkedInterconnectAttachment: v.str(['interconnect_attachment']),
        ipRange: v.str(['ip_range']),
      });
      return { kind: 'routerInterface', parent, item, unknown: [...v.unknown] };
    }
    case 'google_dns_record_set': {
      const parent = link(c, ['managed_zone'], '', ['managedZone'], (ref) => (ref.includes('/') ? toFullName(ref, { service: 'dns', defaultProject: project }) : managedZoneName(project, ref)));
      const item: RecordSet = compact({
        name: (v.str(['name'], 'name') ?? '').toLowerCase(),
        type: (v.str(['type'], 'type') ?? '').toUpperCase(),
        ttl: v.num(['ttl']),
        rrdatas: v.strings(['rrdatas'], 'rrdatas'),
        origin: c.origin,
      });
      return { kind: 'recordSet', parent, item, unknown: [...v.unknown] };
    }
    case 'google_compute_firewall_policy_rule':
    case 'google_compute_network_firewall_policy_rule':
    case 'google_compute_region_network_firewall_policy_rule': {
      const policyType = POLICY_RULE_TYPES[type];
      const parent = link(c, ['firewall_policy'], '', ['firewallPolicy'], policyRefKey(policyType, project, region));
      const rule = mapPolicyRule(v, [], project, '');
      const item = { ...rule, origin: c.origin, name: String(rule.priority) };
      // An unknown priority leaves which rule of the policy it is unknown: the whole list then.
      return { kind: 'policyRule', parent, item, unknown: v.unknown.has('priority') ? [''] : [...v.unknown] };
    }
    case 'google_compute_firewall_policy_association':
    case 'google_compute_network_firewall_policy_association':
    case 'google_compute_region_network_firewall_policy_association': {
      const policyType = POLICY_ASSOCIATION_TYPES[type];
      const parent = link(c, ['firewall_policy'], '', ['firewallPolicy'], policyRefKey(policyType, project, region));
      const target =
        policyType === 'hierarchical'
          ? v.str(['attachment_target'], 'attachments')
          : link(c, ['attachment_target'], 'attachments', ['network'], networkKey(project));
      return { kind: 'policyAttachment', parent, item: { name: target ?? '' }, unknown: target ? [] : [''] };
    }
    case 'google_compute_router_nat': {
      // registry.terraform.io providers/hashicorp/google google_compute_router_nat:
      // source_subnetwork_ip_ranges_to_nat, subnetwork { name, source_ip_ranges_to_nat, secondary_ip_range_names }.
      const parent = link(c, ['router'], '', ['router'], (ref) => (ref.includes('/') ? toFullName(ref, { defaultProject: project }) : routerName(project, region, ref)));
      const count = v.blocks(['subnetwork'], 'subnetworks');
      const item: RouterNat = compact({
        name: v.str(['name'], '') ?? c.address,
        type: v.str(['type']),
        sourceSubnetworkIpRangesToNat: v.str(['source_subnetwork_ip_ranges_to_nat'], 'sourceSubnetworkIpRangesToNat') ?? '',
        subnetworks: Array.from({ length: count }, (_, i) => {
          const names = v.strings(['subnetwork', i, 'secondary_ip_range_names'], 'subnetworks');
          return compact({
            name: link(c, ['subnetwork', i, 'name'], 'subnetworks', ['subnetwork'], subnetworkKey(project, region)) ?? '',
            sourceIpRangesToNat: v.strings(['subnetwork', i, 'source_ip_ranges_to_nat'], 'subnetworks'),
            secondaryIpRangeNames: names.length ? names : undefined,
          });
        }),
        natIpAllocateOption: v.str(['nat_ip_allocate_option']),
      });
      return { kind: 'nat', parent, item, unknown: [...v.unknown] };
    }
    case 'google_compute_network_peering_routes_config': {
      const parent = link(c, ['network'], '', ['network'], networkKey(project));
      let name: string | undefined;
      if (v.isUnknown(['peering'])) {
        // `peering = google_container_cluster.x.private_cluster_config[0].peering_name`
        const followed = c.follow(['peering'], ['cluster']);
        if (followed && followed.attribute.includes('peering_name')) name = c.pendingPeering(followed.address);
      } else name = v.str(['peering']);
      const item = compact({
        name: name ?? '',
        exportCustomRoutes: v.bool(['export_custom_routes'], 'exportCustomRoutes'),
        importCustomRoutes: v.bool(['import_custom_routes'], 'importCustomRoutes'),
      });
      // A peering that cannot be named leaves every peering of the network unknown ('').
      return { kind: 'peering', parent, item, unknown: name ? [...v.unknown] : [''] };
    }
    case 'google_dns_response_policy_rule': {
      const parent = link(c, ['response_policy'], '', ['responsePolicy'], (ref) =>
        ref.includes('/') ? (toFullName(ref, { service: 'dns', defaultProject: project }) ?? ref) : `//dns.googleapis.com/projects/${project}/responsePolicies/${ref}`,
      );
      const localData: RecordSet[] = [];
      for (let i = 0; i < v.blocks(['local_data'], 'localData'); i++) {
        for (let j = 0; j < v.blocks(['local_data', i, 'local_datas'], 'localData'); j++) {
          const at: Path = ['local_data', i, 'local_datas', j];
          localData.push(compact({
            name: (v.str([...at, 'name'], 'localData') ?? '').toLowerCase(),
            type: (v.str([...at, 'type'], 'localData') ?? '').toUpperCase(),
            ttl: v.num([...at, 'ttl']),
            rrdatas: v.strings([...at, 'rrdatas'], 'localData'),
          }));
        }
      }
      const ruleName = v.str(['rule_name'], '') ?? c.address;
      const item = compact({
        name: ruleName,
        ruleName,
        dnsName: (v.str(['dns_name'], 'dnsName') ?? '').toLowerCase(),
        behavior: v.str(['behavior'], 'behavior'),
        localData: localData.length ? localData : undefined,
        origin: c.origin,
      });
      // A rule whose name or selector is unknown leaves the policy's whole rule list unknown ('').
      return { kind: 'responsePolicyRule', parent, item, unknown: v.unknown.size > 0 ? [''] : [] };
    }
    case 'google_access_context_manager_service_perimeter_resource': {
      const parent = link(c, ['perimeter_name'], '', ['servicePerimeter'], (ref) => `//accesscontextmanager.googleapis.com/${ref.replace(/^\/\/accesscontextmanager\.googleapis\.com\//, '')}`);
      const resource = v.str(['resource'], '');
      // A project number known only at apply leaves the perimeter's resources unknown ('').
      return { kind: 'perimeterResource', parent, item: { name: resource ?? '' }, unknown: resource ? [] : [''] };
    }
  }
}
