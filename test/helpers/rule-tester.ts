/**
 * One harness for every rule (after ESLint's RuleTester): a rule's test file is a list of small
 * cases, each a snapshot and the outcomes expected of it, plus the JSON fixtures under
 * test/fixtures/rules/<rule-id>/.
 *
 * Fixture file format (`*.json`):
 *   { "description": "...", "params": { ...PolicyParameters overrides }, "snapshot": { ...Snapshot, collections may be omitted },
 *     "expect": [ { "status": "fail", "messageId": "...", "subject": "<fullName or address>", "messageIncludes": ["..."] } ] }
 * The rule must report exactly the expected outcomes (order-insensitive, matched by subject).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/engine.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { PolicyParameters, Result, Rule, Status } from '../../src/engine/types.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { partialSnapshot, REPO_ROOT } from './fixtures.js';

export interface ExpectedOutcome {
  status: Status;
  messageId?: string;
  /** fullName or Terraform address of the subject; required when the rule reports several. */
  subject?: string;
  messageIncludes?: string[];
  /** Text the message must not hold (e.g. the implied deny, when an explicit rule decided). */
  messageExcludes?: string[];
}

export interface RuleCase {
  name: string;
  snapshot: Snapshot;
  params?: Partial<PolicyParameters>;
  expect: ExpectedOutcome[];
}

export const DEFAULT_TEST_PARAMS: PolicyParameters = {
  vip: 'restricted',
  onPremRanges: ['10.100.0.0/16'],
  proxyRanges: ['10.100.5.10/32'],
};

/** Runs one rule alone and returns its results. */
export function runRule(rule: Rule, snapshot: Snapshot, params: Partial<PolicyParameters> = {}): Result[] {
  const policy = defaultPolicy();
  policy.parameters = { ...DEFAULT_TEST_PARAMS, ...params };
  return evaluate(snapshot, policy, [rule], { now: new Date('2026-11-24T00:00:00Z') }).results;
}

export function assertOutcomes(results: Result[], expected: ExpectedOutcome[]): void {
  const summary = results.map((r) => `${r.status} ${r.messageId} ${r.resource.address ?? r.resource.fullName}: ${r.message}`);
  expect(results.length, `outcomes:\n${summary.join('\n')}`).toBe(expected.length);
  const remaining = [...results];
  for (const exp of expected) {
    const i = remaining.findIndex(
      (r) =>
        r.status === exp.status &&
        (exp.messageId === undefined || r.messageId === exp.messageId) &&
        (exp.subject === undefined || r.resource.fullName === exp.subject || r.resource.address === exp.subject),
    );
    expect(i, `expected ${JSON.stringify(exp)} among:\n${summary.join('\n')}`).toBeGreaterThanOrEqual(0);
    const [found] = remaining.splice(i, 1);
    for (const text of exp.messageIncludes ?? []) expect(found.message).toContain(text);
    for (const text of exp.messageExcludes ?? []) expect(found.message).not.toContain(text);
  }
}

interface FixtureFile {
  description: string;
  params?: Partial<PolicyParameters>;
  snapshot: Partial<Snapshot>;
  expect: ExpectedOutcome[];
}

export function fixtureDir(ruleId: string): string {
  return path.join(REPO_ROOT, 'test/fixtures/rules', ruleId);
}

export function loadFixtureCases(ruleId: string): RuleCase[] {
  const dir = fixtureDir(ruleId);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    const data = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as FixtureFile;
    return { name: `${f}: ${data.description}`, snapshot: partialSnapshot(data.snapshot), params: data.params, expect: data.expect };
  });
}

/**
 * Declares the tests of one rule: its JSON fixtures (at least one passing and one failing) and
 * the inline cases given.
 */
export function ruleTester(rule: Rule, cases: RuleCase[] = []): void {
  describe(`rule ${rule.meta.id}`, () => {
    const fixtures = loadFixtureCases(rule.meta.id);
    it('has passing and failing fixtures under test/fixtures/rules', () => {
      const statuses = fixtures.flatMap((c) => c.expect.map((e) => e.status));
      expect(statuses).toContain('pass');
      expect(statuses).toContain('fail');
    });
    for (const c of [...fixtures, ...cases]) {
      it(c.name, () => assertOutcomes(runRule(rule, c.snapshot, c.params), c.expect));
    }
  });
}
