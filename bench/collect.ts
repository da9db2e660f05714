/**
 * Collection benchmark: an organization of 1,000 generated projects (the article's project copied
 * under one organization) served by the emulator in its own process, with a fixed latency per call
 * and 1% of calls answered 429, collected with the CLI's default options (no flag: page size 1000,
 * per-API concurrency and quota pacing from API_LIMITS, the default retry policy and budget)
 * through Cloud Asset Inventory: one listAssets stream per asset type, record sets included, all at
 * one readTime. Optionally also by n processes side by side (shards), and with record sets read zone
 * by zone (the emulator refusing their asset type: the fallback, and the design before it).
 *
 * Figures, as ratios to their lower bounds, both computed from the fewest-calls plan at the largest
 * page size (1000 assets; 1000 record sets per Cloud DNS page):
 * - wall: the collection's own clock (the slowest shard's), over the longest chain of dependent
 *   pages × the latency. Streams run side by side, so the chain is the largest stream's pages (with
 *   record sets zone by zone: the zones' stream, then each zone's record-set pages; learned routes:
 *   the routers' stream, then one status call). Process start and module import are shown apart
 *   (`processWallMs`, `importMs`), not in the ratio.
 * - calls: every HTTP attempt of every shard, over the fewest that return the organization once:
 *   every stream's pages, one `routers.getRouterStatus` per router with BGP peers (learned routes
 *   have no asset type), plus, zone by zone, every zone that matters' record-set pages. Each shard
 *   lists the organization to discover its projects, so n shards cost n × the asset pages.
 * "failed projects" are projects of a shard that were not collected or have a read error: it must
 * be 0, the 429s being retried.
 *
 * Each shard is a child process running the built collector (dist/: run `npm run build` first, as
 * `npm run bench` does) and printing one JSON line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Snapshot } from '../src/model/snapshot.js';
import { worldFromSnapshot, mergeSnapshots, type World } from '../src/emulator/world.js';
import { SCOPE_STREAMS, zoneMatters } from '../src/collectors/live/scope.js';
import { ASSET_TYPES, assetKindOf } from '../src/collectors/rest/assets.js';
import type { ApiStats, LiveApi } from '../src/collectors/live/calls.js';
import { shardOf } from '../src/shard.js';
import { median } from './stats.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(THIS_FILE), '..');
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

/** The world as the emulator command reads it: a layout file next to its snapshot. */
export function writeWorld(world: World, dir: string): string {
  writeFileSync(path.join(dir, 'org.snapshot.json'), JSON.stringify(world.snapshot));
  const layout = path.join(dir, 'org.json');
  writeFileSync(layout, JSON.stringify({ organization: world.organization, folders: world.folders, projects: world.projects, snapshots: ['org.snapshot.json'] }));
  return layout;
}

/** The largest page of listAssets and of Cloud DNS record-set lists. */
const MAX_PAGE = 1000;

/** Assets the emulator lists per stream of SCOPE_STREAMS for this world. */
function assetsPerStream(world: World): Map<string, number> {
  const s = world.snapshot;
  const count = (type: string): number => {
    if (type === ASSET_TYPES.recordSet) return s.managedZones.reduce((n, z) => n + (z.recordSets?.length ?? 0), 0);
    const collection = assetKindOf(type)?.collection;
    if (collection && collection in s) return ((s as unknown as Record<string, unknown[]>)[collection] ?? []).length;
    return world.projects.length; // the projects stream
  };
  return new Map(SCOPE_STREAMS.map((st) => [st.name, st.assetTypes.reduce((n, t) => n + count(t), 0)]));
}

/**
 * Lower bounds of an organization read at the largest page: `rounds`, the longest chain of
 * dependent pages, and `minCalls`, the fewest calls that return it once; `perProjectCalls`, the
 * part of them that shards divide among themselves (every shard lists every stream to find its
 * projects). Zone by zone, the record sets are not a stream: each zone that matters costs its own
 * pages, after the zones' stream. Learned routes have no asset type: each router with BGP peers
 * costs one `routers.getRouterStatus`, once the routers' stream is whole.
 */
export function orgBounds(world: World, recordSetsPerZone = false): { rounds: number; minCalls: number; perProjectCalls: number } {
  const pages = (n: number) => Math.max(1, Math.ceil(n / MAX_PAGE));
  let rounds = 0;
  let minCalls = 0;
  let perProjectCalls = 0;
  const perStream = assetsPerStream(world);
  for (const [name, n] of perStream) {
    if (recordSetsPerZone && name === 'recordSets') continue;
    rounds = Math.max(rounds, pages(n));
    minCalls += pages(n);
  }
  const learning = world.snapshot.routers.filter((r) => r.bgpPeers.length > 0).length;
  if (learning > 0) {
    rounds = Math.max(rounds, pages(perStream.get('routers') ?? 0) + 1);
    minCalls += learning;
    perProjectCalls += learning;
  }
  if (recordSetsPerZone) {
    const zonePages = world.snapshot.managedZones.filter(zoneMatters).map((z) => pages(z.recordSets?.length ?? 0));
    rounds = Math.max(rounds, pages(world.snapshot.managedZones.length) + Math.max(0, ...zonePages));
    const zoneCalls = zonePages.reduce((a, b) => a + b, 0);
    minCalls += zoneCalls;
    perProjectCalls += zoneCalls;
  }
  return { rounds, minCalls, perProjectCalls };
}

interface ChildResult {
  shard: string;
  wallMs: number;
  cpuMs: number;
  importMs: number;
  calls: number;
  retries: number;
  apis: Partial<Record<LiveApi, ApiStats>>;
  projects: string[];
  readErrorProjects: string[];
}

/**
 * A shard's process. It runs the built collector (dist/, as the CLI does) under plain Node, not
 * under tsx: tsx's loader hooks answer every dynamic import() on another thread, and the dns
 * client's HTTP layer (teeny-request) does an `import('node-fetch')` per request, so under tsx
 * each DNS call paid a loader round trip that no user pays. The client modules are imported
 * before the go (their cost is reported as importMs, outside the collection's clock).
 */
const CHILD_SCRIPT = `
const [dist, url, org, shardSpec] = process.argv.slice(1);
const started = performance.now();
const [{ collectLive }, { loadClientModules, servicesFor }, { formatShard, parseShard }] = await Promise.all(
  ['collectors/live/collect.js', 'collectors/live/clients.js', 'shard.js'].map((m) => import(new URL(m, dist).href)),
);
const scope = { kind: 'organization', id: org };
await loadClientModules(servicesFor(scope, false));
const importMs = Math.round(performance.now() - started);
const endpoint = new URL(url);
const shard = parseShard(shardSpec);
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const cpu = process.cpuUsage();
// The CLI's defaults: no page size, policy or concurrency given.
const { snapshot, stats } = await collectLive({
  scope,
  endpoints: { compute: endpoint, container: endpoint, dns: endpoint, asset: endpoint },
  shard,
  notice: () => {},
});
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({
  shard: formatShard(shard),
  wallMs: stats.wallMs,
  cpuMs: Math.round((used.user + used.system) / 1000),
  importMs,
  calls: stats.calls,
  retries: stats.retries,
  apis: stats.apis,
  projects: snapshot.scope.projects,
  readErrorProjects: [...new Set(snapshot.readErrors.map((e) => e.project))],
}) + '\\n');
process.stdin.destroy();
`;

interface ChildProcess {
  ready: Promise<void>;
  go(): void;
  result: Promise<ChildResult>;
}

function startChild(url: string, shard: string): ChildProcess {
  const dist = pathToFileURL(path.join(ROOT, 'dist') + path.sep).href;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT, dist, url, ORG, shard], {
    cwd: ROOT,
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8');
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  proc.stdout.on('data', (d: string) => {
    out += d;
    if (out.startsWith('ready\n')) signalReady();
  });
  const result = new Promise<ChildResult>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => {
      signalReady();
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`collection shard ${shard} exited ${code}: ${out.slice(-300)}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
  return { ready, go: () => proc.stdin.end('go\n'), result };
}

/** CPU time a process has used so far, in ms, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks; the command name (field 2) may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The emulator command of the built CLI, in its own process; resolves with its URL. */
function startEmulatorProcess(
  layout: string,
  latencyMs: number,
  fault429: number,
  recordSetsPerZone: boolean,
): Promise<{ url: string; cpuMs(): number | undefined; stop(): Promise<void> }> {
  const refuse = recordSetsPerZone ? ['--unsupported-asset-type', ASSET_TYPES.recordSet] : [];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'emulator', '--data', layout, '--latency-ms', String(latencyMs), '--fault-429', String(fault429), ...refuse], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => reject(new Error(`the emulator exited ${code} before serving: ${err.slice(-300)}`)));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(out)?.[1];
      if (!url) return;
      proc.removeAllListeners('close');
      resolve({
        url,
        cpuMs: () => processCpuMs(proc.pid),
        stop: () =>
          new Promise<void>((done) => {
            proc.once('close', () => done());
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

/** The targets: wall time within this many times its dependent-page bound, calls within this many times the minimum. */
const TARGET_RATIO = 1.5;
const CALLS_TARGET_RATIO = 1.1;

export interface CollectBenchRow {
  shards: string;
  /** How record sets were read: `assets` (a stream like the others) or `per zone` (Cloud DNS, the fallback). */
  recordSets: string;
  projects: number;
  latencyMs: number;
  fault429: string;
  /** The slowest shard's collection, median of the runs. */
  wallMs: number;
  /** From starting the processes to the last one's exit (Node start and imports included), median. */
  processWallMs: number;
  /** Importing the collector and its client modules (asset, dns), before the clock starts; slowest shard, median. */
  importMs: number;
  /** CPU time of the collection, all shards together, median. */
  cpuMs: number;
  /** CPU time the emulator spent serving the run (it shares the machine), median; -1 where /proc is missing. */
  emulatorCpuMs: number;
  /** Dependent round trips of the fewest-calls plan (boundMs = rounds × latencyMs). */
  rounds: number;
  boundMs: number;
  wallRatio: number;
  calls: number;
  minCalls: number;
  callRatio: number;
  retried: number;
  failedProjects: number;
  target: string;
}


export async function runCollectBenchmark(
  options: {
    projects?: number;
    latencyMs?: number;
    fault429?: number;
    shardCounts?: number[];
    runs?: number;
    recordSetsPerZone?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<CollectBenchRow[]> {
  const projects = options.projects ?? 1000;
  const latencyMs = options.latencyMs ?? 150;
  const fault429 = options.fault429 ?? 0.01;
  const runs = options.runs ?? 3;
  const perZone = options.recordSetsPerZone ?? false;
  const log = options.log ?? (() => {});
  const world = generatedOrganization(projects);
  const { rounds, minCalls: oneShardCalls, perProjectCalls } = orgBounds(world, perZone);
  const boundMs = rounds * latencyMs;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpa-bench-collect-'));
  const emulator = await startEmulatorProcess(writeWorld(world, dir), latencyMs, fault429, perZone);
  const rows: CollectBenchRow[] = [];
  try {
    for (const n of options.shardCounts ?? [1, 4]) {
      const walls: number[] = [];
      const processWalls: number[] = [];
      const cpus: number[] = [];
      const emulatorCpus: number[] = [];
      const imports: number[] = [];
      let calls = 0;
      let retried = 0;
      let failed = 0;
      for (let run = 0; run < runs; run++) {
        log(`collect: ${projects} projects, ${latencyMs} ms, record sets ${perZone ? 'per zone' : 'as assets'}, ${n} shard(s), run ${run + 1} of ${runs}…`);
        const started = performance.now();
        const children = Array.from({ length: n }, (_, i) => startChild(emulator.url, `${i + 1}/${n}`));
        await Promise.all(children.map((c) => c.ready));
        const emulatorBefore = emulator.cpuMs();
        for (const c of children) c.go();
        const results = await Promise.all(children.map((c) => c.result));
        const emulatorAfter = emulator.cpuMs();
        emulatorCpus.push(emulatorBefore === undefined || emulatorAfter === undefined ? -1 : emulatorAfter - emulatorBefore);
        processWalls.push(performance.now() - started);
        cpus.push(results.reduce((a, r) => a + r.cpuMs, 0));
        imports.push(Math.max(...results.map((r) => r.importMs)));
        walls.push(Math.max(...results.map((r) => r.wallMs)));
        calls = Math.max(calls, results.reduce((a, r) => a + r.calls, 0));
        retried = Math.max(retried, results.reduce((a, r) => a + r.retries, 0));
        // Every project of the organization, in exactly the shard it belongs to, read without error.
        const seen = new Map<string, string[]>();
        for (const r of results) for (const p of r.projects) seen.set(p, [...(seen.get(p) ?? []), r.shard]);
        const broken = new Set(results.flatMap((r) => r.readErrorProjects));
        const missing = world.projects.filter((p) => {
          const shards = seen.get(p.id) ?? [];
          return shards.length !== 1 || shards[0] !== `${shardOf(p.id, n)}/${n}` || broken.has(p.id);
        });
        failed = Math.max(failed, missing.length);
      }
      const wallMs = Math.round(median(walls));
      const wallRatio = boundMs > 0 ? Number((wallMs / boundMs).toFixed(2)) : 0;
      // Every shard lists every stream to find its projects; the per-project calls are split.
      const minCalls = n * (oneShardCalls - perProjectCalls) + perProjectCalls;
      const callRatio = Number((calls / minCalls).toFixed(2));
      const met = wallRatio <= TARGET_RATIO && callRatio <= CALLS_TARGET_RATIO && failed === 0;
      rows.push({
        shards: n === 1 ? '1 (1 process)' : `${n} (${n} processes)`,
        recordSets: perZone ? 'per zone' : 'assets',
        projects,
        latencyMs,
        fault429: `${fault429 * 100}%`,
        wallMs,
        processWallMs: Math.round(median(processWalls)),
        importMs: Math.round(median(imports)),
        cpuMs: Math.round(median(cpus)),
        emulatorCpuMs: Math.round(median(emulatorCpus)),
        rounds,
        boundMs,
        wallRatio,
        calls,
        minCalls,
        callRatio,
        retried,
        failedProjects: failed,
        target: boundMs === 0 ? 'n/a (no latency)' : `${met ? 'met' : 'MISSED'} (wall ≤ ${TARGET_RATIO}×, calls ≤ ${CALLS_TARGET_RATIO}×, 0 failed)`,
      });
    }
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export interface CollectFloorRow {
  projects: number;
  /** The collection's wall time with no latency and no faults: what the clients' own work costs. */
  wallMs: number;
  cpuMs: number;
  emulatorCpuMs: number;
  cores: number;
  /** Collector and emulator CPU spread over every core: no schedule of this work can be faster (nor than `wallMs`, with no latency at all). */
  cpuPerCoreMs: number;
  /** 1.5 × the round-trip bound at the benchmark's latency: the target's wall-time budget. */
  budgetMs: number;
  latencyMs: number;
  verdict: string;
}

/**
 * The same organization at 0 ms latency and no 429s: the wall time and CPU the official clients
 * (and the emulator serving them) need on this machine whatever the network does. Two floors: that
 * wall time itself (the collector's JavaScript is one thread; its process CPU also counts V8's
 * helper threads, so it overstates the thread), and the collector's and the emulator's CPU spread
 * over every core. When the higher is above the collection target's budget, the target cannot be
 * met here.
 */
export async function runCollectFloor(
  options: { projects?: number; latencyMs?: number; runs?: number; log?: (line: string) => void } = {},
): Promise<CollectFloorRow[]> {
  const latencyMs = options.latencyMs ?? 150;
  const [row] = await runCollectBenchmark({ ...options, latencyMs: 0, fault429: 0, shardCounts: [1] });
  const cores = os.availableParallelism();
  const budgetMs = Math.round(row.rounds * latencyMs * TARGET_RATIO);
  const cpuPerCoreMs = Math.round((row.cpuMs + Math.max(0, row.emulatorCpuMs)) / cores);
  return [
    {
      projects: row.projects,
      wallMs: row.wallMs,
      cpuMs: row.cpuMs,
      emulatorCpuMs: row.emulatorCpuMs,
      cores,
      cpuPerCoreMs,
      budgetMs,
      latencyMs,
      verdict:
        Math.max(row.wallMs, cpuPerCoreMs) > budgetMs
          ? `floor above the ${latencyMs} ms target's budget (${row.wallMs > cpuPerCoreMs ? 'the wall time with no latency' : 'all CPU over every core'})`
          : `floor within the ${latencyMs} ms target's budget`,
    },
  ];
}

if (process.argv[1] === THIS_FILE) {
  const rows = await runCollectBenchmark({ log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}
