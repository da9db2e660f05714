/**
 * The four official clients (compute, container, asset, dns), pointed at Google, at a private API
 * endpoint, or at the local emulator. They are imported lazily and only those a scope needs: about
 * a second of import cost that `check` must never pay, and that an organization read through Cloud
 * Asset Inventory (asset + dns) should not pay for compute and container. Every request the gax
 * clients make carries an abort timeout, set in the fetch of the auth object they share; the dns
 * client gets its timeout through an interceptor (see /work/shared/GCP-CLIENTS.md for why).
 */
import type * as ComputeModule from '@google-cloud/compute';
import type * as ContainerModule from '@google-cloud/container';
import type * as AssetModule from '@google-cloud/asset';
import type { DNS as DnsClient } from '@google-cloud/dns';

export const LIVE_SERVICES = ['compute', 'container', 'dns', 'asset'] as const;
export type LiveService = (typeof LIVE_SERVICES)[number];

export const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';

/** `SERVICE=URL`, as `--endpoint` takes it. Throws a one-line Error on anything else. */
export function parseEndpoint(spec: string): { service: LiveService; url: URL } {
  const eq = spec.indexOf('=');
  const service = spec.slice(0, Math.max(eq, 0));
  if (eq < 0 || !(LIVE_SERVICES as readonly string[]).includes(service)) {
    throw new Error(`--endpoint ${spec}: expected SERVICE=URL with SERVICE one of ${LIVE_SERVICES.join(', ')}`);
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
  return { service: service as LiveService, url };
}

export function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1' || hostname === 'localhost';
}

/** What gax and @google-cloud/common accept as `authClient`. */
interface AuthShim {
  getRequestHeaders(url?: string): Promise<Headers>;
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
}

function withTimeout(init: RequestInit | undefined, timeoutMs: number): RequestInit {
  const signals = [AbortSignal.timeout(timeoutMs), ...(init?.signal ? [init.signal] : [])];
  return { ...init, signal: AbortSignal.any(signals) };
}

export interface LiveClients {
  networks: ComputeModule.NetworksClient;
  subnetworks: ComputeModule.SubnetworksClient;
  routes: ComputeModule.RoutesClient;
  firewalls: ComputeModule.FirewallsClient;
  routers: ComputeModule.RoutersClient;
  instances: ComputeModule.InstancesClient;
  clusters: InstanceType<typeof ContainerModule.v1.ClusterManagerClient>;
  assets: InstanceType<typeof AssetModule.v1.AssetServiceClient>;
  /** One dns client per project (the client is bound to a project). */
  dns(project: string): DnsClient;
  /**
   * Imports the compute client for a scope that did not load it: an organization read through
   * Cloud Asset Inventory still asks its VPN routers what they learned (routers.getRouterStatus has
   * no asset type). Called only when a router with BGP peers is in the scope.
   */
  loadCompute(): Promise<void>;
  close(): Promise<void>;
}

export interface ClientSettings {
  endpoints: Partial<Record<LiveService, URL>>;
  timeoutMs: number;
  /** The services the scope calls (servicesFor); only their clients are imported. */
  services: readonly LiveService[];
}

/**
 * The services a scope calls: projects named one by one, compute, container and dns; an
 * organization or folder, asset and dns (record sets zone by zone where the asset API would not
 * list them); read `fresh`, all four.
 */
export function servicesFor(scope: { kind: string }, fresh: boolean): LiveService[] {
  // Projects list their policy-based routes through the asset API (Network Connectivity has no Node client).
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

export async function createClients(settings: ClientSettings): Promise<LiveClients> {
  const { endpoints, timeoutMs, services } = settings;
  const modules = await loadClientModules(services);
  let compute = modules[0];
  const [, container, asset, dnsModule] = modules;
  // Only the services this scope calls: an organization read against a loopback asset and dns
  // endpoint must not build Google credentials (they would probe the metadata server).
  const needsCredentials = services.some((s) => !endpoints[s] || !isLoopback(endpoints[s]!.hostname));

  // A loopback endpoint (the emulator, a local proxy) gets no credentials at all: without an auth
  // object the libraries would probe the metadata server. Anything else uses Application Default
  // Credentials with the read-only scope.
  const anonymous: AuthShim = {
    getRequestHeaders: async () => new Headers(),
    fetch: (url, init) => fetch(url, withTimeout(init, timeoutMs)),
  };
  type GoogleAuth = ComputeModule.NetworksClient['auth'];
  let googleAuth: GoogleAuth | undefined;
  if (needsCredentials) {
    // The GoogleAuth that gax builds for a client with our scopes (it probes nothing until asked);
    // shared by every client. All four libraries are on gax 5, hence one google-auth-library.
    const options = { scopes: [READ_ONLY_SCOPE], fallback: true };
    googleAuth = compute ? new compute.NetworksClient(options).auth : (new asset!.v1.AssetServiceClient(options).auth as unknown as GoogleAuth);
  }
  const shim = (auth: GoogleAuth): AuthShim => ({
    getRequestHeaders: (url?: string) => auth.getRequestHeaders(url),
    fetch: (url, init) => auth.fetch(url, withTimeout(init, timeoutMs)),
  });
  let authenticated: AuthShim | undefined = googleAuth && shim(googleAuth);

  const loopback = (service: LiveService) => {
    const url = endpoints[service];
    return url !== undefined && isLoopback(url.hostname);
  };
  const gaxOptions = (service: LiveService) => {
    const url = endpoints[service];
    const authClient = loopback(service) ? anonymous : authenticated!;
    // fallback (REST over fetch) for every client, so every request goes through the shim's fetch.
    if (!url) return { fallback: true, authClient };
    const protocol = url.protocol.slice(0, -1);
    return { apiEndpoint: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol, fallback: true, authClient };
  };

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
      // Its own retries (2/4/8 s on 429/5xx) would hide calls from the Caller: off, with a timeout.
      client.interceptors.push({ request: ((r: object) => ({ ...r, maxRetries: 0, timeout: timeoutMs })) as never });
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
    routers: lazy('routers', () => compute, () => new compute!.RoutersClient(computeOptions())),
    instances: lazy('instances', () => compute, () => new compute!.InstancesClient(computeOptions())),
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
    get clusters() { return getters.clusters(); },
    get assets() { return getters.assets(); },
    dns,
    loadCompute: async () => {
      compute ??= await import('@google-cloud/compute');
      // Credentials only if compute goes somewhere other than a loopback endpoint.
      if (!loopback('compute') && !authenticated) {
        googleAuth = new compute.NetworksClient({ scopes: [READ_ONLY_SCOPE], fallback: true }).auth;
        authenticated = shim(googleAuth);
      }
    },
    close: async () => {
      await Promise.all([...built.values()].map((c) => c.close().catch(() => undefined)));
    },
  };
}
