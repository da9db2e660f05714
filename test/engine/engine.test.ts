import { describe, expect, it } from 'vitest';
import { evaluate, fingerprintOf, formatMessage, resourceRef } from '../../src/engine/engine.js';
import { defaultPolicy, parsePolicy, type Policy } from '../../src/engine/policy.js';
import type { Rule } from '../../src/engine/types.js';
import { cluster, clusterName, scriptedRule, snapshotOf } from './test-rules.js';

const NOW = { now: new Date('2026-11-24T12:00:00Z') };
const vpcNative = scriptedRule('vpc-native', 'medium', { a: 'fail', b: 'not-evaluated' });
const dnsGcr = scriptedRule('dns-gcr', 'high', { a: 'fail' });

function policy(yaml: string): Policy {
  return parsePolicy(yaml, 'rules.yaml');
}

const exception = (rule: string, resource: string, expires: string) =>
  `exceptions:\n  - rule: ${rule}\n    resource: "${resource}"\n    reason: NET-42\n    expires: ${expires}\n`;

describe('engine', () => {
  it('turns outcomes into results: message, default severity, resource, clusters', () => {
    const { results, warnings, enabled } = evaluate(snapshotOf(cluster('a'), cluster('c')), defaultPolicy(), [vpcNative], NOW);
    expect(warnings).toEqual([]);
    expect(enabled.map((e) => [e.rule.meta.id, e.severity])).toEqual([['vpc-native', 'medium']]);
    expect(results.map((r) => [r.resource.name, r.status, r.severity])).toEqual([
      ['a', 'fail', 'medium'],
      ['c', 'pass', 'medium'],
    ]);
    expect(results[0]).toMatchObject({
      ruleId: 'vpc-native',
      title: 'Scripted vpc-native',
      messageId: 'result',
      message: `Cluster ${clusterName('a')} is fail (scripted).`,
      resource: { kind: 'cluster', name: 'a', fullName: clusterName('a'), project: 'p' },
      related: [],
      clusters: [clusterName('a')],
    });
    expect(results[0].waiver).toBeUndefined();
  });

  it('names a Terraform resource by its address, with file and line', () => {
    const tf = cluster('a', { source: 'terraform', address: 'module.gke.google_container_cluster.this', file: 'gke/main.tf', line: 7 });
    const [result] = evaluate(snapshotOf(tf), defaultPolicy(), [vpcNative], NOW).results;
    expect(result.resource).toMatchObject({ address: 'module.gke.google_container_cluster.this', file: 'gke/main.tf', line: 7 });
    expect(result.message).toContain('Cluster module.gke.google_container_cluster.this is fail');
  });

  it('applies a severity override and skips a rule that is off', () => {
    const { results, enabled } = evaluate(
      snapshotOf(cluster('a')),
      policy('rules:\n  vpc-native: critical\n  dns-gcr: off\n'),
      [vpcNative, dnsGcr],
      NOW,
    );
    expect(enabled.map((e) => [e.rule.meta.id, e.severity])).toEqual([['vpc-native', 'critical']]);
    expect(results.map((r) => [r.ruleId, r.severity])).toEqual([['vpc-native', 'critical']]);
  });

  it('an exception hides a fail (and a not-evaluated) of its rule on its resource until its expiry day, inclusive', () => {
    for (const expires of ['2026-11-24', '2027-01-31']) {
      const yaml = exception('vpc-native', clusterName('a'), expires) + `  - rule: vpc-native\n    resource: "${clusterName('b')}"\n    reason: read access pending\n    expires: ${expires}\n`;
      const { results, warnings } = evaluate(snapshotOf(cluster('a'), cluster('b')), policy(yaml), [vpcNative, dnsGcr], NOW);
      expect(warnings).toEqual([]);
      const byKey = Object.fromEntries(results.map((r) => [`${r.ruleId} ${r.resource.name}`, r]));
      expect(byKey['vpc-native a'].status).toBe('fail');
      expect(byKey['vpc-native a'].waiver).toEqual({ reason: 'NET-42', expires });
      expect(byKey['vpc-native b'].waiver).toEqual({ reason: 'read access pending', expires });
      // Another rule on the same resource is not covered.
      expect(byKey['dns-gcr a'].waiver).toBeUndefined();
    }
  });

  it('an exception never decorates a pass', () => {
    const { results } = evaluate(snapshotOf(cluster('c')), policy(exception('vpc-native', clusterName('c'), '2027-01-31')), [vpcNative], NOW);
    expect(results[0].status).toBe('pass');
    expect(results[0].waiver).toBeUndefined();
  });

  it('an expired exception no longer hides the finding and warns once, naming where it is', () => {
    const yaml = exception('vpc-native', clusterName('a'), '2026-11-23');
    const { results, warnings } = evaluate(snapshotOf(cluster('a')), policy(yaml), [vpcNative], NOW);
    expect(results[0].status).toBe('fail');
    expect(results[0].waiver).toBeUndefined();
    expect(warnings).toEqual([
      `exception for vpc-native on ${clusterName('a')} expired on 2026-11-23 (rules.yaml line 2); its finding is reported again`,
    ]);
  });

  it('matches an exception by Terraform address as well as by full name', () => {
    const tf = cluster('a', { source: 'terraform', address: 'google_container_cluster.a', file: 'main.tf', line: 3 });
    const { results } = evaluate(snapshotOf(tf), policy(exception('vpc-native', 'google_container_cluster.a', '2027-01-31')), [vpcNative], NOW);
    expect(results[0].waiver?.reason).toBe('NET-42');
    const other = evaluate(snapshotOf(tf), policy(exception('vpc-native', 'google_container_cluster.b', '2027-01-31')), [vpcNative], NOW);
    expect(other.results[0].waiver).toBeUndefined();
  });

  it('uses today when no date is injected', () => {
    const { results } = evaluate(snapshotOf(cluster('a')), policy(exception('vpc-native', clusterName('a'), '2000-01-01')), [vpcNative]);
    expect(results[0].waiver).toBeUndefined();
  });

  describe('fingerprints', () => {
    it('are stable across runs and policies, and depend on the rule and the subject only', () => {
      const first = evaluate(snapshotOf(cluster('a'), cluster('b')), defaultPolicy(), [vpcNative, dnsGcr], NOW).results;
      const again = evaluate(snapshotOf(cluster('b'), cluster('a')), policy('rules:\n  vpc-native: low\n'), [dnsGcr, vpcNative], NOW).results;
      const key = (r: (typeof first)[number]) => `${r.ruleId} ${r.resource.fullName}`;
      expect(new Map(again.map((r) => [key(r), r.fingerprint]))).toEqual(new Map(first.map((r) => [key(r), r.fingerprint])));
      const prints = first.map((r) => r.fingerprint);
      expect(new Set(prints).size).toBe(prints.length);
      for (const p of prints) expect(p).toMatch(/^[0-9a-f]{32}$/);
    });

    it('follow the Terraform address when there is one, so a plan keeps its fingerprints when the project becomes known', () => {
      const ref = resourceRef(cluster('a', { source: 'terraform', address: 'google_container_cluster.a' }));
      const renamed = { ...ref, fullName: 'tf://google_container_cluster.a' };
      expect(fingerprintOf('vpc-native', renamed)).toBe(fingerprintOf('vpc-native', ref));
      expect(fingerprintOf('dns-gcr', ref)).not.toBe(fingerprintOf('vpc-native', ref));
      // The separator keeps "rule + name" pairs from colliding when concatenated differently.
      expect(fingerprintOf('a', { ...ref, address: 'bc' })).not.toBe(fingerprintOf('ab', { ...ref, address: 'c' }));
    });
  });

  it('formats messages, leaving unknown placeholders visible', () => {
    expect(formatMessage('{{ subject }} has {{count}} of {{missing}}', { subject: 'x', count: 2 })).toBe('x has 2 of {{missing}}');
  });

  it('refuses an outcome with a message id the rule does not declare', () => {
    const broken: Rule = { ...vpcNative, check: ({ index, report }) => report({ status: 'fail', subject: index.clusters[0], messageId: 'nope' }) };
    expect(() => evaluate(snapshotOf(cluster('a')), defaultPolicy(), [broken], NOW)).toThrow(/vpc-native reported unknown message id nope/);
  });
});

describe('an expired exception on a result that no longer fails', () => {
  it('says it can be removed instead of claiming a finding is back', () => {
    const passing = scriptedRule('vpc-native', 'medium', { a: 'pass' });
    const policy = parsePolicy(
      `exceptions:\n  - rule: vpc-native\n    resource: ${clusterName('a')}\n    reason: migration\n    expires: 2026-11-23\n`,
      'rules.yaml',
    );
    const { warnings } = evaluate(snapshotOf(cluster('a')), policy, [passing], { now: new Date('2026-11-24T12:00:00Z') });
    expect(warnings).toEqual([
      `exception for vpc-native on ${clusterName('a')} expired on 2026-11-23 (rules.yaml line 2); the result is now pass, so the exception can be removed`,
    ]);
  });
});
