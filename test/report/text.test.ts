/**
 * The text report as a person reads it: summary table and gate first, failing findings most severe
 * first with short names and a fix each, lines within the terminal's width, passes only on request.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { loadPolicy } from '../../src/engine/policy.js';
import { loadSnapshot } from '../../src/model/load.js';
import { renderText, wrap } from '../../src/report/text.js';
import { REPO_ROOT, partialSnapshot } from '../helpers/fixtures.js';
import { defaultPolicy } from '../../src/engine/policy.js';

/** The demo organization (what `audit --emulator` collects) under the repository's rules.yaml. */
function demoReport(options: { baseline?: Set<string> } = {}) {
  const snapshot = loadSnapshot(path.join(REPO_ROOT, 'examples/org/org.snapshot.json'));
  // What the emulator answers for the project that refuses its DNS API: one error per zone's record sets.
  const message = 'dns.googleapis.com has not been used in project 482915067322 before or it is disabled.';
  for (const zone of ['gcr-io', 'googleapis', 'pkg-dev']) {
    snapshot.readErrors.push({ project: 'acme-prod-payments', collection: 'recordSets', resource: `//dns.googleapis.com/projects/acme-prod-payments/managedZones/${zone}`, status: 403, reason: 'SERVICE_DISABLED', message });
  }
  return audit(snapshot, loadPolicy(path.join(REPO_ROOT, 'rules.yaml')), { failOn: 'high', now: new Date('2026-11-20'), ...options });
}

const SEVERITY_LINE = /^(CRITICAL|HIGH|MEDIUM|LOW) +(\S+) +(\S+)(?: \[(new|existing)\])?: /;

describe('text report', () => {
  const report = demoReport();
  const text = renderText(report, { width: 120 });
  const lines = text.trimEnd().split('\n');

  it('fits a 120-column terminal', () => {
    const long = lines.filter((l) => l.length > 120);
    expect(long).toEqual([]);
  });

  it('starts with the severity × status table and the gate verdict, before any finding', () => {
    const table = lines.findIndex((l) => /^ +fail +not evaluated +waived +pass +n\/a$/.test(l));
    const gate = lines.findIndex((l) => l.startsWith('FAILED (gate --fail-on high): '));
    const firstFinding = lines.findIndex((l) => SEVERITY_LINE.test(l));
    expect(table).toBeGreaterThan(0);
    expect(gate).toBeGreaterThan(table);
    expect(firstFinding).toBeGreaterThan(gate);
    const total = lines[table + 5];
    expect(total).toMatch(new RegExp(`^total +${report.summary.byStatus.fail} +${report.summary.byStatus['not-evaluated']} `));
  });

  it('lists every failing finding once, most severe first, each with a short name and a fix with real names', () => {
    const findings = lines.map((l, i) => ({ m: SEVERITY_LINE.exec(l), i })).filter((x) => x.m);
    const failing = report.results.filter((r) => r.status === 'fail' && !r.waiver);
    expect(findings).toHaveLength(failing.length);
    const ranks = findings.map(({ m }) => ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].indexOf(m![1]));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    for (const [k, { m, i }] of findings.entries()) {
      expect(m![3]).toMatch(/^projects\/[a-z0-9-]+\/(clusters|networks|subnetworks|instances)\/\S+$/);
      const block = lines.slice(i + 1, findings[k + 1]?.i ?? lines.length).join('\n');
      expect(block).toMatch(/^ +fix: (gcloud|next to|in) /m);
    }
    const fixes = lines.filter((l) => /^ +fix: /.test(l)).join('\n');
    expect(fixes).not.toMatch(/\b(CLUSTER|LOCATION|NETWORK|SUBNET|REGION)\b/);
    expect(renderText(report)).toContain('fix: gcloud container clusters update stg-legacy --location asia-northeast1 --project acme-stg-platform --enable-private-endpoint');
  });

  it('never repeats a full resource name on a finding line', () => {
    for (const l of lines.filter((x) => SEVERITY_LINE.test(x))) expect(l).not.toContain('//container.googleapis.com');
  });

  it('names the read errors of one kind in one project once, with the parts they affect', () => {
    const readErrorLines = lines.filter((l) => l.includes('SERVICE_DISABLED'));
    expect(readErrorLines).toHaveLength(1);
    expect(readErrorLines[0]).toMatch(/^ +project acme-prod-payments: HTTP 403 SERVICE_DISABLED/);
    expect(text).toMatch(/affects recordSets \(projects\/acme-prod-payments\/managedZones\/gcr-io\), recordSets/);
  });

  it('lists passes only with verbose, and quiet prints the gate line alone', () => {
    expect(text).not.toMatch(/^ +pass +\S+/m);
    expect(renderText(report, { verbose: true })).toMatch(/^ +pass +private-nodes +projects\/acme-prod-platform\/clusters\/alpha: /m);
    expect(renderText(report, { quiet: true })).toBe(`FAILED (gate --fail-on high): ${report.verdict.gateFailures} finding(s) at or above high\n`);
  });

  it('colours only when asked', () => {
    const ESC = String.fromCharCode(27);
    expect(text).not.toContain(`${ESC}[`);
    expect(renderText(report, { color: true })).toContain(`${ESC}[`);
  });

  it('marks each finding new or existing against a baseline and counts only new ones at the gate', () => {
    const known = report.results.filter((r) => r.status === 'fail' && r.severity === 'critical').map((r) => r.fingerprint);
    const withBaseline = demoReport({ baseline: new Set(known) });
    const out = renderText(withBaseline, { width: 120 });
    expect(out).toMatch(/^CRITICAL +private-nodes +projects\/acme-dev-sandbox\/clusters\/sandbox \[existing\]: /m);
    expect(out).toMatch(/^HIGH +\S+ +\S+ \[new\]: /m);
    expect(out).toContain(`Failing (${withBaseline.summary.byStatus.fail}) — ${withBaseline.summary.baseline!.new} new, ${known.length} existing`);
    expect(withBaseline.verdict.gateFailures).toBe(report.verdict.gateFailures - known.length);
    expect(out).toContain(`; ${known.length} existing finding(s) in the baseline not counted`);
  });

  it('says "nothing to check" when the input had nothing this tool reads', () => {
    const empty = audit(partialSnapshot({}), defaultPolicy(), { failOn: 'high' });
    expect(empty.verdict.exitCode).toBe(0);
    expect(renderText(empty)).toContain('nothing to check: the input holds no cluster');
  });
});

describe('wrap', () => {
  it('wraps at word boundaries under a hanging indent and cuts words longer than a line', () => {
    expect(wrap('aaaa bbbb cccc dddd', 20, 10, 4)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(wrap('x'.repeat(25), 20, 0, 0)).toEqual(['x'.repeat(20), 'x'.repeat(5)]);
    expect(wrap('short', Infinity, 100, 0)).toEqual(['short']);
  });
});
