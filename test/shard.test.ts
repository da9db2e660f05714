import { describe, expect, it } from 'vitest';
import { formatShard, inShard, parseShard, shardOf, type Shard } from '../src/shard.js';
import { UsageError } from '../src/cli/usage-error.js';

const projectIds = Array.from({ length: 1000 }, (_, i) => `acme-${['prod', 'stg', 'dev'][i % 3]}-svc-${String(i).padStart(4, '0')}`);

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('shardOf / inShard', () => {
  it('puts every project in exactly one shard', () => {
    for (const count of [1, 2, 3, 4, 7, 16]) {
      const shards: Shard[] = Array.from({ length: count }, (_, i) => ({ index: i + 1, count }));
      for (const id of projectIds) {
        const owners = shards.filter((s) => inShard(id, s));
        expect(owners, `${id} in ${count} shards`).toHaveLength(1);
        expect(owners[0].index).toBe(shardOf(id, count));
      }
    }
  });

  it('is stable: pinned values that any change of hash or of counting would move', () => {
    // First 8 bytes of sha256(id), big-endian, mod n, plus one; computed independently (Python hashlib).
    const pinned = ['my-project', 'prod-network-host', 'acme-dev-svc-0001', 'a'].map((id) => [id, shardOf(id, 8), shardOf(id, 3)]);
    expect(pinned).toEqual([
      ['my-project', 1, 2],
      ['prod-network-host', 2, 1],
      ['acme-dev-svc-0001', 3, 2],
      ['a', 3, 2],
    ]);
  });

  it('spreads 1,000 project ids roughly evenly', () => {
    for (const count of [4, 10]) {
      const sizes = new Array<number>(count).fill(0);
      for (const id of projectIds) sizes[shardOf(id, count) - 1]++;
      const expected = projectIds.length / count;
      // A fair hash stays well within ±25% of the mean at this size (binomial sd ≈ 14 and 9.5).
      for (const size of sizes) {
        expect(size).toBeGreaterThan(expected * 0.75);
        expect(size).toBeLessThan(expected * 1.25);
      }
    }
  });

  it('gives shard 1 of 1 everything', () => {
    expect(projectIds.every((id) => inShard(id, { index: 1, count: 1 }))).toBe(true);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => shardOf('p', 0)).toThrow(RangeError);
    expect(() => shardOf('p', 1.5)).toThrow(RangeError);
  });
});

describe('parseShard i/n', () => {
  it('reads 1-based shards', () => {
    expect(parseShard('1/4', {})).toEqual({ index: 1, count: 4 });
    expect(parseShard('4/4', {})).toEqual({ index: 4, count: 4 });
    expect(parseShard(' 2 / 3 ', {})).toEqual({ index: 2, count: 3 });
    expect(formatShard(parseShard('3/8', {}))).toBe('3/8');
  });

  it.each([
    ['0/4', '--shard 0/4: shard 0 of 4 does not exist (shards are 1..4)'],
    ['5/4', '--shard 5/4: shard 5 of 4 does not exist (shards are 1..4)'],
    ['1/0', '--shard 1/0: the shard count must be at least 1'],
    ['-1/4', '--shard -1/4: "-1" is not a whole number'],
    ['1.5/4', '--shard 1.5/4: "1.5" is not a whole number'],
    ['a/b', '--shard a/b: "a" is not a whole number'],
    ['2', '--shard 2: expected i/n (e.g. 2/8, shards counted from 1) or auto'],
    ['1/2/3', '--shard 1/2/3: expected i/n (e.g. 2/8, shards counted from 1) or auto'],
    ['', '--shard : expected i/n (e.g. 2/8, shards counted from 1) or auto'],
    ['1/99999999999999999999', '--shard 1/99999999999999999999: "99999999999999999999" is not a whole number'],
  ])('refuses %j with one clear line', (spec, message) => {
    expect(usageErrorOf(() => parseShard(spec, {})).message).toBe(message);
  });
});

describe('parseShard auto', () => {
  it('maps Cloud Run Jobs 0-based task indexes to shards 1..n', () => {
    expect(parseShard('auto', { CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '4' })).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto', { CLOUD_RUN_TASK_INDEX: '3', CLOUD_RUN_TASK_COUNT: '4' })).toEqual({ index: 4, count: 4 });
  });

  it('maps a Kubernetes Indexed Job completion index with SHARD_COUNT', () => {
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '0', SHARD_COUNT: '3' })).toEqual({ index: 1, count: 3 });
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '2', SHARD_COUNT: '3' })).toEqual({ index: 3, count: 3 });
  });

  it('prefers the Cloud Run variables when both are present', () => {
    const env = { CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '5', SHARD_COUNT: '9' };
    expect(parseShard('auto', env)).toEqual({ index: 2, count: 2 });
  });

  it('covers every project once across the tasks of a job', () => {
    const count = 5;
    const seen = new Map<string, number>();
    for (let task = 0; task < count; task++) {
      const shard = parseShard('auto', { JOB_COMPLETION_INDEX: String(task), SHARD_COUNT: String(count) });
      for (const id of projectIds.filter((p) => inShard(p, shard))) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect(seen.size).toBe(projectIds.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it.each([
    [{}, /^--shard auto: no task index in the environment \(CLOUD_RUN_TASK_INDEX\/CLOUD_RUN_TASK_COUNT .*JOB_COMPLETION_INDEX with SHARD_COUNT/],
    [{ JOB_COMPLETION_INDEX: '1' }, /^--shard auto: JOB_COMPLETION_INDEX is set but SHARD_COUNT is not; set SHARD_COUNT to the number of tasks$/],
    [{ CLOUD_RUN_TASK_INDEX: '1' }, /^--shard auto: CLOUD_RUN_TASK_INDEX is set but CLOUD_RUN_TASK_COUNT is not/],
    [{ JOB_COMPLETION_INDEX: '3', SHARD_COUNT: '3' }, /^--shard auto: JOB_COMPLETION_INDEX=3 is not below SHARD_COUNT=3$/],
    [{ JOB_COMPLETION_INDEX: 'x', SHARD_COUNT: '3' }, /^--shard auto: JOB_COMPLETION_INDEX: "x" is not a whole number$/],
    [{ CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '0' }, /^--shard auto: CLOUD_RUN_TASK_COUNT=0: the shard count must be at least 1$/],
    [{ CLOUD_RUN_TASK_INDEX: '', CLOUD_RUN_TASK_COUNT: '2' }, /^--shard auto: CLOUD_RUN_TASK_INDEX: "" is not a whole number$/],
  ])('refuses an environment it cannot use: %j', (env, message) => {
    expect(usageErrorOf(() => parseShard('auto', env)).message).toMatch(message);
  });

  it('reads process.env when no environment is given', () => {
    const saved = { ...process.env };
    try {
      delete process.env.CLOUD_RUN_TASK_INDEX;
      process.env.JOB_COMPLETION_INDEX = '1';
      process.env.SHARD_COUNT = '2';
      expect(parseShard('auto')).toEqual({ index: 2, count: 2 });
    } finally {
      process.env = saved;
    }
  });
});
