/**
 * Shared by the live-collector tests: the emulator on a world, endpoints for the four clients, a
 * guard that fails any connection to a host other than the loopback, and entity comparison.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Entity, Snapshot } from '../../../src/model/snapshot.js';
import { toFullName } from '../../../src/model/names.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/server.js';
import type { World } from '../../../src/emulator/world.js';
import type { LiveService } from '../../../src/collectors/live/clients.js';
import { collectLive, type LiveOptions } from '../../../src/collectors/live/collect.js';
import type { LiveScope } from '../../../src/collectors/live/scope.js';
import { REPO_ROOT } from '../../helpers/fixtures.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Every socket connection attempted while installed; non-loopback ones are refused. */
export function guardLoopbackOnly(): { attempts: string[]; refused: string[]; restore(): void } {
  const original = net.Socket.prototype.connect;
  const attempts: string[] = [];
  const refused: string[] = [];
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const opts = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string; port?: number } | number | string;
    if (typeof opts === 'object' && opts !== null && opts.path) return original.apply(this, args as never);
    const host = typeof opts === 'object' && opts !== null ? (opts.host ?? 'localhost') : typeof args[1] === 'string' ? args[1] : 'localhost';
    attempts.push(host);
    if (!LOOPBACK.has(host)) {
      refused.push(host);
      throw new Error(`test guard: connection to ${host} refused (only 127.0.0.1 may be reached)`);
    }
    return original.apply(this, args as never);
  } as typeof original;
  return { attempts, refused, restore: () => void (net.Socket.prototype.connect = original) };
}

export function endpointsOf(emulator: RunningEmulator): Record<LiveService, URL> {
  const url = new URL(emulator.url);
  return { compute: url, container: url, dns: url, asset: url };
}

/** Fast settings for tests: short timeouts and backoff, fixed jitter. */
export const FAST = { timeoutMs: 2_000, retries: 4, concurrency: 8, backoffMs: 2, maxBackoffMs: 20 };

export async function collectFrom(
  world: World,
  scope: LiveScope,
  emulatorOptions: EmulatorOptions = {},
  live: Partial<LiveOptions> = {},
): Promise<{ emulator: RunningEmulator; snapshot: Snapshot; stats: Awaited<ReturnType<typeof collectLive>>['stats'] }> {
  const emulator = await startEmulator(world, emulatorOptions);
  try {
    const { snapshot, stats } = await collectLive({ scope, endpoints: endpointsOf(emulator), policy: FAST, hooks: { random: () => 0.5 }, ...live });
    return { emulator, snapshot, stats };
  } finally {
    await emulator.close();
  }
}

const LISTS = ['networks', 'subnetworks', 'routes', 'firewalls', 'routers', 'managedZones', 'clusters', 'instances'] as const;

/**
 * Entities in a comparable form: key order, list order and where they came from (origin, self
 * links) do not matter. A route's nextHopNetwork is compared as a full name, because the REST
 * normalizer keeps the API's URL for it while the hand-made examples write the full name.
 */
export function comparable(snapshot: Snapshot, projects?: string[]): Record<string, unknown[]> {
  const canon = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(canon)
      : x && typeof x === 'object'
        ? Object.fromEntries(Object.keys(x).filter((k) => k !== 'origin').sort().map((k) => [k, canon((x as Record<string, unknown>)[k])]))
        : x;
  const out: Record<string, unknown[]> = {};
  for (const list of LISTS) {
    out[list] = (snapshot[list] as Entity[])
      .filter((e) => !projects || projects.includes(e.project))
      .map((e) => (e.kind === 'route' && e.nextHopNetwork ? { ...e, nextHopNetwork: toFullName(e.nextHopNetwork) } : e))
      // The emulator serves an `id` for every cluster (GKE always has one; its node tag is derived
      // from it), which the collector reads back as `uid`: the examples only give it where it matters.
      .map((e) => (e.kind === 'cluster' ? { ...e, uid: undefined } : e))
      .map(canon)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/**
 * What the official client of a service writes in `x-goog-api-client`, with the installed
 * package's version: the gax clients `gax/… gapic/VERSION … rest/…` (REST fallback), the dns
 * client (@google-cloud/common) `gccl/VERSION`. A hand-made HTTP reader sends neither.
 */
export function officialClientHeader(service: LiveService): RegExp {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@google-cloud', service, 'package.json'), 'utf8')) as { version: string };
  const v = pkg.version.replaceAll('.', '\\.');
  return service === 'dns' ? new RegExp(`(^| )gccl/${v}( |$)`) : new RegExp(`(^| )gax/\\S+ gapic/${v} .*\\brest/`);
}
