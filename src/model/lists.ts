/** The Snapshot list each entity kind is kept in. */
import type { Entity } from './snapshot.js';

export type EntityList =
  | 'networks'
  | 'subnetworks'
  | 'routes'
  | 'firewalls'
  | 'routers'
  | 'managedZones'
  | 'clusters'
  | 'instances'
  | 'firewallPolicies'
  | 'addresses'
  | 'forwardingRules'
  | 'responsePolicies'
  | 'dnsPolicies'
  | 'servicePerimeters'
  | 'policyBasedRoutes';

export const LIST_OF_KIND: Record<Entity['kind'], EntityList> = {
  network: 'networks',
  subnetwork: 'subnetworks',
  route: 'routes',
  firewall: 'firewalls',
  router: 'routers',
  managedZone: 'managedZones',
  cluster: 'clusters',
  instance: 'instances',
  firewallPolicy: 'firewallPolicies',
  address: 'addresses',
  forwardingRule: 'forwardingRules',
  responsePolicy: 'responsePolicies',
  dnsPolicy: 'dnsPolicies',
  servicePerimeter: 'servicePerimeters',
  policyBasedRoute: 'policyBasedRoutes',
};
