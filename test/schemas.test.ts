import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { TARGETS, generateSchema } from '../scripts/generate-schemas.js';
import { loadJsonSchema } from '../src/schemas.js';
import { REPO_ROOT, readJson } from './helpers/fixtures.js';

describe('published JSON schemas', () => {
  for (const target of TARGETS) {
    it(`${target.file} is what scripts/generate-schemas.ts generates from ${target.source} (run \`npx tsx scripts/generate-schemas.ts\`)`, () => {
      const committed = readFileSync(path.join(REPO_ROOT, target.file), 'utf8');
      expect(committed).toBe(generateSchema(target));
    });
  }

  const validate = new Ajv({ allErrors: true, strict: false }).compile(loadJsonSchema('snapshot.schema.json'));
  for (const example of ['examples/compliant.snapshot.json', 'examples/noncompliant.snapshot.json']) {
    it(`${example} validates against schemas/snapshot.schema.json`, () => {
      const ok = validate(readJson(example));
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    });
  }
});
