/**
 * Cloud Asset Inventory exports → Snapshot: the NDJSON `gcloud asset export --content-type=resource`
 * writes (one asset per line, snake_case fields) and the JSON array `gcloud asset list
 * --format=json` prints (camelCase). Assets go through the same normalizers as the live
 * collector. An export often lacks DNS record sets; then zones keep them unread and a read error
 * per project says why, so the DNS rules report "not evaluated" instead of guessing.
 */
import { coverSeenProjects, setCoverage, sortCoverage, V1_COLLECTIONS } from '../../model/coverage.js';
import { InputError, readInputText } from '../../errors.js';
import { parseJsonText } from '../../model/load.js';
import type { CollectionKind, Snapshot } from '../../model/snapshot.js';
import type { Json } from '../rest/normalize.js';
import { ASSET_TYPES, entryFromAsset, SnapshotBuilder, type AssetRecord } from '../rest/assets.js';

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
  const perimeter = raw.servicePerimeter ?? raw.service_perimeter;
  if (perimeter !== undefined && !isObject(perimeter)) throw new InputError(file, 'the asset\'s "servicePerimeter" is not an object', where);
  return {
    name,
    assetType,
    resource: resource ? { data, location: typeof resource.location === 'string' ? resource.location : undefined } : undefined,
    ...(perimeter ? { servicePerimeter: perimeter } : {}),
  };
}

/**
 * The collections of schema version 2 an export covers only when it holds their asset types, or
 * the asset types of their whole service (an export made with `--asset-types
 * 'dns.googleapis.com/.*'`, as docs/terraform.md shows, holds every DNS type there is, so a
 * response policy absent from it does not exist). Perimeters come only from an export with
 * `--content-type=access-policy`; project numbers only from
 * `cloudresourcemanager.googleapis.com/Project` assets.
 */
const TYPED_COLLECTIONS: { collection: CollectionKind; types: string[]; service?: string; how: string }[] = [
  { collection: 'addresses', types: [ASSET_TYPES.globalAddress], service: 'compute.googleapis.com/', how: `--asset-types=${ASSET_TYPES.globalAddress}` },
  { collection: 'forwardingRules', types: [ASSET_TYPES.globalForwardingRule], service: 'compute.googleapis.com/', how: `--asset-types=${ASSET_TYPES.globalForwardingRule}` },
  {
    collection: 'responsePolicies',
    types: [ASSET_TYPES.responsePolicy],
    service: 'dns.googleapis.com/',
    how: `--asset-types=${ASSET_TYPES.responsePolicy},${ASSET_TYPES.responsePolicyRule}`,
  },
  { collection: 'dnsPolicies', types: [ASSET_TYPES.dnsPolicy], service: 'dns.googleapis.com/', how: `--asset-types=${ASSET_TYPES.dnsPolicy}` },
  { collection: 'servicePerimeters', types: [ASSET_TYPES.servicePerimeter], how: 'a second export with --content-type=access-policy, appended' },
  { collection: 'projects', types: [ASSET_TYPES.project], how: `--asset-types=${ASSET_TYPES.project}` },
];

function coverTypedCollections(snapshot: Snapshot, types: Set<string>, projects: Iterable<string>): void {
  const services = new Set([...types].map((t) => t.slice(0, t.indexOf('/') + 1)));
  for (const project of projects) {
    for (const { collection, types: wanted, service, how } of TYPED_COLLECTIONS) {
      if (wanted.some((t) => types.has(t)) || (service !== undefined && services.has(service))) setCoverage(snapshot, project, [collection], 'read');
      else setCoverage(snapshot, project, [collection], 'not-read', `the asset export has no ${wanted.join(' or ')} assets (export them with ${how})`);
    }
  }
  sortCoverage(snapshot.coverage);
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
    records.push(toAssetRecord(parsed, file, where));
  });
  return records;
}

export function assetExportSnapshot(records: AssetRecord[], file: string): Snapshot {
  const builder = new SnapshotBuilder({ kind: 'assets', id: file, projects: [] });
  let recordSets = false;
  const types = new Set<string>();
  for (const asset of records) {
    if (asset.assetType === ASSET_TYPES.recordSet) recordSets = true;
    types.add(asset.assetType);
    builder.addEntry(entryFromAsset(asset, { source: 'asset-export' }));
  }
  const snapshot = builder.build({ recordSetsKnown: recordSets, policyRulesKnown: types.has(ASSET_TYPES.responsePolicyRule) });
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
  const projects = coverSeenProjects(snapshot, V1_COLLECTIONS);
  coverTypedCollections(snapshot, types, projects);
  return snapshot;
}

export function readAssetExport(file: string): Snapshot {
  return assetExportSnapshot(parseAssetExport(readInputText(file, 'asset export'), file), file);
}
