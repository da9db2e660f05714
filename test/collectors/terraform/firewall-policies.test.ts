/**
 * Firewall policies in Terraform plans: the policy, rule and association resources (and the
 * `_with_rules` variant) become the policies of the snapshot, placed by the network's
 * `network_firewall_policy_enforcement_order`, and findings point at their `.tf` blocks.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanSnapshot } from '../../../src/collectors/overlay.js';
import { egressDefaultDeny } from '../../../src/rules/egress-default-deny.js';
import { vipEgressFirewall } from '../../../src/rules/vip-egress-firewall.js';
import { REPO_ROOT } from '../../helpers/fixtures.js';
import { runRule } from '../../helpers/rule-tester.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/terraform/firewall-policies');
const P = 'acme-prod-platform';
const NETWORK = `//compute.googleapis.com/projects/${P}/global/networks/vpc-private`;

describe('firewall policies in plans', () => {
  it('reads the policies, their separate rules and associations, and the inline rules of a _with_rules policy', () => {
    const s = loadPlanSnapshot(path.join(FIXTURES, 'after/plan.json'));
    const egress = s.firewallPolicies.find((p) => p.name === 'egress')!;
    expect(egress).toMatchObject({ policyType: 'network', attachments: [NETWORK], fullName: `//compute.googleapis.com/projects/${P}/global/firewallPolicies/egress` });
    expect(egress.rules).toHaveLength(1);
    expect(egress.rules[0]).toMatchObject({ priority: 65000, action: 'deny', direction: 'EGRESS', ruleName: 'deny-all', destIpRanges: ['0.0.0.0/0'], layer4Configs: [{ ipProtocol: 'all' }] });
    expect(egress.rules[0].origin).toMatchObject({ address: 'google_compute_network_firewall_policy_rule.deny_all', file: 'test/fixtures/terraform/firewall-policies/after/main.tf' });
    const tokyo = s.firewallPolicies.find((p) => p.name === 'tokyo')!;
    expect(tokyo).toMatchObject({ policyType: 'regional', region: 'asia-northeast1', attachments: [NETWORK] });
    expect(tokyo.rules[0]).toMatchObject({ priority: 100, action: 'deny', layer4Configs: [{ ipProtocol: 'tcp', ports: ['22'] }] });
    expect(s.coverage).toContainEqual({ project: P, collection: 'firewallPolicies', state: 'read' });
  });

  it('a deny-all in a network policy after the VPC rules closes egress and keeps the VIP open', () => {
    const s = loadPlanSnapshot(path.join(FIXTURES, 'after/plan.json'));
    const deny = runRule(egressDefaultDeny, s);
    expect(deny.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(deny[0].message).toContain('rule 65000 (deny-all) of global network firewall policy `egress` (evaluated after the VPC firewall rules)');
    expect(runRule(vipEgressFirewall, s).map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('with BEFORE_CLASSIC_FIREWALL the policy shadows the VPC allow of the VIP, found at the cluster and the policy blocks', () => {
    const s = loadPlanSnapshot(path.join(FIXTURES, 'before/plan.json'));
    expect(s.networks[0].networkFirewallPolicyEnforcementOrder).toBe('BEFORE_CLASSIC_FIREWALL');
    const vip = runRule(vipEgressFirewall, s);
    expect(vip.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(vip[0].message).toContain('denied by rule 65000 (deny-all) of global network firewall policy `egress` (evaluated before the VPC firewall rules');
    expect(vip[0].resource.file).toBe('test/fixtures/terraform/firewall-policies/before/main.tf');
    const policy = s.firewallPolicies.find((p) => p.name === 'egress')!;
    expect(vip[0].related).toContain(policy.fullName);
    expect(policy.origin.line).toBeGreaterThan(0);
    expect(runRule(egressDefaultDeny, s).map((r) => r.messageId)).toEqual(['vipShadowed', 'vipShadowed']);
  });
});
