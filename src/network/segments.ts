/**
 * Splitting address ranges at the boundaries of the rules that overlap them, so a question about a
 * whole range ("where does the VIP /30 go?") is answered exactly: inside one elementary segment
 * every address is contained in the same set of rules, so one address decides for all of it.
 */
import type { Interval } from './cidr.js';

/** The elementary pieces of `targets` cut at every start and end of `boundaries`. */
export function splitAt(targets: Interval[], boundaries: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const t of targets) {
    const cuts = new Set<bigint>([t.start]);
    for (const b of boundaries) {
      if (b.family !== t.family || b.end < t.start || b.start > t.end) continue;
      if (b.start > t.start) cuts.add(b.start);
      if (b.end < t.end) cuts.add(b.end + 1n);
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sorted.forEach((start, i) => {
      const end = i + 1 < sorted.length ? sorted[i + 1] - 1n : t.end;
      out.push({ family: t.family, start, end });
    });
  }
  return out;
}

/** Joins adjacent segments that reached the same answer, so reports speak of `/30`, not of four addresses. */
export function joinAdjacent<T extends { range: Interval }>(segments: T[], same: (a: T, b: T) => boolean): T[] {
  const out: T[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.range.family === s.range.family && last.range.end + 1n === s.range.start && same(last, s)) {
      out[out.length - 1] = { ...last, range: { ...last.range, end: s.range.end } };
    } else {
      out.push(s);
    }
  }
  return out;
}

export function sameMembers<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
