import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAssetExport, readAssetExport } from '../../../src/collectors/assets/index.js';
import { evaluate } from '../../../src/engine/engine.js';
import { defaultPolicy } from '../../../src/engine/policy.js';
import { InputError } from '../../../src/errors.js';
import { validateSnapshot } from '../../../src/model/load.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { RULES } from '../../../src/rules/index.js';
import { compliantSnapshot, REPO_ROOT } from '../../helpers/fixtures.js';
import { DEFAULT_TEST_PARAMS } from '../../helpers/rule-tester.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/assets');

function verdicts(snapshot: Snapshot): Record<string, string> {
  const policy = defaultPolicy();
  policy.parameters = { ...DEFAULT_TEST_PARAMS };
  const results = evaluate(snapshot, policy, [...RULES], { now: new Date('2026-11-24T00:00:00Z') }).results;
  return Object.fromEntries(results.map((r) => [`${r.ruleId} ${r.resource.fullName}`, r.status]));
}

describe('asset export collector', () => {
  it('reads the NDJSON of `gcloud asset export` into the same snapshot a live read gives', () => {
    // The project has no response policy, server policy or PSC endpoint, so the export holds none of
    // their asset types: only --assets-complete says that means there are none (see below).
    const snapshot = readAssetExport(path.join(FIXTURES, 'export.ndjson'), { complete: true });
    expect(() => validateSnapshot(JSON.parse(JSON.stringify(snapshot)), 'export')).not.toThrow();
    const live = compliantSnapshot();
    for (const collection of ['networks', 'subnetworks', 'routes', 'firewalls', 'routers', 'managedZones', 'clusters', 'instances'] as const) {
      expect(snapshot[collection].map((e) => e.fullName).sort(), collection).toEqual(live[collection].map((e) => e.fullName).sort());
    }
    expect(snapshot.clusters.map((c) => c.nodeTag)).toEqual(['gke-alpha-3f2a1b9c-node', 'gke-beta-8e7d6c5b-node']);
    expect(snapshot.managedZones[0].recordSets).toHaveLength(4);
    expect(snapshot.readErrors).toEqual([]);
    expect(snapshot.scope).toMatchObject({ kind: 'assets', projects: ['acme-prod-platform'] });
    // The policy-based route the export carries, read through the same normalizer as the live asset stream.
    expect(snapshot.policyBasedRoutes).toEqual([
      expect.objectContaining({
        name: 'vip-default-routing',
        network: '//compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-private',
        priority: 10,
        filter: { ipProtocol: 'TCP', srcRange: '0.0.0.0/0', destRange: '199.36.153.4/30', protocolVersion: 'IPV4' },
        nextHopOtherRoutes: 'DEFAULT_ROUTING',
      }),
    ]);
    expect(snapshot.coverage.filter((c) => c.collection === 'policyBasedRoutes' || c.collection === 'dynamicRoutes')).toEqual([
      { project: 'acme-prod-platform', collection: 'dynamicRoutes', state: 'not-read', reason: expect.stringContaining('holds no routes learned by Cloud Routers') },
      { project: 'acme-prod-platform', collection: 'policyBasedRoutes', state: 'read' },
    ]);
    // --assets-complete: the asset types it lacks (firewall policies, DNS policies, PSC endpoints) are
    // none. The one difference from a live read: an export holds no learned routes, so vip-route cannot pass.
    const fromExport = verdicts(snapshot);
    const fromLive = verdicts(live);
    for (const cluster of ['alpha', 'beta']) {
      const key = `vip-route //container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/${cluster}`;
      expect([fromExport[key], fromLive[key]]).toEqual(['not-evaluated', 'pass']);
      delete fromExport[key];
      delete fromLive[key];
    }
    expect(fromExport).toEqual(fromLive);
  });

  it('without --assets-complete, the DNS policy asset types it lacks leave the DNS rules not evaluated, naming them', () => {
    const snapshot = readAssetExport(path.join(FIXTURES, 'export.ndjson'));
    expect(snapshot.coverage).toContainEqual(expect.objectContaining({ collection: 'responsePolicies', state: 'not-read', reason: expect.stringContaining('dns.googleapis.com/ResponsePolicy') }));
    const v = verdicts(snapshot);
    expect(v['dns-googleapis //compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-private']).toBe('not-evaluated');
    // Nor does it hold firewall policy assets: the firewall verdicts cannot rule them out.
    for (const [key, status] of Object.entries(v)) if (/^(vip-egress-firewall|egress-default-deny) /.test(key)) expect(status, key).toBe('not-evaluated');
    expect(snapshot.coverage.find((c) => c.collection === 'firewallPolicies')?.reason).toContain('compute.googleapis.com/FirewallPolicy');
  });

  it('never copies credentials from cluster or instance data', () => {
    const text = JSON.stringify(readAssetExport(path.join(FIXTURES, 'export.ndjson')));
    for (const secret of ['U0VDUkVULUtFWS1ET05PVC1DT1BZ', 'U0VDUkVULUtVQkUtRU5W', 'clusterCaCertificate', 'kube-env']) expect(text).not.toContain(secret);
  });

  it('reads the JSON array of `gcloud asset list`; without record sets the DNS rules are not evaluated, and say why', () => {
    const snapshot = readAssetExport(path.join(FIXTURES, 'list.json'));
    expect(snapshot.managedZones.map((z) => z.recordSets)).toEqual([undefined, undefined, undefined]);
    expect(snapshot.readErrors).toEqual([
      expect.objectContaining({ project: 'acme-prod-platform', collection: 'recordSets', status: 0, message: expect.stringContaining('has no dns.googleapis.com/ResourceRecordSet assets') }),
    ]);
    const v = verdicts(snapshot);
    const network = '//compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-private';
    for (const rule of ['dns-googleapis', 'dns-gcr', 'dns-pkg-dev']) expect(v[`${rule} ${network}`]).toBe('not-evaluated');
    // Neither learned routes nor (without a single such asset) policy-based routes were read: vip-route says so.
    expect(v[`vip-route ${network.replace('compute', 'container').replace('global/networks/vpc-private', 'locations/asia-northeast1/clusters/alpha')}`]).toBe('not-evaluated');
    expect(snapshot.coverage.find((c) => c.collection === 'policyBasedRoutes')).toMatchObject({ state: 'not-read', reason: expect.stringContaining('has no networkconnectivity.googleapis.com/PolicyBasedRoute assets') });
  });

  it('names the line of a bad NDJSON line', () => {
    try {
      readAssetExport(path.join(FIXTURES, 'bad-line.ndjson'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).toLine()).toMatch(/bad-line\.ndjson: line 3: the asset export is not valid NDJSON \(.+\); each line must be one asset$/);
    }
  });

  it('rejects records that are not assets, and an empty export', () => {
    expect(() => parseAssetExport('{"name":"x"}\n', 'e.ndjson')).toThrow(/needs "name" and "assetType" or "asset_type"/);
    expect(() => parseAssetExport('[{"name":"x","assetType":"t"}, 3]', 'e.json')).toThrow(InputError);
    expect(() => parseAssetExport('[{"name":', 'e.json')).toThrow(/the asset list is not valid JSON/);
    expect(() => parseAssetExport('  \n', 'e.ndjson')).toThrow(/empty/);
  });
});
