/**
 * The path by which the nodes of a network reach Google APIs privately: one of the two VIPs
 * (restricted.googleapis.com 199.36.153.4/30, private.googleapis.com 199.36.153.8/30) or a
 * Private Service Connect endpoint for Google APIs.
 *
 * A PSC endpoint for Google APIs is a global internal address with `purpose:
 * PRIVATE_SERVICE_CONNECT` and a global forwarding rule on the network whose `target` is a bundle:
 * `vpc-sc` (only the APIs VPC Service Controls supports, like the restricted VIP) or `all-apis`
 * (like the private VIP). DNS answers the endpoint's address for the usual names or for
 * `SERVICE-ENDPOINT.p.googleapis.com`; no route to the default internet gateway is needed, but
 * egress must allow tcp:443 to the endpoint
 * (cloud.google.com/vpc/docs/about-accessing-google-apis-endpoints,
 * cloud.google.com/vpc/docs/configure-private-service-connect-apis; REST
 * `globalForwardingRules`: `target` "all-apis" / "vpc-sc", `network`, `IPAddress`).
 *
 * Which path a network actually takes is what DNS answers: the path is read from the resolution
 * of the names the nodes ask (src/network/dns.ts), not guessed from which resources exist.
 *
 * Pure: it reads the snapshot through `ApiPathView` and knows nothing of rules.
 */
import { VIPS } from '../model/facts.js';
import { fqdn } from '../model/names.js';
import type { Address, ForwardingRule } from '../model/snapshot.js';
import { contains, isCidr } from './cidr.js';
import { resolve, type DnsAnswer, type ZoneView } from './dns.js';

export type VipKind = 'restricted' | 'private';
export type PscBundle = 'all-apis' | 'vpc-sc';

/** The names whose answers decide the path: one Google API, the registries the nodes pull from. */
export const API_PATH_NAMES = ['storage.googleapis.com.', 'gcr.io.', 'asia-northeast1-docker.pkg.dev.'] as const;

/** The bundle that gives what each VIP gives: `vpc-sc` for restricted, `all-apis` for private. */
export const BUNDLE_FOR_VIP: Record<VipKind, PscBundle> = { restricted: 'vpc-sc', private: 'all-apis' };

export interface PscEndpoint {
  forwardingRule: ForwardingRule;
  bundle: PscBundle;
  /** The IPv4 address the endpoint serves. */
  address: string;
  /** The global address resource the forwarding rule names, when the input has it. */
  addressResource?: Address;
}

/** What the path needs of the snapshot (SnapshotIndex satisfies it). */
export interface ApiPathView extends ZoneView {
  forwardingRulesOn(network: string): ForwardingRule[];
  addressesOn(network: string): Address[];
}

function isBundle(target: string | undefined): target is PscBundle {
  return target === 'all-apis' || target === 'vpc-sc';
}

/** The PSC endpoints for Google APIs on the network: global forwarding rules targeting a bundle. */
export function pscEndpointsOn(view: ApiPathView, network: string): PscEndpoint[] {
  const endpoints: PscEndpoint[] = [];
  for (const rule of view.forwardingRulesOn(network)) {
    // Endpoints for Google APIs are global: a regional forwarding rule is a PSC backend or a load balancer.
    if (rule.region !== undefined || !isBundle(rule.target)) continue;
    const addressResource = rule.addressRef ? view.addressesOn(network).find((a) => a.fullName === rule.addressRef) : undefined;
    const address = rule.IPAddress ?? addressResource?.address;
    if (!address) continue;
    endpoints.push({ forwardingRule: rule, bundle: rule.target, address, ...(addressResource ? { addressResource } : {}) });
  }
  return endpoints;
}

/** What one address a name resolved to is. */
export type AddressClass = { kind: 'vip'; vip: VipKind } | { kind: 'psc'; endpoint: PscEndpoint } | { kind: 'other' };

export function classifyAddress(address: string, endpoints: PscEndpoint[]): AddressClass {
  const endpoint = endpoints.find((e) => e.address === address.trim());
  if (endpoint) return { kind: 'psc', endpoint };
  if (isCidr(address)) {
    for (const vip of ['restricted', 'private'] as const) {
      if (contains(VIPS[vip].ipv4Range, address) || contains(VIPS[vip].ipv6Range, address)) return { kind: 'vip', vip };
    }
  }
  return { kind: 'other' };
}

/** The path one name's answer shows. */
export type NamePath =
  /** Every address is one PSC endpoint of the network. */
  | { kind: 'psc'; endpoint: PscEndpoint }
  /** Every address lies in one VIP range. */
  | { kind: 'vip'; vip: VipKind }
  /** Addresses of several kinds, or none of the above, or no addresses at all. */
  | { kind: 'none' };

export function pathOfAnswer(answer: DnsAnswer, endpoints: PscEndpoint[]): NamePath {
  if (answer.kind !== 'addresses') return { kind: 'none' };
  const classes = [...answer.a, ...answer.aaaa].map((a) => classifyAddress(a, endpoints));
  if (classes.length === 0) return { kind: 'none' };
  const first = classes[0];
  if (first.kind === 'psc' && classes.every((c) => c.kind === 'psc' && c.endpoint === first.endpoint)) return { kind: 'psc', endpoint: first.endpoint };
  if (first.kind === 'vip' && classes.every((c) => c.kind === 'vip' && c.vip === first.vip)) return { kind: 'vip', vip: first.vip };
  return { kind: 'none' };
}

/** The network's path to Google APIs, as the nodes of `cluster` resolve the API names. */
export type ApiPath =
  /** DNS sends the Google API names to PSC endpoints of the network. */
  | { kind: 'psc'; endpoints: PscEndpoint[] }
  /** DNS sends them to a VIP, or says nothing usable: the VIP path is what the routes must carry. */
  | { kind: 'vip' };

export interface ApiDestination {
  /** A CIDR range to ask the firewall about: a VIP range or an endpoint's /32. */
  range: string;
  /** For messages: `the restricted.googleapis.com VIP` or `PSC endpoint NAME (vpc-sc)`. */
  label: string;
  /** The forwarding rule behind a PSC destination. */
  endpoint?: PscEndpoint;
  vip?: VipKind;
}

function resolveAll(view: ApiPathView, network: string, cluster: string | undefined): DnsAnswer[] {
  return API_PATH_NAMES.map((name) => resolve(view, network, fqdn(name), cluster === undefined ? {} : { cluster }));
}

/**
 * The path: PSC when the Google API name (`storage.googleapis.com`) resolves to PSC endpoints of
 * the network, else the VIP path.
 */
export function apiPathOf(view: ApiPathView, network: string, cluster?: string): ApiPath {
  const endpoints = pscEndpointsOn(view, network);
  if (endpoints.length === 0) return { kind: 'vip' };
  const used = new Set<PscEndpoint>();
  const apiAnswer = resolve(view, network, API_PATH_NAMES[0], cluster === undefined ? {} : { cluster });
  const path = pathOfAnswer(apiAnswer, endpoints);
  if (path.kind !== 'psc') return { kind: 'vip' };
  used.add(path.endpoint);
  return { kind: 'psc', endpoints: [...used] };
}

export function endpointText(endpoint: PscEndpoint): string {
  return `PSC endpoint ${endpoint.forwardingRule.name} (${endpoint.bundle}, ${endpoint.address})`;
}

export function vipLabel(vip: VipKind): string {
  return `the ${VIPS[vip].host.replace(/\.$/, '')} VIP`;
}

/**
 * Where tcp:443 must be allowed for the nodes of `cluster`: the destinations DNS actually returns
 * for the API and registry names that the policy accepts (its VIP range, the address of a PSC
 * endpoint whose bundle matches it), each once. When DNS gives no such destination (public
 * answers, names not known, the other VIP or bundle, which the DNS rules report), the policy's
 * VIP range, as the design the article builds expects.
 */
export function apiDestinations(view: ApiPathView, network: string, vip: VipKind, cluster?: string): ApiDestination[] {
  const endpoints = pscEndpointsOn(view, network);
  const found = new Map<string, ApiDestination>();
  for (const answer of resolveAll(view, network, cluster)) {
    const path = pathOfAnswer(answer, endpoints);
    if (path.kind === 'psc' && path.endpoint.bundle === BUNDLE_FOR_VIP[vip]) {
      const range = `${path.endpoint.address}/32`;
      found.set(range, { range, label: endpointText(path.endpoint), endpoint: path.endpoint });
    } else if (path.kind === 'vip' && path.vip === vip) {
      const range = VIPS[path.vip].ipv4Range;
      found.set(range, { range, label: vipLabel(path.vip), vip: path.vip });
    }
  }
  if (found.size === 0) return [{ range: VIPS[vip].ipv4Range, label: vipLabel(vip), vip }];
  return [...found.values()];
}
