/**
 * What every format carries besides the verdict: each failing finding's fix line, its new/existing
 * mark against a baseline with both counts, and "nothing to check" for an input with nothing to judge.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadPlanSnapshot } from '../../src/collectors/overlay.js';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { defaultPolicy, loadPolicy } from '../../src/engine/policy.js';
import { loadSnapshot } from '../../src/model/load.js';
import { REPORT_FORMATS, render } from '../../src/report/index.js';
import { REPO_ROOT, partialSnapshot } from '../helpers/fixtures.js';

const snapshot = loadSnapshot(path.join(REPO_ROOT, 'examples/noncompliant.snapshot.json'));
const policy = loadPolicy(path.join(REPO_ROOT, 'rules.yaml'));
const plain = audit(snapshot, policy, { failOn: 'high' });
const failing = plain.results.filter((r) => r.status === 'fail');
const existing = failing[0];
const baselined = audit(snapshot, policy, { failOn: 'high', baseline: new Set([existing.fingerprint]) });

describe('fix lines', () => {
  it('every failing result of a rule with a fix has one, with the real names of its resource', () => {
    expect(failing.length).toBeGreaterThan(0);
    for (const r of failing) {
      expect(r.fix, r.ruleId).toBeTruthy();
      expect(r.fix).not.toMatch(/\b(CLUSTER|LOCATION|NETWORK|SUBNET|REGION|INSTANCE|ZONE|PEERING)\b/);
      expect(r.fix).toContain(r.resource.project);
    }
    expect(plain.results.filter((r) => r.status !== 'fail').every((r) => r.fix === undefined)).toBe(true);
  });

  it.each(['json', 'sarif', 'markdown', 'html', 'junit', 'text'] as const)('%s shows each fix', async (format) => {
    const out = await render(format, plain);
    const escape = (s: string) => (format === 'html' || format === 'junit' ? s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s);
    for (const r of failing) expect(out.includes(r.fix!) || out.includes(escape(r.fix!)) || out.includes(JSON.stringify(r.fix).slice(1, -1)), `${format} ${r.ruleId}`).toBe(true);
  });
});

describe('fix lines for a plan', () => {
  const broken = readdirSync(path.join(REPO_ROOT, 'test/fixtures/terraform/broken'));
  it.each(broken)('%s: the broken plan\'s finding says what to change in Terraform, at the resource', (ruleId) => {
    const dir = path.join(REPO_ROOT, 'test/fixtures/terraform/broken', ruleId);
    const report = audit(loadPlanSnapshot(path.join(dir, 'plan.json'), { tfDir: dir }), policy, { failOn: 'high' });
    const finding = report.results.find((r) => r.ruleId === ruleId && r.status === 'fail');
    expect(finding, ruleId).toBeDefined();
    if (finding!.resource.address) expect(finding!.fix).toMatch(new RegExp(`^(in|next to) ${finding!.resource.address.replace(/[.[\]"]/g, '\\$&')} \\(`));
    else expect(finding!.fix).toMatch(/^gcloud /);
  });
});

describe('baseline marks', () => {
  it('marks each failing result new or existing and counts both; the gate counts only new ones', () => {
    expect(baselined.results.find((r) => r.fingerprint === existing.fingerprint)!.baseline).toBe('existing');
    expect(baselined.results.filter((r) => r.baseline === 'new')).toHaveLength(failing.length - 1);
    expect(baselined.summary.baseline).toEqual({ new: failing.filter((r) => !r.waiver).length - 1, existing: 1 });
    expect(plain.summary.baseline).toBeUndefined();
  });

  it('JSON carries the mark per result and the counts', async () => {
    const json = JSON.parse(await render('json', baselined)) as { results: { fingerprint: string; baseline?: string }[]; summary: { baseline: unknown } };
    expect(json.results.find((r) => r.fingerprint === existing.fingerprint)!.baseline).toBe('existing');
    expect(json.summary.baseline).toEqual(baselined.summary.baseline);
  });

  it('SARIF sets baselineState new / unchanged', async () => {
    const sarif = JSON.parse(await render('sarif', baselined)) as { runs: { results: { kind: string; baselineState?: string; partialFingerprints: Record<string, string> }[] }[] };
    const states = sarif.runs[0].results.filter((r) => r.kind === 'fail').map((r) => r.baselineState);
    expect(states.filter((s) => s === 'unchanged')).toHaveLength(1);
    expect(states.filter((s) => s === 'new')).toHaveLength(failing.length - 1);
  });

  it('Markdown, HTML and JUnit mark findings and say the counts', async () => {
    const md = await render('markdown', baselined);
    expect(md).toMatch(new RegExp(`### Failing \\(\\d+: ${baselined.summary.baseline!.new} new, 1 existing\\)`));
    expect(md).toContain('**existing**');
    const html = await render('html', baselined);
    expect(html).toContain('class="badge baseline-existing">existing</span>');
    expect(html).toContain('class="badge baseline-new">new</span>');
    const junit = await render('junit', baselined);
    expect(junit).toMatch(/<testcase name="[^"]+ \[existing\]"/);
    expect(junit).toMatch(/<testcase name="[^"]+ \[new\]"/);
    expect(junit).toContain(`<property name="note" value="baseline: ${baselined.summary.baseline!.new} new, 1 existing finding(s)"/>`);
  });
});

describe('nothing to check', () => {
  const empty = audit(partialSnapshot({}), defaultPolicy(), { failOn: 'high' });
  it.each(REPORT_FORMATS)('%s says so', async (format) => {
    expect(empty.verdict.exitCode).toBe(0);
    expect(await render(format, empty)).toContain('nothing to check');
  });
});
