/**
 * What the live collector reads, stated without the client libraries (the emulator and the
 * benchmark share it): the asset streams listed for an organization or folder, and which private
 * DNS zones matter to the rules, so their record sets are kept (or, where the asset API cannot
 * give them, worth a call).
 */
import { ASSET_KINDS } from '../rest/assets.js';
import { fqdn } from '../../model/names.js';
import type { ManagedZone } from '../../model/snapshot.js';

/** Listed with the resources so that projects without any of them are still in the scope. */
export const PROJECT_ASSET_TYPE = 'cloudresourcemanager.googleapis.com/Project';

/**
 * One `listAssets` page chain (its pages depend on each other through `nextPageToken`) of the types
 * named. `projects` lists the scope's projects, without which nothing else can be placed; every
 * other stream fills one or more snapshot collections.
 */
export interface AssetStream {
  name: string;
  assetTypes: string[];
}

/**
 * The streams an organization or folder is read with, all at once and pinned to one `readTime`:
 * one per asset type of ASSET_KINDS (src/collectors/rest/assets.ts), so a row added there is
 * streamed here. Separate streams make the longest chain of dependent pages the largest type's,
 * not the sum of all of them.
 */
export const SCOPE_STREAMS: readonly AssetStream[] = [
  { name: 'projects', assetTypes: [PROJECT_ASSET_TYPE] },
  ...ASSET_KINDS.map((k) => ({ name: k.collection, assetTypes: [k.assetType] })),
];

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
