/**
 * The shared per-evaluation answers of src/rules/enforced.ts: a node's selection of rules must be
 * exactly what the network analysis would pick from the whole network, alike nodes must share it,
 * and a shared decision must equal the one made from every rule of the network.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotIndex, type NodeIdentity } from '../../src/engine/snapshot-index.js';
import type { Cluster, Firewall } from '../../src/model/snapshot.js';
import { firewallDecisions, firewallTargets } from '../../src/network/firewall.js';
import { routeAppliesTo } from '../../src/network/routes.js';
import { decisionsAt, firewallQuestion, firewallsAt, reaching, remoteRangesOf, routesAt } from '../../src/rules/enforced.js';
import { partialSnapshot } from '../helpers/fixtures.js';
import { firewall, route } from '../network/build.js';
import { cluster } from './test-rules.js';

const SA = 'nodes@p.iam.gserviceaccount.com';
const VIP = '199.36.153.4/30';

const firewalls: Firewall[] = [
  firewall('allow-vip', { destinationRanges: [VIP], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] }),
  firewall('deny-all', { priority: 65534, destinationRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }] }),
  firewall('deny-vip-web', { priority: 900, destinationRanges: [VIP], targetTags: ['web'], denied: [{ IPProtocol: 'tcp' }] }),
  firewall('deny-smtp-batch', { priority: 800, destinationRanges: ['10.200.0.0/24'], targetTags: ['batch'], denied: [{ IPProtocol: 'tcp', ports: ['25'] }] }),
  firewall('allow-sa', { priority: 700, destinationRanges: ['192.168.0.0/24'], targetServiceAccounts: [SA], allowed: [{ IPProtocol: 'all' }] }),
  firewall('deny-vip-off', { priority: 1, destinationRanges: [VIP], denied: [{ IPProtocol: 'all' }], disabled: true }),
  firewall('ingress-web', { direction: 'INGRESS', sourceRanges: ['35.191.0.0/16'], targetTags: ['web'], allowed: [{ IPProtocol: 'tcp' }] }),
];

const identity = (label: string, tags: string[], serviceAccounts: string[] = ['default']): NodeIdentity => ({ label, tags, serviceAccounts });

function setup(): { index: SnapshotIndex; c: Cluster } {
  const c = cluster('a');
  const routes = [route('vip', VIP, { nextHopGateway: 'default-internet-gateway' }), route('proxy', '0.0.0.0/0', { tags: ['proxied'], nextHopIp: '10.0.0.9' })];
  return { index: new SnapshotIndex(partialSnapshot({ clusters: [c], firewalls, routes })), c };
}

describe('firewallsAt', () => {
  it('selects the enabled rules of the direction that target the node, in the network order', () => {
    const { index, c } = setup();
    const node = identity('n1', ['web', 'gke-a-node'], [SA]);
    const expected = firewalls.filter((f) => !f.disabled && f.direction === 'EGRESS' && firewallTargets(f, node)).map((f) => f.name);
    expect(firewallsAt(index, c, node, 'EGRESS').rules.map((f) => f.name)).toEqual(expected);
    expect(expected).toEqual(['allow-vip', 'deny-all', 'deny-vip-web', 'allow-sa']);
    expect(firewallsAt(index, c, node, 'INGRESS').rules.map((f) => f.name)).toEqual(['ingress-web']);
  });

  it('gives nodes the same rules select the same selection, whatever their other tags', () => {
    const { index, c } = setup();
    const one = firewallsAt(index, c, identity('n1', ['web', 'gke-a-node']), 'EGRESS');
    const other = firewallsAt(index, c, identity('n2', ['gke-b-node', 'web', 'web']), 'EGRESS');
    const batch = firewallsAt(index, c, identity('n3', ['batch']), 'EGRESS');
    expect(other).toBe(one);
    expect(batch).not.toBe(one);
    expect(batch.rules.map((f) => f.name)).toEqual(['allow-vip', 'deny-all', 'deny-smtp-batch']);
  });
});

describe('routesAt', () => {
  it('selects untagged routes and those sharing a tag, as routeAppliesTo does', () => {
    const { index, c } = setup();
    for (const tags of [['web'], ['proxied', 'web'], []]) {
      const expected = index.routesOf(c.network).filter((r) => routeAppliesTo(r, tags));
      expect(routesAt(index, c, identity('n', tags)).rules).toEqual(expected);
    }
  });
});

describe('decisionsAt', () => {
  it('decides as the network analysis does over every rule of the network', () => {
    const { index, c } = setup();
    const question = firewallQuestion({ protocol: 'tcp', port: 443 }, VIP);
    for (const node of [identity('web', ['web']), identity('batch', ['batch'], [SA]), identity('plain', [])]) {
      const shared = decisionsAt(index, firewallsAt(index, c, node, 'EGRESS'), node, 'EGRESS', question);
      const direct = firewallDecisions(firewalls, { direction: 'EGRESS', packet: { protocol: 'tcp', port: 443 }, target: node }, VIP);
      expect(shared).toEqual(direct);
    }
  });

  it('shares one answer between selections that differ only in rules that cannot reach the range', () => {
    const { index, c } = setup();
    const question = firewallQuestion({ protocol: 'tcp', port: 443 }, VIP);
    const batch = identity('batch', ['batch']);
    const plain = identity('plain', []);
    const batchRules = firewallsAt(index, c, batch, 'EGRESS');
    const plainRules = firewallsAt(index, c, plain, 'EGRESS');
    expect(batchRules).not.toBe(plainRules);
    expect(reaching(index, batchRules, remoteRangesOf(VIP))).toBe(reaching(index, plainRules, remoteRangesOf(VIP)));
    expect(decisionsAt(index, batchRules, batch, 'EGRESS', question)).toBe(decisionsAt(index, plainRules, plain, 'EGRESS', question));
    // The web nodes' deny does reach the VIP: their answer is their own.
    const web = identity('web', ['web']);
    const webAnswer = decisionsAt(index, firewallsAt(index, c, web, 'EGRESS'), web, 'EGRESS', question);
    expect(webAnswer.map((s) => [s.action, s.rule?.name])).toEqual([['deny', 'deny-vip-web']]);
  });
});
