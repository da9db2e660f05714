/**
 * CIDR arithmetic for IPv4 and IPv6, on ipaddr.js. Ranges are turned into inclusive BigInt
 * intervals so containment, overlap and set coverage are exact for both families.
 */
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface Interval {
  family: Family;
  start: bigint;
  end: bigint;
}

export class CidrError extends Error {}

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  let n = 0n;
  for (const byte of addr.toByteArray()) n = (n << 8n) | BigInt(byte);
  return n;
}

function normalize(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

/** True when `text` is a valid CIDR (`10.0.0.0/8`) or a bare address (taken as /32 or /128). */
export function isCidr(text: string): boolean {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}

// Rules ask about the same few thousand ranges again and again; parsing is the hot path of a large
// audit, so parsed intervals are cached (they are treated as immutable by every caller).
const parsed = new Map<string, Interval>();
const PARSE_CACHE_LIMIT = 200_000;

function parseUncached(trimmed: string): Interval {
  const slash = trimmed.indexOf('/');
  const addrText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  // IPv4 first: ipaddr.parseCIDR tries IPv6 first and throws, which costs ~20 µs per IPv4 range.
  const addr = normalize(ipaddr.IPv4.isValidFourPartDecimal(addrText) ? ipaddr.IPv4.parse(addrText) : ipaddr.parse(addrText));
  const family: Family = addr.kind() === 'ipv4' ? 4 : 6;
  const n = toBigInt(addr);
  if (slash < 0) return { family, start: n, end: n };
  const bitsText = trimmed.slice(slash + 1);
  const bits = Number(bitsText);
  const width = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bitsText) || bits > width) throw new Error('bad prefix length');
  const mask = (1n << BigInt(width - bits)) - 1n;
  const start = n & ~mask;
  return { family, start, end: start | mask };
}

/** Parses a CIDR or a bare address into an interval; host bits are ignored as GCP does. */
export function parseCidr(text: string): Interval {
  const hit = parsed.get(text);
  if (hit) return hit;
  let interval: Interval;
  try {
    interval = Object.freeze(parseUncached(text.trim())) as Interval;
  } catch {
    throw new CidrError(`not a valid IP range: ${JSON.stringify(text)}`);
  }
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear();
  parsed.set(text, interval);
  return interval;
}

export function contains(outer: string | Interval, inner: string | Interval): boolean {
  const a = typeof outer === 'string' ? parseCidr(outer) : outer;
  const b = typeof inner === 'string' ? parseCidr(inner) : inner;
  return a.family === b.family && a.start <= b.start && b.end <= a.end;
}

export function overlaps(x: string | Interval, y: string | Interval): boolean {
  const a = typeof x === 'string' ? parseCidr(x) : x;
  const b = typeof y === 'string' ? parseCidr(y) : y;
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** Prefix length of a CIDR (32 or 128 for a bare address). */
export function prefixLength(cidr: string): number {
  const i = parseCidr(cidr);
  const size = i.end - i.start + 1n;
  const width = i.family === 4 ? 32 : 128;
  return width - (size.toString(2).length - 1);
}

export function familyOf(cidr: string): Family {
  return parseCidr(cidr).family;
}

/** Merges overlapping or adjacent intervals of one family; the result is sorted. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === i.family && i.start <= last.end + 1n) {
      if (i.end > last.end) last.end = i.end;
    } else {
      out.push({ ...i });
    }
  }
  return out;
}

/** The parts of `target` not covered by any of `cover`. */
export function subtract(target: Interval, cover: Interval[]): Interval[] {
  let rest: Interval[] = [{ ...target }];
  for (const c of mergeIntervals(cover.filter((x) => x.family === target.family))) {
    const next: Interval[] = [];
    for (const r of rest) {
      if (c.end < r.start || c.start > r.end) {
        next.push(r);
        continue;
      }
      if (c.start > r.start) next.push({ family: r.family, start: r.start, end: c.start - 1n });
      if (c.end < r.end) next.push({ family: r.family, start: c.end + 1n, end: r.end });
    }
    rest = next;
  }
  return rest;
}

/** True when the union of `cover` contains all of `target` (e.g. several blocks covering one range). */
export function coveredBy(target: string | Interval, cover: (string | Interval)[]): boolean {
  const t = typeof target === 'string' ? parseCidr(target) : target;
  const intervals = cover.map((c) => (typeof c === 'string' ? parseCidr(c) : c));
  // Usually one block holds the whole target: say so without merging and cutting the lot.
  for (const c of intervals) if (contains(c, t)) return true;
  return subtract(t, intervals).length === 0;
}

/** Formats an interval's first address (for messages). */
export function formatAddress(family: Family, n: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 255n).toString()).join('.');
  }
  const parts: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) parts.push(((n >> s) & 0xffffn).toString(16));
  return ipaddr.parse(parts.join(':')).toString();
}

export function formatInterval(i: Interval): string {
  return i.start === i.end ? formatAddress(i.family, i.start) : `${formatAddress(i.family, i.start)}-${formatAddress(i.family, i.end)}`;
}

/** The part two intervals share, if any. */
export function intersect(a: Interval, b: Interval): Interval | undefined {
  if (a.family !== b.family || a.end < b.start || b.end < a.start) return undefined;
  return { family: a.family, start: a.start > b.start ? a.start : b.start, end: a.end < b.end ? a.end : b.end };
}

/** An interval as people write it: `199.36.153.4/30` when it is one aligned block, else `first-last`. */
export function formatRange(i: Interval): string {
  const size = i.end - i.start + 1n;
  const aligned = (size & (size - 1n)) === 0n && i.start % size === 0n;
  if (!aligned || size === 1n) return formatInterval(i);
  const width = i.family === 4 ? 32 : 128;
  return `${formatAddress(i.family, i.start)}/${width - (size.toString(2).length - 1)}`;
}
