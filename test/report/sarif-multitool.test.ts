/** Microsoft's SARIF multitool with GitHub's rule kind over every kind of SARIF the tool writes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { multitoolErrors } from '../../scripts/check-sarif-multitool.js';
import { sarifVariants } from '../helpers/github-sarif-rules.js';

vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

const dir = mkdtempSync(path.join(tmpdir(), 'gpa-multitool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const variants = sarifVariants();

describe('SARIF multitool (rule kinds Gh;Sarif)', () => {
  it.each(Object.keys(variants))('finds no error in the %s output', async (name) => {
    const file = path.join(dir, `${name}.sarif`);
    writeFileSync(file, variants[name]);
    expect(await multitoolErrors(file)).toEqual([]);
  });

  it('reports the errors it finds, though it exits 0', async () => {
    const log = JSON.parse(variants.fail) as Log;
    log.runs[0].results![0].message = { text: '' };
    const file = path.join(dir, 'broken.sarif');
    writeFileSync(file, JSON.stringify(log));
    expect((await multitoolErrors(file)).join('\n')).toMatch(/broken\.sarif: GH\d+/);
  });
});
