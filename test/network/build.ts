/** Minimal routes and firewalls for the network analysis tests: only what a case is about is given. */
import type { Firewall, Route } from '../../src/model/snapshot.js';

const NETWORK = '//compute.googleapis.com/projects/p/global/networks/vpc';

export function route(name: string, destRange: string, extra: Partial<Route> = {}): Route {
  return {
    kind: 'route',
    name,
    fullName: `//compute.googleapis.com/projects/p/global/routes/${name}`,
    project: 'p',
    origin: { source: 'fixture' },
    network: NETWORK,
    destRange,
    priority: 1000,
    tags: [],
    ...extra,
  };
}

export function firewall(name: string, extra: Partial<Firewall> = {}): Firewall {
  return {
    kind: 'firewall',
    name,
    fullName: `//compute.googleapis.com/projects/p/global/firewalls/${name}`,
    project: 'p',
    origin: { source: 'fixture' },
    network: NETWORK,
    direction: 'EGRESS',
    priority: 1000,
    sourceRanges: [],
    destinationRanges: [],
    sourceTags: [],
    targetTags: [],
    sourceServiceAccounts: [],
    targetServiceAccounts: [],
    allowed: [],
    denied: [],
    disabled: false,
    ...extra,
  };
}
