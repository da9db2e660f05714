/**
 * What the live collector reads, stated without the client libraries (the emulator and the
 * benchmark share it): the asset types listed for an organization or folder, and which private DNS
 * zones matter to the rules, so their record sets are worth a call.
 */
import { LISTED_ASSET_TYPES } from '../rest/assets.js';
import { fqdn } from '../../model/names.js';
import type { ManagedZone } from '../../model/snapshot.js';

/** Listed with the resources so that projects without any of them are still in the scope. */
export const PROJECT_ASSET_TYPE = 'cloudresourcemanager.googleapis.com/Project';

export const SCOPE_ASSET_TYPES: string[] = [PROJECT_ASSET_TYPE, ...LISTED_ASSET_TYPES];

/** The names the DNS rules resolve (the APIs and the registries, under both VIPs). */
export const RESOLVED_NAMES = ['googleapis.com.', 'restricted.googleapis.com.', 'private.googleapis.com.', 'gcr.io.', 'pkg.dev.'];

/**
 * A private zone matters when one of the resolved names falls under it (its own name or a parent
 * such as `com.`) or it sits under one of them (a `restricted.googleapis.com.` zone answers first).
 */
export function zoneMatters(zone: Pick<ManagedZone, 'visibility' | 'dnsName'>): boolean {
  if (zone.visibility !== 'private') return false;
  const d = fqdn(zone.dnsName);
  if (d === '.') return true;
  return RESOLVED_NAMES.some((n) => n === d || n.endsWith(`.${d}`) || d.endsWith(`.${n}`));
}

export type LiveScope = { kind: 'projects'; projects: string[] } | { kind: 'folder'; id: string } | { kind: 'organization'; id: string };

/** The parent Cloud Asset Inventory lists under. */
export function assetParent(scope: Exclude<LiveScope, { kind: 'projects' }>): string {
  return scope.kind === 'folder' ? `folders/${scope.id}` : `organizations/${scope.id}`;
}
