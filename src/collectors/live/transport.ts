/**
 * The one HTTP transport of the live collector: every request of the four official clients goes
 * through `guardedFetch` (gax clients through the auth object's `fetch`, the dns client through
 * `dnsRequest`, which replaces @google-cloud/common's teeny-request + node-fetch 3 pair: node-fetch 3
 * ignores the `timeout` option, so a hung dns request used to hold its socket, and the process,
 * forever). Here every request:
 * - has a deadline that aborts its socket (the attempt timeout, and the run's signal, which fires
 *   at `--deadline` and when the collection ends, so nothing in flight outlives the run);
 * - is never redirected: a 3xx is a CallFailure naming the location (`redirect: 'manual'`);
 * - has its body read against a size cap, counted after decompression (fetch inflates gzip and
 *   deflate itself, so the bytes counted are the bytes held in memory).
 */
import { CallFailure, endFailure } from './calls.js';

/** Far above any real page (compute pages of 500 routes are well under 2 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface TransportLimits {
  /** Per request. */
  timeoutMs: number;
  /** Aborted when the run ends or its deadline passes. */
  runSignal?: AbortSignal;
  /** Decompressed bytes of one response body. */
  maxResponseBytes: number;
}

/** The body, read to its end unless it grows past `max` (then the request is aborted). */
async function readCapped(response: Response, max: number, abort: () => void): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max && !response.headers.get('content-encoding')) {
    abort();
    throw tooLarge(max);
  }
  if (!response.body) return new Uint8Array(new ArrayBuffer(0));
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      abort();
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(new ArrayBuffer(size));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const tooLarge = (max: number) => new CallFailure(0, `the answer is larger than ${max} bytes (decompressed); not read`, 'RESPONSE_TOO_LARGE');

/** Why a request was aborted: the run's deadline (or end), else its own timeout. */
function abortFailure(limits: TransportLimits): CallFailure {
  if (limits.runSignal?.aborted) return endFailure(limits.runSignal);
  return new CallFailure(0, `no answer within ${limits.timeoutMs} ms`, 'TIMEOUT');
}

/**
 * fetch with the limits above. Resolves to a Response whose body is already read (so the socket is
 * released before the client parses it); rejects with a CallFailure for a redirect, an oversized
 * body, a timeout or the run's end.
 */
export async function guardedFetch(url: string | URL, init: RequestInit | undefined, limits: TransportLimits): Promise<Response> {
  const own = new AbortController();
  const signals = [own.signal, AbortSignal.timeout(limits.timeoutMs), ...(limits.runSignal ? [limits.runSignal] : []), ...(init?.signal ? [init.signal] : [])];
  const signal = AbortSignal.any(signals);
  try {
    const response = await fetch(url, { ...init, signal, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) {
      own.abort();
      const location = response.headers.get('location');
      throw new CallFailure(response.status, `the API answered a redirect to ${location ? JSON.stringify(location) : 'no location'}; redirects are not followed`, 'REDIRECT');
    }
    const body = await readCapped(response, limits.maxResponseBytes, () => own.abort());
    const headers = new Headers(response.headers);
    // The body handed on is the inflated one.
    headers.delete('content-encoding');
    headers.set('content-length', String(body.byteLength));
    return new Response(response.status === 204 || response.status === 304 ? null : body, { status: response.status, statusText: response.statusText, headers });
  } catch (e) {
    if (e instanceof CallFailure) throw e;
    if (signal.aborted) throw abortFailure(limits);
    throw e;
  }
}

/** The slice of a request-style options object that @google-cloud/common hands its transport. */
interface CommonRequest {
  uri?: string;
  url?: string;
  method?: string;
  qs?: Record<string, unknown>;
  headers?: Record<string, string>;
}

type CommonCallback = (error: Error | null, body?: unknown, response?: unknown) => void;

/** The error shape @google-cloud/common gives its callers (`code` is the HTTP status). */
function apiError(status: number, text: string, statusText: string): Error {
  let message = statusText || `HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // not JSON: keep the status text
  }
  return Object.assign(new Error(message), { code: status, response: { body: text } });
}

/**
 * A replacement for the dns client's `makeAuthenticatedRequest` (callback form, which is all the
 * zone and record-set lists use): the same request, sent through guardedFetch with the headers
 * the client built plus the auth headers.
 */
export function dnsRequest(limits: TransportLimits, authHeaders: (url: string) => Promise<Headers>, projectId: string) {
  // What @google-cloud/common's decorateRequest does before sending: the paging options are the
  // library's own, never query parameters (Google rejects unknown ones), and `{{projectId}}` is
  // the client's project.
  const withProject = (text: string) => text.replaceAll('{{projectId}}', projectId);
  const LIBRARY_OPTIONS = new Set(['autoPaginate', 'autoPaginateVal', 'objectMode']);
  return (reqOpts: CommonRequest, callback: CommonCallback): { abort(): void } => {
    const controller = new AbortController();
    void (async () => {
      const url = new URL(withProject(String(reqOpts.uri ?? reqOpts.url)));
      for (const [k, v] of Object.entries(reqOpts.qs ?? {})) {
        if (v !== undefined && v !== null && !LIBRARY_OPTIONS.has(k)) url.searchParams.set(k, withProject(String(v)));
      }
      const headers = new Headers(await authHeaders(url.href));
      for (const [k, v] of Object.entries(reqOpts.headers ?? {})) headers.set(k, v);
      const response = await guardedFetch(url, { method: reqOpts.method ?? 'GET', headers, signal: controller.signal }, limits);
      const text = await response.text();
      if (response.status < 200 || response.status > 299) return callback(apiError(response.status, text, response.statusText));
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return callback(new CallFailure(response.status, 'the API answered something that is not JSON', 'BAD_RESPONSE'));
      }
      callback(null, body, { statusCode: response.status, body });
    })().catch((e: unknown) => callback(e as Error));
    return { abort: () => controller.abort() };
  };
}
