import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compliantSnapshot } from '../../helpers/fixtures.js';
import { worldFromSnapshot } from '../../../src/emulator/world.js';
import { audit } from '../../../src/engine/audit.js';
import { defaultPolicy } from '../../../src/engine/policy.js';
import { API_LIMITS, Caller, CallFailure, classify, formatApiStats, QuotaBucket, RateLimiter } from '../../../src/collectors/live/calls.js';
import { collectFrom, comparable, guardLoopbackOnly } from './harness.js';

const P = 'acme-prod-platform';

/** The compliant project inside an organization, so its perimeters can be listed. */
const orgWorld = () => worldFromSnapshot(compliantSnapshot(), { organization: { id: '433637338589' }, folders: [], projects: [] });

describe('live collector under faults', () => {
  const guard = guardLoopbackOnly();
  afterAll(() => guard.restore());
  let baseline: Awaited<ReturnType<typeof collectFrom>>;

  beforeAll(async () => {
    baseline = await collectFrom(orgWorld(), { kind: 'projects', projects: [P] });
  });

  it('retries 429 and 503 answers on a share of calls and ends with a complete snapshot', async () => {
    const faulty = await collectFrom(
      orgWorld(),
      { kind: 'projects', projects: [P] },
      { fault429: 0.25, fault503: 0.25, seed: 7, pageSize: 2 },
      { policy: { timeoutMs: 2_000, retries: 8, concurrency: 4, backoffMs: 1, maxBackoffMs: 5 } },
    );
    const statuses = faulty.emulator.requests.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(503);
    expect(faulty.stats.retries).toBe(statuses.filter((s) => s !== 200).length);
    expect(faulty.snapshot.readErrors).toEqual([]);
    expect(comparable(faulty.snapshot)).toEqual(comparable(baseline.snapshot));
    // Every attempt, retries included, reached the emulator and nothing else.
    expect(faulty.stats.calls).toBe(faulty.emulator.requests.length);
    expect(guard.refused).toEqual([]);
  });

  it('gives up on a call that never answers after its timeout and retries, so the rules needing it are not evaluated', async () => {
    const hung = await collectFrom(
      orgWorld(),
      { kind: 'projects', projects: [P] },
      { hang: 1, faultPath: /\/global\/firewalls$/ },
      { policy: { timeoutMs: 200, retries: 1, concurrency: 8, backoffMs: 1, maxBackoffMs: 5 } },
    );
    expect(hung.snapshot.readErrors).toEqual([
      { project: P, collection: 'firewalls', status: 0, reason: 'TIMEOUT', message: expect.stringMatching(/no answer .*\(after 2 attempts\)/) },
    ]);
    expect(hung.emulator.requests.filter((r) => r.path.endsWith('/global/firewalls'))).toHaveLength(2);
    expect(hung.snapshot.firewalls).toEqual([]);
    expect(comparable(hung.snapshot).clusters).toEqual(comparable(baseline.snapshot).clusters);

    const report = audit(hung.snapshot, defaultPolicy(), { failOn: 'high' });
    const firewallRules = report.results.filter((r) => ['vip-egress-firewall', 'egress-default-deny', 'health-check-ingress'].includes(r.ruleId));
    expect(firewallRules.length).toBeGreaterThan(0);
    expect(firewallRules.every((r) => r.status === 'not-evaluated')).toBe(true);
    expect(report.verdict.exitCode).toBe(3);
  });

  it('bounds DNS reads too: hung record-set reads end as read errors of their zones', async () => {
    const hung = await collectFrom(
      orgWorld(),
      { kind: 'projects', projects: [P] },
      { hang: 1, faultPath: /\/managedZones\/gcr-io\/rrsets$/ },
      // Long enough that the calls that do answer (the asset client's first one included) never
      // time out on a loaded machine; the hung one always does.
      { policy: { timeoutMs: 1_000, retries: 0, concurrency: 8, backoffMs: 1, maxBackoffMs: 5 } },
    );
    expect(hung.snapshot.readErrors).toEqual([
      { project: P, collection: 'recordSets', resource: `//dns.googleapis.com/projects/${P}/managedZones/gcr-io`, status: 0, reason: 'TIMEOUT', message: expect.any(String) },
    ]);
    expect(hung.snapshot.managedZones.find((z) => z.name === 'gcr-io')!.recordSets).toBeUndefined();
    expect(hung.snapshot.managedZones.find((z) => z.name === 'googleapis')!.recordSets).toHaveLength(4);
  });
});

describe('Caller', () => {
  const policy = { timeoutMs: 50, retries: 3, concurrency: 2, backoffMs: 8, maxBackoffMs: 20 };

  it('retries retryable failures up to the bound, then reports the last one', async () => {
    const caller = new Caller(policy, { random: () => 0 });
    let attempts = 0;
    const failure = await caller
      .run('compute', 'x', async () => {
        attempts++;
        throw Object.assign(new Error('8 RESOURCE_EXHAUSTED: slow down'), { code: 8 });
      })
      .catch((e: unknown) => e);
    expect(attempts).toBe(4);
    expect(failure).toBeInstanceOf(CallFailure);
    expect(failure).toMatchObject({ status: 429, message: 'slow down (after 4 attempts)' });
    expect(caller.calls).toBe(4);
    expect(caller.retried).toBe(3);
  });

  it('does not retry a refusal', async () => {
    const caller = new Caller(policy);
    let attempts = 0;
    await expect(
      caller.run('compute', 'x', async () => {
        attempts++;
        throw Object.assign(new Error('forbidden'), { code: 403, response: { body: JSON.stringify({ error: { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }] } }) } });
      }),
    ).rejects.toMatchObject({ status: 403, reason: 'SERVICE_DISABLED' });
    expect(attempts).toBe(1);
  });

  it('bounds backoff by full jitter under an exponential ceiling', () => {
    const top = new Caller(policy, { random: () => 0.999999 });
    expect([0, 1, 2, 3].map((n) => top.backoff(n))).toEqual([8, 16, 20, 20]);
    expect(new Caller(policy, { random: () => 0 }).backoff(5)).toBe(0);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const caller = new Caller({ ...policy, timeoutMs: 1_000 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        caller.run('compute', 'x', async () => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((r) => setTimeout(r, 5));
          inFlight--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('classifies gRPC codes, HTTP statuses and aborts', () => {
    expect(classify(Object.assign(new Error('x'), { code: 7, reason: 'IAM_PERMISSION_DENIED' }))).toMatchObject({ status: 403, reason: 'IAM_PERMISSION_DENIED', retryable: false });
    expect(classify(Object.assign(new Error('x'), { code: 14 }))).toMatchObject({ status: 503, retryable: true });
    expect(classify(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toMatchObject({ status: 0, reason: 'TIMEOUT', retryable: true });
    expect(classify(Object.assign(new Error('x'), { code: 404 }))).toMatchObject({ status: 404, retryable: false });
  });
});

describe('per-API limits', () => {
  const policy = { timeoutMs: 1_000, retries: 5, concurrency: 1, backoffMs: 0, maxBackoffMs: 0 };
  const throttled = () => Promise.reject(Object.assign(new Error('8 RESOURCE_EXHAUSTED: slow down'), { code: 8 }));

  it('spends a retry budget per API, then fails retryable calls at once', async () => {
    const caller = new Caller({ ...policy, retryBudget: 3 });
    const dns = await Promise.all([1, 2, 3].map(() => caller.run('dns', 'x', throttled).catch((e: CallFailure) => e)));
    expect(dns.map((e) => e.reason)).toEqual(['RETRY_BUDGET_EXHAUSTED', 'RETRY_BUDGET_EXHAUSTED', 'RETRY_BUDGET_EXHAUSTED']);
    expect(dns[0].message).toMatch(/the dns retry budget of this run is spent/);
    // Another API keeps its own budget.
    const other = await caller.run('asset', 'x', throttled).catch((e: CallFailure) => e);
    expect(other.message).toMatch(/after 4 attempts/);
    expect(caller.stats()).toEqual({
      dns: { calls: 6, retried: 3, failed: 3, budgetRefusals: 3 },
      asset: { calls: 4, retried: 3, failed: 1, budgetRefusals: 1 },
    });
    expect(formatApiStats(caller.stats())).toBe('dns 6 call(s) (3 retried, 3 failed, 3 not retried: budget spent); asset 4 call(s) (3 retried, 1 failed, 1 not retried: budget spent)');
  });

  it('without a budget, allows the larger of 100 retries and a tenth of the calls made', async () => {
    const caller = new Caller({ ...policy, retries: 1000 });
    const failure = await caller.run('compute', 'x', throttled).catch((e: CallFailure) => e);
    expect(failure.reason).toBe('RETRY_BUDGET_EXHAUSTED');
    expect(caller.stats().compute).toMatchObject({ calls: 101, retried: 100 });
  });

  it('keeps one API within its concurrency while another goes on', async () => {
    const caller = new Caller({ ...policy, concurrency: 1 });
    let release: () => void = () => {};
    const held = caller.run('dns', 'x', () => new Promise<void>((r) => (release = r)));
    await expect(caller.run('asset', 'x', async () => 'through')).resolves.toBe('through');
    release();
    await held;
  });

  /** Runs `body` with every timer's delay recorded in `waits` (and each timer fired at once). */
  async function recordingTimers(body: (waits: number[]) => Promise<void>): Promise<void> {
    const waits: number[] = [];
    const real = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      waits.push(ms);
      return real(fn, 0);
    }) as typeof setTimeout;
    try {
      await body(waits);
    } finally {
      globalThis.setTimeout = real;
    }
  }

  it('spaces request starts 1000/rps ms apart on a rate limiter', async () => {
    let now = 0;
    const limiter = new RateLimiter(4, () => now);
    await recordingTimers(async (waits) => {
      await Promise.all([limiter.take(), limiter.take(), limiter.take()]);
      now = 1000;
      await limiter.take();
      // First at once, then 250 and 500 ms later; after an idle second, at once again.
      expect(waits).toEqual([250, 500]);
    });
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });

  it('paces an API at its per-minute quota only once a minute\'s worth is spent (QuotaBucket)', async () => {
    let now = 0;
    const bucket = new QuotaBucket(60, () => now); // one a second
    await recordingTimers(async (waits) => {
      // A minute's quota starts at once; the next three wait for the refill, one second apart.
      await Promise.all(Array.from({ length: 63 }, () => bucket.take()));
      expect(waits.map(Math.round)).toEqual([1000, 2000, 3000]);
      // Ten idle seconds refill ten (less the three owed): seven start at once, the eighth waits.
      now = 10_000;
      waits.length = 0;
      await Promise.all(Array.from({ length: 8 }, () => bucket.take()));
      expect(waits.map(Math.round)).toEqual([1000]);
    });
    expect(() => new QuotaBucket(0)).toThrow(RangeError);
  });

  it('paces a resource-based API per project read, a client-based one over the whole run', async () => {
    const policy = { timeoutMs: 99_999, retries: 0, backoffMs: 0, maxBackoffMs: 0, concurrency: 10_000 };
    /** The pacing waits of `n` calls, the i-th reading project(i). */
    const pacingWaits = async (api: 'compute' | 'asset', n: number, project: (i: number) => string, extra: object = {}) => {
      let seen: number[] = [];
      await recordingTimers(async (waits) => {
        const caller = new Caller({ ...policy, ...extra });
        await Promise.all(Array.from({ length: n }, (_, i) => caller.run(api, 'x', async () => undefined, project(i))));
        caller.end();
        seen = waits.filter((w) => w !== policy.timeoutMs);
      });
      return seen;
    };
    // Compute spends the quota of the project it reads (1,500 a minute each): 1,600 calls to one
    // project wait for its refill, 800 to each of two never do.
    expect(API_LIMITS.compute.quotaProject).toBe('resource');
    expect((await pacingWaits('compute', 1_600, () => 'a')).length).toBeGreaterThanOrEqual(90);
    expect(await pacingWaits('compute', 1_600, (i) => (i % 2 ? 'a' : 'b'))).toEqual([]);
    // The asset API spends the caller's one quota project (100 a minute), whatever the calls read.
    expect(API_LIMITS.asset.quotaProject).toBe('consumer');
    expect((await pacingWaits('asset', 150, (i) => `p${i}`)).length).toBeGreaterThanOrEqual(45);
    // --max-rps is one pace for the API, whatever project a call reads.
    expect((await pacingWaits('compute', 10, (i) => `p${i}`, { maxRps: 5 })).length).toBe(9);
  });

  it('takes each API\'s concurrency from its quota unless --concurrency is given', async () => {
    const inFlight = async (caller: Caller, api: 'compute' | 'asset') => {
      let now = 0;
      let peak = 0;
      const release: (() => void)[] = [];
      // More calls than the API lets fly, fewer than a minute of its quota (the pacing is not under test).
      const calls = Array.from({ length: API_LIMITS[api].concurrency + 20 }, () =>
        caller.run(api, 'x', () => {
          peak = Math.max(peak, ++now);
          return new Promise<void>((r) => release.push(() => (now--, r())));
        }),
      );
      // Let every call that may start do so, then count them.
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
      const seen = peak;
      while (release.length) {
        release.shift()!();
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(calls);
      return seen;
    };
    const policy = { timeoutMs: 1_000, retries: 0, backoffMs: 0, maxBackoffMs: 0 };
    expect(await inFlight(new Caller(policy), 'compute')).toBe(API_LIMITS.compute.concurrency);
    expect(await inFlight(new Caller(policy), 'asset')).toBe(API_LIMITS.asset.concurrency);
    expect(await inFlight(new Caller({ ...policy, concurrency: 3 }), 'compute')).toBe(3);
  });
});
