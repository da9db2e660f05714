/**
 * Collection benchmark: the live collector, through the official clients, against the emulator with
 * a fixed latency per call, on a generated organization (the article's project copied N times under
 * one organization). Reports wall time and calls, each as a ratio to its lower bound:
 * - round trips: the calls that must follow one another (asset pages one after the other, then one
 *   round of record-set reads; per project: zones, then their record sets), times the latency;
 * - calls: the fewest calls that can return everything at the page size.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Snapshot } from '../src/model/snapshot.js';
import { startEmulator } from '../src/emulator/server.js';
import { entitiesOf, worldFromSnapshot, mergeSnapshots, type World } from '../src/emulator/world.js';
import { collectLive } from '../src/collectors/live/collect.js';
import { zoneMatters, type LiveScope } from '../src/collectors/live/scope.js';
import type { LiveService } from '../src/collectors/live/clients.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ORG = '900000000001';

export function generatedOrganization(projects: number): World {
  const base = readFileSync(path.join(ROOT, 'examples/compliant.snapshot.json'), 'utf8');
  const copies: Snapshot[] = [];
  const ids: string[] = [];
  for (let i = 0; i < projects; i++) {
    const id = `bench-project-${String(i).padStart(4, '0')}`;
    ids.push(id);
    copies.push(JSON.parse(base.replaceAll('acme-prod-platform', id)) as Snapshot);
  }
  const snapshot = mergeSnapshots(copies);
  return worldFromSnapshot(snapshot, {
    organization: { id: ORG, displayName: 'bench.example' },
    folders: [],
    projects: ids.map((id, i) => ({ id, number: String(700000000000 + i), parent: `organizations/${ORG}` })),
  });
}

export interface CollectBenchRow {
  scope: string;
  projects: number;
  latencyMs: number;
  pageSize: number;
  concurrency: number;
  wallMs: number;
  calls: number;
  roundTripBoundMs: number;
  limitBoundMs: number;
  minCalls: number;
  wallRatio: number;
  wallToLimitRatio: number;
  callRatio: number;
}

function bounds(world: World, scope: LiveScope['kind'], pageSize: number, concurrency: number): { rounds: number; minCalls: number; limitedRounds: number } {
  const zones = world.snapshot.managedZones.filter(zoneMatters);
  const rrsetPages = zones.map((z) => Math.max(1, Math.ceil((z.recordSets ?? []).length / pageSize)));
  const rrsetRounds = Math.max(0, ...rrsetPages);
  const rrsetCalls = rrsetPages.reduce((a, b) => a + b, 0);
  if (scope === 'organization') {
    const assets = entitiesOf(world.snapshot).length + world.projects.length;
    const assetPages = Math.max(1, Math.ceil(assets / Math.min(pageSize, 1000)));
    return { rounds: assetPages + rrsetRounds, minCalls: assetPages + rrsetCalls, limitedRounds: assetPages + Math.ceil(rrsetCalls / concurrency) };
  }
  // Per project, 8 independent lists (each one page here), then the record sets of its zones.
  const perProject = 8;
  const calls = world.projects.length * perProject + rrsetCalls;
  return { rounds: 1 + rrsetRounds, minCalls: calls, limitedRounds: Math.ceil(calls / concurrency) };
}

export async function runCollectBenchmark(options: { projects?: number; latencyMs?: number; pageSize?: number; concurrency?: number[] } = {}): Promise<CollectBenchRow[]> {
  const projects = options.projects ?? 200;
  const latencyMs = options.latencyMs ?? 20;
  const pageSize = options.pageSize ?? 1000;
  const world = generatedOrganization(projects);
  // Import the clients once before timing: the first import costs seconds and is not collection.
  await Promise.all([import('@google-cloud/compute'), import('@google-cloud/container'), import('@google-cloud/asset'), import('@google-cloud/dns')]);
  const rows: CollectBenchRow[] = [];
  for (const kind of ['organization', 'projects'] as const) {
    for (const concurrency of options.concurrency ?? [16, 64]) {
      const emulator = await startEmulator(world, { latencyMs });
      try {
        const url = new URL(emulator.url);
        const endpoints: Record<LiveService, URL> = { compute: url, container: url, dns: url, asset: url };
        const scope: LiveScope = kind === 'organization' ? { kind, id: ORG } : { kind, projects: world.projects.map((p) => p.id) };
        const { snapshot, stats } = await collectLive({ scope, endpoints, pageSize, policy: { concurrency, timeoutMs: 30_000, retries: 3 } });
        if (snapshot.clusters.length !== projects * 2 || snapshot.readErrors.length) throw new Error(`incomplete collection: ${snapshot.clusters.length} clusters, ${snapshot.readErrors.length} read errors`);
        const { rounds, minCalls, limitedRounds } = bounds(world, kind, pageSize, concurrency);
        rows.push({
          scope: kind,
          projects,
          latencyMs,
          pageSize,
          concurrency,
          wallMs: stats.wallMs,
          calls: stats.calls,
          roundTripBoundMs: rounds * latencyMs,
          // The same bound when at most `concurrency` calls may be in flight.
          limitBoundMs: limitedRounds * latencyMs,
          minCalls,
          wallRatio: Number((stats.wallMs / (rounds * latencyMs)).toFixed(2)),
          wallToLimitRatio: Number((stats.wallMs / (limitedRounds * latencyMs)).toFixed(2)),
          callRatio: Number((stats.calls / minCalls).toFixed(2)),
        });
      } finally {
        await emulator.close();
      }
    }
  }
  return rows;
}
