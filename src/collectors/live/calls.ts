/**
 * Every API call of the live collector goes through one Caller, which keeps each API (compute,
 * container, dns, asset) within its own bounds: calls in flight, requests started per second (a
 * quota is per API, and one API's backlog must not hold another's calls up), and a retry budget
 * for the whole run, after which throttled calls fail at once instead of hammering a service that
 * is already saying no. Every attempt has a timeout (the clients' own cannot be trusted to fire);
 * 429s, 5xx-unavailable and timeouts are retried with exponential backoff and full jitter, up to a
 * bound. The clients' built-in retries are off, so this is the only retry loop and every HTTP
 * request is counted once, per API.
 */
import { setMaxListeners } from 'node:events';
import pLimit, { type LimitFunction } from 'p-limit';

/** The APIs the live collector calls; quotas, limits and counts are kept per API. */
export const LIVE_APIS = ['compute', 'container', 'dns', 'asset'] as const;
export type LiveApi = (typeof LIVE_APIS)[number];

export interface CallPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt, for 429, 5xx-unavailable and timeouts. */
  retries: number;
  /** Calls in flight at once, for every API alike (`--concurrency`); undefined: each API's own default (API_LIMITS). */
  concurrency?: number;
  /** First backoff ceiling; doubles per retry up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /**
   * Requests started per second, per API (retries included), evenly spaced (`--max-rps`);
   * undefined: each API's default quota pacing (API_LIMITS), if it has one.
   */
  maxRps?: number;
  /**
   * Retries allowed per API over the whole run; once spent, a retryable failure fails at once.
   * Undefined: the larger of RETRY_BUDGET_FLOOR and RETRY_BUDGET_SHARE of the calls made so far,
   * so a large organization gets proportionally more room than a single project.
   */
  retryBudget?: number;
  /**
   * The whole run's deadline (`--deadline`), from the Caller's creation: past it nothing more is
   * asked, calls in flight are aborted and what is left becomes read errors (not evaluated).
   */
  deadlineMs?: number;
}

export const DEFAULT_CALL_POLICY: CallPolicy = { timeoutMs: 30_000, retries: 5, backoffMs: 250, maxBackoffMs: 10_000 };

/** What an API's published default quota allows one caller, and the defaults taken from it. */
export interface ApiLimit {
  /** Calls in flight at once when `--concurrency` is not given. */
  concurrency: number;
  /** The default per-minute request quota the collector paces itself against; undefined: not published. */
  quotaPerMinute?: number;
  /**
   * Whose quota a call spends. `resource`: the project that holds the resource the call reads (a
   * resource-based API: https://cloud.google.com/docs/quotas/quota-project), so every project has a
   * quota of its own; `consumer`: the caller's one quota project, shared by every call.
   */
  quotaProject: 'resource' | 'consumer';
  /** Where the quota is stated. */
  source: string;
}

/**
 * Per-API defaults, from each API's default quota (a project may have more; `--concurrency` and
 * `--max-rps` override). A quota is counted per minute, so the pacing is a bucket that holds one
 * minute of it: a run that needs fewer calls than that runs at full speed, a larger one starts its
 * calls at the quota's own rate instead of collecting 429s (or compute's 403 rateLimitExceeded,
 * which is not retryable). Compute, Kubernetes Engine and Cloud DNS are resource-based APIs: a call
 * spends the quota of the project it reads, so each project has its own bucket, and the calls in
 * flight are what an organization's many projects can use at once without one project going past
 * its own rate (it reaches 1,500 a minute with 25 in flight at a slow one-second answer, Little's
 * law: in flight = rate × latency). Cloud Asset Inventory is client-based: every call spends the
 * caller's one quota project; its pages are dependent chains, so it has one slot per stream (see
 * SCOPE_STREAMS), with room for the types still to come.
 */
export const API_LIMITS: Record<LiveApi, ApiLimit> = {
  // ListAssets: 100 per minute per consumer project (and 800 per minute per organization).
  asset: { concurrency: 24, quotaPerMinute: 100, quotaProject: 'consumer', source: 'https://cloud.google.com/asset-inventory/docs/quota' },
  // Read and list requests: 1,500 per minute per project (ReadRequestsPerMinutePerProject).
  compute: { concurrency: 100, quotaPerMinute: 1_500, quotaProject: 'resource', source: 'https://cloud.google.com/compute/api-quota' },
  // Kubernetes Engine API: 3,000 requests per minute per project.
  container: { concurrency: 50, quotaPerMinute: 3_000, quotaProject: 'resource', source: 'https://cloud.google.com/kubernetes-engine/quotas' },
  // "Read limit for a minute for a region": named on the quotas page, its default value only shown in
  // the console; no pacing is assumed, and the retry budget bounds what 429s it answers.
  dns: { concurrency: 16, quotaProject: 'resource', source: 'https://cloud.google.com/dns/quotas' },
};
export const RETRY_BUDGET_FLOOR = 100;
export const RETRY_BUDGET_SHARE = 0.1;

/** gRPC status codes (gax errors) → HTTP status. */
const GRPC_TO_HTTP: Record<number, number> = { 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401 };

const RETRYABLE = new Set([0, 429, 502, 503, 504]);

/** A call that failed for good: what a ReadError is made of. */
export class CallFailure extends Error {
  constructor(
    /** HTTP status, 0 for a timeout or a network failure. */
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'CallFailure';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.status);
  }
}

interface ClientError {
  code?: unknown;
  name?: string;
  message?: string;
  reason?: unknown;
  errors?: { reason?: string; message?: string }[];
  response?: { body?: unknown };
}

/** The ErrorInfo reason of a Google error body, if the body is at hand (the dns client keeps it). */
function reasonFromBody(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const details = (JSON.parse(body) as { error?: { details?: { '@type'?: string; reason?: string }[] } }).error?.details ?? [];
    return details.find((d) => d['@type']?.endsWith('google.rpc.ErrorInfo'))?.reason;
  } catch {
    return undefined;
  }
}

function firstLine(message: string | undefined): string {
  const line = (message ?? 'unknown error').split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Turns whatever a client threw into a CallFailure (status, reason, one-line message). */
export function classify(error: unknown): CallFailure {
  if (error instanceof CallFailure) return error;
  const e = (error ?? {}) as ClientError;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new CallFailure(0, 'no answer before the timeout', 'TIMEOUT');
  if (typeof e.code === 'number') {
    // gax errors carry gRPC codes (small numbers); the dns client carries the HTTP status.
    const status = e.code >= 100 ? e.code : (GRPC_TO_HTTP[e.code] ?? 500);
    const reason = (typeof e.reason === 'string' && e.reason) || reasonFromBody(e.response?.body) || undefined;
    return new CallFailure(status, firstLine(e.message?.replace(/^\d+ [A-Z_]+: /, '')), reason);
  }
  if (typeof e.code === 'string') return new CallFailure(0, firstLine(e.message), e.code);
  return new CallFailure(0, firstLine(e.message ?? String(error)), 'NETWORK');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects with the run's end reason once `signal` aborts (the listener goes with the promise). */
function whenAborted(signal: AbortSignal, cleanup: (off: () => void) => void): Promise<never> {
  return new Promise<never>((_, reject) => {
    const onAbort = () => reject(endFailure(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    cleanup(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Why the run stopped asking: its deadline, or its end. */
export function endFailure(signal: AbortSignal): CallFailure {
  const reason = signal.reason as unknown;
  return reason instanceof CallFailure ? reason : new CallFailure(0, 'the run ended before this was read', 'RUN_ENDED');
}

/**
 * Spaces request starts `1000 / rps` ms apart (a token bucket holding one token): in any window of
 * one second at most `rps` requests start, plus one at the window's edge. Callers wait in order.
 */
export class RateLimiter {
  private next = 0;

  constructor(
    readonly rps: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rps > 0)) throw new RangeError(`requests per second must be positive, got ${rps}`);
  }

  /** Resolves when the caller may start its request. */
  take(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rps;
    return at > now ? sleep(at - now) : Promise.resolve();
  }
}

/**
 * A per-minute quota as a bucket: it holds `perMinute` requests and refills at `perMinute / 60`
 * a second. Requests start at once while the bucket has some; after that, in order, at the
 * refill rate. A run that fits in one minute of quota is never slowed down.
 */
export class QuotaBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perMinute > 0)) throw new RangeError(`a quota must be positive, got ${perMinute}`);
    this.tokens = perMinute;
    this.last = this.now();
  }

  /** Resolves when the caller may start its request. */
  take(): Promise<void> {
    const now = this.now();
    const perMs = this.perMinute / 60_000;
    this.tokens = Math.min(this.perMinute, this.tokens + (now - this.last) * perMs);
    this.last = now;
    // Spent into debt: the debt is the queue, each caller waits for its own token.
    this.tokens -= 1;
    return this.tokens >= 0 ? Promise.resolve() : sleep(-this.tokens / perMs);
  }
}

/** Counts of one API over the run. */
export interface ApiStats {
  /** HTTP attempts (first attempts and retries). */
  calls: number;
  retried: number;
  /** Calls that failed for good (after their retries, or at once when not retryable). */
  failed: number;
  /** Retryable failures not retried because the API's retry budget was spent. */
  budgetRefusals: number;
}

export interface CallHooks {
  /** Each HTTP attempt, as it starts. */
  onCall?(what: string, api: LiveApi): void;
  onRetry?(what: string, failure: CallFailure, api: LiveApi): void;
  /** Jitter source (tests pass a fixed one). */
  random?: () => number;
}

type Pacer = { take(): Promise<void> };

class ApiLane {
  readonly stats: ApiStats = { calls: 0, retried: 0, failed: 0, budgetRefusals: 0 };
  private readonly perProject = new Map<string, QuotaBucket>();

  constructor(
    readonly limit: LimitFunction,
    /** One pacing for every call of the API (`--max-rps`, or a consumer project's quota). */
    private readonly shared: Pacer | undefined,
    /** A resource-based API's quota per minute: each project read gets a bucket of its own. */
    private readonly projectQuota: number | undefined,
  ) {}

  /** The pacing a call that spends `project`'s quota waits for (a call naming none shares one bucket). */
  pacer(project: string | undefined): Pacer | undefined {
    if (this.projectQuota === undefined) return this.shared;
    const key = project ?? '';
    let bucket = this.perProject.get(key);
    if (!bucket) this.perProject.set(key, (bucket = new QuotaBucket(this.projectQuota)));
    return bucket;
  }
}

export class Caller {
  private readonly lanes = new Map<LiveApi, ApiLane>();
  private readonly ending = new AbortController();
  private readonly deadlineTimer?: NodeJS.Timeout;

  constructor(
    readonly policy: CallPolicy,
    private readonly hooks: CallHooks = {},
  ) {
    // Every call in flight listens to it: as many listeners as calls, by design.
    setMaxListeners(0, this.ending.signal);
    if (policy.deadlineMs !== undefined) {
      const failure = new CallFailure(0, `the run deadline of ${policy.deadlineMs} ms passed before this was read`, 'DEADLINE');
      this.deadlineTimer = setTimeout(() => this.end(failure), policy.deadlineMs);
      // The deadline never holds the process open on its own.
      this.deadlineTimer.unref();
    }
  }

  /** Aborted at the deadline or at end(): every transport request listens to it. */
  get signal(): AbortSignal {
    return this.ending.signal;
  }

  /** Stops the run: nothing more is asked, and every call in flight or backing off fails with `reason`. */
  end(reason: CallFailure = new CallFailure(0, 'the run ended before this was read', 'RUN_ENDED')): void {
    clearTimeout(this.deadlineTimer);
    if (!this.ending.signal.aborted) this.ending.abort(reason);
  }

  private lane(api: LiveApi): ApiLane {
    let lane = this.lanes.get(api);
    if (!lane) {
      const limits = API_LIMITS[api];
      const quota = this.policy.maxRps ? undefined : limits.quotaPerMinute;
      const shared = this.policy.maxRps ? new RateLimiter(this.policy.maxRps) : quota && limits.quotaProject === 'consumer' ? new QuotaBucket(quota) : undefined;
      lane = new ApiLane(pLimit(this.policy.concurrency ?? limits.concurrency), shared, limits.quotaProject === 'resource' ? quota : undefined);
      this.lanes.set(api, lane);
    }
    return lane;
  }

  /** HTTP attempts over every API. */
  get calls(): number {
    return [...this.lanes.values()].reduce((n, l) => n + l.stats.calls, 0);
  }

  get retried(): number {
    return [...this.lanes.values()].reduce((n, l) => n + l.stats.retried, 0);
  }

  /** Per API that was called, in LIVE_APIS order. */
  stats(): Partial<Record<LiveApi, ApiStats>> {
    const out: Partial<Record<LiveApi, ApiStats>> = {};
    for (const api of LIVE_APIS) {
      const lane = this.lanes.get(api);
      if (lane) out[api] = { ...lane.stats };
    }
    return out;
  }

  /** Full jitter: a uniform wait between 0 and the exponential ceiling. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxBackoffMs, this.policy.backoffMs * 2 ** attempt);
    return Math.round((this.hooks.random ?? Math.random)() * ceiling);
  }

  /** Retries the API may still spend. */
  private budgetLeft(lane: ApiLane): number {
    const budget = this.policy.retryBudget ?? Math.max(RETRY_BUDGET_FLOOR, Math.floor(RETRY_BUDGET_SHARE * lane.stats.calls));
    return budget - lane.stats.retried;
  }

  /**
   * Runs one API call (`attempt` makes exactly one HTTP request) under the API's limits, timeout and
   * retry policy. `project`: the project whose resources the call reads, whose quota a
   * resource-based API charges.
   */
  async run<T>(api: LiveApi, what: string, attempt: () => Promise<T>, project?: string): Promise<T> {
    const lane = this.lane(api);
    const pacer = lane.pacer(project);
    for (let n = 0; ; n++) {
      try {
        return await lane.limit(() => this.once(lane, pacer, api, what, attempt));
      } catch (e) {
        if (this.signal.aborted) {
          lane.stats.failed++;
          throw endFailure(this.signal);
        }
        const failure = classify(e);
        const attempts = n > 0 ? ` (after ${n + 1} attempts)` : '';
        if (!failure.retryable || n >= this.policy.retries) {
          lane.stats.failed++;
          throw new CallFailure(failure.status, `${failure.message}${attempts}`, failure.reason);
        }
        if (this.budgetLeft(lane) <= 0) {
          lane.stats.failed++;
          lane.stats.budgetRefusals++;
          throw new CallFailure(failure.status, `${failure.message}${attempts}; not retried: the ${api} retry budget of this run is spent`, 'RETRY_BUDGET_EXHAUSTED');
        }
        lane.stats.retried++;
        this.hooks.onRetry?.(what, failure, api);
        // Waiting happens outside the limit, so a backing-off call does not hold a slot.
        await this.wait(this.backoff(n));
      }
    }
  }

  /** A backoff that the run's end cuts short. */
  private async wait(ms: number): Promise<void> {
    let off = () => {};
    await Promise.race([sleep(ms), whenAborted(this.signal, (f) => (off = f))]).finally(() => off());
  }

  private async once<T>(lane: ApiLane, pacer: Pacer | undefined, api: LiveApi, what: string, attempt: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) throw endFailure(this.signal);
    await pacer?.take();
    if (this.signal.aborted) throw endFailure(this.signal);
    lane.stats.calls++;
    this.hooks.onCall?.(what, api);
    let timer: NodeJS.Timeout | undefined;
    let off = () => {};
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallFailure(0, `no answer within ${this.policy.timeoutMs} ms`, 'TIMEOUT')), this.policy.timeoutMs);
    });
    return Promise.race([attempt(), timeout, whenAborted(this.signal, (f) => (off = f))]).finally(() => {
      clearTimeout(timer);
      off();
    });
  }
}

/** `asset 22 calls (1 retried, 0 failed); dns 3000 calls (30 retried, 0 failed)`: the summary line's body. */
export function formatApiStats(stats: Partial<Record<LiveApi, ApiStats>>): string {
  const parts = LIVE_APIS.filter((api) => stats[api]).map((api) => {
    const s = stats[api]!;
    const refused = s.budgetRefusals ? `, ${s.budgetRefusals} not retried: budget spent` : '';
    return `${api} ${s.calls} call(s) (${s.retried} retried, ${s.failed} failed${refused})`;
  });
  return parts.length ? parts.join('; ') : 'no API calls';
}
