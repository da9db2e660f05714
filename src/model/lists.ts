/** The Snapshot list each entity kind is kept in. */
import type { Entity, ENTITY_LISTS } from './snapshot.js';

export type EntityList = (typeof ENTITY_LISTS)[number];

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
