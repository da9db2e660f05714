import { describe, expect, it } from 'vitest';
import { formatRange } from '../../src/network/cidr.js';
import {
  describeDecider,
  firewallDecision,
  firewallDecisions,
  firewallDefect,
  packetClasses,
  permissionMatches,
  type FirewallQuery,
} from '../../src/network/firewall.js';
import { firewall } from './build.js';

const NODE = { tags: ['gke-node'], serviceAccounts: ['nodes@p.iam.gserviceaccount.com'] };
const egress = (protocol: string, port?: number, target = NODE): FirewallQuery => ({ direction: 'EGRESS', packet: { protocol, port }, target });
const ingress = (protocol: string, port?: number, target = NODE): FirewallQuery => ({ direction: 'INGRESS', packet: { protocol, port }, target });
const VIP = '199.36.153.4/30';

const allowVip = firewall('allow-vip', { destinationRanges: [VIP], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] });
const denyAll = firewall('deny-all', { destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }], priority: 65534 });

describe('firewallDecision', () => {
  it('lets the lowest priority number win', () => {
    const d = firewallDecision([allowVip, denyAll], egress('tcp', 443), '199.36.153.4');
    expect(d.action).toBe('allow');
    expect(d.rule?.name).toBe('allow-vip');
    expect(d.overridden.map((r) => r.name)).toEqual(['deny-all']);
    const shadow = { ...denyAll, name: 'deny-early', priority: 900 };
    expect(firewallDecision([allowVip, shadow], egress('tcp', 443), '199.36.153.4').rule?.name).toBe('deny-early');
  });

  it('lets a deny win a tie at equal priority, in any order', () => {
    const tie = { ...denyAll, name: 'deny-tie', priority: 1000 };
    expect(firewallDecision([allowVip, tie], egress('tcp', 443), '199.36.153.4').rule?.name).toBe('deny-tie');
    expect(firewallDecision([tie, allowVip], egress('tcp', 443), '199.36.153.4').action).toBe('deny');
  });

  it('ignores a disabled deny', () => {
    const disabled = { ...denyAll, name: 'deny-off', priority: 1, disabled: true };
    expect(firewallDecision([allowVip, disabled], egress('tcp', 443), '199.36.153.4').rule?.name).toBe('allow-vip');
  });

  it('falls back on the implied rules: egress allowed, ingress denied', () => {
    const out = firewallDecision([], egress('udp', 53), '8.8.8.8');
    expect(out).toEqual({ action: 'allow', rule: undefined, overridden: [] });
    expect(describeDecider(out, 'EGRESS')).toContain('implied egress allow');
    expect(firewallDecision([], ingress('tcp', 22), '10.0.0.1').action).toBe('deny');
    // A rule of the other direction never applies.
    expect(firewallDecision([denyAll], ingress('tcp', 22), '10.0.0.1').rule).toBeUndefined();
  });

  it('applies a rule to its target tags or target service accounts only', () => {
    const byTag = { ...denyAll, name: 'deny-tag', priority: 10, targetTags: ['other'] };
    expect(firewallDecision([allowVip, byTag], egress('tcp', 443), '199.36.153.4').rule?.name).toBe('allow-vip');
    const bySa = { ...denyAll, name: 'deny-sa', priority: 10, targetServiceAccounts: ['nodes@p.iam.gserviceaccount.com'] };
    expect(firewallDecision([allowVip, bySa], egress('tcp', 443), '199.36.153.4').rule?.name).toBe('deny-sa');
    const otherSa = { ...bySa, name: 'deny-other-sa', targetServiceAccounts: ['ci@p.iam.gserviceaccount.com'], targetTags: [] };
    expect(firewallDecision([allowVip, otherSa], egress('tcp', 443), '199.36.153.4').rule?.name).toBe('allow-vip');
    // A tag match is enough even if the service account does not match (the API allows one kind only anyway).
    const tagged = { ...otherSa, name: 'deny-tagged', targetTags: ['gke-node'] };
    expect(firewallDecision([allowVip, tagged], egress('tcp', 443), '199.36.153.4').rule?.name).toBe('deny-tagged');
  });

  it('matches protocol `all`, names and numbers, and port lists and ranges', () => {
    expect(permissionMatches({ IPProtocol: 'all' }, { protocol: 'udp', port: 53 })).toBe(true);
    expect(permissionMatches({ IPProtocol: 'tcp' }, { protocol: 'tcp', port: 8080 })).toBe(true);
    expect(permissionMatches({ IPProtocol: 'tcp' }, { protocol: 'udp', port: 8080 })).toBe(false);
    expect(permissionMatches({ IPProtocol: '6', ports: ['443'] }, { protocol: 'tcp', port: 443 })).toBe(true);
    expect(permissionMatches({ IPProtocol: 'tcp', ports: ['80', '8000-9000'] }, { protocol: 'tcp', port: 8500 })).toBe(true);
    expect(permissionMatches({ IPProtocol: 'tcp', ports: ['80', '8000-9000'] }, { protocol: 'tcp', port: 9001 })).toBe(false);
    expect(permissionMatches({ IPProtocol: 'icmp' }, { protocol: '1' })).toBe(true);
    // A deny of tcp only leaves udp to the next rule.
    const denyTcp = { ...denyAll, name: 'deny-tcp', denied: [{ IPProtocol: 'tcp' }] };
    expect(firewallDecision([denyTcp], egress('udp', 443), '8.8.8.8').rule).toBeUndefined();
    expect(firewallDecision([denyTcp], egress('tcp', 443), '8.8.8.8').rule?.name).toBe('deny-tcp');
  });

  it('matches ingress sources by range, by source tag and by source service account', () => {
    const fromTag = firewall('from-tag', { direction: 'INGRESS', sourceTags: ['bastion'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] });
    const fromSa = firewall('from-sa', { direction: 'INGRESS', sourceServiceAccounts: ['ci@p'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] });
    const rules = [fromTag, fromSa];
    expect(firewallDecision(rules, ingress('tcp', 22), '10.0.0.5').action).toBe('deny');
    expect(firewallDecision(rules, { ...ingress('tcp', 22), source: { tags: ['bastion'], serviceAccounts: [] } }, '10.0.0.5').rule?.name).toBe('from-tag');
    expect(firewallDecision(rules, { ...ingress('tcp', 22), source: { tags: [], serviceAccounts: ['ci@p'] } }, '10.0.0.5').rule?.name).toBe('from-sa');
  });

  it('handles IPv6 remote ranges separately from IPv4', () => {
    const v6 = firewall('allow-v6-vip', { destinationRanges: ['2600:2d00:2:1000::/64'], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] });
    const denyV6 = firewall('deny-v6', { destinationRanges: ['::/0'], denied: [{ IPProtocol: 'all' }], priority: 65534 });
    expect(firewallDecision([v6, denyV6, denyAll], egress('tcp', 443), '2600:2d00:2:1000::5').rule?.name).toBe('allow-v6-vip');
    expect(firewallDecision([v6, denyV6, denyAll], egress('tcp', 443), '2600:2d00:2:2000::5').rule?.name).toBe('deny-v6');
    // The IPv4 deny-all does not touch IPv6 destinations.
    expect(firewallDecision([denyAll], egress('tcp', 443), '2600:2d00:2:2000::5').rule).toBeUndefined();
  });
});

describe('firewallDecisions over a range', () => {
  it('says tcp:443 to the whole VIP range is allowed by one rule', () => {
    const segs = firewallDecisions([allowVip, denyAll], egress('tcp', 443), VIP);
    expect(segs).toHaveLength(1);
    expect(formatRange(segs[0].range)).toBe(VIP);
    expect(segs[0].rule?.name).toBe('allow-vip');
  });

  it('gives allowed and denied parts when an allow covers part of the range', () => {
    const half = { ...allowVip, name: 'allow-half', destinationRanges: ['199.36.153.4/31'] };
    const segs = firewallDecisions([half, denyAll], egress('tcp', 443), VIP);
    expect(segs.map((s) => [formatRange(s.range), s.action, s.rule?.name])).toEqual([
      ['199.36.153.4/31', 'allow', 'allow-half'],
      ['199.36.153.6/31', 'deny', 'deny-all'],
    ]);
  });

  it('names the deny that shadows part of an allow', () => {
    const shadow = firewall('deny-one', { destinationRanges: ['199.36.153.7/32'], denied: [{ IPProtocol: 'tcp' }], priority: 500 });
    const segs = firewallDecisions([allowVip, shadow, denyAll], egress('tcp', 443), VIP);
    const denied = segs.filter((s) => s.action === 'deny');
    expect(denied.map((s) => [formatRange(s.range), s.rule?.name, s.overridden.map((r) => r.name)])).toEqual([
      ['199.36.153.7', 'deny-one', ['allow-vip', 'deny-all']],
    ]);
  });

  it('takes several remote ranges at once (health-check probes)', () => {
    const hc = firewall('allow-hc', { direction: 'INGRESS', sourceRanges: ['35.191.0.0/16'], allowed: [{ IPProtocol: 'tcp' }] });
    const segs = firewallDecisions([hc], ingress('tcp', 10256), ['35.191.0.0/16', '130.211.0.0/22']);
    expect(segs.map((s) => [formatRange(s.range), s.action])).toEqual([
      ['35.191.0.0/16', 'allow'],
      ['130.211.0.0/22', 'deny'],
    ]);
  });
});

describe('packetClasses', () => {
  it('covers every protocol named plus tcp, udp, icmp and one unnamed protocol, and each port stretch', () => {
    const rules = [
      firewall('a', { allowed: [{ IPProtocol: 'tcp', ports: ['443', '8000-9000'] }] }),
      firewall('b', { denied: [{ IPProtocol: 'esp' }, { IPProtocol: 'all' }] }),
    ];
    const packets = packetClasses(rules).map((p) => (p.port === undefined ? p.protocol : `${p.protocol}:${p.port}`));
    expect(packets).toEqual(expect.arrayContaining(['tcp:1', 'tcp:443', 'tcp:444', 'tcp:8000', 'tcp:9001', 'udp:1', 'icmp', 'esp', '253']));
    expect(packets).toHaveLength(9);
  });
});

describe('firewallDefect', () => {
  it('names a malformed range or port', () => {
    expect(firewallDefect(firewall('x', { destinationRanges: ['300.0.0.0/8'] }))).toBe('destinationRanges[0] "300.0.0.0/8"');
    expect(firewallDefect(firewall('y', { allowed: [{ IPProtocol: 'tcp', ports: ['9000-8000'] }] }))).toBe('allowed[0].ports[0] "9000-8000"');
    expect(firewallDefect(allowVip)).toBeUndefined();
  });
});
