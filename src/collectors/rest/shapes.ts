/**
 * Fail-closed reading of REST resources: before a resource is normalized, the fields its
 * normalizer reads are checked against the shape it needs (ajv). A resource of any other shape is
 * a read error for its collection, never a partly-read success: `{"items":[1,2,3]}` for a
 * firewall list, a priority of 70000, a `sourceRanges` entry of `010.0.0.0/8`.
 *
 * One collection = one entry of RESOURCE_SHAPES. Only the fields a normalizer reads are described;
 * other fields pass untouched (the APIs add fields, and the gax clients add `_field` markers).
 * Strings may be '' (the gax clients fill unset fields with proto3 defaults), so an address
 * field accepts '' or an address in the strict grammar of src/network/cidr.ts; and a field may be
 * null (protobuf messages leave unset message fields null), which the normalizers read as absent.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isCidr } from '../../network/cidr.js';
import type { CollectionKind } from '../../model/snapshot.js';
import { jsonPath } from '../../errors.js';

type Schema = Record<string, unknown>;

const str: Schema = { type: ['string', 'null'] };
const bool: Schema = { type: ['boolean', 'null'] };
/** A resource name: never empty. */
const name: Schema = { type: 'string', minLength: 1 };
/** An address or range in the strict grammar, or '' (unset). */
const range: Schema = { type: ['string', 'null'], format: 'ip-range' };
const arrayOf = (items: Schema): Schema => ({ type: ['array', 'null'], items });
const strings: Schema = arrayOf({ type: 'string' });
const ranges: Schema = arrayOf({ type: 'string', format: 'ip-range' });
/** int64 fields arrive as numbers or decimal strings (checked against the same bounds). */
const integerFormats = new Map<string, (s: string) => boolean>();
const integer = (minimum: number, maximum: number): Schema => {
  const format = `integer-${minimum}-${maximum}`;
  integerFormats.set(format, (s) => s === '' || (/^(?:0|[1-9][0-9]{0,9})$/.test(s) && Number(s) >= minimum && Number(s) <= maximum));
  return { type: ['integer', 'string', 'null'], minimum, maximum, format };
};
const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: ['object', 'null'], properties, required });
/** A resource itself: an object, never null. */
const resource = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties, required: ['name'] });

/** Firewall and route priorities: 0–65535 (compute API reference, Firewall.priority, Route.priority). */
const priority = integer(0, 65535);
const advertisedRanges = arrayOf(object({ range, description: str }, ['range']));
const authorizedNetworks = object({ enabled: bool, cidrBlocks: arrayOf(object({ displayName: str, cidrBlock: range }, ['cidrBlock'])) });
const permissions = arrayOf(object({ IPProtocol: str, ipProtocol: str, ports: strings }));
const accessConfigs = arrayOf(object({ name: str, type: str, natIP: range, externalIpv6: range }));

/**
 * The fields each collection's normalizer reads (src/collectors/rest/normalize.ts). A collection
 * read from the APIs must have an entry: requireShape refuses one that has none.
 */
export const RESOURCE_SHAPES: Partial<Record<CollectionKind, Schema>> = {
  networks: resource({ name, selfLink: str, autoCreateSubnetworks: bool, routingConfig: object({ routingMode: str }), networkFirewallPolicyEnforcementOrder: str, peerings: arrayOf(object({ name, network: str, state: str, exportCustomRoutes: bool, importCustomRoutes: bool }, ['name'])) }),
  subnetworks: resource(
    {
      name,
      selfLink: str,
      region: str,
      network: str,
      ipCidrRange: range,
      secondaryIpRanges: arrayOf(object({ rangeName: name, ipCidrRange: range }, ['rangeName', 'ipCidrRange'])),
      privateIpGoogleAccess: bool,
      purpose: str,
      ipv6CidrRange: range,
      internalIpv6Prefix: range,
      externalIpv6Prefix: range,
    },
  ),
  routes: resource({ name, selfLink: str, network: str, destRange: range, priority, tags: strings, nextHopGateway: str, nextHopIp: range, nextHopInstance: str, nextHopVpnTunnel: str, nextHopIlb: str, nextHopPeering: str, nextHopNetwork: str, routeType: str }),
  firewalls: resource(
    {
      name,
      selfLink: str,
      network: str,
      direction: { type: 'string', enum: ['INGRESS', 'EGRESS', 'ingress', 'egress', ''] },
      priority,
      sourceRanges: ranges,
      destinationRanges: ranges,
      sourceTags: strings,
      targetTags: strings,
      sourceServiceAccounts: strings,
      targetServiceAccounts: strings,
      allowed: permissions,
      denied: permissions,
      disabled: bool,
    },
  ),
  routers: resource(
    {
      name,
      selfLink: str,
      region: str,
      network: str,
      bgp: object({ asn: integer(0, 4294967295), advertiseMode: str, advertisedGroups: strings, advertisedIpRanges: advertisedRanges }),
      bgpPeers: arrayOf(object({ name, interfaceName: str, peerIpAddress: range, peerAsn: integer(0, 4294967295), advertiseMode: str, advertisedGroups: strings, advertisedIpRanges: advertisedRanges, enable: str }, ['name'])),
      interfaces: arrayOf(object({ name, linkedVpnTunnel: str, linkedInterconnectAttachment: str, ipRange: range }, ['name'])),
      // compute REST RouterNat (Cloud NAT).
      nats: arrayOf(
        object(
          {
            name,
            type: str,
            sourceSubnetworkIpRangesToNat: str,
            subnetworks: arrayOf(object({ name: str, sourceIpRangesToNat: strings, secondaryIpRangeNames: strings })),
            natIpAllocateOption: str,
          },
          ['name'],
        ),
      ),
    },
  ),
  instances: resource(
    {
      name,
      selfLink: str,
      zone: str,
      tags: object({ items: strings }),
      serviceAccounts: arrayOf(object({ email: str })),
      labels: { type: ['object', 'null'], additionalProperties: str },
      metadata: object({ items: arrayOf(object({ key: str })) }),
      networkInterfaces: arrayOf(object({ network: str, subnetwork: str, networkIP: range, accessConfigs, ipv6AccessConfigs: accessConfigs })),
    },
  ),
  clusters: resource(
    {
      name,
      selfLink: str,
      id: str,
      location: str,
      zone: str,
      network: str,
      subnetwork: str,
      networkConfig: object({ network: str, subnetwork: str, defaultEnablePrivateNodes: bool }),
      nodePools: arrayOf(object({ name, config: object({ tags: strings, serviceAccount: str }), networkConfig: object({ enablePrivateNodes: bool }), instanceGroupUrls: strings }, ['name'])),
      ipAllocationPolicy: object({ useIpAliases: bool, clusterSecondaryRangeName: str, servicesSecondaryRangeName: str, clusterIpv4CidrBlock: range, servicesIpv4CidrBlock: range }),
      privateClusterConfig: object({
        enablePrivateNodes: bool,
        enablePrivateEndpoint: bool,
        masterIpv4CidrBlock: range,
        peeringName: str,
        privateEndpoint: range,
        publicEndpoint: range,
        privateEndpointSubnetwork: str,
        masterGlobalAccessConfig: object({ enabled: bool }),
      }),
      masterAuthorizedNetworksConfig: authorizedNetworks,
      controlPlaneEndpointsConfig: object({
        ipEndpointsConfig: object({ enabled: bool, enablePublicEndpoint: bool, globalAccess: bool, authorizedNetworksConfig: authorizedNetworks, publicEndpoint: range, privateEndpoint: range, privateEndpointSubnetwork: str }),
        dnsEndpointConfig: object({ endpoint: str, allowExternalTraffic: bool }),
      }),
    },
  ),
  managedZones: resource(
    {
      name,
      dnsName: str,
      visibility: str,
      privateVisibilityConfig: object({ networks: arrayOf(object({ networkUrl: str })) }),
      forwardingConfig: object({ targetNameServers: arrayOf(object({ ipv4Address: range, ipv6Address: range, domainName: str })) }),
      peeringConfig: object({ targetNetwork: object({ networkUrl: str }) }),
    },
  ),
  recordSets: { type: 'object', properties: { name, type: name, ttl: integer(0, 2147483647), rrdatas: strings }, required: ['name', 'type'] },
  // Network Connectivity PolicyBasedRoute (read through Cloud Asset Inventory).
  policyBasedRoutes: resource({
    name,
    network: str,
    priority: integer(0, 65535),
    filter: object({ ipProtocol: str, srcRange: range, destRange: range, protocolVersion: str }),
    virtualMachine: object({ tags: strings }),
    interconnectAttachment: object({ region: str }),
    nextHopIlbIp: range,
    nextHopOtherRoutes: str,
  }),
  // compute REST FirewallPolicy (hierarchical, global and regional network policies, and the
  // policies of a getEffectiveFirewalls answer): rule priorities run 0–2147483647.
  firewallPolicies: resource({
    name,
    selfLink: str,
    shortName: str,
    displayName: str,
    parent: str,
    region: str,
    type: str,
    associations: arrayOf(object({ name: str, attachmentTarget: str })),
    rules: arrayOf(
      object({
        priority: integer(0, 2147483647),
        direction: str,
        action: str,
        disabled: bool,
        ruleName: str,
        description: str,
        match: object({
          srcIpRanges: ranges,
          destIpRanges: ranges,
          layer4Configs: arrayOf(object({ ipProtocol: str, ports: strings })),
          srcSecureTags: arrayOf(object({ name: str })),
          srcFqdns: strings,
          destFqdns: strings,
          srcRegionCodes: strings,
          destRegionCodes: strings,
          srcAddressGroups: strings,
          destAddressGroups: strings,
          srcThreatIntelligences: strings,
          destThreatIntelligences: strings,
          srcNetworks: strings,
        }),
        targetSecureTags: arrayOf(object({ name: str })),
        targetServiceAccounts: strings,
        targetResources: strings,
      }),
    ),
  }),
  // Compute REST `Address` / `ForwardingRule` (PSC endpoints for Google APIs: `target` all-apis or
  // vpc-sc, `IPAddress` the address or a reference to it).
  addresses: resource({ name, address: range, addressType: str, purpose: str, network: str, subnetwork: str, region: str, ipVersion: str }),
  forwardingRules: resource({ name, IPAddress: str, target: str, network: str, loadBalancingScheme: str, region: str, pscConnectionStatus: str }),
  // Cloud DNS REST `ResponsePolicy` and `ResponsePolicyRule` (one collection, two asset types).
  responsePolicies: {
    type: 'object',
    properties: {
      responsePolicyName: str,
      networks: arrayOf(object({ networkUrl: str })),
      gkeClusters: arrayOf(object({ gkeClusterName: str })),
      ruleName: str,
      dnsName: str,
      behavior: str,
      localData: object({ localDatas: arrayOf(object({ name: str, type: str, ttl: integer(0, 2147483647), rrdatas: strings })) }),
    },
  },
  // Cloud DNS REST `Policy` (a server policy).
  dnsPolicies: resource({
    name,
    networks: arrayOf(object({ networkUrl: str })),
    alternativeNameServerConfig: object({ targetNameServers: arrayOf(object({ ipv4Address: range, ipv6Address: range, forwardingPath: str })) }),
    enableInboundForwarding: bool,
  }),
};

let ajv: Ajv | undefined;
const compiled = new Map<CollectionKind, ValidateFunction>();

function validatorOf(collection: CollectionKind): ValidateFunction {
  let validate = compiled.get(collection);
  if (!validate) {
    const shape = RESOURCE_SHAPES[collection];
    if (!shape) throw new ShapeError(`no response shape is declared for ${collection} (RESOURCE_SHAPES in src/collectors/rest/shapes.ts)`);
    if (!ajv) {
      ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).addFormat('ip-range', { type: 'string', validate: (s: string) => s === '' || isCidr(s) });
      for (const [format, validate] of integerFormats) ajv.addFormat(format, { type: 'string', validate });
    }
    validate = ajv.compile(shape);
    compiled.set(collection, validate);
  }
  return validate;
}

function describe(error: ErrorObject, value: unknown): string {
  const field = jsonPath(error.instancePath);
  if (error.keyword === 'required') return `${field} has no "${(error.params as { missingProperty: string }).missingProperty}"`;
  if (error.keyword === 'format' && (error.params as { format: string }).format.startsWith('integer-')) {
    return `${field} is not an integer in ${(error.params as { format: string }).format.slice(8).replace('-', '–')} (${JSON.stringify(String(value)).slice(0, 40)})`;
  }
  if (error.keyword === 'format') return `${field} is not an address or range in canonical form (${JSON.stringify(String(value)).slice(0, 80)})`;
  return `${field} ${error.message ?? 'is not of the expected shape'}`;
}

function valueAt(json: unknown, instancePath: string): unknown {
  let v = json;
  for (const seg of instancePath.split('/').slice(1)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return v;
}

/**
 * Undefined when `json` has the shape `collection` needs; else one line naming the resource (its
 * name when it has one) and the field.
 */
export function shapeProblem(collection: CollectionKind, json: unknown): string | undefined {
  const validate = validatorOf(collection);
  if (validate(json)) return undefined;
  const error = validate.errors![0];
  const resourceName = json && typeof json === 'object' && typeof (json as { name?: unknown }).name === 'string' ? (json as { name: string }).name : undefined;
  const what = resourceName ? `${collection} resource ${JSON.stringify(resourceName)}` : `a ${collection} item`;
  return `${what}: ${describe(error, valueAt(json, error.instancePath))}`;
}

/** A resource not of the shape its collection needs; `code` is what classify() takes as the reason. */
export class ShapeError extends Error {
  readonly code = 'BAD_RESPONSE';

  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Throws a ShapeError unless `json` has the shape `collection` needs; returns it typed for the normalizer. */
export function requireShape<T = Record<string, unknown>>(collection: CollectionKind, json: unknown): T {
  const problem = shapeProblem(collection, json);
  if (problem) throw new ShapeError(problem);
  return json as T;
}
