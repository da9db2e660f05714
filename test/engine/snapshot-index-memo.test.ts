import { describe, expect, it } from 'vitest';
import { SnapshotIndex } from '../../src/engine/snapshot-index.js';
import { partialSnapshot } from '../helpers/fixtures.js';
import { cluster, snapshotOf } from './test-rules.js';

describe('SnapshotIndex.memo', () => {
  it('computes a value once per namespace and key, and keeps each apart', () => {
    const index = new SnapshotIndex(snapshotOf());
    const calls: string[] = [];
    const value = (ns: string, key: string) =>
      index.memo(ns, key, () => {
        calls.push(`${ns}/${key}`);
        return { ns, key };
      });
    const first = value('ranges', 'net-a');
    expect(value('ranges', 'net-a')).toBe(first);
    expect(value('ranges', 'net-b')).toEqual({ ns: 'ranges', key: 'net-b' });
    expect(value('routes', 'net-a')).toEqual({ ns: 'routes', key: 'net-a' });
    expect(calls).toEqual(['ranges/net-a', 'ranges/net-b', 'routes/net-a']);
  });

  it('remembers undefined too (a network with no problem is not searched again)', () => {
    const index = new SnapshotIndex(snapshotOf());
    let calls = 0;
    const problem = () => index.memo('problem', 'net', () => (calls++, undefined));
    expect(problem()).toBeUndefined();
    expect(problem()).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('lives for one index: a new evaluation computes again', () => {
    const snapshot = snapshotOf();
    let calls = 0;
    const compute = () => ++calls;
    expect(new SnapshotIndex(snapshot).memo('n', 'k', compute)).toBe(1);
    expect(new SnapshotIndex(snapshot).memo('n', 'k', compute)).toBe(2);
  });
});

describe('SnapshotIndex.memoOn', () => {
  it('keys by the owner object and the key, not by equal-looking owners', () => {
    const index = new SnapshotIndex(snapshotOf());
    const a = { tags: ['x'] };
    const b = { tags: ['x'] };
    let calls = 0;
    const of = (owner: object, key: string) => index.memoOn(owner, key, () => ({ n: ++calls }));
    const first = of(a, 'decisions');
    expect(of(a, 'decisions')).toBe(first);
    expect(of(b, 'decisions')).not.toBe(first);
    expect(of(a, 'routes')).not.toBe(first);
    expect(calls).toBe(3);
    let undefinedCalls = 0;
    index.memoOn(a, 'none', () => (undefinedCalls++, undefined));
    index.memoOn(a, 'none', () => (undefinedCalls++, undefined));
    expect(undefinedCalls).toBe(1);
  });
});

describe('SnapshotIndex shared answers', () => {
  it('hands out the same node identities for a cluster to every rule', () => {
    const c = { ...cluster('a'), nodeTag: 'gke-a-node', nodePools: [{ name: 'default-pool', tags: ['web'] }] };
    const index = new SnapshotIndex(snapshotOf(c));
    const identities = index.nodeIdentities(c);
    expect(identities).toEqual([{ label: 'pool default-pool', tags: ['web', 'gke-a-node'], serviceAccounts: ['default'], secureTags: [] }]);
    expect(index.nodeIdentities(c)).toBe(identities);
  });

  it('leaves out a node alike to an earlier one (tags, service accounts, secure tags), and keeps the order', () => {
    const c = {
      ...cluster('a'),
      nodeTag: 'gke-a-node',
      nodePools: [
        { name: 'one', tags: ['web'] },
        { name: 'two', tags: ['web'] },
        { name: 'batch', tags: ['batch'] },
        { name: 'other-sa', tags: ['web'], serviceAccount: 'sa-2@p.iam.gserviceaccount.com' },
        { name: 'secure', tags: ['web'], resourceManagerTags: ['tagValues/1'] },
        { name: 'reordered', tags: ['gke-a-node', 'web'] },
        { name: 'batch-again', tags: ['batch'] },
      ],
    };
    const index = new SnapshotIndex(snapshotOf(c));
    const distinct = index.distinctNodeIdentities(c);
    expect(distinct.map((i) => i.label)).toEqual(['pool one', 'pool batch', 'pool other-sa', 'pool secure', 'pool reordered']);
    for (const identity of distinct) expect(index.nodeIdentities(c)).toContain(identity);
    expect(index.distinctNodeIdentities(c)).toBe(distinct);
    const unlike = { ...cluster('b'), nodePools: [{ name: 'x', tags: ['x'] }, { name: 'y', tags: ['y'] }] };
    const both = new SnapshotIndex(snapshotOf(unlike));
    expect(both.distinctNodeIdentities(unlike)).toBe(both.nodeIdentities(unlike));
  });

  it('answers read errors by project and collection, with the resource filter, and nothing for a project read fine', () => {
    const zone = '//dns.googleapis.com/projects/p/managedZones/z';
    const index = new SnapshotIndex(
      partialSnapshot({
        readErrors: [
          { project: 'p', collection: 'firewalls', status: 403, reason: 'forbidden', message: 'Forbidden' },
          { project: 'p', collection: 'recordSets', resource: zone, status: 403, reason: 'forbidden', message: 'Forbidden' },
        ],
      }),
    );
    expect(index.readErrorsFor('p', 'firewalls').map((e) => e.collection)).toEqual(['firewalls']);
    expect(index.readErrorsFor('p', 'routes')).toEqual([]);
    expect(index.readErrorsFor('q', 'firewalls')).toEqual([]);
    expect(index.readErrorsFor('p', 'recordSets', zone)).toHaveLength(1);
    expect(index.readErrorsFor('p', 'recordSets', '//dns.googleapis.com/projects/p/managedZones/other')).toEqual([]);
    // The shared empty answer cannot be changed by a careless caller.
    expect(() => index.readErrorsFor('q', 'routes').push(index.readErrorsFor('p', 'firewalls')[0])).toThrow();
  });

  it('says nothing is unknown of an entity without unknown paths, and matches paths above and below', () => {
    const index = new SnapshotIndex(snapshotOf());
    const c = cluster('a');
    expect(index.isUnknown(c, 'network')).toBe(false);
    const planned = { ...c, unknown: ['privateClusterConfig'] };
    expect(index.isUnknown(planned, 'privateClusterConfig.masterIpv4CidrBlock')).toBe(true);
    expect(index.isUnknown({ ...c, unknown: ['nodePools.0.tags'] }, 'nodePools')).toBe(true);
    expect(index.isUnknown({ ...c, unknown: [] }, 'network')).toBe(false);
  });
});
