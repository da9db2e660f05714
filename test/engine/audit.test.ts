import { describe, expect, it, vi } from 'vitest';
import { audit, defaultCategory, summarize, verdictOf } from '../../src/engine/audit.js';
import { parsePolicy } from '../../src/engine/policy.js';
import type { Result } from '../../src/engine/types.js';
import { cluster, clusterName, scriptedRule, snapshotOf } from './test-rules.js';

// The engine is under test, not the catalogue: every call passes its own rules (test/examples.test.ts runs the real ones).
vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

const NOW = new Date('2026-11-24T12:00:00Z');
const critical = scriptedRule('private-nodes', 'critical', { a: 'fail', b: 'fail', c: 'not-applicable' });
const low = scriptedRule('health-check-ingress', 'low', { a: 'fail' });
const incomplete = scriptedRule('dns-gcr', 'high', { a: 'not-evaluated' });

function run(rules = [critical, low, incomplete], yaml = '', failOn: 'critical' | 'high' | 'low' | 'none' = 'high', allowIncomplete = false) {
  return audit(snapshotOf(cluster('a'), cluster('b'), cluster('c')), parsePolicy(yaml, 'rules.yaml'), {
    failOn,
    allowIncomplete,
    rules,
    now: NOW,
    startedAt: NOW,
  });
}

describe('audit: summary and verdict', () => {
  it('counts results by status, unwaived fails by severity, and waivers', () => {
    const yaml = `exceptions:\n  - rule: private-nodes\n    resource: "${clusterName('b')}"\n    reason: NET-1\n    expires: 2027-01-01\n`;
    const { summary } = run(undefined, yaml);
    expect(summary).toMatchObject({
      total: 9,
      byStatus: { fail: 3, pass: 4, 'not-applicable': 1, 'not-evaluated': 1 },
      failBySeverity: { critical: 1, high: 0, medium: 0, low: 1 },
      waived: 1,
    });
    // The severity × status table the text report opens with: a waived failure counts as waived.
    const cells = Object.values(summary.matrix).flatMap((row) => Object.values(row));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(9);
    expect(Object.values(summary.matrix).reduce((n, row) => n + row.waived, 0)).toBe(1);
  });

  it('exits 1 when a fail is at or above --fail-on, counting the gate failures', () => {
    expect(run().verdict).toEqual({ exitCode: 1, gateFailures: 2, incomplete: 1, unread: 0 });
    expect(run(undefined, '', 'low').verdict).toEqual({ exitCode: 1, gateFailures: 3, incomplete: 1, unread: 0 });
    expect(run([critical], 'rules:\n  private-nodes: medium\n', 'high').verdict).toEqual({ exitCode: 0, gateFailures: 0, incomplete: 0, unread: 0 });
  });

  it('exits 3 when nothing fails the gate but something was not evaluated, 0 with --allow-incomplete', () => {
    expect(run([low, incomplete]).verdict).toEqual({ exitCode: 3, gateFailures: 0, incomplete: 1, unread: 0 });
    expect(run([low, incomplete], '', 'high', true).verdict).toEqual({ exitCode: 0, gateFailures: 0, incomplete: 1, unread: 0 });
    // A gate failure wins over incompleteness.
    expect(run([critical, incomplete], '', 'high', true).verdict.exitCode).toBe(1);
  });

  it('exits 0 with --fail-on none, or when every fail is waived', () => {
    expect(run([critical], '', 'none').verdict.exitCode).toBe(0);
    const waiveAll = ['a', 'b']
      .map((n) => `  - rule: private-nodes\n    resource: "${clusterName(n)}"\n    reason: NET-1\n    expires: 2027-01-01\n`)
      .join('');
    expect(run([critical], `exceptions:\n${waiveAll}`).verdict).toEqual({ exitCode: 0, gateFailures: 0, incomplete: 0, unread: 0 });
  });

  it('a waived not-evaluated result does not make the audit incomplete', () => {
    const yaml = `exceptions:\n  - rule: dns-gcr\n    resource: "${clusterName('a')}"\n    reason: no DNS read access yet\n    expires: 2027-01-01\n`;
    expect(run([incomplete], yaml).verdict).toEqual({ exitCode: 0, gateFailures: 0, incomplete: 0, unread: 0 });
  });

  it('a baseline keeps known findings out of the gate', () => {
    const report = run([critical]);
    const baseline = new Set(report.results.filter((r) => r.status === 'fail').map((r) => r.fingerprint));
    expect(verdictOf(report.results, 'high', false, baseline)).toEqual({ exitCode: 0, gateFailures: 0, incomplete: 0, unread: 0 });
    expect(verdictOf(report.results, 'high', false, new Set([[...baseline][0]])).gateFailures).toBe(1);
  });

  it('an expired exception shows in the run warnings and the finding fails the gate again', () => {
    const yaml = `exceptions:\n  - rule: private-nodes\n    resource: "${clusterName('a')}"\n    reason: NET-1\n    expires: 2026-11-01\n`;
    const report = run([critical], yaml, 'critical');
    expect(report.run.warnings).toHaveLength(1);
    expect(report.run.warnings[0]).toContain('expired on 2026-11-01');
    expect(report.verdict.gateFailures).toBe(2);
  });

  it('records the run: enabled rules with effective severity and help URL, policy, category', () => {
    const report = run([critical, low], 'rules:\n  health-check-ingress: off\n  private-nodes: high\n');
    expect(report.run.rules.map((r) => [r.id, r.severity])).toEqual([['private-nodes', 'high']]);
    expect(report.run.rules[0].helpUri).toMatch(/docs\/rules\/private-nodes\.md$/);
    expect(report.run.policy.path).toBe('rules.yaml');
    expect(report.run.startedAt).toBe(NOW.toISOString());
    expect(report.run.category).toBe('gke-private-audit/fixture');
    expect(report.clusters.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('derives the SARIF category from the scope', () => {
    const s = snapshotOf();
    s.scope = { kind: 'projects', projects: ['acme-prod'] };
    expect(defaultCategory(s)).toBe('gke-private-audit/project-acme-prod');
    s.scope = { kind: 'organization', id: '1234', projects: [] };
    expect(defaultCategory(s)).toBe('gke-private-audit/org-1234');
    s.scope = { kind: 'plan', id: 'plan.json', projects: [] };
    expect(defaultCategory(s)).toBe('gke-private-audit/plan');
  });

  it('summarizes an empty run as all zeros', () => {
    const empty: Result[] = [];
    expect(summarize(empty)).toEqual({
      total: 0,
      byStatus: { fail: 0, pass: 0, 'not-applicable': 0, 'not-evaluated': 0 },
      failBySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
      waived: 0,
      matrix: Object.fromEntries(['critical', 'high', 'medium', 'low'].map((s) => [s, { fail: 0, pass: 0, 'not-applicable': 0, 'not-evaluated': 0, waived: 0 }])),
    });
    expect(verdictOf(empty, 'low')).toEqual({ exitCode: 0, gateFailures: 0, incomplete: 0, unread: 0 });
  });
});

describe('parts of the scope that could not be read', () => {
  it('make the audit incomplete even when they leave no result behind', () => {
    const readErrors = [{ project: 'p', collection: 'clusters' as const, status: 403, message: 'container.clusters.list denied' }];
    expect(verdictOf([], 'high', false, undefined, readErrors)).toEqual({ exitCode: 3, gateFailures: 0, incomplete: 0, unread: 1 });
    expect(verdictOf([], 'high', true, undefined, readErrors).exitCode).toBe(0);
  });
});
