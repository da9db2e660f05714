/**
 * CIDR arithmetic for IPv4 and IPv6 (ipaddr.js formats addresses for messages). Ranges are turned into inclusive BigInt
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

/**
 * The one address grammar of the tool, for every source (policy, snapshots, exports, plans, API
 * answers): IPv4 only as canonical dotted-quad decimal (no octal `010.`, no hex `0x0a`, no
 * shortened `10.100`, no integer), IPv6 only in the text forms of RFC 4291 section 2.2 (hex groups,
 * one `::`, an optional trailing dotted quad) with no zone id, and a prefix length in plain decimal.
 * Every looser form is refused rather than read: each means a different range in some parser
 * (inet_aton reads `010.100.0.0` as 8.100.0.0), and GCP itself accepts none of them.
 */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function ipv4Value(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

/** RFC 4291 2.2 text forms; undefined for anything else. */
function ipv6Value(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): bigint[] | undefined => {
    if (part === '') return [];
    const out: bigint[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = ipv4Value(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (HEXTET.test(piece)) {
        out.push(BigInt(parseInt(piece, 16)));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  // A dotted quad may only end the address.
  if (halves.length === 2 && halves[0].includes('.')) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...Array<bigint>(8 - count).fill(0n), ...tail];
  return all.reduce((n, g) => (n << 16n) | g, 0n);
}

const V4_MAPPED = 0xffffn << 32n;

function parseUncached(text: string): Interval {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  let family: Family;
  let n = ipv4Value(addrText);
  let width: number;
  if (n !== undefined) {
    family = 4;
    width = 32;
  } else {
    n = ipv6Value(addrText);
    if (n === undefined) throw new Error('not an address');
    family = 6;
    width = 128;
  }
  let bits = width;
  if (slash >= 0) {
    const bitsText = text.slice(slash + 1);
    if (!/^(?:0|[1-9]\d{0,2})$/.test(bitsText) || Number(bitsText) > width) throw new Error('bad prefix length');
    bits = Number(bitsText);
  }
  // An IPv4-mapped IPv6 range (::ffff:a.b.c.d/k, k >= 96) is the IPv4 range it maps.
  if (family === 6 && bits >= 96 && n >> 32n === 0xffffn) {
    family = 4;
    n -= V4_MAPPED;
    bits -= 96;
    width = 32;
  }
  const mask = (1n << BigInt(width - bits)) - 1n;
  const start = n & ~mask;
  return { family, start, end: start | mask };
}

/** Parses a CIDR or a bare address (strictly, see above) into an interval; host bits are ignored as GCP does. */
export function parseCidr(text: string): Interval {
  const hit = parsed.get(text);
  if (hit) return hit;
  let interval: Interval;
  try {
    interval = Object.freeze(parseUncached(text)) as Interval;
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
  return intervalsOverlap(typeof x === 'string' ? parseCidr(x) : x, typeof y === 'string' ? parseCidr(y) : y);
}

/** Whether two intervals share an address (overlaps, for intervals already parsed). */
export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** Whether any interval of `a` shares an address with any of `b` (indexed loops: asked per firewall rule of an organization). */
export function anyIntervalsOverlap(a: readonly Interval[], b: readonly Interval[]): boolean {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (intervalsOverlap(a[i], b[j])) return true;
  return false;
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
