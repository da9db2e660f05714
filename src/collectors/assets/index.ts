/**
 * Cloud Asset Inventory exports → Snapshot: the NDJSON `gcloud asset export --content-type=resource`
 * writes (one asset per line, snake_case fields) and the JSON array `gcloud asset list
 * --format=json` prints (camelCase). Assets go through the same normalizers as the live
 * collector. An export often lacks DNS record sets; then zones keep them unread and a read error
 * per project says why, so the DNS rules report "not evaluated" instead of guessing.
 */
import { coverSeenProjects, markNotRead, sortCoverage, V1_COLLECTIONS } from '../../model/coverage.js';
import { InputError, readInputText } from '../../errors.js';
import { MAX_JSON_DEPTH, parseJsonText, tooDeep } from '../../model/load.js';
import type { CollectionKind, Snapshot } from '../../model/snapshot.js';
import type { Json } from '../rest/normalize.js';
import { ASSET_TYPES, coverAssetReads, entryFromAsset, FIREWALL_POLICY_ASSET_TYPES, SnapshotBuilder, type AssetRecord } from '../rest/assets.js';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One asset in either layout; `where` names the line (NDJSON) or the array element. */
function toAssetRecord(raw: unknown, file: string, where: string): AssetRecord {
  if (!isObject(raw)) throw new InputError(file, 'is not a Cloud Asset Inventory asset (expected a JSON object)', where);
  const name = raw.name;
  const assetType = raw.assetType ?? raw.asset_type;
  if (typeof name !== 'string' || typeof assetType !== 'string') {
    throw new InputError(file, 'is not a Cloud Asset Inventory asset (it needs "name" and "assetType" or "asset_type")', where);
  }
  const resource = raw.resource;
  if (resource !== undefined && !isObject(resource)) throw new InputError(file, 'the asset\'s "resource" is not an object', where);
  const data = resource?.data;
  if (data !== undefined && !isObject(data)) throw new InputError(file, 'the asset\'s "resource.data" is not an object', where);
  const ancestors = Array.isArray(raw.ancestors) ? raw.ancestors.filter((a): a is string => typeof a === 'string') : undefined;
  const perimeter = raw.servicePerimeter ?? raw.service_perimeter;
  if (perimeter !== undefined && !isObject(perimeter)) throw new InputError(file, 'the asset\'s "servicePerimeter" is not an object', where);
  return {
    name,
    assetType,
    resource: resource ? { data, location: typeof resource.location === 'string' ? resource.location : undefined } : undefined,
    ...(ancestors ? { ancestors } : {}),
    ...(perimeter ? { servicePerimeter: perimeter } : {}),
  };
}

/** Parses the export text into asset records, naming the line of the first bad one. */
export function parseAssetExport(text: string, file: string): AssetRecord[] {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new InputError(file, 'the asset export is empty');
  if (trimmed.startsWith('[')) {
    const data = parseJsonText(text, file, 'asset list');
    return (data as unknown[]).map((item, i) => toAssetRecord(item, file, `$[${i}]`));
  }
  const records: AssetRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      const msg = (e as Error).message.replace(/ in JSON at position \d+.*$/, '');
      throw new InputError(file, `the asset export is not valid NDJSON (${msg}); each line must be one asset`, where);
    }
    if (tooDeep(parsed) !== undefined) throw new InputError(file, `the asset nests deeper than ${MAX_JSON_DEPTH} levels; refused`, where);
    records.push(toAssetRecord(parsed, file, where));
  });
  return records;
}

export interface AssetExportOptions {
  /**
   * The user says the export holds every asset type of every project in it (`--assets-complete`):
   * an asset type absent from it means there is none, not that it was not exported.
   */
  complete?: boolean;
}

/**
 * Marks each collection of each project of the export: read when the export holds at least one
 * asset of its type (an export is made per type, for the whole parent), else not read, naming the
 * asset type to export; with `complete`, read whatever it holds.
 */
function coverExport(snapshot: Snapshot, exported: Set<string>, complete: boolean): void {
  const projects = coverSeenProjects(snapshot, [...V1_COLLECTIONS, ...V2_EXPORT_COLLECTIONS, 'policyBasedRoutes']);
  // Cloud Asset Inventory has no asset type for the routes Cloud Routers learn over BGP.
  for (const project of projects) {
    markNotRead(snapshot, project, ['dynamicRoutes'], 'Cloud Asset Inventory holds no routes learned by Cloud Routers (routers.getRouterStatus); use `collect` to read them');
  }
  sortCoverage(snapshot.coverage);
  if (complete) return;
  for (const [collection, assetType] of COLLECTION_ASSET_TYPES) {
    if (exported.has(assetType)) continue;
    // Perimeters are access policies: a second export, of the organization, with another content type.
    const how = collection === 'servicePerimeters' ? 'append an export made with --content-type=access-policy' : 'export them with --asset-types';
    const reason = `the asset export has no ${assetType} assets (${how}, or pass --assets-complete if there are none)`;
    for (const project of projects) {
      // A project's record sets left unread already carry their read error; keep its wording.
      if (collection === 'recordSets' && snapshot.readErrors.some((e) => e.project === project && e.collection === 'recordSets')) continue;
      markNotRead(snapshot, project, [collection], reason);
    }
  }
  sortCoverage(snapshot.coverage);
}

/** The asset type that holds each collection an export can carry (coverage is kept per collection). */
const COLLECTION_ASSET_TYPES: [CollectionKind, string][] = [
  ['networks', ASSET_TYPES.network],
  ['subnetworks', ASSET_TYPES.subnetwork],
  ['routes', ASSET_TYPES.route],
  ['firewalls', ASSET_TYPES.firewall],
  ['routers', ASSET_TYPES.router],
  ['managedZones', ASSET_TYPES.managedZone],
  ['recordSets', ASSET_TYPES.recordSet],
  ['clusters', ASSET_TYPES.cluster],
  ['instances', ASSET_TYPES.instance],
  // cloud.google.com/asset-inventory/docs/asset-types: PSC endpoints for Google APIs, Cloud DNS
  // response policies (their rules are assets of their own) and server policies, project records
  // (numbers), and service perimeters (content type access-policy).
  ['addresses', ASSET_TYPES.globalAddress],
  ['forwardingRules', ASSET_TYPES.globalForwardingRule],
  ['responsePolicies', ASSET_TYPES.responsePolicy],
  ['dnsPolicies', ASSET_TYPES.dnsPolicy],
  ['projects', ASSET_TYPES.project],
  ['servicePerimeters', ASSET_TYPES.servicePerimeter],
  ['policyBasedRoutes', ASSET_TYPES.policyBasedRoute],
];

/** The collections of schema version 2 an export can carry. */
const V2_EXPORT_COLLECTIONS: CollectionKind[] = ['addresses', 'forwardingRules', 'responsePolicies', 'dnsPolicies', 'projects', 'servicePerimeters'];

export function assetExportSnapshot(records: AssetRecord[], file: string, options: AssetExportOptions = {}): Snapshot {
  const builder = new SnapshotBuilder({ kind: 'assets', id: file, projects: [] });
  const exported = new Set<string>();
  for (const asset of records) {
    exported.add(asset.assetType);
    builder.addEntry(entryFromAsset(asset, { source: 'asset-export' }), asset);
  }
  const recordSets = exported.has(ASSET_TYPES.recordSet) || options.complete === true;
  const policyRules = exported.has(ASSET_TYPES.responsePolicyRule) || options.complete === true;
  const snapshot = builder.build({ recordSetsKnown: recordSets, policyRulesKnown: policyRules });
  if (!recordSets) {
    const projects = new Set(snapshot.managedZones.filter((z) => z.visibility === 'private').map((z) => z.project));
    for (const project of [...projects].sort()) {
      snapshot.readErrors.push({
        project,
        collection: 'recordSets',
        status: 0,
        reason: 'notInExport',
        message: `the asset export has no ${ASSET_TYPES.recordSet} assets, so the record sets of the private zones were not read (export them with --asset-types=${ASSET_TYPES.recordSet}, or use \`collect\`)`,
      });
    }
  }
  coverExport(snapshot, exported, options.complete === true);
  coverAssetReads(
    snapshot,
    builder,
    builder.sawFirewallPolicies || options.complete === true
      ? undefined
      : `the asset export has no firewall policy assets (export the organization with ${FIREWALL_POLICY_ASSET_TYPES.join(', ')}: a project's export cannot hold its organization's and folders' hierarchical policies; or pass --assets-complete if there are none)`,
  );
  return snapshot;
}

export function readAssetExport(file: string, options: AssetExportOptions = {}): Snapshot {
  return assetExportSnapshot(parseAssetExport(readInputText(file, 'asset export'), file), file, options);
}
