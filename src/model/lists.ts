/** The Snapshot list each entity kind is kept in. */
import type { Entity } from './snapshot.js';

export type EntityList = 'networks' | 'subnetworks' | 'routes' | 'firewalls' | 'routers' | 'managedZones' | 'clusters' | 'instances';

export const LIST_OF_KIND: Record<Entity['kind'], EntityList> = {
  network: 'networks',
  subnetwork: 'subnetworks',
  route: 'routes',
  firewall: 'firewalls',
  router: 'routers',
  managedZone: 'managedZones',
  cluster: 'clusters',
  instance: 'instances',
};
