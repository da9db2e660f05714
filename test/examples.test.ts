/**
 * The whole rule set on the two examples, with the shipped rules.yaml: the compliant one only passes
 * (or is not applicable), the non-compliant one fails every rule at least once and produces the
 * findings examples/README.md lists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../src/engine/audit.js';
import { loadPolicy } from '../src/engine/policy.js';
import type { AuditReport, Status } from '../src/engine/types.js';
import { loadSnapshot } from '../src/model/load.js';
import { RULES } from '../src/rules/index.js';
import { REPO_ROOT } from './helpers/fixtures.js';

const NOW = new Date('2026-11-24T00:00:00Z');

const reports = new Map<string, AuditReport>();

/** One audit per example for the whole file; the tests only read the report. */
function run(example: string): AuditReport {
  let report = reports.get(example);
  if (!report) {
    const policy = loadPolicy(path.join(REPO_ROOT, 'rules.yaml'));
    report = audit(loadSnapshot(path.join(REPO_ROOT, 'examples', example)), policy, { failOn: 'high', now: NOW, startedAt: NOW });
    reports.set(example, report);
  }
  return report;
}

interface ListedFinding {
  rule: string;
  resource: string;
  status: Status;
}

/** The findings table of examples/README.md: `| \`rule\` | \`resource\` | status | why |`. */
function listedFindings(): ListedFinding[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'examples/README.md'), 'utf8');
  return [...readme.matchAll(/^\| `([a-z0-9-]+)` \| `([^`]+)` \| ([a-z-]+) \|/gm)].map((m) => ({ rule: m[1], resource: m[2], status: m[3] as Status }));
}

const table = (report: AuditReport): string =>
  report.results.map((r) => `${r.status} ${r.ruleId} ${r.resource.name}: ${r.message}`).join('\n');

describe('examples with the full rule set and the shipped rules.yaml', () => {
  it('the policy in force is the article\'s: restricted VIP, on-prem 10.100.0.0/16, proxy 10.100.5.10/32', () => {
    expect(loadPolicy(path.join(REPO_ROOT, 'rules.yaml')).parameters).toEqual({
      vip: 'restricted',
      onPremRanges: ['10.100.0.0/16'],
      proxyRanges: ['10.100.5.10/32'],
    });
  });

  it('compliant.snapshot.json: only passes and not-applicables, every rule passing somewhere, exit 0', () => {
    const report = run('compliant.snapshot.json');
    const statuses = new Set(report.results.map((r) => r.status));
    expect([...statuses].sort(), table(report)).toEqual(['not-applicable', 'pass']);
    for (const rule of RULES) {
      expect(report.results.some((r) => r.ruleId === rule.meta.id && r.status === 'pass'), `${rule.meta.id} passes`).toBe(true);
    }
    expect(report.verdict).toEqual({ exitCode: 0, gateFailures: 0, incomplete: 0, unread: 0 });
    expect(report.run.warnings).toEqual([]);
  });

  it('noncompliant.snapshot.json: every one of the 18 rules fails at least once, exit 1', () => {
    const report = run('noncompliant.snapshot.json');
    expect(RULES).toHaveLength(18);
    const failing = new Set(report.results.filter((r) => r.status === 'fail').map((r) => r.ruleId));
    expect(RULES.map((r) => r.meta.id).filter((id) => !failing.has(id)), table(report)).toEqual([]);
    expect(report.verdict.exitCode).toBe(1);
    expect(report.summary.byStatus.pass).toBeGreaterThan(0);
  });

  it('noncompliant.snapshot.json: the only incompleteness is the DNS zones of globex-stg-apps (HTTP 403)', () => {
    const report = run('noncompliant.snapshot.json');
    const notEvaluated = report.results.filter((r) => r.status === 'not-evaluated');
    expect(notEvaluated.map((r) => `${r.ruleId} ${r.resource.name}`).sort(), table(report)).toEqual([
      'dns-gcr vpc-stg',
      'dns-googleapis vpc-stg',
      'dns-pkg-dev vpc-stg',
    ]);
    for (const r of notEvaluated) {
      expect(r.readErrors).toEqual([expect.objectContaining({ project: 'globex-stg-apps', collection: 'managedZones', status: 403 })]);
    }
    // With the failures waived by --fail-on none, the audit is still incomplete: exit 3.
    const policy = loadPolicy(path.join(REPO_ROOT, 'rules.yaml'));
    const lenient = audit(loadSnapshot(path.join(REPO_ROOT, 'examples/noncompliant.snapshot.json')), policy, { failOn: 'none', now: NOW });
    expect(lenient.verdict).toEqual({ exitCode: 3, gateFailures: 0, incomplete: 3, unread: 1 });
  });

  const listed = listedFindings();
  it('examples/README.md lists findings for every rule', () => {
    expect(new Set(listed.map((f) => f.rule))).toEqual(new Set(RULES.map((r) => r.meta.id)));
  });
  for (const finding of listed) {
    it(`noncompliant.snapshot.json: ${finding.rule} is ${finding.status} for ${finding.resource} (examples/README.md)`, () => {
      const report = run('noncompliant.snapshot.json');
      const found = report.results.filter((r) => r.ruleId === finding.rule && r.resource.name === finding.resource);
      expect(found.map((r) => r.status), table(report)).toEqual([finding.status]);
    });
  }
});
