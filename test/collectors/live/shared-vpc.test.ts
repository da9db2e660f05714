import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../../src/engine/audit.js';
import { defaultPolicy } from '../../../src/engine/policy.js';
import { bundledOrgFile, loadWorld, type World } from '../../../src/emulator/world.js';
import type { Result } from '../../../src/engine/types.js';
import { collectFrom, guardLoopbackOnly } from './harness.js';

/**
 * The bundled organization's Shared VPC pair: acme-prod-web (service project, cluster `web`) runs
 * on the network of acme-net-host. Audited alone, the service project's network lives elsewhere.
 */
const SERVICE = 'acme-prod-web';
const HOST = 'acme-net-host';
const NETWORK_RULES = ['vip-route', 'vip-egress-firewall', 'egress-default-deny', 'health-check-ingress', 'private-google-access', 'router-advertises-control-plane', 'dns-googleapis'];

function byRule(results: Result[]): Map<string, Result> {
  return new Map(results.map((r) => [r.ruleId, r]));
}

describe('Shared VPC: a service project audited alone, live through the official clients against the emulator', () => {
  const guard = guardLoopbackOnly();
  afterAll(() => guard.restore());
  const world = (): World => loadWorld(bundledOrgFile());

  it('follows the cluster\'s network to its host: reads the host\'s network collections (list calls only) and judges every network rule', async () => {
    const run = await collectFrom(world(), { kind: 'projects', projects: [SERVICE] });
    const { snapshot } = run;
    expect(snapshot.scope.projects).toEqual([SERVICE]);
    // Their Project assets give the numbers and ancestry perimeters are matched on.
    expect(snapshot.projects).toEqual([
      expect.objectContaining({ projectId: HOST, includedAs: 'shared-vpc-host', projectNumber: expect.any(String) }),
      expect.objectContaining({ projectId: SERVICE, includedAs: 'scope', sharedVpcHost: HOST, projectNumber: expect.any(String) }),
    ]);
    const hostCoverage = snapshot.coverage.filter((e) => e.project === HOST);
    // The host holds the network, so its PSC endpoints and DNS policies are read with it.
    expect(hostCoverage.filter((e) => e.state === 'read').map((e) => e.collection)).toEqual([
      'projects',
      'networks',
      'subnetworks',
      'routes',
      'dynamicRoutes',
      'policyBasedRoutes',
      'firewalls',
      'firewallPolicies',
      'routers',
      'managedZones',
      'recordSets',
      'responsePolicies',
      'dnsPolicies',
      'addresses',
      'forwardingRules',
      'servicePerimeters',
    ]);
    expect(hostCoverage.filter((e) => e.state === 'out-of-scope').map((e) => e.collection)).toEqual(['clusters', 'instances']);
    // The host's clusters and VMs are not read: only what the service project's clusters need.
    const hostPaths = run.emulator.requests.filter((r) => r.path.includes(`/projects/${HOST}/`)).map((r) => r.path);
    expect(hostPaths.some((p) => p.includes('/clusters') || p.endsWith('/aggregated/instances'))).toBe(false);
    expect(new Set(run.emulator.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(snapshot.networks.map((n) => n.project)).toEqual([HOST]);

    const report = audit(snapshot, defaultPolicy(), { failOn: 'high' });
    const results = byRule(report.results.filter((r) => r.resource.project === SERVICE || r.clusters.some((c) => c.includes(`/projects/${SERVICE}/`))));
    for (const rule of NETWORK_RULES) expect(results.get(rule)?.status, rule).toBe('pass');
    expect(report.verdict.exitCode).toBe(0);
    expect(report.run.coverage?.find((c) => c.project === HOST)?.includedAs).toBe('shared-vpc-host');
  });

  it('with --no-follow-host, names the host as missing: not evaluated, never a failure', async () => {
    const { snapshot } = await collectFrom(world(), { kind: 'projects', projects: [SERVICE] }, {}, { followHost: false });
    expect(snapshot.networks).toEqual([]);
    const report = audit(snapshot, defaultPolicy(), { failOn: 'high' });
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    const results = byRule(report.results);
    for (const rule of NETWORK_RULES) {
      expect(results.get(rule)?.status, rule).toBe('not-evaluated');
      expect(results.get(rule)?.message, rule).toContain(`project ${HOST} is not in the input`);
    }
    expect(report.verdict.exitCode).toBe(3);
  });

  it('an unreadable host leaves the network rules not evaluated with its read errors, exit 3', async () => {
    const w = world();
    w.projects.find((p) => p.id === HOST)!.refuses = { '*': { status: 403, reason: 'IAM_PERMISSION_DENIED' } };
    const { snapshot } = await collectFrom(w, { kind: 'projects', projects: [SERVICE] });
    expect(snapshot.readErrors.filter((e) => e.project === HOST).map((e) => e.status)).toContain(403);
    expect(snapshot.coverage.find((e) => e.project === HOST && e.collection === 'routes')?.state).toBe('not-read');
    const report = audit(snapshot, defaultPolicy(), { failOn: 'high' });
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    const results = byRule(report.results);
    for (const rule of NETWORK_RULES) expect(results.get(rule)?.status, rule).toBe('not-evaluated');
    expect(report.verdict.exitCode).toBe(3);
  });

  it('a host in the scope is read once, as a scope project', async () => {
    const { snapshot } = await collectFrom(world(), { kind: 'projects', projects: [SERVICE, HOST] });
    expect(snapshot.projects.map((p) => [p.projectId, p.includedAs])).toEqual([
      [HOST, 'scope'],
      [SERVICE, 'scope'],
    ]);
    expect(audit(snapshot, defaultPolicy(), { failOn: 'high' }).verdict.exitCode).toBe(0);
  });
});
