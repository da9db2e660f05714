/**
 * Reads a snapshot file and validates it against the published schema (schemas/snapshot.schema.json);
 * a version 1 snapshot is validated against its own schema (schemas/snapshot-v1.schema.json) and
 * upgraded (src/model/upgrade.ts).
 */
import { canonicalClusterName } from './names.js';
import { Ajv } from 'ajv';
import { InputError, jsonPath, readInputText } from '../errors.js';
import { loadJsonSchema } from '../schemas.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from './snapshot.js';
import { upgradeV1 } from './upgrade.js';

const SCHEMA_FILES: Record<number, string> = { 1: 'snapshot-v1.schema.json', [SNAPSHOT_SCHEMA_VERSION]: 'snapshot.schema.json' };
const validators = new Map<number, ReturnType<Ajv['compile']>>();

function snapshotValidator(version: number): ReturnType<Ajv['compile']> {
  let validator = validators.get(version);
  if (!validator) {
    validator = new Ajv({ allErrors: false, strict: false }).compile(loadJsonSchema(SCHEMA_FILES[version]));
    validators.set(version, validator);
  }
  return validator;
}

/** Reads a JSON file; a syntax error names the line and column. */
export function readJsonFile(file: string, what: string): unknown {
  return parseJsonText(readInputText(file, what), file, what);
}

/**
 * V8 reports an unexpected token without its position (`Unexpected token '}', "…" is not valid
 * JSON`). Every prefix before the bad token fails only for ending early, every prefix that holds
 * it fails on that same token, so a binary search over prefixes finds its offset (error path only).
 */
function unexpectedTokenOffset(text: string, message: string): number | undefined {
  const head = /^Unexpected token '.*?', /s.exec(message)?.[0];
  if (!head) return undefined;
  const holdsToken = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (e) {
      return (e as Error).message.startsWith(head);
    }
  };
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (holdsToken(mid)) hi = mid;
    else lo = mid + 1;
  }
  return holdsToken(lo) ? lo - 1 : undefined;
}

export function parseJsonText(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const position = /position (\d+)/.exec(msg)?.[1];
    const offset = position !== undefined ? Number(position) : unexpectedTokenOffset(text, msg);
    let where: string | undefined;
    if (offset !== undefined) {
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      where = `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
    } else if (text.trim() === '' || /Unexpected end/.test(msg)) {
      where = `line ${text.split('\n').length}`;
    }
    // Keep the message to one line: drop V8's position and its quoted excerpt of the input.
    const reason = msg
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^(Unexpected token '.*?'), .*$/s, '$1')
      .replace(/^JSON\.parse: /, '')
      .replace(/\s+/g, ' ');
    throw new InputError(file, `the ${what} is not valid JSON (${reason})`, where);
  }
}

export function validateSnapshot(data: unknown, file: string): Snapshot {
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  const known = typeof version === 'number' && SCHEMA_FILES[version] !== undefined;
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && !known) {
    throw new InputError(
      file,
      `unsupported snapshot schemaVersion ${JSON.stringify(version)} (this version reads 1 and ${SNAPSHOT_SCHEMA_VERSION}; collect the snapshot again with this version)`,
      '$.schemaVersion',
    );
  }
  const validate = snapshotValidator(known ? (version as number) : SNAPSHOT_SCHEMA_VERSION);
  if (!validate(data)) {
    const err = validate.errors![0];
    const extra = err.keyword === 'additionalProperties' ? ` "${(err.params as { additionalProperty: string }).additionalProperty}"` : '';
    const allowed = err.keyword === 'enum' ? ` (${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
    throw new InputError(file, `does not match the snapshot schema: ${err.message ?? 'invalid'}${extra}${allowed}`, jsonPath(err.instancePath));
  }
  return canonicalClusterNames(version === 1 ? upgradeV1(data as Record<string, unknown>) : (data as Snapshot));
}

/**
 * A snapshot written by hand or by an older tool may name a zonal cluster `…/zones/Z/clusters/N`;
 * it is the same cluster as `…/locations/Z/clusters/N`, the form every collector writes, so the
 * cluster and every reference to it are read in that one form.
 */
function canonicalClusterNames(snapshot: Snapshot): Snapshot {
  for (const cluster of snapshot.clusters) cluster.fullName = canonicalClusterName(cluster.fullName);
  for (const zone of snapshot.managedZones) if (zone.privateVisibilityClusters) zone.privateVisibilityClusters = zone.privateVisibilityClusters.map(canonicalClusterName);
  for (const policy of snapshot.responsePolicies ?? []) policy.gkeClusters = policy.gkeClusters.map(canonicalClusterName);
  return snapshot;
}

export function loadSnapshot(file: string): Snapshot {
  return validateSnapshot(readJsonFile(file, 'snapshot'), file);
}
