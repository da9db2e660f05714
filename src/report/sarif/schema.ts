/**
 * The official SARIF 2.1.0 schema (JSON Schema 2020-12, vendored from @microsoft/sarif-multitool in
 * schemas/vendor/), compiled once on first use: `merge` checks its inputs with it, the tests check
 * every log the tool writes.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { jsonPath } from '../../errors.js';
import { loadJsonSchema } from '../../schemas.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
let validator: ValidateFunction | undefined;

function sarifValidator(): ValidateFunction {
  if (!validator) {
    // strict off: the official schema uses annotations (e.g. `deprecated` on enums) that Ajv's strict mode rejects.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(loadJsonSchema('vendor/sarif-2.1.0.json'));
  }
  return validator;
}

export interface SchemaProblem {
  /** JSON path of the offending value, e.g. `$.runs[0].results[3].locations`. */
  path: string;
  message: string;
}

function describe(e: ErrorObject): SchemaProblem {
  const extra =
    e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
  return { path: jsonPath(e.instancePath), message: `${e.message ?? 'invalid'}${extra}` };
}

/** Empty when the log is valid SARIF 2.1.0. */
export function sarifSchemaProblems(log: unknown): SchemaProblem[] {
  const validate = sarifValidator();
  return validate(log) ? [] : (validate.errors ?? []).map(describe);
}
