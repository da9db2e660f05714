/**
 * Firewall policies through every input that reads them: project scope (getEffectiveFirewalls,
 * global and regional, through the real compute client), organization scope (Cloud Asset
 * Inventory), and an asset export; each against the emulator serving Google's wire format. The
 * verdicts of the firewall rules must be the same whichever input read the policies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetExportSnapshot } from '../../../src/collectors/assets/index.js';
import type { AssetRecord } from '../../../src/collectors/rest/assets.js';
import { assetJson } from '../../../src/emulator/wire.js';
import { worldFromSnapshot, type World } from '../../../src/emulator/world.js';
import type { FirewallPolicy, Snapshot } from '../../../src/model/snapshot.js';
import { egressDefaultDeny } from '../../../src/rules/egress-default-deny.js';
import { vipEgressFirewall } from '../../../src/rules/vip-egress-firewall.js';
import { compliantSnapshot } from '../../helpers/fixtures.js';
import { runRule } from '../../helpers/rule-tester.js';
import { collectFrom, guardLoopbackOnly, officialClientHeader } from './harness.js';
import { policyRule as rule } from '../../helpers/policies.js';

const P = 'acme-prod-platform';
const ORG = '123456789012';
const FOLDER = '777000000001';
const NETWORK = `//compute.googleapis.com/projects/${P}/global/networks/vpc-private`;


/**
 * The compliant project in a folder of an organization: the organization passes the VIP, the
 * private ranges and one delegated range on (goto_next) and denies the rest of egress; the folder allows one internet
 * host at priority 1 (the kind of rule real landing zones carry); the network has a global policy
 * and a regional one with an FQDN rule for other nodes.
 */
function policies(): FirewallPolicy[] {
  return [
    {
      kind: 'firewallPolicy',
      name: '901',
      displayName: 'org-egress',
      fullName: '//compute.googleapis.com/locations/global/firewallPolicies/901',
      project: `organizations/${ORG}`,
      origin: { source: 'fixture' },
      policyType: 'hierarchical',
      attachments: [`organizations/${ORG}`],
      rules: [
        rule(10, 'goto_next', { ruleName: 'to-google-and-proxy', destIpRanges: ['199.36.153.4/30', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }),
        // Left to the folders to decide; the rest of the internet is denied here, whatever they say.
        rule(15, 'goto_next', { ruleName: 'delegated', destIpRanges: ['151.101.0.0/16'] }),
        rule(20, 'deny', { ruleName: 'disabled-deny', destIpRanges: ['199.36.153.4/30'], disabled: true }),
        rule(1000, 'deny', { ruleName: 'deny-internet' }),
      ],
    },
    {
      kind: 'firewallPolicy',
      name: '902',
      displayName: 'team-egress',
      fullName: '//compute.googleapis.com/locations/global/firewallPolicies/902',
      project: `folders/${FOLDER}`,
      origin: { source: 'fixture' },
      policyType: 'hierarchical',
      attachments: [`folders/${FOLDER}`],
      rules: [rule(1, 'allow', { ruleName: 'pypi', destIpRanges: ['151.101.0.223/32'], layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }] })],
    },
    {
      kind: 'firewallPolicy',
      name: 'vpc-policy',
      fullName: `//compute.googleapis.com/projects/${P}/global/firewallPolicies/vpc-policy`,
      project: P,
      origin: { source: 'fixture' },
      policyType: 'network',
      attachments: [NETWORK],
      rules: [rule(100, 'allow', { destIpRanges: ['199.36.153.4/30'], layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }] })],
    },
    {
      kind: 'firewallPolicy',
      name: 'tokyo',
      fullName: `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/firewallPolicies/tokyo`,
      project: P,
      origin: { source: 'fixture' },
      policyType: 'regional',
      region: 'asia-northeast1',
      attachments: [NETWORK],
      rules: [rule(50, 'deny', { destIpRanges: [], unsupportedMatch: { destFqdns: ['evil.example'] }, targetServiceAccounts: ['batch@acme-prod-platform.iam.gserviceaccount.com'] })],
    },
  ];
}

function served(): { world: World; source: Snapshot } {
  const source = compliantSnapshot();
  source.firewallPolicies = policies();
  source.networks[0].networkFirewallPolicyEnforcementOrder = 'BEFORE_CLASSIC_FIREWALL';
  // GKE binds the pool's secure tags to its nodes: read from the cluster, they decide policy targets.
  for (const c of source.clusters) for (const p of c.nodePools) p.resourceManagerTags = ['tagValues/281474976710656'];
  const world = worldFromSnapshot(structuredClone(source), {
    organization: { id: ORG },
    folders: [{ id: FOLDER, parent: `organizations/${ORG}` }],
    projects: [{ id: P, number: '400000000001', parent: `folders/${FOLDER}` }],
  });
  return { world, source };
}

const verdicts = (s: Snapshot) => [...runRule(vipEgressFirewall, s), ...runRule(egressDefaultDeny, s)].map((r) => `${r.ruleId} ${r.status} ${r.messageId}`).sort();

describe('firewall policies read live and from an asset export', () => {
  const guard = guardLoopbackOnly();
  afterAll(() => guard.restore());
  let project: Awaited<ReturnType<typeof collectFrom>>;
  let org: Awaited<ReturnType<typeof collectFrom>>;
  let source: Snapshot;
  let world: World;

  beforeAll(async () => {
    ({ world, source } = served());
    project = await collectFrom(world, { kind: 'projects', projects: [P] });
    org = await collectFrom(world, { kind: 'organization', id: ORG });
  });

  it('project scope: the hierarchical, global and regional policies of the network, through getEffectiveFirewalls', () => {
    const s = project.snapshot;
    expect(s.readErrors).toEqual([]);
    expect(s.networks[0].networkFirewallPolicyEnforcementOrder).toBe('BEFORE_CLASSIC_FIREWALL');
    // Google's order: the organization's policy before the folder's.
    expect(s.firewallPolicies.map((p) => `${p.policyType} ${p.displayName ?? p.name}`)).toEqual([
      'hierarchical org-egress',
      'hierarchical team-egress',
      'network vpc-policy',
      'regional tokyo',
    ]);
    expect(s.firewallPolicies.every((p) => p.attachments.includes(NETWORK))).toBe(true);
    const fqdn = s.firewallPolicies.find((p) => p.name === 'tokyo')!.rules[0];
    expect(fqdn.unsupportedMatch).toEqual({ destFqdns: ['evil.example'] });
    expect(s.coverage).toContainEqual({ project: P, collection: 'firewallPolicies', state: 'read' });
    expect(s.clusters.flatMap((c) => c.nodePools.map((p) => p.resourceManagerTags))).toEqual(source.clusters.flatMap((c) => c.nodePools.map(() => ['tagValues/281474976710656'])));
    const calls = project.emulator.requests.filter((r) => r.path.includes('getEffectiveFirewalls'));
    expect(calls.map((r) => r.path)).toEqual([
      `/compute/v1/projects/${P}/global/networks/vpc-private/getEffectiveFirewalls`,
      `/compute/v1/projects/${P}/regions/asia-northeast1/firewallPolicies/getEffectiveFirewalls`,
    ]);
    for (const c of calls) expect(c.apiClient).toMatch(officialClientHeader('compute'));
  });

  it('organization scope: the policy assets, where they are attached, and the projects\' ancestry', () => {
    const s = org.snapshot;
    expect(s.firewallPolicies.map((p) => `${p.policyType} ${p.fullName} ${p.attachments.join(',')}`).sort()).toEqual(
      source.firewallPolicies.map((p) => `${p.policyType} ${p.fullName} ${p.attachments.join(',')}`).sort(),
    );
    expect(s.projects.find((p) => p.projectId === P)?.ancestors).toEqual([`folders/${FOLDER}`, `organizations/${ORG}`]);
    expect(s.coverage).toContainEqual({ project: P, collection: 'firewallPolicies', state: 'read' });
    expect(s.coverage).toContainEqual({ project: P, collection: 'projects', state: 'read' });
  });

  it('an asset export of the organization reads them too; without policy assets they are not read', () => {
    const records: AssetRecord[] = org.emulator.requests.length ? exportOf(world) : [];
    const exported = assetExportSnapshot(records, 'org.ndjson');
    expect(exported.firewallPolicies).toHaveLength(4);
    expect(exported.projects.find((p) => p.projectId === P)?.ancestors).toEqual([`folders/${FOLDER}`, `organizations/${ORG}`]);
    const without = assetExportSnapshot(
      records.filter((r) => !r.assetType.includes('FirewallPolicy')),
      'org.ndjson',
    );
    expect(without.coverage.find((c) => c.project === P && c.collection === 'firewallPolicies')).toMatchObject({ state: 'not-read' });
    expect(verdicts(without)).toEqual([
      'egress-default-deny not-evaluated policiesNotRead',
      'egress-default-deny not-evaluated policiesNotRead',
      'vip-egress-firewall not-evaluated policiesNotRead',
      'vip-egress-firewall not-evaluated policiesNotRead',
    ]);
    const withAncestry = structuredClone(source);
    withAncestry.projects[0].ancestors = [`folders/${FOLDER}`, `organizations/${ORG}`];
    expect(verdicts(exported)).toEqual(verdicts(withAncestry));
  });

  it('gives the verdicts a network engineer expects, the same through every input', () => {
    const expected = [
      // The folder's allow to an internet host at priority 1 is evaluated before everything of the network.
      'egress-default-deny fail internetOpen',
      'egress-default-deny fail internetOpen',
      // The VIP: passed on by the organization, allowed by the network policy (BEFORE_CLASSIC_FIREWALL).
      'vip-egress-firewall pass allowed',
      'vip-egress-firewall pass allowed',
    ];
    const withAncestry = structuredClone(source);
    withAncestry.projects[0].ancestors = [`folders/${FOLDER}`, `organizations/${ORG}`];
    expect(verdicts(withAncestry)).toEqual(expected);
    expect(verdicts(project.snapshot)).toEqual(expected);
    expect(verdicts(org.snapshot)).toEqual(expected);
    const open = runRule(egressDefaultDeny, org.snapshot)[0];
    expect(open.message).toContain('rule 1 (pypi) of hierarchical policy `team-egress` on folders/' + FOLDER);
    const vip = runRule(vipEgressFirewall, project.snapshot)[0];
    expect(vip.message).toContain('rule 100 of global network firewall policy `vpc-policy`');
  });
});

/** What `gcloud asset export` of the organization would hold: the emulator's assets, NDJSON-shaped. */
function exportOf(world: World): AssetRecord[] {
  const ancestry = (policy: FirewallPolicy) => (policy.project.startsWith('folders/') ? [policy.project, `organizations/${ORG}`] : [policy.project]);
  const projectAncestors = [`projects/400000000001`, `folders/${FOLDER}`, `organizations/${ORG}`];
  const entities = [
    ...world.snapshot.networks,
    ...world.snapshot.subnetworks,
    ...world.snapshot.firewalls,
    ...world.snapshot.clusters,
    ...world.snapshot.instances,
    ...world.snapshot.routes,
    ...world.snapshot.routers,
    ...world.snapshot.firewallPolicies,
  ];
  return entities.map((e) => {
    const json = assetJson(e, '400000000001', e.kind === 'firewallPolicy' && e.policyType === 'hierarchical' ? ancestry(e) : projectAncestors);
    return JSON.parse(JSON.stringify(json)) as AssetRecord;
  });
}
