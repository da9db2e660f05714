/** Firewall policy rules for tests: an egress rule to everywhere unless told otherwise. */
import type { FirewallPolicyRule } from '../../src/model/snapshot.js';

export function policyRule(priority: number, action: FirewallPolicyRule['action'], extra: Partial<FirewallPolicyRule> = {}): FirewallPolicyRule {
  return {
    priority,
    direction: 'EGRESS',
    action,
    disabled: false,
    srcIpRanges: [],
    destIpRanges: ['0.0.0.0/0'],
    layer4Configs: [],
    srcSecureTags: [],
    targetSecureTags: [],
    targetServiceAccounts: [],
    targetResources: [],
    ...extra,
  };
}
