/**
 * The live collector against a hostile API, through the real client libraries (compute, container,
 * dns and asset, pointed at a hostile server on 127.0.0.1 that fronts the emulator). Each case is
 * a failure seen in an attack on the tool: it must end, bounded in requests and time, as a read
 * error naming what went wrong, and the rules needing that part must say "not evaluated".
 */
import { SCOPE_STREAMS } from '../../src/collectors/live/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { bundledOrgFile, loadWorld, worldFromSnapshot } from '../../src/emulator/world.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { collectLive, ScopeError, type LiveOptions } from '../../src/collectors/live/collect.js';
import type { LiveScope } from '../../src/collectors/live/scope.js';
import type { LiveService } from '../../src/collectors/live/clients.js';
import { audit } from '../../src/engine/audit.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import { FAST, guardLoopbackOnly } from '../collectors/live/harness.js';
import { endlessTokens, fixed, gzipBomb, hang, redirect, repeatedToken, rewrite, startHostile, type Play } from './hostile-server.js';

const P = 'acme-prod-platform';
const PROJECT: LiveScope = { kind: 'projects', projects: [P] };
const ORG = '416203918475';
const FIREWALL_RULES = ['vip-egress-firewall', 'egress-default-deny', 'health-check-ingress'];

describe('live collector against a hostile API', () => {
  const guard = guardLoopbackOnly();
  let emulator: RunningEmulator;
  let orgEmulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator(worldFromSnapshot(compliantSnapshot()));
    orgEmulator = await startEmulator(loadWorld(bundledOrgFile()));
  });
  afterAll(async () => {
    guard.restore();
    await emulator.close();
    await orgEmulator.close();
  });

  /** Collects through a hostile server playing `plays`; returns the run and what the server saw. */
  async function collectThrough(plays: Play[], options: Partial<LiveOptions> = {}, scope: LiveScope = PROJECT, upstream = emulator) {
    const hostile = await startHostile(upstream.url, plays);
    const url = new URL(hostile.url);
    const endpoints = { compute: url, container: url, dns: url, asset: url } as Record<LiveService, URL>;
    const started = performance.now();
    try {
      const result = await collectLive({ scope, endpoints, policy: FAST, hooks: { random: () => 0.5 }, ...options }).catch((e: unknown) => e);
      return { result, requests: hostile.requests, ms: performance.now() - started };
    } finally {
      await hostile.close();
    }
  }

  const snapshotOf = (r: unknown) => {
    if (r instanceof Error) throw r;
    return (r as Awaited<ReturnType<typeof collectLive>>).snapshot;
  };

  it('stops a list whose page token repeats, as a read error, after two requests', async () => {
    const run = await collectThrough([repeatedToken(/\/global\/firewalls$/)]);
    const snapshot = snapshotOf(run.result);
    expect(snapshot.readErrors).toEqual([
      expect.objectContaining({ project: P, collection: 'firewalls', reason: 'PAGE_TOKEN_REPEATED', message: expect.stringContaining('already given') }),
    ]);
    expect(run.requests.filter((r) => r.path.endsWith('/global/firewalls'))).toHaveLength(2);
    expect(snapshot.firewalls).toEqual([]);
  });

  it('stops lists that never end at --max-pages, for compute, aggregated compute and dns lists', async () => {
    const run = await collectThrough([endlessTokens(/\/global\/routes$|\/aggregated\/subnetworks$|\/managedZones$/)], { maxPages: 5 });
    const snapshot = snapshotOf(run.result);
    // The regional firewall policies are asked per region of the subnetworks: unknown with them.
    expect(snapshot.readErrors.map((e) => [e.collection, e.reason]).sort()).toEqual([
      ['firewallPolicies', 'TOO_MANY_PAGES'],
      ['managedZones', 'TOO_MANY_PAGES'],
      ['routes', 'TOO_MANY_PAGES'],
      ['subnetworks', 'TOO_MANY_PAGES'],
    ]);
    expect(run.requests.filter((r) => r.played)).toHaveLength(15);
  });

  it('stops an asset stream that never ends, naming the scope', async () => {
    const run = await collectThrough([endlessTokens(/\/assets$/)], { maxPages: 4 }, { kind: 'organization', id: ORG }, orgEmulator);
    expect(run.result).toBeInstanceOf(ScopeError);
    expect((run.result as Error).message).toMatch(/more than 4 pages/);
    // Every stream (one per asset type group) stops at its fourth page.
    expect(run.requests.filter((r) => r.path.endsWith('/assets'))).toHaveLength(4 * SCOPE_STREAMS.length);
  });

  it.each([
    ['compute', /\/global\/firewalls$/, 'firewalls'],
    ['container', /\/clusters$/, 'clusters'],
    ['dns', /\/managedZones$/, 'managedZones'],
  ] as const)('never follows a redirect of the %s API: a read error naming the location', async (_api, path, collection) => {
    const run = await collectThrough([redirect(path, 'http://attacker.example/steal')]);
    const snapshot = snapshotOf(run.result);
    expect(snapshot.readErrors).toEqual([
      expect.objectContaining({ project: P, collection, status: 302, reason: 'REDIRECT', message: expect.stringContaining('"http://attacker.example/steal"') }),
    ]);
    expect(guard.refused).toEqual([]);
    expect(run.requests.filter((r) => r.played)).toHaveLength(1);
  });

  it('never follows a redirect of the asset API either, even to the loopback', async () => {
    const run = await collectThrough([redirect(/\/assets$/, 'http://127.0.0.1:9/elsewhere', 307)], {}, { kind: 'organization', id: ORG }, orgEmulator);
    expect(run.result).toBeInstanceOf(ScopeError);
    expect((run.result as Error).message).toContain('"http://127.0.0.1:9/elsewhere"');
    expect(guard.attempts.filter((h) => h !== '127.0.0.1')).toEqual([]);
  });

  it('reads a firewall list of the wrong shape as a read error, so the firewall rules are not evaluated instead of passing', async () => {
    const run = await collectThrough([fixed(/\/global\/firewalls$/, { items: [1, 2, 3] })]);
    const snapshot = snapshotOf(run.result);
    expect(snapshot.readErrors).toEqual([expect.objectContaining({ project: P, collection: 'firewalls', reason: 'BAD_RESPONSE' })]);
    const results = audit(snapshot, defaultPolicy(), { failOn: 'high' }).results.filter((r) => FIREWALL_RULES.includes(r.ruleId));
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 'not-evaluated')).toBe(true);
  });

  it.each([
    ['an octal-looking range', { sourceRanges: ['010.100.0.0/16'] }, /sourceRanges\[0\] is not an address or range in canonical form/],
    ['a shortened range', { destinationRanges: ['10.100/16'] }, /destinationRanges\[0\]/],
    ['an integer address', { sourceRanges: ['167772160'] }, /sourceRanges\[0\]/],
    ['an IPv6 zone id', { sourceRanges: ['fe80::1%eth0/64'] }, /sourceRanges\[0\]/],
    ['a priority above 65535', { priority: 70000 }, /priority/],
  ])('refuses a firewall with %s: a read error naming the resource and field', async (_what, change, message) => {
    const run = await collectThrough([
      rewrite(/\/global\/firewalls$/, (json) => ({ ...json, items: (json.items as object[]).map((f, i) => (i === 0 ? { ...f, ...change } : f)) })),
    ]);
    const snapshot = snapshotOf(run.result);
    expect(snapshot.readErrors).toEqual([expect.objectContaining({ collection: 'firewalls', reason: 'BAD_RESPONSE', message: expect.stringMatching(message) })]);
    expect(snapshot.readErrors[0].message).toMatch(/^firewalls resource "[^"]+": \$\./);
    expect(snapshot.firewalls).toEqual([]);
  });

  it('refuses a malformed asset: that collection of that project is unread, the rest is kept', async () => {
    const run = await collectThrough(
      [
        rewrite(/\/assets$/, (json) => ({
          ...json,
          assets: (json.assets as { assetType: string; resource: { data: unknown } }[]).map((a) =>
            a.assetType === 'compute.googleapis.com/Firewall' && JSON.stringify(a).includes('acme-prod-platform')
              ? { ...a, resource: { ...a.resource, data: { ...(a.resource.data as object), sourceRanges: ['0x0a000000/8'] } } }
              : a,
          ),
        })),
      ],
      {},
      { kind: 'organization', id: ORG },
      orgEmulator,
    );
    const snapshot = snapshotOf(run.result);
    const bad = snapshot.readErrors.filter((e) => e.reason === 'BAD_RESPONSE');
    expect(bad).toEqual([expect.objectContaining({ project: P, collection: 'firewalls', message: expect.stringContaining('sourceRanges[0]') })]);
    expect(snapshot.firewalls.filter((f) => f.project === P)).toEqual([]);
    expect(snapshot.firewalls.length).toBeGreaterThan(0);
  });

  it('caps a response by its decompressed size: a gzip bomb is a read error, not an out-of-memory', async () => {
    const run = await collectThrough([gzipBomb(/\/global\/routes$/, 8 * 1024 * 1024)], { maxResponseBytes: 1024 * 1024 });
    const snapshot = snapshotOf(run.result);
    expect(snapshot.readErrors).toEqual([expect.objectContaining({ collection: 'routes', reason: 'RESPONSE_TOO_LARGE' })]);
  });

  it('ends at the run deadline: calls still hanging are aborted and become read errors (not evaluated)', async () => {
    const run = await collectThrough([hang(/\/global\/firewalls$|\/rrsets$/)], { policy: { ...FAST, timeoutMs: 60_000, deadlineMs: 1_500 } });
    const snapshot = snapshotOf(run.result);
    expect(run.ms).toBeLessThan(15_000);
    const deadline = snapshot.readErrors.filter((e) => e.reason === 'DEADLINE');
    expect(deadline.map((e) => e.collection)).toContain('firewalls');
    expect(deadline.every((e) => /deadline of 1500 ms/.test(e.message))).toBe(true);
    const report = audit(snapshot, defaultPolicy(), { failOn: 'high' });
    expect(report.results.filter((r) => FIREWALL_RULES.includes(r.ruleId)).every((r) => r.status === 'not-evaluated')).toBe(true);
    expect(report.verdict.exitCode).toBe(3);
  });

  it('makes only GET requests, to the loopback only, whatever the server plays', async () => {
    const run = await collectThrough([redirect(/\/global\/routes$/, 'https://example.com/'), repeatedToken(/\/global\/firewalls$/)]);
    expect(run.requests.every((r) => r.method === 'GET')).toBe(true);
    // The dns client's paging options stay the library's: Google rejects unknown query parameters.
    const dns = run.requests.filter((r) => r.path.startsWith('/dns/v1/'));
    expect(dns.length).toBeGreaterThan(0);
    expect(dns.filter((r) => /autoPaginate|objectMode|\{\{/.test(decodeURIComponent(r.query)) || r.path.includes('{{'))).toEqual([]);
    expect(guard.refused).toEqual([]);
  });
});
