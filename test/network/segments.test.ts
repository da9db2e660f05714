import { describe, expect, it } from 'vitest';
import { formatRange, parseCidr } from '../../src/network/cidr.js';
import { firewallDecision, packetClasses } from '../../src/network/firewall.js';
import { joinAdjacent, splitAt } from '../../src/network/segments.js';
import type { Firewall } from '../../src/model/snapshot.js';
import { firewall } from './build.js';

describe('splitAt', () => {
  it('cuts a range at the starts and ends of the boundaries inside it, and nowhere else', () => {
    const pieces = splitAt([parseCidr('10.0.0.0/24')], [parseCidr('10.0.0.64/26'), parseCidr('10.0.0.0/16'), parseCidr('192.168.0.0/16'), parseCidr('::/0')]);
    expect(pieces.map(formatRange)).toEqual(['10.0.0.0/26', '10.0.0.64/26', '10.0.0.128/25']);
  });

  it('keeps a range whole when nothing cuts it', () => {
    expect(splitAt([parseCidr('2600:2d00:2:1000::/64')], []).map(formatRange)).toEqual(['2600:2d00:2:1000::/64']);
  });
});

describe('joinAdjacent', () => {
  it('joins neighbours with the same answer only', () => {
    const seg = (cidr: string, v: string) => ({ range: parseCidr(cidr), v });
    const joined = joinAdjacent([seg('10.0.0.0/25', 'a'), seg('10.0.0.128/25', 'a'), seg('10.0.1.0/24', 'b'), seg('10.0.3.0/24', 'b')], (x, y) => x.v === y.v);
    expect(joined.map((s) => [formatRange(s.range), s.v])).toEqual([
      ['10.0.0.0/24', 'a'],
      ['10.0.1.0/24', 'b'],
      ['10.0.3.0/24', 'b'],
    ]);
  });
});

describe('packetClasses is exhaustive', () => {
  // A fixed pseudo-random sequence, so the case is the same on every run.
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };

  it('every tcp/udp port decides like the representative packet of its class', () => {
    const target = { tags: ['n'], serviceAccounts: [] };
    for (let round = 0; round < 20; round++) {
      const rules: Firewall[] = Array.from({ length: 6 }, (_, i) => {
        const low = next(300);
        const perm = { IPProtocol: ['tcp', 'udp', 'all', '6'][next(4)], ports: next(3) === 0 ? undefined : [`${low}-${low + next(50)}`, `${next(300)}`] };
        return firewall(`r${i}`, { priority: 100 * next(5), ...(next(2) ? { allowed: [perm] } : { denied: [perm] }) });
      });
      const classes = packetClasses(rules);
      for (const protocol of ['tcp', 'udp']) {
        const reps = classes.filter((p) => p.protocol === protocol).map((p) => p.port!).sort((a, b) => a - b);
        for (let port = 0; port <= 400; port++) {
          // The representative of the class holding `port`: the last cut at or below it; the class
          // starting at 0 is shown as port 1 unless it holds port 0 alone.
          const rep = port === 0 ? reps[0] : [...reps].reverse().find((r) => r <= port)!;
          const decide = (p: number) => firewallDecision(rules, { direction: 'EGRESS', packet: { protocol, port: p }, target }, '8.8.8.8');
          const [a, b] = [decide(port), decide(rep)];
          expect([a.action, a.rule?.name], `round ${round} ${protocol}:${port} vs ${rep}`).toEqual([b.action, b.rule?.name]);
        }
      }
    }
  });
});
