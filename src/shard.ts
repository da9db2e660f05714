/**
 * Sharding an organization audit: `--shard i/n` takes the projects whose stable hash falls in
 * shard i of n, so n tasks (Cloud Run Jobs, a Kubernetes Indexed Job, a CI matrix) each audit a
 * disjoint slice and together cover every project exactly once, run after run.
 *
 * Shards count from 1 (`1/4` … `4/4`), as people count tasks; the job engines count from 0, and
 * `--shard auto` maps their indexes:
 * - Cloud Run Jobs: `CLOUD_RUN_TASK_INDEX` (0-based) and `CLOUD_RUN_TASK_COUNT`;
 * - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based) and `SHARD_COUNT`, which the Job
 *   must set to its `spec.completions` (Kubernetes exposes the index to the pod, not the count).
 */
import { createHash } from 'node:crypto';
import { UsageError } from './cli/usage-error.js';

export interface Shard {
  /** 1-based: 1..count. */
  index: number;
  count: number;
}

/** The environment variables `--shard auto` reads. */
export const SHARD_ENV = {
  cloudRunIndex: 'CLOUD_RUN_TASK_INDEX',
  cloudRunCount: 'CLOUD_RUN_TASK_COUNT',
  kubernetesIndex: 'JOB_COMPLETION_INDEX',
  kubernetesCount: 'SHARD_COUNT',
} as const;

const WHOLE = /^\d+$/;

function whole(text: string, what: string): number {
  const n = WHOLE.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${what}: "${text}" is not a whole number`);
  return n;
}

function checked(index: number, count: number, what: string): Shard {
  if (count < 1) throw new UsageError(`${what}: the shard count must be at least 1`);
  if (index < 1 || index > count) throw new UsageError(`${what}: shard ${index} of ${count} does not exist (shards are 1..${count})`);
  return { index, count };
}

/** From a job engine's 0-based task index and its task count. */
function fromEnv(env: NodeJS.ProcessEnv, indexVar: string, countVar: string): Shard {
  const what = `--shard auto`;
  const rawIndex = env[indexVar]?.trim() ?? '';
  const rawCount = env[countVar]?.trim();
  if (!rawCount) throw new UsageError(`${what}: ${indexVar} is set but ${countVar} is not; set ${countVar} to the number of tasks`);
  const zeroBased = whole(rawIndex, `${what}: ${indexVar}`);
  const count = whole(rawCount, `${what}: ${countVar}`);
  if (count < 1) throw new UsageError(`${what}: ${countVar}=${count}: the shard count must be at least 1`);
  if (zeroBased >= count) throw new UsageError(`${what}: ${indexVar}=${zeroBased} is not below ${countVar}=${count}`);
  return { index: zeroBased + 1, count };
}

/**
 * Parses `--shard`: `i/n` with i in 1..n, or `auto` to take the shard from the job engine's
 * environment. Throws UsageError (exit 2) with one line naming what is wrong.
 */
export function parseShard(spec: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const text = spec.trim();
  if (text === 'auto') {
    if (env[SHARD_ENV.cloudRunIndex] !== undefined) return fromEnv(env, SHARD_ENV.cloudRunIndex, SHARD_ENV.cloudRunCount);
    if (env[SHARD_ENV.kubernetesIndex] !== undefined) return fromEnv(env, SHARD_ENV.kubernetesIndex, SHARD_ENV.kubernetesCount);
    throw new UsageError(
      `--shard auto: no task index in the environment (${SHARD_ENV.cloudRunIndex}/${SHARD_ENV.cloudRunCount} on Cloud Run Jobs, ` +
        `${SHARD_ENV.kubernetesIndex} with ${SHARD_ENV.kubernetesCount} on a Kubernetes Indexed Job); give --shard i/n instead`,
    );
  }
  const m = /^([^/]+)\/([^/]+)$/.exec(text);
  if (!m) throw new UsageError(`--shard ${spec}: expected i/n (e.g. 2/8, shards counted from 1) or auto`);
  const what = `--shard ${spec}`;
  return checked(whole(m[1].trim(), what), whole(m[2].trim(), what), what);
}

/**
 * The shard (1..count) a project belongs to: the first 8 bytes of the SHA-256 of its id, modulo
 * the count. It depends on nothing but the id and the count, so every task agrees without talking
 * to the others, and the same project lands in the same shard on every run.
 */
export function shardOf(projectId: string, count: number): number {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`shard count must be a positive integer, got ${count}`);
  const hash = createHash('sha256').update(projectId, 'utf8').digest();
  return Number(hash.readBigUInt64BE(0) % BigInt(count)) + 1;
}

export function inShard(projectId: string, shard: Shard): boolean {
  return shardOf(projectId, shard.count) === shard.index;
}

/** `i/n`, as `SnapshotScope.shard` and the reports record it. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
