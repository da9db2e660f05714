/**
 * Generates the published JSON schemas from the TypeScript model, so the schema and the types
 * cannot drift: schemas/snapshot.schema.json (Snapshot) and schemas/report.schema.json (the JSON
 * report). `npm run schemas` writes them; test/schemas.test.ts fails when they are out of date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Target {
  file: string;
  source: string;
  type: string;
  title: string;
  description: string;
}

export const TARGETS: Target[] = [
  {
    file: 'schemas/snapshot.schema.json',
    source: 'src/model/snapshot.ts',
    type: 'Snapshot',
    title: 'gke-private-audit snapshot',
    description: 'The normalized state of one or more Google Cloud projects, as written by `gke-private-audit collect` and read by `check --snapshot`.',
  },
  {
    file: 'schemas/report.schema.json',
    source: 'src/report/json.ts',
    type: 'JsonReport',
    title: 'gke-private-audit JSON report',
    description: 'The JSON report (`--format json`): run metadata, every result, the summary and the gate verdict.',
  },
];

export function generateSchema(t: Target): string {
  const schema = createGenerator({
    path: path.join(root, t.source),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: t.type,
    topRef: false,
    skipTypeCheck: true,
  }).createSchema(t.type);
  const out = { $schema: schema.$schema, $id: `https://gke-private-audit.dev/${t.file}`, title: t.title, description: t.description, ...schema };
  return JSON.stringify(out, null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const t of TARGETS) {
    writeFileSync(path.join(root, t.file), generateSchema(t));
    console.log(`wrote ${t.file}`);
  }
}
