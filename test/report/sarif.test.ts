import type { Log } from 'sarif';
import { describe, expect, it, vi } from 'vitest';
import { SEVERITIES, type AuditReport, type Result } from '../../src/engine/types.js';
import { buildSarif, MAX_RESULTS_PER_RUN, renderSarif, SECURITY_SEVERITY } from '../../src/report/sarif.js';
import { physicalTarget, relativeFileUri, resourcePath } from '../../src/report/sarif/locations.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import {
  ALPHA,
  BETA,
  failingSnapshot,
  githubIngestionProblems,
  policyWith,
  reportOf,
  sarifProblems,
  sarifVariants,
} from '../helpers/github-sarif-rules.js';

// The registry imports the whole catalogue; these tests pass their rules explicitly.
vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

const NETWORK = '//compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-private';

const parse = (text: string): Log => JSON.parse(text) as Log;
const results = (text: string) => parse(text).runs[0].results ?? [];
const fqn = (r: NonNullable<Log['runs'][number]['results']>[number]) => r.locations![0].logicalLocations![0].fullyQualifiedName;

describe('SARIF report', () => {
  const variants = sarifVariants();

  it.each(Object.keys(variants))('the %s output is valid SARIF 2.1.0 that GitHub accepts', (name) => {
    expect(sarifProblems(variants[name])).toEqual([]);
  });

  it('describes every enabled rule the way GitHub shows it', () => {
    const log = parse(variants.fail);
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('gke-private-audit');
    expect(driver.semanticVersion).toMatch(/^\d+\.\d+\.\d+/);
    const rule = driver.rules!.find((r) => r.id === 'private-endpoint')!;
    expect(rule.name).toBe('PrivateEndpoint');
    expect(rule.shortDescription!.text).toMatch(/Control plane/);
    expect(rule.fullDescription!.text).toMatch(/enablePrivateEndpoint/);
    expect(rule.help!.text).toMatch(/Why \(「限定公開クラスターの作成」 \(Creating the private cluster\), https:\/\/\S+\/docs\/article\.md\)/);
    expect(rule.help!.text).toContain('--enable-private-endpoint');
    expect(rule.help!.markdown).toContain('```hcl');
    expect(rule.helpUri).toMatch(/docs\/rules\/private-endpoint\.md$/);
    expect(rule.defaultConfiguration!.level).toBe('error');
    expect(rule.properties!.tags).toContain('security');
    expect(rule.properties!['security-severity']).toBe('9.5');
    expect(rule.properties!.precision).toBe('very-high');
    const probe = driver.rules!.find((r) => r.id === 'test-network-probe')!;
    expect(probe.defaultConfiguration!.level).toBe('warning');
    expect(probe.properties!.tags).toEqual(['security', 'gke', 'dns']);
  });

  it('puts security-severity in the band of the effective severity', () => {
    const bands = { critical: [9, 10], high: [7, 8.9], medium: [4, 6.9], low: [0.1, 3.9] } as const;
    for (const s of SEVERITIES) {
      const n = Number(SECURITY_SEVERITY[s]);
      expect(n).toBeGreaterThanOrEqual(bands[s][0]);
      expect(n).toBeLessThanOrEqual(bands[s][1]);
    }
    const policy = policyWith();
    policy.rules['private-endpoint'] = 'low';
    const rule = parse(renderSarif(reportOf(failingSnapshot(), { policy }))).runs[0].tool.driver.rules![0];
    expect(rule.properties!['security-severity']).toBe('3.0');
    expect(rule.defaultConfiguration!.level).toBe('note');
  });

  it('reports a live failure at the cluster\'s full name, with a derived repo-relative path at line 1', () => {
    const failing = results(variants.fail).filter((r) => r.ruleId === 'private-endpoint');
    expect(failing).toHaveLength(1);
    const [r] = failing;
    expect(r.level).toBe('error');
    expect(r.kind).toBe('fail');
    expect(r.message.text).toContain(ALPHA);
    expect(fqn(r)).toBe(ALPHA);
    expect(r.locations![0].physicalLocation!.artifactLocation!.uri).toBe('gcp/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha');
    expect(r.locations![0].physicalLocation!.region!.startLine).toBe(1);
    expect(r.partialFingerprints!.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:1$/);
  });

  it('names the other resources involved in the message', () => {
    const r = results(variants.fail).find((x) => x.ruleId === 'test-network-probe')!;
    expect(fqn(r)).toBe(NETWORK);
    expect(r.message.text).toContain('//dns.googleapis.com/projects/acme-prod-platform/managedZones/googleapis');
    expect(r.level).toBe('warning');
  });

  it('reports a plan-based result at its .tf file and line, named by its Terraform address', () => {
    const all = results(variants.plan);
    const alpha = all.find((r) => fqn(r) === 'module.gke["alpha"].google_container_cluster.this')!;
    expect(alpha.locations![0].physicalLocation).toEqual({ artifactLocation: { uri: 'modules/gke/main.tf' }, region: { startLine: 12 } });
    const network = all.find((r) => fqn(r) === 'google_compute_network.vpc')!;
    expect(network.locations![0].physicalLocation).toEqual({ artifactLocation: { uri: 'network.tf' }, region: { startLine: 3 } });
    const beta = all.find((r) => fqn(r) === 'module.gke["beta"].google_container_cluster.this')!;
    expect(beta.kind).toBe('open');
  });

  it('marks waived findings as suppressed with the reason, and keeps them in the log', () => {
    const [r] = results(variants.waived).filter((x) => x.ruleId === 'private-endpoint');
    expect(r.kind).toBe('fail');
    expect(r.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'Moving to PSC, ticket NET-42', properties: { expires: '2027-01-31', source: 'policy exception' } },
    ]);
  });

  it('writes not-evaluated results as open, never as passes', () => {
    const r = results(variants['not-evaluated']).find((x) => fqn(x) === ALPHA)!;
    expect(r.kind).toBe('open');
    expect(r.level).toBe('none');
    expect(r.message.text).toMatch(/not known until apply/);
  });

  it('leaves passes out unless asked', () => {
    expect(results(variants['pass-omitted'])).toEqual([]);
    const passes = results(variants.pass);
    expect(passes.map((r) => [fqn(r), r.kind, r.level])).toEqual([
      [ALPHA, 'pass', 'none'],
      [BETA, 'pass', 'none'],
    ]);
  });

  it('takes automationDetails.id from --category, else from the scope', () => {
    expect(parse(variants.live).runs[0].automationDetails!.id).toBe('gke-private-audit/project-acme-prod-platform/');
    const given = parse(renderSarif(reportOf(compliantSnapshot(), { category: 'gke/prod' })));
    expect(given.runs[0].automationDetails!.id).toBe('gke/prod/');
  });

  it('keeps fingerprints and paths identical across runs of the same input, distinct between resources', () => {
    const key = (text: string) => results(text).map((r) => [r.ruleId, fqn(r), r.partialFingerprints!.primaryLocationLineHash, r.locations![0].physicalLocation!.artifactLocation!.uri]);
    const first = renderSarif(reportOf(failingSnapshot()), { sarifPasses: true });
    const second = renderSarif(reportOf(failingSnapshot(), { failOn: 'low' }), { sarifPasses: true });
    expect(key(second)).toEqual(key(first));
    const hashes = results(first).map((r) => r.partialFingerprints!.primaryLocationLineHash);
    const uris = results(first).map((r) => `${r.ruleId} ${r.locations![0].physicalLocation!.artifactLocation!.uri}`);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(new Set(uris).size).toBe(uris.length);
    // The same resource gets the same path whichever rule reports it.
    const alphaUris = new Set(results(first).filter((r) => fqn(r) === ALPHA).map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri));
    expect(alphaUris.size).toBe(1);
  });

  it('carries no snapshot values beyond names and messages', () => {
    const s = failingSnapshot();
    (s.clusters[0] as unknown as Record<string, unknown>).masterAuth = { password: 'hunter2-secret' };
    expect(renderSarif(reportOf(s), { sarifPasses: true })).not.toContain('hunter2-secret');
  });
});

describe('SARIF locations', () => {
  it('derives a percent-encoded, stable path from a full resource name', () => {
    expect(resourcePath('//container.googleapis.com/projects/p/locations/l/clusters/c')).toBe('gcp/projects/p/locations/l/clusters/c');
    expect(resourcePath('//compute.googleapis.com/projects/p/global/networks/a b')).toBe('gcp/projects/p/global/networks/a%20b');
    expect(resourcePath('//dns.googleapis.com/projects/p/managedZones/z')).toBe('gcp/projects/p/managedZones/z');
    expect(resourcePath('//example.googleapis.com/projects/p/things/t')).toBe('gcp/example.googleapis.com/projects/p/things/t');
    expect(resourcePath('tf://module.a["x y"].google_compute_route.r')).toBe('terraform/module.a%5B%22x%20y%22%5D.google_compute_route.r');
  });

  it('uses a .tf file only when it is relative and inside the tree', () => {
    expect(relativeFileUri('./modules/gke/main.tf')).toBe('modules/gke/main.tf');
    expect(relativeFileUri('modules\\gke\\main.tf')).toBe('modules/gke/main.tf');
    expect(relativeFileUri('/abs/main.tf')).toBeUndefined();
    expect(relativeFileUri('C:/abs/main.tf')).toBeUndefined();
    expect(relativeFileUri('../outside/main.tf')).toBeUndefined();
    const ref = { kind: 'route' as const, name: 'r', fullName: 'tf://google_compute_route.r', project: 'p', address: 'google_compute_route.r', file: '/abs/main.tf', line: 9 };
    expect(physicalTarget(ref)).toEqual({ uri: 'terraform/google_compute_route.r', startLine: 1 });
  });
});

describe('GitHub limits', () => {
  function manyResults(n: number): AuditReport {
    const base = reportOf(failingSnapshot());
    const template = base.results.find((r) => r.status === 'fail' && r.ruleId === 'private-endpoint')!;
    const extra: Result[] = Array.from({ length: n }, (_, i) => ({
      ...template,
      severity: i === n - 1 ? 'critical' : 'low',
      status: i % 2 ? 'fail' : 'not-evaluated',
      resource: { ...template.resource, name: `c${i}`, fullName: `${template.resource.fullName}-${i}` },
      fingerprint: `fp${i}`,
    }));
    return { ...base, results: extra };
  }

  it('keeps a run under 25,000 results, keeping failures first, and says what it left out', () => {
    const log = buildSarif(manyResults(MAX_RESULTS_PER_RUN + 10));
    const run = log.runs[0];
    expect(run.results).toHaveLength(MAX_RESULTS_PER_RUN);
    // The one critical failure (the last result) is kept; not-evaluated results are dropped first.
    expect(run.results!.some((r) => r.partialFingerprints!.primaryLocationLineHash === `fp${MAX_RESULTS_PER_RUN + 9}:1`)).toBe(true);
    expect(run.invocations![0].toolExecutionNotifications!.map((n) => n.message.text).join()).toMatch(/10 results left out/);
    expect(githubIngestionProblems(log)).toEqual([]);
  });
});
