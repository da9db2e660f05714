import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDelta, applyPlanToSnapshot, loadPlanSnapshot } from '../../src/collectors/overlay.js';
import type { PlanDelta } from '../../src/collectors/terraform/collect.js';
import { evaluate } from '../../src/engine/engine.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Result } from '../../src/engine/types.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { RULES } from '../../src/rules/index.js';
import { compliantSnapshot, REPO_ROOT } from '../helpers/fixtures.js';
import { DEFAULT_TEST_PARAMS } from '../helpers/rule-tester.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/terraform');
const P = 'acme-prod-platform';
const GAMMA = `//container.googleapis.com/projects/${P}/locations/asia-northeast1/clusters/gamma`;
const NETWORK = `//compute.googleapis.com/projects/${P}/global/networks/vpc-private`;

function results(snapshot: Snapshot): Result[] {
  const policy = defaultPolicy();
  policy.parameters = { ...DEFAULT_TEST_PARAMS };
  return evaluate(snapshot, policy, [...RULES], { now: new Date('2026-11-24T00:00:00Z') }).results;
}

describe('plan over live', () => {
  it('judges a plan that only adds a cluster against the network, DNS and firewalls that exist', () => {
    const live = compliantSnapshot();
    const merged = applyPlanToSnapshot(live, path.join(FIXTURES, 'add-cluster/plan.json'));
    expect(live.clusters).toHaveLength(2); // the live snapshot is left alone
    expect(merged.clusters.map((c) => c.name)).toEqual(['alpha', 'beta', 'gamma']);
    const gamma = results(merged).filter((r) => r.clusters.includes(GAMMA));
    const byRule = Object.fromEntries(gamma.map((r) => [r.ruleId, r]));
    for (const rule of ['vip-route', 'vip-egress-firewall', 'egress-default-deny', 'health-check-ingress', 'private-nodes', 'private-endpoint', 'authorized-networks', 'vpc-native']) {
      expect(byRule[rule]?.status, rule).toBe('pass');
    }
    expect(byRule['vip-route'].resource).toMatchObject({ address: 'google_container_cluster.gamma', file: 'test/fixtures/terraform/add-cluster/main.tf' });
    // The DNS rules judge the live network, which now hosts gamma as well.
    const dns = results(merged).filter((r) => r.ruleId === 'dns-googleapis');
    expect(dns.map((r) => [r.resource.fullName, r.status, r.clusters.includes(GAMMA)])).toEqual([[NETWORK, 'pass', true]]);
  });

  it('cannot judge the same plan on its own: the network it joins is not in it', () => {
    const alone = results(loadPlanSnapshot(path.join(FIXTURES, 'add-cluster/plan.json')));
    expect(alone.find((r) => r.ruleId === 'vip-route')!.status).toBe('not-evaluated');
    expect(alone.filter((r) => r.status === 'pass').map((r) => r.ruleId).sort()).toEqual(['authorized-networks', 'private-endpoint', 'private-nodes']);
  });

  it('removes what the plan deletes from the live snapshot', () => {
    const merged = applyPlanToSnapshot(compliantSnapshot(), path.join(FIXTURES, 'delete-vip-route/plan.json'));
    expect(merged.routes.map((r) => r.name)).toEqual(['default-route-r-6c1d2e3f4a5b6c7d']);
    const vip = results(merged).filter((r) => r.ruleId === 'vip-route');
    expect(vip.map((r) => r.status)).toEqual(['fail', 'fail']);
    // The untouched GKE firewall, the node VMs and computed values stay as read.
    expect(merged.firewalls.map((f) => f.name)).toContain('gke-alpha-3f2a1b9c-master');
    expect(merged.instances).toHaveLength(3);
    expect(merged.clusters[0].nodeTag).toBe('gke-alpha-3f2a1b9c-node');
    expect(merged.clusters[0].origin.address).toBe('google_container_cluster.alpha');
    expect(merged.managedZones[0].recordSets!.map((r) => r.type)).toEqual(['SOA', 'NS', 'CNAME', 'A']);
    expect(merged.networks[0].peerings[0]).toMatchObject({ state: 'ACTIVE', exportCustomRoutes: true });
  });

  it('applies the parts a plan changes to live parents, and deletes parts', () => {
    const zone = `//dns.googleapis.com/projects/${P}/managedZones/googleapis`;
    const router = `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/routers/onprem-vpn-router`;
    const alpha = `//container.googleapis.com/projects/${P}/locations/asia-northeast1/clusters/alpha`;
    const delta: PlanDelta = {
      plan: 'p.json', entities: [], orphans: [], peeringsElsewhere: [],
      parts: [
        { kind: 'recordSet', parent: zone, item: { name: 'restricted.googleapis.com.', type: 'A', rrdatas: ['199.36.153.8'] }, unknown: [] },
        { kind: 'bgpPeer', parent: router, item: { name: 'onprem-peer-1', advertiseMode: 'CUSTOM' }, unknown: ['advertisedIpRanges'] },
        { kind: 'peering', parent: NETWORK, item: { name: 'gke-n3f2a1b9c4d5e6f7a8b9-1a2b-3c4d-peer', exportCustomRoutes: false }, unknown: [] },
      ],
      removals: [{ part: 'nodePool', parent: alpha, name: 'default-pool', address: 'google_container_node_pool.x' }],
    };
    const merged = applyDelta(compliantSnapshot(), delta);
    expect(merged.managedZones[0].recordSets!.find((r) => r.type === 'A')!.rrdatas).toEqual(['199.36.153.8']);
    expect(merged.managedZones[0].recordSets).toHaveLength(4);
    expect(merged.routers[0].bgpPeers.map((p) => p.name)).toEqual(['onprem-peer-0', 'onprem-peer-1']);
    expect(merged.routers[0].unknown).toEqual(['bgpPeers.1.advertisedIpRanges']);
    expect(merged.networks[0].peerings[0]).toMatchObject({ state: 'ACTIVE', exportCustomRoutes: false, importCustomRoutes: false });
    expect(merged.clusters[0].nodePools).toEqual([]);
  });

  it('leaves record sets unread when the live source did not read them', () => {
    const live = compliantSnapshot();
    delete live.managedZones[0].recordSets;
    const zone = live.managedZones[0].fullName;
    const merged = applyDelta(live, {
      plan: 'p.json', entities: [], orphans: [], peeringsElsewhere: [], removals: [],
      parts: [{ kind: 'recordSet', parent: zone, item: { name: 'restricted.googleapis.com.', type: 'A', rrdatas: ['199.36.153.4'] }, unknown: [] }],
    });
    expect(merged.managedZones[0].recordSets).toBeUndefined();
  });
});
