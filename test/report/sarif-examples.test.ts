/**
 * The SARIF of the bundled examples, with the whole rule catalogue and the repository's policy:
 * valid for the official schema and for GitHub, stable across runs.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { loadPolicy } from '../../src/engine/policy.js';
import { loadSnapshot } from '../../src/model/load.js';
import { renderSarif } from '../../src/report/sarif.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { sarifProblems } from '../helpers/github-sarif-rules.js';

const examples = readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.snapshot.json')).sort();

function sarifOf(example: string, sarifPasses: boolean): string {
  const report = audit(loadSnapshot(path.join(REPO_ROOT, 'examples', example)), loadPolicy(path.join(REPO_ROOT, 'rules.yaml')), { failOn: 'high' });
  return renderSarif(report, { sarifPasses });
}

describe.each(examples)('SARIF of examples/%s', (example) => {
  it.each([false, true])('is valid SARIF that GitHub accepts (passes included: %s)', (passes) => {
    expect(sarifProblems(sarifOf(example, passes))).toEqual([]);
  });

  it('has the same fingerprints and paths on every run, and one per rule × resource', () => {
    const key = (text: string) =>
      ((JSON.parse(text) as Log).runs[0].results ?? []).map((r) => `${r.ruleId} ${r.partialFingerprints!.primaryLocationLineHash} ${r.locations![0].physicalLocation!.artifactLocation!.uri}`);
    const first = key(sarifOf(example, true));
    expect(key(sarifOf(example, true))).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });
});
