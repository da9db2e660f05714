/**
 * Every API call of the live collector goes through one Caller: a global concurrency limit, a
 * timeout on every attempt (the clients' own timeouts cannot be trusted to fire), and retries of
 * throttling and transient errors with exponential backoff and full jitter, up to a bound. The
 * clients' built-in retries are switched off so this is the only retry loop and every HTTP request
 * is counted once.
 */
import pLimit, { type LimitFunction } from 'p-limit';

export interface CallPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt, for 429, 5xx-unavailable and timeouts. */
  retries: number;
  /** Calls in flight at once, over the whole collection. */
  concurrency: number;
  /** First backoff ceiling; doubles per retry up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_CALL_POLICY: CallPolicy = { timeoutMs: 30_000, retries: 5, concurrency: 16, backoffMs: 250, maxBackoffMs: 10_000 };

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CallHooks {
  /** Each HTTP attempt, as it starts. */
  onCall?(what: string): void;
  onRetry?(what: string, failure: CallFailure): void;
  /** Jitter source (tests pass a fixed one). */
  random?: () => number;
}

export class Caller {
  calls = 0;
  retried = 0;
  private readonly limit: LimitFunction;

  constructor(
    readonly policy: CallPolicy,
    private readonly hooks: CallHooks = {},
  ) {
    this.limit = pLimit(policy.concurrency);
  }

  /** Full jitter: a uniform wait between 0 and the exponential ceiling. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxBackoffMs, this.policy.backoffMs * 2 ** attempt);
    return Math.round((this.hooks.random ?? Math.random)() * ceiling);
  }

  /** Runs one API call (`attempt` makes exactly one HTTP request) under the limit, timeout and retry policy. */
  async run<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await this.limit(() => this.once(what, attempt));
      } catch (e) {
        const failure = classify(e);
        if (!failure.retryable || n >= this.policy.retries) {
          throw new CallFailure(failure.status, n > 0 ? `${failure.message} (after ${n + 1} attempts)` : failure.message, failure.reason);
        }
        this.retried++;
        this.hooks.onRetry?.(what, failure);
        // Waiting happens outside the limit, so a backing-off call does not hold a slot.
        await sleep(this.backoff(n));
      }
    }
  }

  private once<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    this.calls++;
    this.hooks.onCall?.(what);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallFailure(0, `no answer within ${this.policy.timeoutMs} ms`, 'TIMEOUT')), this.policy.timeoutMs);
    });
    return Promise.race([attempt(), timeout]).finally(() => clearTimeout(timer));
  }
}
