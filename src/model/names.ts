/**
 * Full resource names (as Cloud Asset Inventory writes them) and the other forms the same
 * resource takes: API self links, partial paths, Terraform ids. Everything that joins entities
 * goes through these functions so every collector produces the same keys.
 */

const COMPUTE = '//compute.googleapis.com/';
const CONTAINER = '//container.googleapis.com/';
const DNS = '//dns.googleapis.com/';

export const networkName = (project: string, name: string): string =>
  `${COMPUTE}projects/${project}/global/networks/${name}`;
export const subnetworkName = (project: string, region: string, name: string): string =>
  `${COMPUTE}projects/${project}/regions/${region}/subnetworks/${name}`;
export const routeName = (project: string, name: string): string =>
  `${COMPUTE}projects/${project}/global/routes/${name}`;
export const firewallName = (project: string, name: string): string =>
  `${COMPUTE}projects/${project}/global/firewalls/${name}`;
export const routerName = (project: string, region: string, name: string): string =>
  `${COMPUTE}projects/${project}/regions/${region}/routers/${name}`;
export const instanceName = (project: string, zone: string, name: string): string =>
  `${COMPUTE}projects/${project}/zones/${zone}/instances/${name}`;
export const clusterName = (project: string, location: string, name: string): string =>
  `${CONTAINER}projects/${project}/locations/${location}/clusters/${name}`;
export const managedZoneName = (project: string, name: string): string =>
  `${DNS}projects/${project}/managedZones/${name}`;

const SERVICE_HOSTS: Record<string, string> = {
  compute: 'compute.googleapis.com',
  container: 'container.googleapis.com',
  dns: 'dns.googleapis.com',
};

/**
 * Turns any reference form into a full resource name:
 * `https://www.googleapis.com/compute/v1/projects/P/global/networks/N`,
 * `https://compute.googleapis.com/compute/v1/projects/P/...`, `projects/P/global/networks/N`,
 * `global/networks/N` (with `defaultProject`), a bare name `N` of the given collection
 * (`networks`), or an existing full name. Returns undefined when nothing can be made of it.
 */
export function toFullName(
  ref: string | undefined,
  opts: { service?: 'compute' | 'container' | 'dns'; defaultProject?: string; collection?: string } = {},
): string | undefined {
  if (!ref) return undefined;
  const service = opts.service ?? 'compute';
  if (ref.startsWith('//')) return ref;
  let path = ref;
  const url = /^https?:\/\/[^/]+\/(.*)$/.exec(ref);
  if (url) {
    path = url[1];
    // Drop the API prefix: compute/v1/, compute/beta/, dns/v1/, v1/, v1beta1/
    path = path.replace(/^(compute|dns|container)\/(v1|beta|alpha|v1beta\d*|v2)\//, '').replace(/^v1(beta\d*)?\//, '');
  }
  if (path.startsWith('projects/')) return `//${SERVICE_HOSTS[service]}/${path}`;
  if (opts.defaultProject) {
    if (/^(global|regions|zones|locations)\//.test(path)) {
      return `//${SERVICE_HOSTS[service]}/projects/${opts.defaultProject}/${path}`;
    }
    if (opts.collection && !path.includes('/')) {
      if (opts.collection === 'networks') return networkName(opts.defaultProject, path);
      if (opts.collection === 'managedZones') return managedZoneName(opts.defaultProject, path);
    }
  }
  return undefined;
}

/**
 * A cluster's name in one form: GKE and Cloud Asset Inventory write a zonal cluster both as
 * `projects/P/zones/Z/clusters/N` (v1 zonal API, older assets) and `projects/P/locations/Z/clusters/N`;
 * they are one resource, so every key uses `locations/`. Self links and `projects/...` paths
 * become full names. Other names are returned unchanged.
 */
export function canonicalClusterName(ref: string): string {
  const full = ref.startsWith('//') ? ref : /clusters\//.test(ref) ? (toFullName(ref, { service: 'container' }) ?? ref) : ref;
  return full.replace(/^(\/\/container\.googleapis\.com\/projects\/[^/]+\/)zones\/([^/]+\/clusters\/)/, '$1locations/$2');
}

/** The project id inside a full name or self link, if any. */
export function projectOf(ref: string): string | undefined {
  return /\/projects\/([^/]+)/.exec(ref)?.[1] ?? /^projects\/([^/]+)/.exec(ref)?.[1];
}

/** The last path segment: the short name of a referenced resource. */
export function shortName(ref: string): string {
  const parts = ref.split('/');
  return parts[parts.length - 1];
}

/** The region of a zone (`asia-northeast1-a` → `asia-northeast1`) or of a region/location. */
export function regionOf(locationOrZone: string): string {
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(locationOrZone) ? locationOrZone.replace(/-[a-z]$/, '') : locationOrZone;
}

/**
 * Routes name the default internet gateway as a URL, a partial path or the bare word (Terraform);
 * this reduces every form of it to `default-internet-gateway` and leaves other gateways as given.
 */
export function normalizeGateway(gateway: string | undefined): string | undefined {
  if (!gateway) return undefined;
  return /(^|\/)default-internet-gateway$/.test(gateway) ? 'default-internet-gateway' : gateway;
}

/** Lower-cases a DNS name and adds the trailing dot. */
export function fqdn(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}
