/**
 * Snapshot entities → Google's REST representation (camelCase JSON, as compute, container, dns and
 * Cloud Asset Inventory's `resource.data` give it): the inverse of src/collectors/rest/normalize.ts.
 * The emulator serves these, so the real client libraries decode what Google would send, including
 * the secrets a real response carries (a cluster's `masterAuth`, an instance's `kube-env`); they are
 * fake here and exist so tests can prove the collector never copies them.
 */
import type {
  Address,
  DnsServerPolicy,
  ForwardingRule,
  ResponsePolicy,
  ResponsePolicyRule,
  ServicePerimeter,
  ServicePerimeterConfig,
  AuthorizedNetworksConfig,
  Cluster,
  Entity,
  Firewall,
  FirewallPolicy,
  FirewallPolicyRule,
  Instance,
  ManagedZone,
  Network,
  PolicyBasedRoute,
  RecordSet,
  Route,
  Router,
  Subnetwork,
} from '../model/snapshot.js';
import { shortName } from '../model/names.js';
import { ASSET_TYPES } from '../collectors/rest/assets.js';
import { PROJECT_ASSET_TYPE } from '../collectors/live/scope.js';
import { compact } from '../model/compact.js';

export type Json = Record<string, unknown>;

/** Secrets planted in responses; nothing of them may ever reach a Snapshot or a report. */
export const FAKE_SECRETS = {
  clusterCaCertificate: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tRU1VTEFUT1ItRkFLRS1DQQ==',
  clientKey: 'RU1VTEFUT1ItRkFLRS1DTElFTlQtS0VZ',
  kubeEnv: 'KUBELET_CERT: RU1VTEFUT1ItRkFLRS1LVUJFTEVU\nKUBELET_KEY: RU1VTEFUT1ItRkFLRS1LVUJFTEVULUtFWQ==',
} as const;

const COMPUTE_API = 'https://www.googleapis.com/compute/v1/';

/** `//compute.googleapis.com/projects/P/...` → the compute self link form. */
export function computeUrl(fullName: string): string {
  return fullName.replace(/^\/\/compute\.googleapis\.com\//, COMPUTE_API);
}

/** `//compute.googleapis.com/projects/P/...` → `projects/P/...` (the form container uses). */
function relativeName(fullName: string): string {
  return fullName.replace(/^\/\/[^/]+\//, '');
}

const regionUrl = (project: string, region: string) => `${COMPUTE_API}projects/${project}/regions/${region}`;
const zoneUrl = (project: string, zone: string) => `${COMPUTE_API}projects/${project}/zones/${zone}`;

/** A stable numeric id, as compute gives every resource (a 64-bit decimal string). */
export function numericId(seed: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of Buffer.from(seed)) h = BigInt.asUintN(64, (h ^ BigInt(ch)) * 0x100000001b3n);
  return (h % 9_000_000_000_000_000_000n + 1_000_000_000_000_000_000n).toString();
}

function hex(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += BigInt(numericId(`${seed}#${i}`)).toString(16);
  return out.slice(0, length);
}

export function networkJson(n: Network): Json {
  return compact({
    kind: 'compute#network',
    id: numericId(n.fullName),
    name: n.name,
    selfLink: computeUrl(n.fullName),
    autoCreateSubnetworks: n.autoCreateSubnetworks,
    routingConfig: { routingMode: n.routingMode ?? 'REGIONAL' },
    networkFirewallPolicyEnforcementOrder: n.networkFirewallPolicyEnforcementOrder,
    peerings: n.peerings.map((p) =>
      compact({
        name: p.name,
        network: computeUrl(p.network),
        state: p.state,
        exportCustomRoutes: p.exportCustomRoutes,
        importCustomRoutes: p.importCustomRoutes,
      }),
    ),
  });
}

export function subnetworkJson(s: Subnetwork): Json {
  return compact({
    kind: 'compute#subnetwork',
    id: numericId(s.fullName),
    name: s.name,
    selfLink: computeUrl(s.fullName),
    region: regionUrl(s.project, s.region),
    network: computeUrl(s.network),
    ipCidrRange: s.ipCidrRange,
    secondaryIpRanges: s.secondaryIpRanges.map((r) => ({ rangeName: r.rangeName, ipCidrRange: r.ipCidrRange })),
    privateIpGoogleAccess: s.privateIpGoogleAccess,
    purpose: s.purpose,
    ipv6CidrRange: s.ipv6CidrRange,
    stackType: s.stackType,
  });
}

const GATEWAY = (project: string) => `${COMPUTE_API}projects/${project}/global/gateways/default-internet-gateway`;

export function routeJson(r: Route): Json {
  return compact({
    kind: 'compute#route',
    id: numericId(r.fullName),
    name: r.name,
    selfLink: computeUrl(r.fullName),
    network: computeUrl(r.network),
    destRange: r.destRange,
    priority: r.priority,
    tags: r.tags.length ? r.tags : undefined,
    nextHopGateway: r.nextHopGateway === 'default-internet-gateway' ? GATEWAY(r.project) : r.nextHopGateway,
    nextHopIp: r.nextHopIp,
    nextHopInstance: r.nextHopInstance,
    nextHopVpnTunnel: r.nextHopVpnTunnel,
    nextHopIlb: r.nextHopIlb,
    nextHopPeering: r.nextHopPeering,
    nextHopNetwork: r.nextHopNetwork ? computeUrl(r.nextHopNetwork) : undefined,
    routeType: r.routeType,
  });
}

export function firewallJson(f: Firewall): Json {
  const list = (v: string[]) => (v.length ? v : undefined);
  const perms = (v: Firewall['allowed']) => (v.length ? v.map((p) => compact({ IPProtocol: p.IPProtocol, ports: p.ports })) : undefined);
  return compact({
    kind: 'compute#firewall',
    id: numericId(f.fullName),
    name: f.name,
    selfLink: computeUrl(f.fullName),
    network: computeUrl(f.network),
    direction: f.direction,
    priority: f.priority,
    sourceRanges: list(f.sourceRanges),
    destinationRanges: list(f.destinationRanges),
    sourceTags: list(f.sourceTags),
    targetTags: list(f.targetTags),
    sourceServiceAccounts: list(f.sourceServiceAccounts),
    targetServiceAccounts: list(f.targetServiceAccounts),
    allowed: perms(f.allowed),
    denied: perms(f.denied),
    disabled: f.disabled,
    logConfig: { enable: false },
  });
}

export function routerJson(r: Router): Json {
  return compact({
    kind: 'compute#router',
    id: numericId(r.fullName),
    name: r.name,
    selfLink: computeUrl(r.fullName),
    region: regionUrl(r.project, r.region),
    network: computeUrl(r.network),
    bgp: r.bgp ? compact({ ...r.bgp }) : undefined,
    bgpPeers: r.bgpPeers.length ? r.bgpPeers.map((p) => compact({ ...p })) : undefined,
    interfaces: r.interfaces.length ? r.interfaces.map((i) => compact({ ...i })) : undefined,
    nats: r.nats?.length
      ? r.nats.map((n) =>
          compact({
            name: n.name,
            type: n.type,
            sourceSubnetworkIpRangesToNat: n.sourceSubnetworkIpRangesToNat,
            subnetworks: n.subnetworks.length
              ? n.subnetworks.map((sub) => compact({ name: computeUrl(sub.name), sourceIpRangesToNat: sub.sourceIpRangesToNat, secondaryIpRangeNames: sub.secondaryIpRangeNames }))
              : undefined,
            natIpAllocateOption: n.natIpAllocateOption ?? 'AUTO_ONLY',
            enableEndpointIndependentMapping: false,
            logConfig: { enable: false, filter: 'ALL' },
          }),
        )
      : undefined,
  });
}

/** A route a Cloud Router learned, as routers.getRouterStatus lists it in `bestRoutesForRouter`. */
export function learnedRouteJson(r: Route): Json {
  return compact({
    kind: 'compute#route',
    creationTimestamp: '2026-11-01T00:00:00.000-07:00',
    network: computeUrl(r.network),
    destRange: r.destRange,
    priority: r.priority,
    nextHopIp: r.nextHopIp,
    nextHopVpnTunnel: r.nextHopVpnTunnel,
    routeType: 'BGP',
    routeStatus: 'ACTIVE',
    asPaths: [{ pathSegmentType: 'AS_SEQUENCE', asLists: [65001] }],
  });
}

/** The answer of routers.getRouterStatus (compute REST `RouterStatusResponse`). */
export function routerStatusJson(router: Router, learned: Route[], bestInRegion: Route[]): Json {
  return {
    kind: 'compute#routerStatusResponse',
    result: compact({
      network: computeUrl(router.network),
      bestRoutes: bestInRegion.length ? bestInRegion.map(learnedRouteJson) : undefined,
      bestRoutesForRouter: learned.length ? learned.map(learnedRouteJson) : undefined,
      bgpPeerStatus: router.bgpPeers.map((p) => compact({ name: p.name, peerIpAddress: p.peerIpAddress, status: p.enable === 'FALSE' ? 'DOWN' : 'UP', state: p.enable === 'FALSE' ? 'Idle' : 'Established', numLearnedRoutes: learned.length })),
    }),
  };
}

/**
 * A policy-based route as the Network Connectivity API writes it (and Cloud Asset Inventory's
 * `resource.data` carries it): cloud.google.com/network-connectivity/docs/reference/networkconnectivity/rest/v1/projects.locations.global.policyBasedRoutes.
 */
export function policyBasedRouteJson(r: PolicyBasedRoute): Json {
  return compact({
    name: `projects/${r.project}/locations/global/policyBasedRoutes/${r.name}`,
    createTime: '2026-11-01T00:00:00Z',
    network: relativeName(r.network),
    filter: compact({ ipProtocol: r.filter.ipProtocol, srcRange: r.filter.srcRange, destRange: r.filter.destRange, protocolVersion: r.filter.protocolVersion ?? 'IPV4' }),
    priority: r.priority,
    virtualMachine: r.virtualMachineTags ? { tags: r.virtualMachineTags } : undefined,
    interconnectAttachment: r.interconnectAttachmentRegion ? { region: r.interconnectAttachmentRegion } : undefined,
    nextHopIlbIp: r.nextHopIlbIp,
    nextHopOtherRoutes: r.nextHopOtherRoutes,
    selfLink: `https://networkconnectivity.googleapis.com/v1/projects/${r.project}/locations/global/policyBasedRoutes/${r.name}`,
    kind: 'networkconnectivity#policyBasedRoute',
  });
}

/**
 * A VM as compute `instances.aggregatedList` returns it. A GKE node carries `cluster-name`,
 * `cluster-location`, `cluster-uid` and `created-by` (its instance group manager, named with the
 * project *number*) in its metadata.
 */
export function instanceJson(i: Instance, projectNumber?: string): Json {
  const metadata: { key: string; value: string }[] = [];
  if (i.clusterName) metadata.push({ key: 'cluster-name', value: i.clusterName });
  if (i.clusterLocation) metadata.push({ key: 'cluster-location', value: i.clusterLocation });
  if (i.clusterUid) metadata.push({ key: 'cluster-uid', value: i.clusterUid });
  const group = i.instanceGroup ? /\/(zones|regions)\/([^/]+)\/instanceGroupManagers\/([^/]+)$/.exec(i.instanceGroup) : null;
  if (group) metadata.push({ key: 'created-by', value: `projects/${projectNumber ?? numericId(`project/${i.project}`).slice(0, 12)}/${group[1]}/${group[2]}/instanceGroupManagers/${group[3]}` });
  // A real node carries kubelet credentials in kube-env; the collector must never read it.
  if (i.clusterName) metadata.push({ key: 'kube-env', value: FAKE_SECRETS.kubeEnv });
  return compact({
    kind: 'compute#instance',
    id: numericId(i.fullName),
    name: i.name,
    selfLink: computeUrl(i.fullName),
    zone: zoneUrl(i.project, i.zone),
    machineType: `${zoneUrl(i.project, i.zone)}/machineTypes/e2-standard-4`,
    status: 'RUNNING',
    tags: { items: i.tags, fingerprint: hex(`${i.fullName}/tags`, 12) },
    labels: i.labels,
    metadata: { items: metadata, fingerprint: hex(`${i.fullName}/metadata`, 12) },
    serviceAccounts: i.serviceAccounts.map((email) => ({ email, scopes: ['https://www.googleapis.com/auth/cloud-platform'] })),
    networkInterfaces: i.networkInterfaces.map((ni, n) =>
      compact({
        name: `nic${n}`,
        network: computeUrl(ni.network),
        subnetwork: ni.subnetwork ? computeUrl(ni.subnetwork) : undefined,
        networkIP: ni.networkIP,
        accessConfigs: ni.accessConfigs.length ? ni.accessConfigs.map((a) => compact({ kind: 'compute#accessConfig', ...a })) : undefined,
        ipv6AccessConfigs: ni.ipv6AccessConfigs?.map((a) => compact({ name: a.name, type: a.type, externalIpv6: a.natIP })),
      }),
    ),
  });
}

function authorizedNetworksJson(a: AuthorizedNetworksConfig | undefined): Json | undefined {
  if (!a) return undefined;
  return compact({
    enabled: a.enabled,
    cidrBlocks: a.cidrBlocks.map((b) => compact({ displayName: b.displayName, cidrBlock: b.cidrBlock })),
    gcpPublicCidrsAccessEnabled: a.gcpPublicCidrsAccessEnabled,
    privateEndpointEnforcementEnabled: a.privateEndpointEnforcementEnabled,
  });
}

/** The cluster id: GKE's node tag carries its first 8 hex digits, so keep those when the tag is known. */
function clusterId(c: Cluster): string | undefined {
  const prefix = c.nodeTag ? new RegExp(`^gke-${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-([0-9a-f]{8})-node$`).exec(c.nodeTag)?.[1] : undefined;
  return prefix ? prefix + hex(c.fullName, 24) : undefined;
}

export function clusterJson(c: Cluster): Json {
  const ip = c.controlPlaneEndpointsConfig?.ipEndpointsConfig;
  const dnsEp = c.controlPlaneEndpointsConfig?.dnsEndpointConfig;
  const location = c.location;
  return compact({
    name: c.name,
    id: c.uid ?? clusterId(c),
    autopilot: c.autopilot ? { enabled: true } : undefined,
    location,
    zone: location,
    selfLink: `https://container.googleapis.com/v1/projects/${c.project}/locations/${location}/clusters/${c.name}`,
    status: 'RUNNING',
    currentMasterVersion: '1.31.4-gke.1183000',
    // A real cluster carries its CA and (for old clusters) client credentials here.
    masterAuth: { clusterCaCertificate: FAKE_SECRETS.clusterCaCertificate, clientKey: FAKE_SECRETS.clientKey },
    network: shortName(c.network),
    subnetwork: shortName(c.subnetwork),
    networkConfig: compact({
      network: relativeName(c.network),
      subnetwork: relativeName(c.subnetwork),
      defaultEnablePrivateNodes: c.networkConfig?.defaultEnablePrivateNodes,
    }),
    ipAllocationPolicy: c.ipAllocationPolicy ? compact({ ...c.ipAllocationPolicy }) : undefined,
    privateClusterConfig: c.privateClusterConfig
      ? compact({ ...c.privateClusterConfig, masterGlobalAccessConfig: c.privateClusterConfig.masterGlobalAccessConfig ? { ...c.privateClusterConfig.masterGlobalAccessConfig } : undefined })
      : undefined,
    masterAuthorizedNetworksConfig: authorizedNetworksJson(c.masterAuthorizedNetworksConfig),
    controlPlaneEndpointsConfig: c.controlPlaneEndpointsConfig
      ? compact({
          ipEndpointsConfig: ip ? compact({ ...ip, authorizedNetworksConfig: authorizedNetworksJson(ip.authorizedNetworksConfig) }) : undefined,
          dnsEndpointConfig: dnsEp ? compact({ ...dnsEp }) : undefined,
        })
      : undefined,
    nodePools: c.nodePools.map((p) =>
      compact({
        name: p.name,
        config: compact({
          machineType: 'e2-standard-4',
          tags: p.tags.length ? p.tags : undefined,
          serviceAccount: p.serviceAccount,
          metadata: { 'disable-legacy-endpoints': 'true' },
          resourceManagerTags: resourceManagerTagsJson(p.resourceManagerTags),
        }),
        networkConfig: p.enablePrivateNodes !== undefined ? { enablePrivateNodes: p.enablePrivateNodes } : undefined,
        instanceGroupUrls: p.instanceGroupUrls?.map((u) => (u.startsWith('//') ? computeUrl(u) : u)),
        status: 'RUNNING',
      }),
    ),
    nodePoolAutoConfig: c.autoNodeResourceManagerTags?.length ? { resourceManagerTags: resourceManagerTagsJson(c.autoNodeResourceManagerTags) } : undefined,
    resourceLabels: { env: c.project.includes('prod') ? 'prod' : 'nonprod' },
  });
}

/** `ResourceManagerTags`: the values keyed by their tag key (made up here: the model keeps the values). */
function resourceManagerTagsJson(values: string[] | undefined): Json | undefined {
  return values?.length ? { tags: Object.fromEntries(values.map((v) => [`tagKeys/${numericId(v).slice(0, 12)}`, v])) } : undefined;
}

function nameServerJson(target: string): Json {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(target)) return { ipv4Address: target };
  if (target.includes(':')) return { ipv6Address: target };
  return { domainName: target };
}

export function managedZoneJson(z: ManagedZone): Json {
  return compact({
    kind: 'dns#managedZone',
    id: numericId(z.fullName),
    name: z.name,
    dnsName: z.dnsName,
    description: '',
    visibility: z.visibility,
    nameServers: ['ns-gcp-private.googledomains.com.'],
    privateVisibilityConfig:
      z.visibility === 'private'
        ? compact({
            kind: 'dns#managedZonePrivateVisibilityConfig',
            networks: z.privateVisibilityNetworks.map((n) => ({ kind: 'dns#managedZonePrivateVisibilityConfigNetwork', networkUrl: computeUrl(n) })),
            gkeClusters: z.privateVisibilityClusters?.map((c) => ({ kind: 'dns#managedZonePrivateVisibilityConfigGKECluster', gkeClusterName: relativeName(c) })),
          })
        : undefined,
    forwardingConfig: z.forwardingTargets?.length ? { targetNameServers: z.forwardingTargets.map(nameServerJson) } : undefined,
    peeringConfig: z.peeringTargetNetwork ? { targetNetwork: { networkUrl: computeUrl(z.peeringTargetNetwork) } } : undefined,
  });
}

export function recordSetJson(r: RecordSet): Json {
  return compact({ kind: 'dns#resourceRecordSet', name: r.name, type: r.type, ttl: r.ttl, rrdatas: r.rrdatas });
}

/** REST `Address` (compute addresses / globalAddresses). */
export function addressJson(a: Address): Json {
  return compact({
    kind: 'compute#address',
    id: numericId(a.fullName),
    name: a.name,
    address: a.address,
    addressType: a.addressType,
    purpose: a.purpose,
    network: a.network ? computeUrl(a.network) : undefined,
    subnetwork: a.subnetwork ? computeUrl(a.subnetwork) : undefined,
    region: a.region ? regionUrl(a.project, a.region) : undefined,
    ipVersion: a.ipVersion,
    status: 'IN_USE',
    selfLink: computeUrl(a.fullName),
  });
}

/**
 * REST `ForwardingRule`. A PSC endpoint for Google APIs has `target` `all-apis` / `vpc-sc`, no
 * load-balancing scheme, and `IPAddress` the address itself (compute returns the literal).
 */
export function forwardingRuleJson(f: ForwardingRule, addresses: Address[] = []): Json {
  const ip = f.IPAddress ?? addresses.find((a) => a.fullName === f.addressRef)?.address;
  return compact({
    kind: 'compute#forwardingRule',
    id: numericId(f.fullName),
    name: f.name,
    IPAddress: ip ?? (f.addressRef ? computeUrl(f.addressRef) : undefined),
    target: f.target === 'all-apis' || f.target === 'vpc-sc' ? f.target : f.target && f.target.startsWith('//compute') ? computeUrl(f.target) : f.target,
    network: f.network ? computeUrl(f.network) : undefined,
    loadBalancingScheme: f.loadBalancingScheme ?? '',
    region: f.region ? regionUrl(f.project, f.region) : undefined,
    pscConnectionStatus: f.pscConnectionStatus,
    selfLink: computeUrl(f.fullName),
  });
}

/** REST `ResponsePolicy` (dns v1): its rules are a separate collection. */
export function responsePolicyJson(p: ResponsePolicy): Json {
  return compact({
    kind: 'dns#responsePolicy',
    id: numericId(p.fullName),
    responsePolicyName: p.name,
    description: '',
    networks: p.networks.length ? p.networks.map((n) => ({ kind: 'dns#responsePolicyNetwork', networkUrl: computeUrl(n) })) : undefined,
    gkeClusters: p.gkeClusters.length ? p.gkeClusters.map((c) => ({ kind: 'dns#responsePolicyGKECluster', gkeClusterName: relativeName(c) })) : undefined,
  });
}

/** REST `ResponsePolicyRule`. */
export function responsePolicyRuleJson(r: ResponsePolicyRule): Json {
  return compact({
    kind: 'dns#responsePolicyRule',
    ruleName: r.ruleName,
    dnsName: r.dnsName,
    behavior: r.behavior,
    localData: r.localData ? { localDatas: r.localData.map(recordSetJson) } : undefined,
  });
}

/** REST `Policy` (a DNS server policy). */
export function dnsPolicyJson(p: DnsServerPolicy): Json {
  return compact({
    kind: 'dns#policy',
    id: numericId(p.fullName),
    name: p.name,
    enableInboundForwarding: p.enableInboundForwarding ?? false,
    enableLogging: false,
    networks: p.networks.map((n) => ({ kind: 'dns#policyNetwork', networkUrl: computeUrl(n) })),
    alternativeNameServerConfig: p.alternativeNameServers.length
      ? { kind: 'dns#policyAlternativeNameServerConfig', targetNameServers: p.alternativeNameServers.map((t) => compact({ ...t })) }
      : undefined,
  });
}

function perimeterConfigJson(c: ServicePerimeterConfig | undefined): Json | undefined {
  return c ? { resources: c.resources, restrictedServices: c.restrictedServices } : undefined;
}

/** Access Context Manager REST `ServicePerimeter`. */
export function servicePerimeterJson(p: ServicePerimeter): Json {
  return compact({
    name: relativeName(p.fullName),
    title: p.title ?? p.name,
    perimeterType: p.perimeterType ?? 'PERIMETER_TYPE_REGULAR',
    status: perimeterConfigJson(p.status),
    spec: perimeterConfigJson(p.spec),
    useExplicitDryRunSpec: p.useExplicitDryRunSpec,
  });
}

export function restJson(e: Entity): Json {
  switch (e.kind) {
    case 'network': return networkJson(e);
    case 'subnetwork': return subnetworkJson(e);
    case 'route': return routeJson(e);
    case 'firewall': return firewallJson(e);
    case 'router': return routerJson(e);
    case 'instance': return instanceJson(e);
    case 'cluster': return clusterJson(e);
    case 'managedZone': return managedZoneJson(e);
    case 'firewallPolicy': return firewallPolicyJson(e);
    case 'address': return addressJson(e);
    case 'forwardingRule': return forwardingRuleJson(e);
    case 'responsePolicy': return responsePolicyJson(e);
    case 'dnsPolicy': return dnsPolicyJson(e);
    case 'servicePerimeter': return servicePerimeterJson(e);
    case 'policyBasedRoute': return policyBasedRouteJson(e);
  }
}

const ASSET_TYPE_OF: Partial<Record<Entity['kind'], string>> = {
  network: ASSET_TYPES.network,
  subnetwork: ASSET_TYPES.subnetwork,
  route: ASSET_TYPES.route,
  firewall: ASSET_TYPES.firewall,
  router: ASSET_TYPES.router,
  instance: ASSET_TYPES.instance,
  cluster: ASSET_TYPES.cluster,
  managedZone: ASSET_TYPES.managedZone,
  address: ASSET_TYPES.globalAddress,
  forwardingRule: ASSET_TYPES.globalForwardingRule,
  responsePolicy: ASSET_TYPES.responsePolicy,
  dnsPolicy: ASSET_TYPES.dnsPolicy,
  servicePerimeter: ASSET_TYPES.servicePerimeter,
  policyBasedRoute: ASSET_TYPES.policyBasedRoute,
};

/** The asset type Cloud Asset Inventory lists an entity under (undefined: not served yet). */
export function assetTypeOf(e: Entity): string | undefined {
  // Regional addresses and forwarding rules are other asset types, which the collectors do not list.
  if ((e.kind === 'address' || e.kind === 'forwardingRule') && e.region !== undefined) return undefined;
  // Firewall policies have one asset type per kind of policy.
  if (e.kind === 'firewallPolicy') {
    return e.policyType === 'hierarchical' ? ASSET_TYPES.firewallPolicy : e.policyType === 'regional' ? ASSET_TYPES.regionNetworkFirewallPolicy : ASSET_TYPES.networkFirewallPolicy;
  }
  return ASSET_TYPE_OF[e.kind];
}

/** A response-policy rule as `listAssets` with content type RESOURCE returns it. */
export function responsePolicyRuleAssetJson(policy: ResponsePolicy, rule: ResponsePolicyRule, projectNumber: string, ancestors: string[]): Json {
  return {
    name: `${policy.fullName}/rules/${rule.ruleName}`,
    assetType: ASSET_TYPES.responsePolicyRule,
    resource: {
      version: 'v1',
      discoveryDocumentUri: 'https://dns.googleapis.com/$discovery/rest',
      discoveryName: 'ResponsePolicyRule',
      parent: `//cloudresourcemanager.googleapis.com/projects/${projectNumber}`,
      data: responsePolicyRuleJson(rule),
      location: 'global',
    },
    ancestors,
  };
}

/** A perimeter as `listAssets` with content type ACCESS_POLICY returns it: the perimeter in `servicePerimeter`. */
export function perimeterAssetJson(p: ServicePerimeter, organization: string): Json {
  return { name: p.fullName, assetType: ASSET_TYPES.servicePerimeter, servicePerimeter: servicePerimeterJson(p), ancestors: [organization] };
}


/** Where an entity lives, as Cloud Asset Inventory's `resource.location` says it. */
function locationOf(e: Entity): string {
  switch (e.kind) {
    case 'subnetwork':
    case 'router':
      return e.region;
    case 'instance':
      return e.zone;
    case 'cluster':
      return e.location;
    case 'firewallPolicy':
      return e.region ?? 'global';
    default:
      return 'global';
  }
}

/** An asset as `listAssets` with content type RESOURCE returns it. */
export function assetJson(e: Entity, projectNumber: string, ancestors: string[], data: Json = restJson(e)): Json {
  const api = e.kind === 'cluster' ? 'container' : e.kind === 'managedZone' || e.kind === 'responsePolicy' || e.kind === 'dnsPolicy' ? 'dns' : e.kind === 'policyBasedRoute' ? 'networkconnectivity' : 'compute';
  return {
    name: e.fullName,
    assetType: assetTypeOf(e),
    resource: {
      version: 'v1',
      discoveryDocumentUri: `https://${api}.googleapis.com/$discovery/rest`,
      discoveryName: e.kind === 'managedZone' ? 'ManagedZone' : e.kind === 'policyBasedRoute' ? 'PolicyBasedRoute' : e.kind[0].toUpperCase() + e.kind.slice(1),
      parent: e.kind === 'firewallPolicy' && e.policyType === 'hierarchical' ? `//cloudresourcemanager.googleapis.com/${e.project}` : `//cloudresourcemanager.googleapis.com/projects/${projectNumber}`,
      data,
      location: locationOf(e),
    },
    ancestors,
  };
}

/**
 * A record set as `listAssets` returns a `dns.googleapis.com/ResourceRecordSet`: named after its
 * zone (`…/managedZones/Z/rrsets/NAME/TYPE`), the zone as its parent (the resource it lives in),
 * the Cloud DNS REST representation as data.
 */
export function recordSetAssetJson(zone: ManagedZone, r: RecordSet, ancestors: string[]): Json {
  return {
    name: `${zone.fullName}/rrsets/${r.name}/${r.type}`,
    assetType: ASSET_TYPES.recordSet,
    resource: {
      version: 'v1',
      discoveryDocumentUri: 'https://dns.googleapis.com/$discovery/rest',
      discoveryName: 'ResourceRecordSet',
      parent: zone.fullName,
      data: recordSetJson(r),
      location: 'global',
    },
    ancestors,
  };
}

export function projectAssetJson(projectId: string, projectNumber: string, ancestors: string[]): Json {
  const parent = ancestors[1] ?? '';
  return {
    name: `//cloudresourcemanager.googleapis.com/projects/${projectNumber}`,
    assetType: PROJECT_ASSET_TYPE,
    resource: {
      version: 'v1',
      discoveryDocumentUri: 'https://cloudresourcemanager.googleapis.com/$discovery/rest',
      discoveryName: 'Project',
      parent: parent ? `//cloudresourcemanager.googleapis.com/${parent}` : '',
      data: { projectId, projectNumber, lifecycleState: 'ACTIVE', name: projectId, parent: parent ? { type: parent.split('/')[0].replace(/s$/, ''), id: parent.split('/')[1] } : undefined },
      location: 'global',
    },
    ancestors,
  };
}

/** Aggregated-list scope key of an entity: `regions/R` or `zones/Z`. */
export function aggregatedScope(e: Subnetwork | Router | Instance): string {
  return e.kind === 'instance' ? `zones/${e.zone}` : `regions/${e.region}`;
}

/** One rule as the REST `FirewallPolicyRule` (https://cloud.google.com/compute/docs/reference/rest/v1/firewallPolicies). */
export function firewallPolicyRuleJson(r: FirewallPolicyRule): Json {
  const list = (v: string[]) => (v.length ? v : undefined);
  const match: Json = compact({
    srcIpRanges: list(r.srcIpRanges),
    destIpRanges: list(r.destIpRanges),
    layer4Configs: r.layer4Configs.map((l4) => compact({ ipProtocol: l4.ipProtocol, ports: l4.ports })),
    srcSecureTags: r.srcSecureTags.length ? r.srcSecureTags.map((name) => ({ name, state: 'EFFECTIVE' })) : undefined,
  });
  for (const [field, values] of Object.entries(r.unsupportedMatch ?? {})) {
    match[field] = field.endsWith('NetworkScope') ? values[0] : values;
  }
  return compact({
    kind: 'compute#firewallPolicyRule',
    ruleName: r.ruleName,
    description: r.description,
    priority: r.priority,
    match,
    action: r.action,
    direction: r.direction,
    targetResources: r.targetResources.length ? r.targetResources.map(computeUrl) : undefined,
    targetServiceAccounts: list(r.targetServiceAccounts),
    targetSecureTags: r.targetSecureTags.length ? r.targetSecureTags.map((name) => ({ name, state: 'EFFECTIVE' })) : undefined,
    enableLogging: false,
    disabled: r.disabled,
  });
}

/** A policy as the REST `FirewallPolicy`: hierarchical (numeric name, `parent`), global or regional network. */
export function firewallPolicyJson(p: FirewallPolicy): Json {
  const hierarchical = p.policyType === 'hierarchical';
  const selfLink = hierarchical ? `${COMPUTE_API}locations/global/firewallPolicies/${p.name}` : computeUrl(p.fullName);
  return compact({
    kind: 'compute#firewallPolicy',
    id: hierarchical ? p.name : numericId(p.fullName),
    name: p.name,
    shortName: hierarchical ? p.displayName : undefined,
    displayName: hierarchical ? p.displayName : undefined,
    parent: hierarchical ? p.project : undefined,
    region: p.region ? regionUrl(p.project, p.region) : undefined,
    selfLink,
    associations: p.attachments.map((a) => ({
      name: `${hierarchical ? a.replace('/', '-') : shortName(a)}-association`,
      attachmentTarget: hierarchical ? a : computeUrl(a),
      firewallPolicyId: hierarchical ? p.name : numericId(p.fullName),
    })),
    rules: p.rules.map(firewallPolicyRuleJson),
  });
}

/**
 * One policy of a getEffectiveFirewalls answer (`NetworksGetEffectiveFirewallsResponseEffectiveFirewallPolicy`):
 * the rules of the policy that apply to the network (a hierarchical rule limited to other networks
 * by `targetResources` is left out).
 */
export function effectiveFirewallPolicyJson(p: FirewallPolicy, network: string): Json {
  const type = p.policyType === 'hierarchical' ? 'HIERARCHY' : p.policyType === 'regional' ? 'NETWORK_REGIONAL' : 'NETWORK';
  return compact({
    name: p.name,
    shortName: p.policyType === 'hierarchical' ? p.displayName : undefined,
    displayName: p.displayName,
    type,
    rules: p.rules.filter((r) => r.targetResources.length === 0 || r.targetResources.includes(network)).map(firewallPolicyRuleJson),
  });
}
