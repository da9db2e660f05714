/**
 * Splitting address ranges at the boundaries of the rules that overlap them, so a question about a
 * whole range ("where does the VIP /30 go?") is answered exactly: inside one elementary segment
 * every address is contained in the same set of rules, so one address decides for all of it.
 */
import type { Interval } from './cidr.js';

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The elementary pieces of `targets` cut at every start and end of `boundaries`. */
export function splitAt(targets: Interval[], boundaries: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const t of targets) {
    // Asked for every node group and packet of an organization: plain arrays, no sets or closures.
    const cuts: bigint[] = [t.start];
    for (const b of boundaries) {
      if (b.family !== t.family || b.end < t.start || b.start > t.end) continue;
      if (b.start > t.start) cuts.push(b.start);
      if (b.end < t.end) cuts.push(b.end + 1n);
    }
    if (cuts.length > 1) cuts.sort(compareBigInt);
    for (let i = 0; i < cuts.length; i++) {
      const start = cuts[i];
      if (i > 0 && start === cuts[i - 1]) continue;
      let next = i + 1;
      while (next < cuts.length && cuts[next] === start) next++;
      out.push({ family: t.family, start, end: next < cuts.length ? cuts[next] - 1n : t.end });
    }
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
