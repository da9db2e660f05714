/**
 * Wording shared by the rules' fix lines: the parts of a full resource name a gcloud command takes,
 * and where a plan's resource is. Each rule builds its own line (Rule.fix) from these.
 */
import type { FixTarget, ResourceRef } from '../engine/types.js';
import { VIPS } from '../model/facts.js';

export interface NameParts {
  project: string;
  /** `locations/L`, `regions/R` or `zones/Z` of the name; absent for global resources. */
  location?: string;
  name: string;
}

/** `//compute.googleapis.com/projects/P/regions/R/subnetworks/S` → `{ project: P, location: R, name: S }`. */
export function nameParts(fullName: string): NameParts | undefined {
  const m = /(?:^|\/)projects\/([^/]+)\/(?:(?:locations|regions|zones)\/([^/]+)\/|global\/)?[^/]+\/([^/]+)$/.exec(fullName);
  return m ? { project: m[1], ...(m[2] ? { location: m[2] } : {}), name: m[3] } : undefined;
}

/** `alpha --location L --project P` for a cluster; `--region` / `--zone` for regional and zonal resources. */
export function gcloudTarget(fullName: string, locationFlag: '--location' | '--region' | '--zone' = '--location'): string | undefined {
  const parts = nameParts(fullName);
  if (!parts) return undefined;
  return `${parts.name}${parts.location ? ` ${locationFlag} ${parts.location}` : ''} --project ${parts.project}`;
}

/** `--network N --project P` for the cluster's (or the subject's) network. */
export function networkFlags(network: string | undefined): string | undefined {
  const parts = network ? nameParts(network) : undefined;
  return parts && `--network ${parts.name} --project ${parts.project}`;
}

/** `google_container_cluster.alpha (infra/main.tf:17)`: where a plan's resource is declared. */
export function terraformPlace(ref: ResourceRef): string | undefined {
  if (!ref.address) return undefined;
  return `${ref.address}${ref.file ? ` (${ref.file}${ref.line ? `:${ref.line}` : ''})` : ''}`;
}

/** The VIP range the policy expects. */
export function vipRange(target: FixTarget): string {
  return VIPS[target.params.vip].ipv4Range;
}

/**
 * A cluster's fix: in Terraform when the cluster came from a plan (`set … in ADDRESS (FILE:LINE)`),
 * else the gcloud command with the cluster's name, location and project.
 */
export function clusterFix(target: FixTarget, terraform: string, gcloudFlags: string): string | undefined {
  const place = terraformPlace(target.resource);
  if (place) return `in ${place} set ${terraform}`;
  const cluster = gcloudTarget(target.resource.fullName);
  return cluster && `gcloud container clusters update ${cluster} ${gcloudFlags}`;
}

/**
 * A fix on the cluster's network (routes, firewall rules): a new resource in the plan's module when
 * the cluster came from a plan, else the gcloud command creating it on the network.
 */
export function networkFix(target: FixTarget, terraform: string, gcloud: (network: string) => string): string | undefined {
  const network = target.cluster?.network ?? (target.resource.kind === 'network' ? target.resource.fullName : undefined);
  const flags = networkFlags(network);
  if (target.resource.address) {
    const name = network ? nameParts(network)?.name : undefined;
    return `next to ${terraformPlace(target.resource)} add ${terraform}${name ? ` on network ${name}` : ''}`;
  }
  return flags && gcloud(flags);
}

/**
 * The private zone that makes a network resolve `domain` to the VIP: its creation and the two
 * records, in one line (`rules show ID` has the full Terraform).
 */
export function dnsZoneFix(target: FixTarget, domain: string, zone: string, addressName: string): string | undefined {
  const vip = VIPS[target.params.vip];
  const records = `A ${addressName} ${vip.ipv4Addresses.join(',')}, CNAME *.${domain} ${addressName}`;
  const network = target.resource.kind === 'network' ? target.resource.fullName : target.cluster?.network;
  const parts = network ? nameParts(network) : undefined;
  if (target.resource.address) {
    return `next to ${terraformPlace(target.resource)} add a private google_dns_managed_zone "${domain}" visible to it with records ${records}`;
  }
  if (!parts) return undefined;
  return `gcloud dns managed-zones create ${zone} --project ${parts.project} --dns-name ${domain} --visibility private --networks ${parts.name}, then record sets ${records}`;
}
