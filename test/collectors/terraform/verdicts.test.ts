/**
 * `check --plan` judges like a live read: the plan of the article's setup gets, rule by rule and
 * subject by subject, the verdicts of examples/compliant.snapshot.json, and each broken plan
 * fails the rule it breaks.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanSnapshot } from '../../../src/collectors/overlay.js';
import { evaluate } from '../../../src/engine/engine.js';
import { defaultPolicy } from '../../../src/engine/policy.js';
import type { Result } from '../../../src/engine/types.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { RULES } from '../../../src/rules/index.js';
import { compliantSnapshot, REPO_ROOT } from '../../helpers/fixtures.js';
import { DEFAULT_TEST_PARAMS } from '../../helpers/rule-tester.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/terraform');

function results(snapshot: Snapshot): Result[] {
  const policy = defaultPolicy();
  policy.parameters = { ...DEFAULT_TEST_PARAMS };
  return evaluate(snapshot, policy, [...RULES], { now: new Date('2026-11-24T00:00:00Z') }).results;
}

const verdicts = (snapshot: Snapshot): Record<string, string> =>
  Object.fromEntries(results(snapshot).map((r) => [`${r.ruleId} ${r.resource.fullName}`, r.status]));

describe('plan verdicts', () => {
  it('match the live snapshot of the same setup, rule by rule', () => {
    const plan = verdicts(loadPlanSnapshot(path.join(FIXTURES, 'full-root/plan.json')));
    // A plan has no node VMs: compare with the live read of the configuration alone.
    const live = verdicts({ ...compliantSnapshot(), instances: [] });
    const beta = 'router-advertises-control-plane //container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';
    // The one difference: a new PSC cluster's endpoint address is picked by GKE at apply.
    expect(plan[beta]).toBe('not-evaluated');
    expect(live[beta]).toBe('pass');
    delete plan[beta];
    delete live[beta];
    // A plan that manages no perimeter says nothing of perimeters (they belong to the organization's
    // access policy): vpc-sc-perimeter is not evaluated, where the live read passes.
    for (const key of Object.keys(plan).filter((k) => k.startsWith('vpc-sc-perimeter '))) {
      expect(plan[key]).toBe('not-evaluated');
      expect(live[key]).toBe('pass');
      delete plan[key];
      delete live[key];
    }
    // And a plan cannot hold the routes the VPN router learns: vip-route cannot pass on it.
    for (const cluster of ['alpha', 'beta']) {
      const key = `vip-route //container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/${cluster}`;
      expect([plan[key], live[key]]).toEqual(['not-evaluated', 'pass']);
      delete plan[key];
      delete live[key];
    }
    expect(plan).toEqual(live);
    expect(Object.keys(plan)).toHaveLength(25);
  });

  it('read plans of Terraform 0.12-1.0 (format_version 0.1 and 0.2) with the same verdicts as 1.x', () => {
    const current = verdicts(loadPlanSnapshot(path.join(FIXTURES, 'full-root/plan.json')));
    for (const format of ['0.2', '0.1']) {
      const older = loadPlanSnapshot(path.join(FIXTURES, `full-root/plan-format-${format}.json`));
      expect(verdicts(older), format).toEqual(current);
    }
  });

  it('a plan covers what it manages: a plan that only adds a cluster leaves the network rules not evaluated, naming what it does not manage', () => {
    const snapshot = loadPlanSnapshot(path.join(FIXTURES, 'add-cluster/plan.json'));
    const project = snapshot.clusters[0].project;
    expect(snapshot.coverage.find((e) => e.collection === 'clusters')).toMatchObject({ project, state: 'read' });
    expect(snapshot.coverage.find((e) => e.collection === 'routes')).toMatchObject({ project, state: 'not-read', reason: `the plan manages no routes in project ${project}` });
    expect(snapshot.coverage.find((e) => e.collection === 'instances')).toMatchObject({ state: 'out-of-scope' });
    const all = results(snapshot);
    expect(all.filter((r) => r.status === 'fail')).toEqual([]);
    const vip = all.find((r) => r.ruleId === 'vip-route')!;
    expect(vip.status).toBe('not-evaluated');
    expect(vip.message).toContain(`the plan manages no routes in project ${project}`);
    const dns = all.find((r) => r.ruleId === 'dns-googleapis')!;
    expect(dns.status).toBe('not-evaluated');
    expect(dns.message).toContain(`the plan manages no DNS managed zones in project ${project}`);
  });

  it('judge the setup split into modules the same way, through module inputs and outputs', () => {
    const all = results(loadPlanSnapshot(path.join(FIXTURES, 'modules/plan.json')));
    // Only what no plan can hold: the perimeters of the organization's access policy and the routes the VPN router learns.
    expect(all.filter((r) => r.status === 'not-evaluated' && r.ruleId !== 'vpc-sc-perimeter').map((r) => `${r.ruleId} ${r.messageId}`)).toEqual(['vip-route routesNotRead', 'vip-route routesNotRead']);
    // The second cluster's control-plane range is one the router does not advertise: a real finding.
    expect(all.filter((r) => r.status === 'fail').map((r) => `${r.ruleId} ${r.resource.address}`)).toEqual([
      'router-advertises-control-plane module.cluster["gamma"].google_container_cluster.this',
    ]);
    expect(all.filter((r) => r.resource.name === 'alpha').every((r) => r.status !== 'fail')).toBe(true);
  });

  const broken = readdirSync(path.join(FIXTURES, 'broken')).sort();
  it('cover every rule with a broken plan', () => {
    expect(broken).toEqual(RULES.map((r) => r.meta.id).sort());
  });
  for (const ruleId of broken) {
    it(`fail ${ruleId} for the plan that breaks it, pointing at its .tf block`, () => {
      const failing = results(loadPlanSnapshot(path.join(FIXTURES, 'broken', ruleId, 'plan.json'))).filter((r) => r.status === 'fail');
      const own = failing.filter((r) => r.ruleId === ruleId);
      expect(own.length, failing.map((r) => r.message).join('\n')).toBeGreaterThan(0);
      for (const r of own) {
        expect(r.resource.address).toMatch(/^google_/);
        expect(r.resource.file).toBe(`test/fixtures/terraform/broken/${ruleId}/main.tf`);
        expect(r.resource.line).toBeGreaterThan(0);
      }
      // Only the egress deny that shadows the VIP allow also trips egress-default-deny, and an
      // internet path through NAT needs a firewall that lets internet traffic out: its allow opens
      // the private VIP too, a way out of the perimeter under the restricted policy.
      const others = new Set(failing.map((r) => r.ruleId).filter((id) => id !== ruleId));
      const expected: Record<string, string[]> = { 'vip-egress-firewall': ['egress-default-deny'], 'internet-egress': ['vip-egress-firewall', 'egress-default-deny'] };
      expect([...others]).toEqual(expected[ruleId] ?? []);
    });
  }

  it('leave checks on values unknown until apply not evaluated, never passed', () => {
    const byKey = Object.fromEntries(results(loadPlanSnapshot(path.join(FIXTURES, 'unknowns/plan.json'))).map((r) => [`${r.ruleId} ${r.resource.name}`, r]));
    expect(byKey['vip-route alpha'].status).toBe('not-evaluated');
    expect(byKey['vip-route alpha'].message).toContain('destRange of route restricted-googleapis');
    expect(byKey['private-endpoint alpha'].status).toBe('not-evaluated');
    expect(byKey['private-endpoint beta'].status).toBe('pass');
  });

  it('read a PSC endpoint, a response policy with its rules and an enforced perimeter: the rules pass, vip-route is not applicable', () => {
    const snapshot = loadPlanSnapshot(path.join(FIXTURES, 'psc-response-policy/plan.json'));
    expect(snapshot.forwardingRules).toEqual([
      expect.objectContaining({ name: 'pscvpcsc', target: 'vpc-sc', addressRef: '//compute.googleapis.com/projects/acme-prod-platform/global/addresses/psc-googleapis' }),
    ]);
    expect(snapshot.addresses).toEqual([expect.objectContaining({ address: '10.10.100.5', purpose: 'PRIVATE_SERVICE_CONNECT' })]);
    expect(snapshot.responsePolicies[0].rules?.map((r) => r.dnsName).sort()).toEqual(['*.gcr.io.', '*.googleapis.com.', '*.pkg.dev.', 'gcr.io.', 'pkg.dev.']);
    expect(snapshot.projects).toEqual([expect.objectContaining({ projectId: 'acme-prod-platform', projectNumber: '418263790112' })]);
    const byRule = new Map<string, string[]>();
    for (const r of results(snapshot)) byRule.set(r.ruleId, [...(byRule.get(r.ruleId) ?? []), r.status]);
    for (const rule of ['dns-googleapis', 'dns-gcr', 'dns-pkg-dev', 'vip-egress-firewall', 'egress-default-deny', 'vpc-sc-perimeter']) {
      expect(byRule.get(rule), rule).toEqual(expect.arrayContaining(['pass']));
      expect(byRule.get(rule)!.every((s) => s === 'pass'), rule).toBe(true);
    }
    expect(byRule.get('vip-route')).toEqual(['not-applicable', 'not-applicable']);
  });

  it('leave the DNS rules not evaluated under a DNS server policy with alternative name servers, naming them', () => {
    const dns = results(loadPlanSnapshot(path.join(FIXTURES, 'server-policy/plan.json'))).filter((r) => r.ruleId.startsWith('dns-') && r.ruleId !== 'dns-endpoint-external');
    expect(dns.map((r) => [r.ruleId, r.status, r.messageId])).toEqual([
      ['dns-googleapis', 'not-evaluated', 'serverPolicy'],
      ['dns-gcr', 'not-evaluated', 'serverPolicy'],
      ['dns-pkg-dev', 'not-evaluated', 'serverPolicy'],
    ]);
    expect(dns[0].message).toContain('10.100.0.53');
  });

  it('fail vip-route when the plan deletes the VIP route', () => {
    const vip = results(loadPlanSnapshot(path.join(FIXTURES, 'delete-vip-route/plan.json'))).filter((r) => r.ruleId === 'vip-route');
    expect(vip.map((r) => r.status)).toEqual(['fail', 'fail']);
  });
});
