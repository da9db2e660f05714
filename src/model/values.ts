/**
 * The Snapshot fields that hold addresses and numbers with a range, checked on every snapshot that
 * comes from a file (a snapshot written by `collect` or by hand, a Terraform plan): an address in
 * any form but the strict one of src/network/cidr.ts (`010.100.0.0/16` is 8.100.0.0 to some
 * parsers, 10.100.0.0 to others) or a priority outside 0–65535 is bad input, named with its
 * resource and field, never read as something else. API answers are checked before they become a
 * Snapshot (src/collectors/rest/shapes.ts).
 *
 * One entity list = one entry: a field path per value, `[]` stepping into every item of a list.
 */
import { isCidr } from '../network/cidr.js';
import type { Entity, Snapshot } from './snapshot.js';
import { LIST_OF_KIND, type EntityList } from './lists.js';


/** `''` is absent (a plan value known only at apply is left empty by some mappers). */
const address = (v: unknown): boolean => typeof v !== 'string' || v === '' || isCidr(v);
/** GKE takes a bare size (`/14`) for the pod and service ranges and picks the block itself. */
const addressOrSize = (v: unknown): boolean => address(v) || (typeof v === 'string' && /^\/(?:[0-9]|[12][0-9]|3[0-2])$/.test(v));
const priority = (v: unknown): boolean => v === undefined || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535);

type Check = [path: string, valid: (v: unknown) => boolean, what: string];
const ADDRESS = 'not an address or range in canonical form';
const SIZE = 'not an address range or a /N size in canonical form';
const PRIORITY = 'not a priority (an integer from 0 to 65535)';

export const SNAPSHOT_VALUE_CHECKS: Partial<Record<EntityList, Check[]>> = {
  subnetworks: [
    ['ipCidrRange', address, ADDRESS],
    ['secondaryIpRanges[].ipCidrRange', address, ADDRESS],
    ['ipv6CidrRange', address, ADDRESS],
  ],
  routes: [
    ['destRange', address, ADDRESS],
    ['nextHopIp', address, ADDRESS],
    ['priority', priority, PRIORITY],
  ],
  firewalls: [
    ['sourceRanges[]', address, ADDRESS],
    ['destinationRanges[]', address, ADDRESS],
    ['priority', priority, PRIORITY],
  ],
  routers: [
    ['bgp.advertisedIpRanges[].range', address, ADDRESS],
    ['bgpPeers[].advertisedIpRanges[].range', address, ADDRESS],
    ['bgpPeers[].peerIpAddress', address, ADDRESS],
    ['interfaces[].ipRange', address, ADDRESS],
  ],
  clusters: [
    ['privateClusterConfig.masterIpv4CidrBlock', address, ADDRESS],
    ['privateClusterConfig.privateEndpoint', address, ADDRESS],
    ['privateClusterConfig.publicEndpoint', address, ADDRESS],
    ['masterAuthorizedNetworksConfig.cidrBlocks[].cidrBlock', address, ADDRESS],
    ['controlPlaneEndpointsConfig.ipEndpointsConfig.authorizedNetworksConfig.cidrBlocks[].cidrBlock', address, ADDRESS],
    ['controlPlaneEndpointsConfig.ipEndpointsConfig.privateEndpoint', address, ADDRESS],
    ['controlPlaneEndpointsConfig.ipEndpointsConfig.publicEndpoint', address, ADDRESS],
    ['ipAllocationPolicy.clusterIpv4CidrBlock', addressOrSize, SIZE],
    ['ipAllocationPolicy.servicesIpv4CidrBlock', addressOrSize, SIZE],
  ],
  instances: [
    ['networkInterfaces[].networkIP', address, ADDRESS],
    ['networkInterfaces[].accessConfigs[].natIP', address, ADDRESS],
  ],
  firewallPolicies: [
    ['rules[].srcIpRanges[]', address, ADDRESS],
    ['rules[].destIpRanges[]', address, ADDRESS],
  ],
  addresses: [['address', address, ADDRESS]],
  policyBasedRoutes: [
    ['filter.srcRange', address, ADDRESS],
    ['filter.destRange', address, ADDRESS],
    ['nextHopIlbIp', address, ADDRESS],
  ],
};

export interface ValueProblem {
  /** `$.firewalls[3].sourceRanges[0]` */
  where: string;
  /** `sourceRanges[0]` */
  field: string;
  entity: Entity;
  message: string;
}

/** Every value at `path` below `value`, with its path in the entity (`sourceRanges[1]`). */
function* valuesAt(value: unknown, steps: string[], at: string): Generator<[unknown, string]> {
  if (steps.length === 0) {
    yield [value, at];
    return;
  }
  if (value === undefined || value === null || typeof value !== 'object') return;
  const [step, ...rest] = steps;
  const list = step.endsWith('[]');
  const key = list ? step.slice(0, -2) : step;
  const child = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  const path = at ? `${at}.${key}` : key;
  if (!list) {
    yield* valuesAt(child, rest, path);
    return;
  }
  if (!Array.isArray(child)) return;
  for (let i = 0; i < child.length; i++) yield* valuesAt(child[i], rest, `${path}[${i}]`);
}


/** The first value of one entity that is not in its field's form: `[field, message]`. */
export function entityValueProblem(entity: Entity): [field: string, message: string] | undefined {
  const list = Object.hasOwn(LIST_OF_KIND, entity.kind) ? LIST_OF_KIND[entity.kind] : undefined;
  for (const [path, valid, what] of (list && SNAPSHOT_VALUE_CHECKS[list]) || []) {
    for (const [value, field] of valuesAt(entity, path.split('.'), '')) {
      if (!valid(value)) return [field, `${what}: ${JSON.stringify(value).slice(0, 80)}`];
    }
  }
  return undefined;
}

/** The first value of the snapshot that is not in its field's form, if any. */
export function snapshotValueProblem(snapshot: Snapshot): ValueProblem | undefined {
  for (const list of Object.keys(SNAPSHOT_VALUE_CHECKS) as EntityList[]) {
    const entities = (snapshot[list] ?? []) as Entity[];
    for (let i = 0; i < entities.length; i++) {
      const problem = entityValueProblem(entities[i]);
      if (problem) return { where: `$.${list}[${i}].${problem[0]}`, field: problem[0], entity: entities[i], message: problem[1] };
    }
  }
  return undefined;
}
