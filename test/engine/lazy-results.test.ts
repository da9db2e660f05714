/**
 * Results make their message text and fingerprint when a report first reads them. This checks that
 * nothing a report writes changed with it: every format, on the bundled examples and on a large
 * generated organization, is byte for byte what the same results give with both made up front (the
 * way the engine made them before: `{subject, ...data}` filled into the template, SHA-256 of rule id
 * and subject).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../bench/engine.js';
import { audit } from '../../src/engine/audit.js';
import { displayName, fingerprintOf, formatMessage, resourceRef } from '../../src/engine/engine.js';
import { loadPolicy, type Policy } from '../../src/engine/policy.js';
import type { AuditReport, Outcome, Result, Rule } from '../../src/engine/types.js';
import { loadSnapshot } from '../../src/model/load.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { render, REPORT_FORMATS, type ReportOptions } from '../../src/report/index.js';
import { RULES } from '../../src/rules/index.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

const NOW = new Date('2026-11-24T00:00:00Z');

interface Eager {
  message: string;
  fingerprint: string;
}

/** The audit, and beside each result the message and fingerprint made eagerly from its outcome. */
function auditWithEagerTwins(snapshot: Snapshot, policy: Policy): { report: AuditReport; eager: Eager[] } {
  const eager: Eager[] = [];
  const rules: Rule[] = RULES.map((rule) => ({
    meta: rule.meta,
    check: (ctx) =>
      rule.check({
        ...ctx,
        report: (o: Outcome) => {
          const ref = resourceRef(o.subject);
          eager.push({
            message: formatMessage(rule.meta.messages[o.messageId], { subject: displayName(ref), ...o.data }),
            fingerprint: fingerprintOf(rule.meta.id, ref),
          });
          ctx.report(o);
        },
      }),
  }));
  const report = audit(snapshot, policy, { failOn: 'high', now: NOW, startedAt: NOW, rules });
  report.run.finishedAt = NOW.toISOString();
  return { report, eager };
}

/** A plain result, keys in the order the engine always wrote them. */
function plain(r: Result, e: Eager): Result {
  const out: Result = {
    ruleId: r.ruleId,
    title: r.title,
    status: r.status,
    severity: r.severity,
    messageId: r.messageId,
    message: e.message,
    resource: r.resource,
    related: r.related,
    clusters: r.clusters,
    fingerprint: e.fingerprint,
  };
  if (r.readErrors) out.readErrors = r.readErrors;
  if (r.waiver) out.waiver = r.waiver;
  return out;
}

const VARIANTS: [string, (typeof REPORT_FORMATS)[number], ReportOptions][] = REPORT_FORMATS.flatMap((f) =>
  f === 'sarif'
    ? [
        ['sarif', f, {}],
        ['sarif with passes', f, { sarifPasses: true }],
      ]
    : [[f, f, {}]],
) as never;

async function expectSameReports(snapshot: Snapshot, policy: Policy): Promise<number> {
  const { report: lazy, eager } = auditWithEagerTwins(snapshot, policy);
  expect(eager.length).toBe(lazy.results.length);
  const reference: AuditReport = { ...lazy, results: lazy.results.map((r, i) => plain(r, eager[i])) };
  for (const [label, format, options] of VARIANTS) {
    const [a, b] = [await render(format, lazy, options), await render(format, reference, options)];
    expect(a === b, `${label} differs`).toBe(true);
  }
  return lazy.results.length;
}

function policyWithWaiver(): Policy {
  const policy = loadPolicy(path.join(REPO_ROOT, 'rules.yaml'));
  const resource = '//container.googleapis.com/projects/globex-prod-apps/locations/asia-northeast1/clusters/orders';
  return { ...policy, exceptions: [{ rule: 'private-nodes', resource, reason: 'NET-7', expires: '2099-01-01' }] };
}

describe('lazy message and fingerprint', () => {
  it('read like plain properties: made on first read, the same every time, copied by a spread, in a plain result\'s key order', () => {
    const { report, eager } = auditWithEagerTwins(loadSnapshot(path.join(REPO_ROOT, 'examples/noncompliant.snapshot.json')), policyWithWaiver());
    expect(report.results.some((x) => x.waiver)).toBe(true);
    const r = report.results[0];
    // Accessors, not values: nothing is made until something reads them.
    expect(Object.getOwnPropertyDescriptor(r, 'message')?.get).toBeTypeOf('function');
    expect(Object.getOwnPropertyDescriptor(r, 'fingerprint')?.get).toBeTypeOf('function');
    expect(r.message).toBe(eager[0].message);
    expect(r.message).toBe(eager[0].message);
    expect(r.fingerprint).toBe(eager[0].fingerprint);
    expect(Object.keys(r)).toEqual(Object.keys(plain(r, eager[0])));
    expect({ ...r }).toEqual(plain(r, eager[0]));
    expect(JSON.parse(JSON.stringify(r))).toEqual(JSON.parse(JSON.stringify(plain(r, eager[0]))));
    // Writable as a plain result's fields are.
    const copy = report.results[1];
    copy.fingerprint = 'fp';
    expect(copy.fingerprint).toBe('fp');
  });

  for (const example of ['compliant.snapshot.json', 'noncompliant.snapshot.json', 'org/org.snapshot.json']) {
    it(`leave every report of examples/${example} byte-identical`, async () => {
      expect(await expectSameReports(loadSnapshot(path.join(REPO_ROOT, 'examples', example)), policyWithWaiver())).toBeGreaterThan(0);
    });
  }

  it('leave every report of a generated organization (60 projects, 600 clusters, drift and read errors) byte-identical', async () => {
    const snapshot = generateSnapshot(60);
    expect(snapshot.readErrors.length).toBeGreaterThan(0);
    expect(await expectSameReports(snapshot, loadPolicy(path.join(REPO_ROOT, 'rules.yaml')))).toBeGreaterThan(5_000);
  }, 120_000);
});
