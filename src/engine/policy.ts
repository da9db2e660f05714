/**
 * The policy (`rules.yaml`): parameters, per-rule severities, exceptions. Loaded with a YAML parser
 * that keeps positions and validated against `schemas/rules.schema.json`, so every error names the
 * line it is on.
 */
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isAlias, visit, type Node } from 'yaml';
import { InputError, jsonPath, readInputText } from '../errors.js';
import { isCidr } from '../network/cidr.js';
import { loadJsonSchema } from '../schemas.js';
import type { PolicyParameters, Severity } from './types.js';

export interface PolicyException {
  rule: string;
  resource: string;
  reason: string;
  expires: string;
  /** `rules.yaml line 14`, for warnings. */
  where?: string;
}

export interface Policy {
  path?: string;
  parameters: PolicyParameters;
  rules: Record<string, Severity | 'off'>;
  exceptions: PolicyException[];
}

export const DEFAULT_PARAMETERS: PolicyParameters = { vip: 'restricted', onPremRanges: [], proxyRanges: [] };

/** A fresh copy: callers may add ranges without changing the defaults every later policy starts from. */
function defaultParameters(): PolicyParameters {
  return { ...DEFAULT_PARAMETERS, onPremRanges: [...DEFAULT_PARAMETERS.onPremRanges], proxyRanges: [...DEFAULT_PARAMETERS.proxyRanges] };
}

export function defaultPolicy(): Policy {
  return { parameters: defaultParameters(), rules: {}, exceptions: [] };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let validator: ReturnType<Ajv['compile']> | undefined;

function policyValidator(): ReturnType<Ajv['compile']> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: false, strict: true });
    addFormats(ajv);
    ajv.addFormat('cidr', { type: 'string', validate: (s: string) => s.includes('/') && isCidr(s) });
    validator = ajv.compile(loadJsonSchema('rules.schema.json'));
  }
  return validator;
}

/** Finds the YAML node at an ajv instance path, to report its line. */
function nodeAt(root: Node | null | undefined, instancePath: string): Node | undefined {
  let node: Node | null | undefined = root;
  for (const seg of instancePath.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      node = pair?.value as Node | undefined;
    } else if (isSeq(node)) {
      node = node.items[Number(key)] as Node | undefined;
    } else {
      return undefined;
    }
  }
  return node ?? undefined;
}

function keyNodeAt(root: Node | null | undefined, parentPath: string, key: string): Node | undefined {
  const parent = nodeAt(root, parentPath);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return (pair?.key as Node | undefined) ?? undefined;
}

function describe(error: ErrorObject): string {
  const at = jsonPath(error.instancePath);
  // Errors raised inside `propertyNames` carry the offending key here (ajv), not in params.
  if (error.propertyName !== undefined) return `unknown rule id "${error.propertyName}" in ${at}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key "${(error.params as { additionalProperty: string }).additionalProperty}" in ${at}`;
    case 'propertyNames':
      return `unknown rule id "${(error.params as { propertyName: string }).propertyName}" in ${at}`;
    case 'enum':
      return `${at} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format': {
      const fmt = (error.params as { format: string }).format;
      return fmt === 'cidr' ? `${at} is not a valid CIDR range` : fmt === 'date' ? `${at} is not a valid date (YYYY-MM-DD)` : `${at} must be a ${fmt}`;
    }
    case 'required':
      return `${at} is missing "${(error.params as { missingProperty: string }).missingProperty}"`;
    default:
      return `${at} ${error.message ?? 'is invalid'}`;
  }
}

const MAX_ALIASES = 100;
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

export function parsePolicy(text: string, file: string): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | undefined): string | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : `line ${lineCounter.linePos(offset).line}`;
  };
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = lineCounter.linePos(err.pos[0]);
    throw new InputError(file, err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), `line ${pos.line}, column ${pos.col}`);
  }
  // Only the YAML 1.2 core types: an unknown tag (`!foo`, `!!omap`, `!!binary`) would otherwise be
  // read as something else with no word said. Aliases are capped: a policy needs few, and a chain
  // of them (an alias bomb) expands exponentially.
  let aliases = 0;
  let refusal: InputError | undefined;
  visit(doc, {
    Node(_, node) {
      if (refusal) return visit.BREAK;
      if (isAlias(node) && ++aliases > MAX_ALIASES) refusal = new InputError(file, `more than ${MAX_ALIASES} YAML aliases; refused`, lineOf(node));
      const tag = (node as { tag?: string }).tag;
      if (tag && !CORE_TAGS.has(tag)) refusal = new InputError(file, `YAML tag ${JSON.stringify(tag)} is not supported (only plain mappings, lists, strings, numbers, booleans and null)`, lineOf(node));
      return undefined;
    },
  });
  if (refusal) throw refusal;
  let data: unknown;
  try {
    data = (doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {}) as unknown;
  } catch (e) {
    throw new InputError(file, `cannot be read: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(file, 'the policy must be a mapping with parameters, rules and exceptions', 'line 1');
  }
  // A section whose entries are all commented out (`exceptions:` and nothing) is YAML null: empty, not an error.
  for (const [key, value] of Object.entries(data)) {
    if (value === null) delete (data as Record<string, unknown>)[key];
  }
  const validate = policyValidator();
  if (!validate(data)) {
    const error = validate.errors![0];
    let node = nodeAt(doc.contents, error.instancePath);
    if (error.keyword === 'additionalProperties') {
      node = keyNodeAt(doc.contents, error.instancePath, (error.params as { additionalProperty: string }).additionalProperty) ?? node;
    } else if (error.propertyName !== undefined) {
      node = keyNodeAt(doc.contents, error.instancePath, error.propertyName) ?? node;
    }
    throw new InputError(file, describe(error), lineOf(node));
  }
  const raw = data as {
    parameters?: Partial<PolicyParameters>;
    rules?: Record<string, Severity | 'off'>;
    exceptions?: Omit<PolicyException, 'where'>[];
  };
  const exceptions = (raw.exceptions ?? []).map((ex, i) => {
    const where = lineOf(nodeAt(doc.contents, `/exceptions/${i}`));
    return { ...ex, expires: String(ex.expires), where: where ? `${file} ${where}` : undefined };
  });
  return {
    path: file,
    parameters: { ...defaultParameters(), ...raw.parameters },
    rules: raw.rules ?? {},
    exceptions,
  };
}

export function loadPolicy(file: string): Policy {
  return parsePolicy(readInputText(file, 'policy'), file);
}
