import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetExportSnapshot, parseAssetExport } from '../../../src/collectors/assets/index.js';
import { audit } from '../../../src/engine/audit.js';
import { defaultPolicy } from '../../../src/engine/policy.js';
import type { Result } from '../../../src/engine/types.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { REPO_ROOT } from '../../helpers/fixtures.js';
import { DEFAULT_TEST_PARAMS } from '../../helpers/rule-tester.js';

/**
 * Asset exports that leave asset types out (issue 11): `gcloud asset export --asset-types=...`
 * lists only what it was asked for, so an absent type is "not exported", not "there is none".
 * Built from the bundled export (Cloud Asset Inventory's documented NDJSON layout) by dropping types.
 */
const EXPORT = readFileSync(path.join(REPO_ROOT, 'test/fixtures/assets/export.ndjson'), 'utf8');
const P = 'acme-prod-platform';
const ALPHA = `//container.googleapis.com/projects/${P}/locations/asia-northeast1/clusters/alpha`;
const NETWORK = `//compute.googleapis.com/projects/${P}/global/networks/vpc-private`;

function exportWithout(types: string[], edit: (line: string) => string = (l) => l, options: { complete?: boolean } = {}): Snapshot {
  const lines = EXPORT.split('\n').filter((l) => l.trim() !== '' && !types.includes(JSON.parse(l).asset_type as string));
  return assetExportSnapshot(parseAssetExport(lines.map(edit).join('\n'), 'export.ndjson'), 'export.ndjson', options);
}

function results(snapshot: Snapshot): { all: Result[]; of(rule: string, fullName: string): Result } {
  const policy = defaultPolicy();
  policy.parameters = { ...DEFAULT_TEST_PARAMS };
  const all = audit(snapshot, policy, { failOn: 'high', now: new Date('2026-11-24T00:00:00Z') }).results;
  return {
    all,
    of: (rule, fullName) => {
      const r = all.find((x) => x.ruleId === rule && x.resource.fullName === fullName);
      if (!r) throw new Error(`no ${rule} result on ${fullName}`);
      return r;
    },
  };
}

describe('asset export coverage: absence of an asset type is not evidence of absence', () => {
  it('marks the collections of the exported types read, and the others not read, naming the asset type', () => {
    const snapshot = exportWithout(['compute.googleapis.com/Route']);
    const routes = snapshot.coverage.find((e) => e.project === P && e.collection === 'routes');
    expect(routes).toMatchObject({ state: 'not-read', reason: expect.stringContaining('has no compute.googleapis.com/Route assets') });
    expect(snapshot.coverage.find((e) => e.project === P && e.collection === 'firewalls')?.state).toBe('read');
  });

  it('an export without routes: vip-route is not evaluated and names the routes, never "no route"', () => {
    const r = results(exportWithout(['compute.googleapis.com/Route']));
    const vip = r.of('vip-route', ALPHA);
    expect(vip.status).toBe('not-evaluated');
    expect(vip.message).toContain(`the routes of project ${P} (the asset export has no compute.googleapis.com/Route assets`);
    expect(r.all.filter((x) => x.status === 'fail')).toEqual([]);
  });

  it('--assets-complete: the same export says there are no routes, and vip-route fails on that', () => {
    const r = results(exportWithout(['compute.googleapis.com/Route'], undefined, { complete: true }));
    expect(r.of('vip-route', ALPHA).status).toBe('fail');
  });

  it('an export without the network and its Cloud Router: peering and router rules are not evaluated, named', () => {
    const r = results(exportWithout(['compute.googleapis.com/Network', 'compute.googleapis.com/Router']));
    const router = r.of('router-advertises-control-plane', ALPHA);
    expect(router.status).toBe('not-evaluated');
    expect(router.message).toContain(`the Cloud Routers of project ${P}`);
    const peering = r.of('peering-export-custom-routes', ALPHA);
    expect(peering.status).toBe('not-evaluated');
    expect(peering.message).toContain(`the networks of project ${P}`);
    expect(r.all.filter((x) => x.status === 'fail')).toEqual([]);
  });

  it('an export without DNS: the three DNS rules are not evaluated and name the managed zones', () => {
    const r = results(exportWithout(['dns.googleapis.com/ManagedZone', 'dns.googleapis.com/ResourceRecordSet']));
    for (const rule of ['dns-googleapis', 'dns-gcr', 'dns-pkg-dev']) {
      const dns = r.of(rule, NETWORK);
      expect(dns.status, rule).toBe('not-evaluated');
      expect(dns.message, rule).toContain(`the DNS managed zones of project ${P}`);
    }
    expect(r.all.filter((x) => x.status === 'fail')).toEqual([]);
  });

  it('a service project exported alone (its network in a Shared VPC host): every network rule names the host as missing, none fails', () => {
    const HOST = 'acme-net-host';
    // The service project's clusters reference the host's network and subnet (networkConfig.network
    // is `projects/HOST/global/networks/N`); the host's own assets are not in this export.
    const snapshot = exportWithout(
      ['compute.googleapis.com/Network', 'compute.googleapis.com/Subnetwork', 'compute.googleapis.com/Route', 'compute.googleapis.com/Firewall', 'compute.googleapis.com/Router', 'dns.googleapis.com/ManagedZone', 'dns.googleapis.com/ResourceRecordSet'],
      (line) => (JSON.parse(line).asset_type === 'container.googleapis.com/Cluster' ? line.replaceAll(`projects/${P}/global/networks/`, `projects/${HOST}/global/networks/`).replaceAll(`projects/${P}/regions/`, `projects/${HOST}/regions/`) : line),
    );
    expect(snapshot.clusters.every((c) => c.network.includes(`/projects/${HOST}/`))).toBe(true);
    const policy = defaultPolicy();
    policy.parameters = { ...DEFAULT_TEST_PARAMS };
    const report = audit(snapshot, policy, { failOn: 'high', now: new Date('2026-11-24T00:00:00Z') });
    expect(report.results.filter((x) => x.status === 'fail').map((x) => `${x.ruleId} ${x.message}`)).toEqual([]);
    for (const rule of ['vip-route', 'vip-egress-firewall', 'health-check-ingress', 'router-advertises-control-plane', 'peering-export-custom-routes', 'private-google-access', 'dns-googleapis']) {
      // A PSC cluster has no peering to judge (not applicable); everything else waits for the host.
      const ne = report.results.filter((x) => x.ruleId === rule && x.status !== 'not-applicable');
      expect(ne.length, rule).toBeGreaterThan(0);
      for (const x of ne) {
        expect(x.status, rule).toBe('not-evaluated');
        expect(x.message, rule).toContain(`project ${HOST} is not in the input`);
      }
    }
    expect(report.verdict.exitCode).toBe(3);
  });
});
