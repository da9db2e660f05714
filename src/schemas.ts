/** Access to the JSON schemas published in `schemas/` (shipped with the package). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root: `schemas/`, `examples/`, `rules.yaml` and `docs/` live there. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function loadJsonSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'schemas', name), 'utf8')) as Record<string, unknown>;
}
