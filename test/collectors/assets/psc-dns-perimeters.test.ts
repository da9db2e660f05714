/**
 * Asset exports carrying the resources of schema version 2: a PSC endpoint (GlobalAddress,
 * GlobalForwardingRule), a DNS response policy with its rules (ResponsePolicy, ResponsePolicyRule),
 * a DNS server policy (Policy), a perimeter from a second export with --content-type=access-policy
 * (snake_case, as `gcloud asset export` writes it) and Project assets for the numbers.
 */
import { describe, expect, it } from 'vitest';
import { assetExportSnapshot, parseAssetExport } from '../../../src/collectors/assets/index.js';
import { evaluate } from '../../../src/engine/engine.js';
import { defaultPolicy } from '../../../src/engine/policy.js';
import { validateSnapshot } from '../../../src/model/load.js';
import type { Entity, Snapshot } from '../../../src/model/snapshot.js';
import { assetJson, forwardingRuleJson, projectAssetJson, responsePolicyRuleAssetJson } from '../../../src/emulator/wire.js';
import { RULES } from '../../../src/rules/index.js';
import { readJson } from '../../helpers/fixtures.js';
import { DEFAULT_TEST_PARAMS } from '../../helpers/rule-tester.js';

const DATA = 'acme-prod-data';
const NUMBER = '482915067333';
const ANCESTORS = [`projects/${NUMBER}`, 'folders/280337512964', 'organizations/416203918475'];

/** The demo organization's PSC project, as an export of its assets (one JSON object per line). */
function exportLines(options: { withRules?: boolean; withPerimeter?: boolean; serverPolicy?: boolean } = {}): string {
  const org = readJson<Snapshot>('examples/org/org.snapshot.json');
  const mine = <T extends Entity>(list: T[]) => list.filter((e) => e.project === DATA);
  const lines: unknown[] = [projectAssetJson(DATA, NUMBER, ANCESTORS)];
  for (const e of [...mine(org.networks), ...mine(org.subnetworks), ...mine(org.routes), ...mine(org.firewalls), ...mine(org.routers), ...mine(org.clusters), ...mine(org.addresses)]) {
    lines.push(assetJson(e, NUMBER, ANCESTORS));
  }
  for (const f of mine(org.forwardingRules)) lines.push(assetJson(f, NUMBER, ANCESTORS, forwardingRuleJson(f, org.addresses)));
  for (const p of mine(org.responsePolicies)) {
    lines.push(assetJson(p, NUMBER, ANCESTORS));
    if (options.withRules !== false) for (const r of p.rules ?? []) lines.push(responsePolicyRuleAssetJson(p, r, NUMBER, ANCESTORS));
  }
  if (options.serverPolicy) {
    lines.push(
      assetJson(
        {
          kind: 'dnsPolicy',
          name: 'onprem',
          fullName: `//dns.googleapis.com/projects/${DATA}/policies/onprem`,
          project: DATA,
          origin: { source: 'fixture' },
          networks: [`//compute.googleapis.com/projects/${DATA}/global/networks/vpc-private`],
          alternativeNameServers: [{ ipv4Address: '10.100.0.53' }],
        },
        NUMBER,
        ANCESTORS,
      ),
    );
  }
  if (options.withPerimeter !== false) {
    // `gcloud asset export --content-type=access-policy`: proto field names in snake_case.
    lines.push({
      name: '//accesscontextmanager.googleapis.com/accessPolicies/558211470353/servicePerimeters/acme_prod',
      asset_type: 'accesscontextmanager.googleapis.com/ServicePerimeter',
      service_perimeter: {
        name: 'accessPolicies/558211470353/servicePerimeters/acme_prod',
        title: 'acme-prod',
        perimeter_type: 'PERIMETER_TYPE_REGULAR',
        status: { resources: [`projects/${NUMBER}`], restricted_services: ['container.googleapis.com', 'storage.googleapis.com', 'artifactregistry.googleapis.com', 'containerregistry.googleapis.com'] },
      },
      ancestors: ['organizations/416203918475'],
    });
  }
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}

function statuses(snapshot: Snapshot): Record<string, string[]> {
  const policy = defaultPolicy();
  policy.parameters = { ...DEFAULT_TEST_PARAMS };
  const out: Record<string, string[]> = {};
  for (const r of evaluate(snapshot, policy, [...RULES], { now: new Date('2026-11-24T00:00:00Z') }).results) (out[r.ruleId] ??= []).push(r.status);
  return out;
}

/** The export is taken as whole (--assets-complete): it has no managed zone, server policy or VMs because there are none. */
const read = (text: string, complete = true) => assetExportSnapshot(parseAssetExport(text, 'export.ndjson'), 'export.ndjson', { complete });

describe('asset export of a PSC project with a response policy and a perimeter', () => {
  it('reads the endpoint, the policy with its rules, the perimeter and the project number; the rules pass and vip-route is not applicable', () => {
    const snapshot = read(exportLines());
    expect(() => validateSnapshot(JSON.parse(JSON.stringify(snapshot)), 'export')).not.toThrow();
    expect(snapshot.forwardingRules).toEqual([expect.objectContaining({ name: 'pscvpcsc', target: 'vpc-sc', IPAddress: '10.10.100.5' })]);
    expect(snapshot.responsePolicies[0].rules).toHaveLength(5);
    expect(snapshot.servicePerimeters[0]).toMatchObject({ perimeterType: 'PERIMETER_TYPE_REGULAR', status: { resources: [`projects/${NUMBER}`] } });
    expect(snapshot.projects).toEqual([expect.objectContaining({ projectId: DATA, projectNumber: NUMBER })]);
    const v = statuses(snapshot);
    for (const rule of ['dns-googleapis', 'dns-gcr', 'dns-pkg-dev', 'vip-egress-firewall', 'egress-default-deny', 'vpc-sc-perimeter']) expect(v[rule], rule).toEqual(['pass']);
    expect(v['vip-route']).toEqual(['not-applicable']);
  });

  it('without the rule assets the policy\'s answer is not known: the DNS rules are not evaluated', () => {
    const snapshot = read(exportLines({ withRules: false }), false);
    expect(snapshot.responsePolicies[0].rules).toBeUndefined();
    expect(statuses(snapshot)['dns-googleapis']).toEqual(['not-evaluated']);
  });

  it('without the access-policy export the perimeters were not read, and vpc-sc-perimeter says how to export them', () => {
    const snapshot = read(exportLines({ withPerimeter: false }), false);
    expect(snapshot.coverage).toContainEqual(expect.objectContaining({ project: DATA, collection: 'servicePerimeters', state: 'not-read', reason: expect.stringContaining('--content-type=access-policy') }));
    expect(snapshot.projects).toEqual([expect.objectContaining({ projectId: DATA, projectNumber: NUMBER })]);
    expect(statuses(snapshot)['vpc-sc-perimeter']).toEqual(['not-evaluated']);
  });

  it('a DNS server policy in the export leaves the DNS rules not evaluated', () => {
    expect(statuses(read(exportLines({ serverPolicy: true })))['dns-gcr']).toEqual(['not-evaluated']);
  });
});
