/**
 * Test data: the compliant example (the article's setup) as a fresh object each time, so a test
 * breaks one thing and checks that exactly the expected rule notices.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptySnapshot, type Snapshot } from '../../src/model/snapshot.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const compliantText = readFileSync(path.join(REPO_ROOT, 'examples/compliant.snapshot.json'), 'utf8');

export function compliantSnapshot(): Snapshot {
  return JSON.parse(compliantText) as Snapshot;
}

/** A snapshot with only the given parts; missing collections are empty. */
export function partialSnapshot(parts: Partial<Snapshot>): Snapshot {
  return { ...emptySnapshot({ kind: 'fixture', projects: [] }), generatedAt: '2026-11-20T03:00:00.000Z', ...parts };
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.isAbsolute(file) ? file : path.join(REPO_ROOT, file), 'utf8')) as T;
}
