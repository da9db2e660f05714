/**
 * Cloud NAT coverage: which NAT gateway, if any, translates the packets from one range of a subnet.
 *
 * A NAT gateway lives on a Cloud Router and serves subnets of the router's network in the router's
 * region only. Its `sourceSubnetworkIpRangesToNat` says which ranges (compute REST `RouterNat`,
 * cloud.google.com/compute/docs/reference/rest/v1/routers):
 * - `ALL_SUBNETWORKS_ALL_IP_RANGES`: the primary and every secondary range of every subnet;
 * - `ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES`: the primary range of every subnet;
 * - `LIST_OF_SUBNETWORKS`: the subnets listed in `subnetworks[]`, each with `sourceIpRangesToNat`
 *   `ALL_IP_RANGES` (primary and all secondaries), `PRIMARY_IP_RANGE`, or
 *   `LIST_OF_SECONDARY_IP_RANGES` (the secondary ranges named in `secondaryIpRangeNames`).
 * A `PRIVATE` NAT (type, NAT between VPC networks and Network Connectivity Center spokes) never
 * reaches the internet, so it serves nothing here (cloud.google.com/nat/docs/overview).
 */
import type { Router, RouterNat, Subnetwork } from '../model/snapshot.js';

/** A range of a subnet: its primary range, or one of its secondary ranges by name. */
export type SubnetRange = { kind: 'primary' } | { kind: 'secondary'; rangeName: string };

/** A NAT gateway and the router it is configured on. */
export interface NatGateway {
  router: Router;
  nat: RouterNat;
}

/** Whether a PUBLIC NAT gateway translates packets from `range` of `subnetwork` (fullName). */
export function natServesRange(nat: RouterNat, subnetwork: string, range: SubnetRange): boolean {
  if ((nat.type ?? 'PUBLIC').toUpperCase() === 'PRIVATE') return false;
  switch (nat.sourceSubnetworkIpRangesToNat) {
    case 'ALL_SUBNETWORKS_ALL_IP_RANGES':
      return true;
    case 'ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES':
      return range.kind === 'primary';
    case 'LIST_OF_SUBNETWORKS': {
      const listed = nat.subnetworks.find((s) => s.name === subnetwork);
      if (!listed) return false;
      const options = listed.sourceIpRangesToNat;
      if (options.includes('ALL_IP_RANGES')) return true;
      if (range.kind === 'primary') return options.includes('PRIMARY_IP_RANGE');
      return options.includes('LIST_OF_SECONDARY_IP_RANGES') && (listed.secondaryIpRangeNames ?? []).includes(range.rangeName);
    }
    default:
      // An unset or unknown option configures no range (the API rejects a NAT without one).
      return false;
  }
}

/**
 * The NAT gateways that serve `range` of the subnet: those on routers of the subnet's network in
 * the subnet's region. `routers` may hold any routers; the others are ignored.
 */
export function natGatewaysServing(routers: readonly Router[], subnetwork: Subnetwork, range: SubnetRange): NatGateway[] {
  const out: NatGateway[] = [];
  for (const router of routers) {
    if (router.network !== subnetwork.network || router.region !== subnetwork.region) continue;
    for (const nat of router.nats ?? []) {
      if (natServesRange(nat, subnetwork.fullName, range)) out.push({ router, nat });
    }
  }
  return out;
}

/** `NAT nat-1 on router r1`, for messages. */
export function describeNat(gateway: NatGateway): string {
  return `Cloud NAT ${gateway.nat.name} on router ${gateway.router.name} (${gateway.nat.sourceSubnetworkIpRangesToNat})`;
}
