/** Reads a snapshot file and validates it against the published schema (schemas/snapshot.schema.json). */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { InputError, jsonPath } from '../errors.js';
import { loadJsonSchema } from '../schemas.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from './snapshot.js';

let validator: ReturnType<Ajv['compile']> | undefined;

function snapshotValidator(): ReturnType<Ajv['compile']> {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(loadJsonSchema('snapshot.schema.json'));
  return validator;
}

/** Reads a JSON file; a syntax error names the line and column. */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot read the ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseJsonText(text, file, what);
}

export function parseJsonText(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where: string | undefined;
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = `line ${line}, column ${Number(pos[1]) - before.lastIndexOf('\n')}`;
    } else if (text.trim() === '' || /Unexpected end/.test(msg)) {
      where = `line ${text.split('\n').length}`;
    }
    throw new InputError(file, `the ${what} is not valid JSON (${msg.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')})`, where);
  }
}

export function validateSnapshot(data: unknown, file: string): Snapshot {
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof data === 'object' && data !== null && version !== SNAPSHOT_SCHEMA_VERSION) {
    throw new InputError(file, `unsupported snapshot schemaVersion ${JSON.stringify(version)} (this version reads ${SNAPSHOT_SCHEMA_VERSION})`, '$.schemaVersion');
  }
  const validate = snapshotValidator();
  if (!validate(data)) {
    const err = validate.errors![0];
    const extra = err.keyword === 'additionalProperties' ? ` "${(err.params as { additionalProperty: string }).additionalProperty}"` : '';
    const allowed = err.keyword === 'enum' ? ` (${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
    throw new InputError(file, `does not match the snapshot schema: ${err.message ?? 'invalid'}${extra}${allowed}`, jsonPath(err.instancePath));
  }
  return data as Snapshot;
}

export function loadSnapshot(file: string): Snapshot {
  return validateSnapshot(readJsonFile(file, 'snapshot'), file);
}
