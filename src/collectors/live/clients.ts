/**
 * The four official clients (compute, container, asset, dns), pointed at Google, at a private API
 * endpoint, or at the local emulator. They are imported lazily and only those a scope needs: about
 * a second of import cost that `check` must never pay, and that an organization read through Cloud
 * Asset Inventory (asset + dns) should not pay for compute and container. Every request of all
 * four goes through guardedFetch (transport.ts): the gax clients through the fetch of the auth
 * object they share, the dns client through its replaced request function (see
 * /work/shared/GCP-CLIENTS.md for why its own retries and timeout cannot be trusted).
 */
import type * as ComputeModule from '@google-cloud/compute';
import type * as ContainerModule from '@google-cloud/container';
import type * as AssetModule from '@google-cloud/asset';
import type { DNS as DnsClient } from '@google-cloud/dns';
import { DEFAULT_MAX_RESPONSE_BYTES, dnsRequest, guardedFetch, type TransportLimits } from './transport.js';
import { resolveCredentials } from './credentials.js';

export const LIVE_SERVICES = ['compute', 'container', 'dns', 'asset'] as const;
export type LiveService = (typeof LIVE_SERVICES)[number];

export const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';

/** `SERVICE=URL`, as `--endpoint` takes it. Throws a one-line Error on anything else. */
export function parseEndpoint<S extends string = LiveService>(spec: string, services: readonly S[] = LIVE_SERVICES as unknown as readonly S[]): { service: S; url: URL } {
  const eq = spec.indexOf('=');
  const service = spec.slice(0, Math.max(eq, 0));
  if (eq < 0 || !(services as readonly string[]).includes(service)) {
    throw new Error(`--endpoint ${spec}: expected SERVICE=URL with SERVICE one of ${services.join(', ')}`);
  }
  let url: URL;
  try {
    url = new URL(spec.slice(eq + 1));
  } catch {
    throw new Error(`--endpoint ${spec}: "${spec.slice(eq + 1)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--endpoint ${spec}: the URL must be http or https`);
  if (url.pathname !== '/' && url.pathname !== '') throw new Error(`--endpoint ${spec}: give the host only (the client adds the API path)`);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new Error(`--endpoint ${spec}: plain http is only allowed to a loopback address (credentials would travel in clear)`);
  }
  return { service: service as S, url };
}

export function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1' || hostname === 'localhost';
}

/** What gax and @google-cloud/common accept as `authClient`. */
export interface AuthShim {
  getRequestHeaders(url?: string): Promise<Headers>;
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
}

export interface LiveClients {
  networks: ComputeModule.NetworksClient;
  subnetworks: ComputeModule.SubnetworksClient;
  routes: ComputeModule.RoutesClient;
  firewalls: ComputeModule.FirewallsClient;
  routers: ComputeModule.RoutersClient;
  instances: ComputeModule.InstancesClient;
  regionNetworkFirewallPolicies: ComputeModule.RegionNetworkFirewallPoliciesClient;
  /** PSC endpoints for Google APIs: global addresses and global forwarding rules. */
  globalAddresses: ComputeModule.GlobalAddressesClient;
  globalForwardingRules: ComputeModule.GlobalForwardingRulesClient;
  clusters: InstanceType<typeof ContainerModule.v1.ClusterManagerClient>;
  assets: InstanceType<typeof AssetModule.v1.AssetServiceClient>;
  /** One dns client per project (the client is bound to a project). */
  dns(project: string): DnsClient;
  /**
   * Imports the routers client for a scope that did not load compute: an organization read through
   * Cloud Asset Inventory still asks its routers with BGP peers what they learned
   * (routers.getRouterStatus has no asset type). Called only when such a router is in the scope.
   */
  loadRouters(): Promise<void>;
  close(): Promise<void>;
}

export interface ClientSettings {
  endpoints: Partial<Record<LiveService, URL>>;
  timeoutMs: number;
  /** The services the scope calls (servicesFor); only their clients are imported. */
  services: readonly LiveService[];
  /** Aborts every request in flight: the run's deadline passed, or the run is over. */
  runSignal?: AbortSignal;
  /** Decompressed bytes of one response (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

/**
 * The services a scope calls: projects named one by one, compute, container, dns and asset; an
 * organization or folder, asset and dns (record sets zone by zone where the asset API would not
 * list them); read `fresh`, all four.
 */
export function servicesFor(scope: { kind: string }, fresh: boolean): LiveService[] {
  // asset too for projects: what no per-service client reads (project numbers, DNS response and
  // server policies, perimeters, policy-based routes: Network Connectivity has no Node client)
  // comes from Cloud Asset Inventory.
  if (scope.kind === 'projects') return ['compute', 'container', 'dns', 'asset'];
  return fresh ? ['compute', 'container', 'dns', 'asset'] : ['asset', 'dns'];
}

/**
 * Imports the client modules of the services named. createClients calls it; a caller that wants
 * the import cost paid ahead of time (a benchmark's clock) may call it first.
 */
export function loadClientModules(services: readonly LiveService[]) {
  const uses = (s: LiveService) => services.includes(s);
  return Promise.all([
    uses('compute') ? import('@google-cloud/compute') : undefined,
    uses('container') ? import('@google-cloud/container') : undefined,
    uses('asset') ? import('@google-cloud/asset') : undefined,
    uses('dns') ? import('@google-cloud/dns') : undefined,
  ]);
}

/**
 * One unary call of a generated gax client, through the method's callback form, as a promise.
 * On a failed call, the promise form of every generated unary method rebuilds the client's whole
 * proto root from its JSON to decode the error's status details (the `Root.fromJSON(jsonProtos)`
 * in each method's `.catch`; 11 MB of JSON for compute, 0.8 MB for container): about 200 ms of
 * CPU per failed compute call, 1.6 s for the seven retried 429s of one organization's 1,000
 * router-status reads (measured). The callback form hands the error over undecoded; the Caller
 * reads only its code, its ErrorInfo reason (parsed by gax itself) and its message.
 */
export function unaryCall<R>(invoke: (callback: (error: unknown, response?: R | null) => void) => unknown): Promise<[R]> {
  return new Promise((resolve, reject) => {
    invoke((error, response) => (error ? reject(error) : resolve([response as R])));
  });
}

/**
 * The compute client's RoutersClient alone, for a scope that calls no other compute method (an
 * organization read through Cloud Asset Inventory). The package's entry point loads every compute
 * client of three API versions (v1, v1beta, v1small): about 0.8 s of CPU, against 0.2 s for this
 * module (measured). The package declares no `exports`, so the module's own path is a supported
 * import; the entry point is the fallback should a release move the file.
 */
export async function importRoutersClient(): Promise<typeof ComputeModule.RoutersClient> {
  try {
    return (await import('@google-cloud/compute/build/src/v1/routers_client.js')).RoutersClient;
  } catch {
    return (await import('@google-cloud/compute')).RoutersClient;
  }
}

/** The anonymous auth of a loopback endpoint: no credentials, no metadata-server probe. */
export function anonymousAuth(limits: TransportLimits): AuthShim {
  return {
    getRequestHeaders: async () => new Headers(),
    fetch: (url, init) => guardedFetch(url, init, limits),
  };
}

/** What a GoogleAuth of any gax client offers: headers, fetch, and what resolveCredentials needs. */
export interface GoogleAuthLike {
  getRequestHeaders(url?: string): Promise<Headers>;
  fetch(url: string | URL, init?: RequestInit): Promise<unknown>;
  getClient(): Promise<unknown>;
  getAccessToken(): Promise<string | null | undefined>;
}

/** Wraps a GoogleAuth: it adds the credentials, the transport underneath (deadline, no redirects, size cap) is ours. */
export function authenticatedAuth(googleAuth: GoogleAuthLike, limits: TransportLimits): AuthShim {
  return {
    getRequestHeaders: (url?: string) => googleAuth.getRequestHeaders(url),
    fetch: async (url, init) => {
      const headers = new Headers(init?.headers);
      (await googleAuth.getRequestHeaders(String(url))).forEach((v, k) => headers.set(k, v));
      return guardedFetch(url, { ...init, headers }, limits);
    },
  };
}

/**
 * gax constructor options for a service: its endpoint (host, port, protocol) when one is given,
 * REST over fetch (`fallback`) always, and the auth that fits the endpoint.
 */
export function gaxOptionsFor(url: URL | undefined, anonymous: AuthShim, authenticated: AuthShim | undefined) {
  const authClient = url !== undefined && isLoopback(url.hostname) ? anonymous : authenticated!;
  // fallback (REST over fetch) for every client, so every request goes through the shim's fetch.
  if (!url) return { fallback: true, authClient };
  const protocol = url.protocol.slice(0, -1);
  return { apiEndpoint: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol, fallback: true, authClient };
}

/**
 * Application Default Credentials with the read-only scope, resolved once (exit 2 when none) before
 * the client modules are even loaded: a run without credentials must end in seconds, not after the
 * second the compute client takes to import.
 */
export async function resolvedGoogleAuth(): Promise<GoogleAuthLike> {
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth({ scopes: [READ_ONLY_SCOPE] });
  await resolveCredentials(auth);
  return auth as unknown as GoogleAuthLike;
}

export async function createClients(settings: ClientSettings): Promise<LiveClients> {
  const { endpoints, timeoutMs, services } = settings;
  const limits: TransportLimits = { timeoutMs, runSignal: settings.runSignal, maxResponseBytes: settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES };
  // Only the services this scope calls: an organization read against a loopback asset and dns
  // endpoint must not build Google credentials (they would probe the metadata server).
  const needsCredentials = services.some((s) => !endpoints[s] || !isLoopback(endpoints[s]!.hostname));
  // A loopback endpoint (the emulator, a local proxy) gets no credentials at all: without an auth
  // object the libraries would probe the metadata server. Anything else uses Application Default
  // Credentials with the read-only scope, shared by every client through the shim.
  let googleAuth = needsCredentials ? await resolvedGoogleAuth() : undefined;
  const modules = await loadClientModules(services);
  const compute = modules[0];
  // An organization's router status reads load the routers client alone (loadRouters).
  let routersClient: typeof ComputeModule.RoutersClient | undefined;
  const [, container, asset, dnsModule] = modules;
  const anonymous = anonymousAuth(limits);
  let authenticated: AuthShim | undefined = googleAuth && authenticatedAuth(googleAuth, limits);
  const loopback = (service: LiveService) => {
    const url = endpoints[service];
    return url !== undefined && isLoopback(url.hostname);
  };
  const gaxOptions = (service: LiveService) => gaxOptionsFor(endpoints[service], anonymous, authenticated);

  const dnsClients = new Map<string, DnsClient>();
  const dnsUrl = endpoints.dns;
  const dns = (project: string): DnsClient => {
    let client = dnsClients.get(project);
    if (!client) {
      if (!dnsModule) throw new Error('the dns client was not loaded: createClients was not told the scope calls dns');
      client = new dnsModule.DNS({
        projectId: project,
        ...(loopback('dns') ? { authClient: anonymous as never } : { authClient: googleAuth as never, scopes: [READ_ONLY_SCOPE] }),
      });
      // The constructor always builds an https URL for Google; point it elsewhere when asked.
      if (dnsUrl) client.baseUrl = `${dnsUrl.origin}/dns/v1`;
      // Its own transport retries 429/5xx (2/4/8 s) unseen by the Caller, follows redirects and has
      // no working timeout (node-fetch 3 dropped the option): every request goes through ours.
      const headers = loopback('dns') ? anonymous.getRequestHeaders : (u: string) => authenticated!.getRequestHeaders(u);
      client.makeAuthenticatedRequest = dnsRequest(limits, headers, project) as never;
      dnsClients.set(project, client);
    }
    return client;
  };

  // Built on first use: a compute client costs a noticeable share of a second to construct.
  const built = new Map<string, { close(): Promise<void> }>();
  const lazy = <T extends { close(): Promise<void> }>(name: string, loaded: () => unknown, make: () => T) => (): T => {
    let client = built.get(name) as T | undefined;
    if (!client) {
      if (!loaded()) throw new Error(`the ${name} client was not loaded: createClients was told the scope calls ${services.join(', ')}`);
      built.set(name, (client = make()));
    }
    return client;
  };
  const computeOptions = () => gaxOptions('compute') as ConstructorParameters<typeof ComputeModule.NetworksClient>[0];
  const getters = {
    networks: lazy('networks', () => compute, () => new compute!.NetworksClient(computeOptions())),
    subnetworks: lazy('subnetworks', () => compute, () => new compute!.SubnetworksClient(computeOptions())),
    routes: lazy('routes', () => compute, () => new compute!.RoutesClient(computeOptions())),
    firewalls: lazy('firewalls', () => compute, () => new compute!.FirewallsClient(computeOptions())),
    routers: lazy('routers', () => compute ?? routersClient, () => new (compute?.RoutersClient ?? routersClient!)(computeOptions())),
    instances: lazy('instances', () => compute, () => new compute!.InstancesClient(computeOptions())),
    regionNetworkFirewallPolicies: lazy('regionNetworkFirewallPolicies', () => compute, () => new compute!.RegionNetworkFirewallPoliciesClient(computeOptions())),
    globalAddresses: lazy('globalAddresses', () => compute, () => new compute!.GlobalAddressesClient(computeOptions())),
    globalForwardingRules: lazy('globalForwardingRules', () => compute, () => new compute!.GlobalForwardingRulesClient(computeOptions())),
    clusters: lazy('clusters', () => container, () => new container!.v1.ClusterManagerClient(gaxOptions('container') as never)),
    assets: lazy('assets', () => asset, () => new asset!.v1.AssetServiceClient(gaxOptions('asset') as never)),
  };
  return {
    get networks() { return getters.networks(); },
    get subnetworks() { return getters.subnetworks(); },
    get routes() { return getters.routes(); },
    get firewalls() { return getters.firewalls(); },
    get routers() { return getters.routers(); },
    get instances() { return getters.instances(); },
    get regionNetworkFirewallPolicies() { return getters.regionNetworkFirewallPolicies(); },
    get globalAddresses() { return getters.globalAddresses(); },
    get globalForwardingRules() { return getters.globalForwardingRules(); },
    get clusters() { return getters.clusters(); },
    get assets() { return getters.assets(); },
    dns,
    loadRouters: async () => {
      if (!compute) routersClient ??= await importRoutersClient();
      // Credentials only if compute goes somewhere other than a loopback endpoint.
      if (!loopback('compute') && !authenticated) {
        googleAuth = await resolvedGoogleAuth();
        authenticated = authenticatedAuth(googleAuth, limits);
      }
    },
    close: async () => {
      await Promise.all([...built.values()].map((c) => c.close().catch(() => undefined)));
    },
  };
}
