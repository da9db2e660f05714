import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { reportAndGate, type ReportArgs } from '../../src/cli/common.js';
import { baselineFingerprints, loadBaseline } from '../../src/engine/baseline.js';
import { InputError } from '../../src/errors.js';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ALPHA, failingSnapshot, planSnapshot, policyWith, reportOf } from '../helpers/github-sarif-rules.js';

// `check` and `audit` run the registry's rules; here that is private-endpoint alone.
vi.mock('../../src/rules/index.js', async () => {
  const { privateEndpoint } = await import('../../src/rules/private-endpoint.js');
  return { RULES: [privateEndpoint], findRule: (id: string) => (id === privateEndpoint.meta.id ? privateEndpoint : undefined) };
});

const dir = mkdtempSync(path.join(tmpdir(), 'gpa-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Both clusters public: alpha's finding is old (in the baseline), beta's is new. */
function bothPublic() {
  const s = failingSnapshot();
  s.clusters[1].controlPlaneEndpointsConfig!.ipEndpointsConfig!.enablePublicEndpoint = true;
  return s;
}

describe('baseline', () => {
  const old = reportOf(failingSnapshot());
  const alphaFp = old.results.find((r) => r.resource.fullName === ALPHA && r.ruleId === 'private-endpoint')!.fingerprint;

  it.each([
    ['a JSON report', () => write('old.json', renderJson(old))],
    ['a SARIF log', () => write('old.sarif', renderSarif(old, { sarifPasses: true }))],
  ])('reads the findings of %s, not its passes', (_name, file) => {
    const fps = loadBaseline(file());
    expect(fps.has(alphaFp)).toBe(true);
    expect(fps.size).toBe(old.results.filter((r) => r.status === 'fail').length);
  });

  it('leaves not-evaluated results out of a SARIF baseline', () => {
    const plan = reportOf(planSnapshot());
    const fps = baselineFingerprints(JSON.parse(renderSarif(plan, { sarifPasses: true })), 'plan.sarif');
    expect([...fps].sort()).toEqual(plan.results.filter((r) => r.status === 'fail').map((r) => r.fingerprint).sort());
  });

  it('fails the gate only on findings that are not in the baseline', () => {
    const baseline = loadBaseline(write('old2.json', renderJson(old)));
    expect(reportOf(failingSnapshot(), { baseline }).verdict.exitCode).toBe(0);
    const now = reportOf(bothPublic(), { baseline });
    expect(now.verdict).toMatchObject({ exitCode: 1, gateFailures: 1 });
    expect(reportOf(bothPublic()).verdict.gateFailures).toBe(2);
  });

  it('refuses what is not a report, or a SARIF log of another tool, naming the file and place', () => {
    const line = (data: unknown) => {
      try {
        baselineFingerprints(data, 'b.json');
      } catch (e) {
        return (e as InputError).toLine();
      }
      return 'accepted';
    };
    expect(line({ hello: 1 })).toBe('b.json: $: not a baseline: expected a gke-private-audit JSON report or a SARIF log');
    expect(line({ version: '2.1.0', runs: [{ tool: { driver: { name: 'CodeQL' } }, results: [] }] })).toBe(
      'b.json: $.runs[0].tool.driver.name: a SARIF baseline must come from gke-private-audit, this run is from "CodeQL"',
    );
    expect(line({ version: '2.1.0', runs: [{ tool: { driver: { name: 'gke-private-audit' } }, results: [{ ruleId: 'x', message: { text: 'm' } }] }] })).toBe(
      'b.json: $.runs[0].results[0]: a result has no fingerprint (partialFingerprints)',
    );
    expect(() => loadBaseline(path.join(dir, 'nope.json'))).toThrow(/cannot read the baseline: ENOENT/);
  });
});

describe('--baseline through check/audit', () => {
  const args = (extra: Partial<ReportArgs>): ReportArgs => ({ 'fail-on': 'high', 'allow-incomplete': false, 'sarif-passes': false, ...extra });

  it('turns a known finding into a passing gate, and a new one into exit 1', async () => {
    const baselineFile = write('prev.sarif', renderSarif(reportOf(failingSnapshot(), { rules: undefined })));
    const out = path.join(dir, 'reports/now.json');
    const outputs = [{ format: 'json' as const, path: out }];
    expect(await reportAndGate(failingSnapshot(), policyWith(), args({}), outputs)).toBe(1);
    expect(await reportAndGate(failingSnapshot(), policyWith(), args({ baseline: baselineFile }), outputs)).toBe(0);
    expect(await reportAndGate(bothPublic(), policyWith(), args({ baseline: baselineFile }), outputs)).toBe(1);
    expect(await reportAndGate(compliantSnapshot(), policyWith(), args({ baseline: baselineFile }), outputs)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).verdict.exitCode).toBe(0);
  });

  it('rejects a bad baseline file before writing any report', async () => {
    const bad = write('bad.json', '{"results": 3}');
    const out = path.join(dir, 'never/now.json');
    await expect(reportAndGate(failingSnapshot(), policyWith(), args({ baseline: bad }), [{ format: 'json', path: out }])).rejects.toThrow(InputError);
    expect(() => readFileSync(out)).toThrow();
  });
});
