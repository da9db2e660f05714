/**
 * vip-egress-firewall and egress-default-deny on the whole firewall chain: each layer alone and
 * combined, on the compliant example (whose VPC rules allow the VIP and the proxy above a deny-all).
 */
import { describe, expect, it } from 'vitest';
import type { FirewallPolicy, FirewallPolicyRule, Snapshot } from '../../src/model/snapshot.js';
import { egressDefaultDeny } from '../../src/rules/egress-default-deny.js';
import { vipEgressFirewall } from '../../src/rules/vip-egress-firewall.js';
import { internetEgressRule as internetEgress } from '../../src/rules/internet-egress.js';
import { healthCheckIngress } from '../../src/rules/health-check-ingress.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { runRule } from '../helpers/rule-tester.js';
import { policyRule as rule } from '../helpers/policies.js';

const PROJECT = 'acme-prod-platform';
const NETWORK = `//compute.googleapis.com/projects/${PROJECT}/global/networks/vpc-private`;
const NODE_SA = 'gke-nodes@acme-prod-platform.iam.gserviceaccount.com';
const VIP = '199.36.153.4/30';


function hierarchical(name: string, attachment: string, rules: FirewallPolicyRule[]): FirewallPolicy {
  return {
    kind: 'firewallPolicy',
    name: String(name.length * 1000 + rules.length),
    displayName: name,
    fullName: `//compute.googleapis.com/locations/global/firewallPolicies/${name}`,
    project: attachment,
    origin: { source: 'fixture' },
    policyType: 'hierarchical',
    attachments: [attachment],
    rules,
  };
}

function networkPolicy(name: string, rules: FirewallPolicyRule[], region?: string): FirewallPolicy {
  return {
    kind: 'firewallPolicy',
    name,
    fullName: region
      ? `//compute.googleapis.com/projects/${PROJECT}/regions/${region}/firewallPolicies/${name}`
      : `//compute.googleapis.com/projects/${PROJECT}/global/firewallPolicies/${name}`,
    project: PROJECT,
    origin: { source: 'fixture' },
    policyType: region ? 'regional' : 'network',
    ...(region ? { region } : {}),
    attachments: [NETWORK],
    rules,
  };
}

/** The compliant example in folder 7 of organization 123, with the given policies. */
function withPolicies(policies: FirewallPolicy[], change: (s: Snapshot) => void = () => undefined): Snapshot {
  const s = compliantSnapshot();
  s.projects[0].ancestors = ['folders/7', 'organizations/123'];
  s.firewallPolicies = policies;
  change(s);
  return s;
}

function only(results: ReturnType<typeof runRule>) {
  const statuses = new Set(results.map((r) => `${r.status} ${r.messageId}`));
  expect(statuses.size, results.map((r) => r.message).join('\n')).toBe(1);
  return results[0];
}

const denyVip = (priority = 100, extra: Partial<FirewallPolicyRule> = {}) =>
  rule(priority, 'deny', { ruleName: 'deny-google', destIpRanges: ['199.36.152.0/22'], layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }], ...extra });

describe('vip-egress-firewall on the firewall chain', () => {
  it('a hierarchical deny on the organization decides before the VPC allow', () => {
    const r = only(runRule(vipEgressFirewall, withPolicies([hierarchical('org-egress', 'organizations/123', [denyVip()])])));
    expect(r.status).toBe('fail');
    expect(r.messageId).toBe('shadowed');
    expect(r.message).toContain("denied by rule 100 (deny-google) of hierarchical policy `org-egress` on organizations/123 (evaluated before the network's firewall rules)");
    expect(r.message).toContain('shadows allow allow-egress-restricted-vip (priority 1000)');
    expect(r.related).toContain('//compute.googleapis.com/locations/global/firewallPolicies/org-egress');
  });

  it('goto_next on the organization falls through to the VPC allow', () => {
    const r = only(runRule(vipEgressFirewall, withPolicies([hierarchical('org-egress', 'organizations/123', [denyVip(100, { action: 'goto_next' })])])));
    expect(r.status).toBe('pass');
    expect(r.message).toContain('allow-egress-restricted-vip (priority 1000)');
  });

  it('a disabled policy rule is skipped', () => {
    const r = only(runRule(vipEgressFirewall, withPolicies([hierarchical('org-egress', 'organizations/123', [denyVip(100, { disabled: true })])])));
    expect(r.status).toBe('pass');
  });

  it('a folder policy under an organization goto_next decides, naming the folder', () => {
    const s = withPolicies([
      hierarchical('org-egress', 'organizations/123', [denyVip(100, { action: 'goto_next' })]),
      hierarchical('team-egress', 'folders/7', [denyVip(200)]),
    ]);
    const r = only(runRule(vipEgressFirewall, s));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('rule 200 (deny-google) of hierarchical policy `team-egress` on folders/7');
  });

  it('an organization allow decides before a folder deny', () => {
    const s = withPolicies([
      hierarchical('org-egress', 'organizations/123', [rule(10, 'allow', { destIpRanges: [VIP], layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }] })]),
      hierarchical('team-egress', 'folders/7', [denyVip(5)]),
    ]);
    const r = only(runRule(vipEgressFirewall, s));
    expect(r.status).toBe('pass');
    expect(r.message).toContain('rule 10 of hierarchical policy `org-egress` on organizations/123');
  });

  it('a policy on a folder the project is not under does not apply', () => {
    const r = only(runRule(vipEgressFirewall, withPolicies([hierarchical('other', 'folders/99', [denyVip()])])));
    expect(r.status).toBe('pass');
  });

  it('a global network policy deny: after the VPC allow by default, before it with BEFORE_CLASSIC_FIREWALL', () => {
    const policy = networkPolicy('net-egress', [denyVip(100)]);
    expect(only(runRule(vipEgressFirewall, withPolicies([policy]))).status).toBe('pass');
    const before = only(
      runRule(
        vipEgressFirewall,
        withPolicies([networkPolicy('net-egress', [denyVip(100)])], (s) => {
          s.networks[0].networkFirewallPolicyEnforcementOrder = 'BEFORE_CLASSIC_FIREWALL';
        }),
      ),
    );
    expect(before.status).toBe('fail');
    expect(before.message).toContain('global network firewall policy `net-egress` (evaluated before the VPC firewall rules: the network enforces BEFORE_CLASSIC_FIREWALL)');
  });

  it('after the VPC rules, a network policy decides only what they left open', () => {
    // Without the VPC allow the VPC deny-all decides first; without both, the policy does.
    const s = withPolicies([networkPolicy('net-egress', [denyVip(100)])], (snap) => {
      snap.firewalls = snap.firewalls.filter((f) => f.name !== 'allow-egress-restricted-vip' && f.name !== 'deny-egress-all');
    });
    const r = only(runRule(vipEgressFirewall, s));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('evaluated after the VPC firewall rules, which did not decide');
  });

  it('a regional network policy applies only in its region', () => {
    expect(only(runRule(vipEgressFirewall, withPolicies([networkPolicy('eu', [denyVip()], 'europe-west1')], bare))).status).toBe('pass');
    expect(only(runRule(vipEgressFirewall, withPolicies([networkPolicy('tokyo', [denyVip()], 'asia-northeast1')], bare))).status).toBe('fail');
  });

  it('a policy rule for another service account or secure tag does not apply; one for the nodes\' does', () => {
    const other = hierarchical('org-egress', 'organizations/123', [denyVip(100, { targetServiceAccounts: ['other@p.iam.gserviceaccount.com'] })]);
    expect(only(runRule(vipEgressFirewall, withPolicies([other]))).status).toBe('pass');
    const mine = hierarchical('org-egress', 'organizations/123', [denyVip(100, { targetServiceAccounts: [NODE_SA] })]);
    expect(only(runRule(vipEgressFirewall, withPolicies([mine]))).status).toBe('fail');
    const tagged = (tags: string[]) =>
      withPolicies([networkPolicy('net', [denyVip(100, { targetSecureTags: ['tagValues/42'] })])], (s) => {
        s.networks[0].networkFirewallPolicyEnforcementOrder = 'BEFORE_CLASSIC_FIREWALL';
        for (const i of s.instances) i.secureTags = tags;
      });
    expect(only(runRule(vipEgressFirewall, tagged(['tagValues/7']))).status).toBe('pass');
    expect(only(runRule(vipEgressFirewall, tagged(['tagValues/42']))).status).toBe('fail');
  });

  it('a rule on secure tags for nodes whose tags are unknown is not evaluated', () => {
    const rules = [denyVip(100, { targetSecureTags: ['tagValues/42'] })];
    // Instances of a known pool carry the pool's resourceManagerTags (none here): decided.
    expect(only(runRule(vipEgressFirewall, withPolicies([hierarchical('org', 'organizations/123', rules)]))).status).toBe('pass');
    const s = withPolicies([hierarchical('org', 'organizations/123', rules)], (snap) => {
      for (const i of snap.instances) delete i.nodePool;
    });
    const r = only(runRule(vipEgressFirewall, s));
    expect(r.status).toBe('not-evaluated');
    expect(r.messageId).toBe('policyUndetermined');
    expect(r.message).toContain('target secure tags [tagValues/42]');
  });

  it('an FQDN deny that could match the VIP makes the answer not evaluated, naming the field', () => {
    const fqdn = rule(50, 'deny', { destIpRanges: [], unsupportedMatch: { destFqdns: ['storage.googleapis.com'] }, layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }] });
    const r = only(runRule(vipEgressFirewall, withPolicies([hierarchical('org-egress', 'organizations/123', [fqdn])])));
    expect(r.status).toBe('not-evaluated');
    expect(r.message).toContain('destFqdns [storage.googleapis.com]');
    expect(r.message).toContain('rule 50 of hierarchical policy `org-egress` on organizations/123');
  });

  it('an FQDN allow that could only confirm the answer changes nothing', () => {
    const fqdn = rule(50, 'allow', { destIpRanges: [], unsupportedMatch: { destFqdns: ['storage.googleapis.com'] } });
    expect(only(runRule(vipEgressFirewall, withPolicies([hierarchical('org-egress', 'organizations/123', [fqdn])]))).status).toBe('pass');
  });

  it('IPv6: a dual-stack node subnet asks for the IPv6 VIP range too', () => {
    const deny6 = hierarchical('org-egress', 'organizations/123', [rule(100, 'deny', { destIpRanges: ['::/0'] })]);
    const dual = (s: Snapshot) => {
      s.subnetworks[0].stackType = 'IPV4_IPV6';
      s.subnetworks[0].ipv6CidrRange = 'fd20:1:2:3::/64';
    };
    expect(only(runRule(vipEgressFirewall, withPolicies([deny6]))).status).toBe('pass');
    const r = only(runRule(vipEgressFirewall, withPolicies([deny6], dual)));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('2600:2d00:2:1000::/64');
    const ok = only(runRule(vipEgressFirewall, withPolicies([], dual)));
    expect(ok.status).toBe('pass');
    expect(ok.message).toContain('2600:2d00:2:1000::/64');
  });

  it('not evaluated when the firewall policies were not read, or the ancestry is missing', () => {
    const unread = withPolicies([], (s) => {
      s.coverage = s.coverage.map((c) => (c.collection === 'firewallPolicies' ? { ...c, state: 'not-read', reason: 'asset type absent from the export' } : c));
    });
    const r = only(runRule(vipEgressFirewall, unread));
    expect(r.status).toBe('not-evaluated');
    expect(r.messageId).toBe('policiesNotRead');
    expect(r.message).toContain('asset type absent from the export');
    const noAncestry = withPolicies([hierarchical('org', 'organizations/123', [denyVip()])], (s) => {
      delete s.projects[0].ancestors;
    });
    expect(only(runRule(vipEgressFirewall, noAncestry)).messageId).toBe('ancestryNotRead');
  });
});

/** The VPC firewall without its VIP allow and deny-all: only the policies decide the VIP. */
function bare(s: Snapshot) {
  s.firewalls = s.firewalls.filter((f) => f.name !== 'allow-egress-restricted-vip' && f.name !== 'deny-egress-all');
}

describe('egress-default-deny on the firewall chain', () => {
  /** The deny-all moved from the VPC rules into a policy; the VPC keeps its allows. */
  const denyInPolicy = (policy: (rules: FirewallPolicyRule[]) => FirewallPolicy, order?: 'BEFORE_CLASSIC_FIREWALL') =>
    withPolicies([policy([rule(65000, 'deny', { ruleName: 'deny-all' })])], (s) => {
      s.firewalls = s.firewalls.filter((f) => f.name !== 'deny-egress-all');
      if (order) s.networks[0].networkFirewallPolicyEnforcementOrder = order;
    });

  it('a deny-all in a global network policy (after the VPC allows) passes, naming the policy rule', () => {
    const r = only(runRule(egressDefaultDeny, denyInPolicy((rules) => networkPolicy('net-egress', rules))));
    expect(r.status).toBe('pass');
    expect(r.message).toContain('rule 65000 (deny-all) of global network firewall policy `net-egress`');
  });

  it('a deny-all in a network policy evaluated before the VPC rules shadows the VIP allow', () => {
    const r = only(runRule(egressDefaultDeny, denyInPolicy((rules) => networkPolicy('net-egress', rules), 'BEFORE_CLASSIC_FIREWALL')));
    expect(r.status).toBe('fail');
    expect(r.messageId).toBe('vipShadowed');
  });

  it('an organization allow to an internet host at priority 1 lets internet traffic out', () => {
    const s = withPolicies([hierarchical('org-egress', 'organizations/123', [rule(1, 'allow', { destIpRanges: ['203.0.113.7/32'], layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }] })])]);
    const r = only(runRule(egressDefaultDeny, s));
    expect(r.status).toBe('fail');
    expect(r.messageId).toBe('internetOpen');
    expect(r.message).toContain('203.0.113.7');
    expect(r.message).toContain('hierarchical policy `org-egress` on organizations/123');
  });

  it('a hierarchical deny-all with goto_next for the VIP and the proxy passes', () => {
    const s = withPolicies(
      [
        hierarchical('org-egress', 'organizations/123', [
          rule(10, 'goto_next', { destIpRanges: [VIP, '10.100.5.10/32'] }),
          rule(20, 'goto_next', { destIpRanges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }),
          rule(1000, 'deny', { ruleName: 'deny-all' }),
        ]),
      ],
      (snap) => {
        snap.firewalls = snap.firewalls.filter((f) => f.name !== 'deny-egress-all');
      },
    );
    const r = only(runRule(egressDefaultDeny, s));
    expect(r.status).toBe('pass');
    expect(r.message).toContain('rule 1000 (deny-all) of hierarchical policy `org-egress` on organizations/123');
  });

  it('an FQDN allow in a policy makes internet egress not evaluated', () => {
    const s = withPolicies([hierarchical('org-egress', 'organizations/123', [rule(5, 'allow', { destIpRanges: [], unsupportedMatch: { destFqdns: ['example.com'] } })])]);
    const r = only(runRule(egressDefaultDeny, s));
    expect(r.status).toBe('not-evaluated');
    expect(r.message).toContain('destFqdns [example.com]');
  });

  it('without firewall policies read, not evaluated', () => {
    const s = withPolicies([], (snap) => {
      snap.coverage = snap.coverage.filter((c) => c.collection !== 'firewallPolicies');
    });
    expect(only(runRule(egressDefaultDeny, s)).messageId).toBe('policiesNotRead');
  });
});

/** The compliant example with a default route to the internet and a Cloud NAT serving every range. */
function withNatAndDefaultRoute(s: Snapshot): void {
  s.routes.push({
    kind: 'route',
    name: 'default-internet',
    fullName: `//compute.googleapis.com/projects/${PROJECT}/global/routes/default-internet`,
    project: PROJECT,
    origin: { source: 'fixture' },
    network: NETWORK,
    destRange: '0.0.0.0/0',
    priority: 1000,
    tags: [],
    nextHopGateway: 'default-internet-gateway',
  });
  s.routers[0].nats = [{ name: 'nat-all', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES', subnetworks: [] }];
}

describe('internet-egress on the firewall chain', () => {
  it('with NAT and a default route, the VPC deny-all keeps the nodes in', () => {
    const r = only(runRule(internetEgress, withPolicies([], withNatAndDefaultRoute)));
    expect(r.status).toBe('pass');
  });

  it('an organization allow evaluated before the VPC deny-all lets the nodes out through the NAT', () => {
    const allowWeb = rule(10, 'allow', { ruleName: 'allow-web', layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }] });
    const r = only(runRule(internetEgress, withPolicies([hierarchical('org-egress', 'organizations/123', [allowWeb])], withNatAndDefaultRoute)));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('hierarchical policy `org-egress` on organizations/123');
  });

  it('an FQDN allow that could let the nodes out leaves the verdict not evaluated, never a pass', () => {
    const maybe = rule(10, 'allow', { ruleName: 'allow-fqdn', destIpRanges: [], unsupportedMatch: { destFqdns: ['example.com'] }, layer4Configs: [{ ipProtocol: 'tcp', ports: ['443'] }] });
    const r = only(runRule(internetEgress, withPolicies([hierarchical('org-egress', 'organizations/123', [maybe])], withNatAndDefaultRoute)));
    expect(r.status).toBe('not-evaluated');
    expect(r.message).toContain('cannot judge');
  });

  it('firewall policies that were not read leave it not evaluated', () => {
    const r = only(runRule(internetEgress, withPolicies([], (s) => {
      withNatAndDefaultRoute(s);
      s.scope = { kind: 'projects', projects: [PROJECT] };
      s.coverage = s.coverage.filter((c) => c.collection !== 'firewallPolicies');
    })));
    expect(r.status).toBe('not-evaluated');
  });
});

describe('health-check-ingress on the firewall chain', () => {
  const probes = (priority: number, action: FirewallPolicyRule['action'], extra: Partial<FirewallPolicyRule> = {}) =>
    rule(priority, action, { ruleName: 'probes', direction: 'INGRESS', srcIpRanges: ['35.191.0.0/16'], destIpRanges: [], layer4Configs: [{ ipProtocol: 'tcp' }], ...extra });

  it('a hierarchical deny of the probes decides before the VPC allow, and is named', () => {
    const r = only(runRule(healthCheckIngress, withPolicies([hierarchical('org-ingress', 'organizations/123', [probes(100, 'deny')])])));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('hierarchical policy `org-ingress` on organizations/123');
    expect(r.message).not.toContain('no ingress allow covers');
    expect(r.related).toContain('//compute.googleapis.com/locations/global/firewallPolicies/org-ingress');
  });

  it('goto_next passes the probes on to the VPC allow', () => {
    const r = only(runRule(healthCheckIngress, withPolicies([hierarchical('org-ingress', 'organizations/123', [probes(100, 'goto_next')])])));
    expect(r.status).toBe('pass');
  });

  it('a deny from sources this tool cannot judge leaves it not evaluated', () => {
    const maybe = probes(100, 'deny', { srcIpRanges: [], unsupportedMatch: { srcRegionCodes: ['US'] } });
    const r = only(runRule(healthCheckIngress, withPolicies([hierarchical('org-ingress', 'organizations/123', [maybe])])));
    expect(r.status).toBe('not-evaluated');
  });
});
