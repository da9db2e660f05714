/** The chain on its own: layers, goto_next, ranges split where rules begin and end, maybe-rules. */
import { describe, expect, it } from 'vitest';
import type { FirewallPolicy, FirewallPolicyRule } from '../../src/model/snapshot.js';
import { formatRange, parseCidr } from '../../src/network/cidr.js';
import { describeDecider, firewallDecisions } from '../../src/network/firewall.js';
import { chainDecisions, describeChainDecider, targetedRules, type ChainPlan, type PolicyLayer } from '../../src/network/firewall-chain.js';
import { firewall } from './build.js';
import { policyRule as rule } from '../helpers/policies.js';

const NETWORK = '//compute.googleapis.com/projects/p/global/networks/vpc';
const HTTPS = { protocol: 'tcp', port: 443 };
const node = { network: NETWORK, serviceAccounts: ['sa@p.iam.gserviceaccount.com'], secureTags: [] as string[] };


function layer(kind: PolicyLayer['kind'], rules: FirewallPolicyRule[], position: 'before' | 'after' = 'before'): PolicyLayer {
  const policy: FirewallPolicy = { kind: 'firewallPolicy', name: kind, fullName: `//x/${kind}`, project: 'organizations/1', origin: { source: 'fixture' }, policyType: kind, attachments: [], rules };
  return { kind, policy, attachment: 'organizations/1', position, rules: targetedRules(policy, 'EGRESS', node) };
}

const vpcAllowVip = [firewall('allow-vip', { destinationRanges: ['199.36.153.4/30'], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] }), firewall('deny-all', { priority: 65534, destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }] })];

function decide(plan: ChainPlan, remote = '199.36.153.4/30') {
  const ranges = [parseCidr(remote)];
  const vpc = firewallDecisions(vpcAllowVip, { direction: 'EGRESS', packet: HTTPS, target: { tags: [], serviceAccounts: node.serviceAccounts } }, ranges);
  return chainDecisions(plan, vpc, 'EGRESS', HTTPS, ranges).map((s) => `${formatRange(s.range)} ${s.action}${s.undetermined ? '?' : ''} ${describeChainDecider(s.decider, 'EGRESS')}`);
}

describe('chainDecisions', () => {
  it('without policies, the VPC rules and then the implied rule decide', () => {
    expect(decide({ before: [], after: [] })).toEqual(['199.36.153.4/30 allow allow-vip (priority 1000)']);
    expect(decide({ before: [], after: [] }, '203.0.113.0/24')).toEqual(['203.0.113.0/24 deny deny-all (priority 65534)']);
  });

  it('splits the range where a hierarchical rule begins and ends: one address denied before the VPC allow', () => {
    const plan = { before: [layer('hierarchical', [rule(10, 'deny', { destIpRanges: ['199.36.153.5/32'] })])], after: [] };
    expect(decide(plan)).toEqual([
      '199.36.153.4 allow allow-vip (priority 1000)',
      "199.36.153.5 deny rule 10 of hierarchical policy `hierarchical` on organizations/1 (evaluated before the network's firewall rules)",
      '199.36.153.6/31 allow allow-vip (priority 1000)',
    ]);
  });

  it('its segments are FirewallSegments: describeDecider names a policy rule with its layer', () => {
    const plan = { before: [layer('hierarchical', [rule(10, 'deny', { destIpRanges: ['199.36.153.4/30'] })])], after: [] };
    const ranges = [parseCidr('199.36.153.4/30')];
    const vpc = firewallDecisions(vpcAllowVip, { direction: 'EGRESS', packet: HTTPS, target: { tags: [], serviceAccounts: node.serviceAccounts } }, ranges);
    const [denied] = chainDecisions(plan, vpc, 'EGRESS', HTTPS, ranges);
    expect(describeDecider(denied, 'EGRESS')).toBe("rule 10 of hierarchical policy `hierarchical` on organizations/1 (evaluated before the network's firewall rules)");
    expect(denied.rule).toBeUndefined();
    expect(denied.shadowed && describeChainDecider(denied.shadowed, 'EGRESS')).toBe('allow-vip (priority 1000)');
  });

  it('goto_next skips the rest of its policy; a lower priority number decides within a policy', () => {
    const goto = layer('hierarchical', [rule(1, 'goto_next', { destIpRanges: ['199.36.153.4/30'] }), rule(2, 'deny')]);
    expect(decide({ before: [goto], after: [] })).toEqual(['199.36.153.4/30 allow allow-vip (priority 1000)']);
    const denyFirst = layer('hierarchical', [rule(2, 'goto_next', { destIpRanges: ['199.36.153.4/30'] }), rule(1, 'deny')]);
    expect(decide({ before: [denyFirst], after: [] })[0]).toContain('deny rule 1 of');
  });

  it('a network policy after the VPC rules decides only what they leave open', () => {
    const after = layer('network', [rule(1, 'allow', { destIpRanges: ['203.0.113.0/24'] })], 'after');
    expect(decide({ before: [], after: [after] }, '203.0.113.0/24')).toEqual(['203.0.113.0/24 deny deny-all (priority 65534)']);
    const before = layer('network', [rule(1, 'allow', { destIpRanges: ['203.0.113.0/24'] })], 'before');
    expect(decide({ before: [before], after: [] }, '203.0.113.0/24')[0]).toContain('allow rule 1 of global network firewall policy');
  });

  it('a rule it cannot judge makes a piece undetermined only when it could change the answer', () => {
    const fqdnDeny = layer('hierarchical', [rule(5, 'deny', { destIpRanges: [], unsupportedMatch: { destFqdns: ['a.example'] } })]);
    expect(decide({ before: [fqdnDeny], after: [] })).toEqual(['199.36.153.4/30 allow? allow-vip (priority 1000)']);
    const fqdnAllow = layer('hierarchical', [rule(5, 'allow', { destIpRanges: [], unsupportedMatch: { destFqdns: ['a.example'] } })]);
    expect(decide({ before: [fqdnAllow], after: [] })).toEqual(['199.36.153.4/30 allow allow-vip (priority 1000)']);
  });

  it('leaves out disabled rules, rules of the other direction and rules for other targets', () => {
    const rules = [
      rule(1, 'deny', { disabled: true }),
      rule(2, 'deny', { direction: 'INGRESS' }),
      rule(3, 'deny', { targetServiceAccounts: ['other@p.iam.gserviceaccount.com'] }),
      rule(4, 'deny', { targetSecureTags: ['tagValues/9'] }),
      rule(5, 'deny', { targetResources: ['//compute.googleapis.com/projects/p/global/networks/other'] }),
    ];
    expect(targetedRules({ ...layer('hierarchical', rules).policy }, 'EGRESS', node)).toEqual([]);
    expect(targetedRules({ ...layer('hierarchical', rules).policy }, 'EGRESS', { ...node, secureTags: undefined }).map((r) => `${r.rule.priority} ${r.targets}`)).toEqual(['4 maybe']);
  });
});
