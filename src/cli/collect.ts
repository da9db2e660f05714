/** `collect`: read live state into a Snapshot file that `check` can judge later, elsewhere. */
import type { Argv } from 'yargs';
import { collectLive, ScopeError, type LiveOptions, type LiveStats } from '../collectors/live/collect.js';
import { LIVE_SERVICES, parseEndpoint } from '../collectors/live/clients.js';
import { API_LIMITS, DEFAULT_CALL_POLICY, formatApiStats, LIVE_APIS, RETRY_BUDGET_FLOOR, RETRY_BUDGET_SHARE } from '../collectors/live/calls.js';
import { DEFAULT_MAX_PAGES } from '../collectors/live/pages.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../collectors/live/transport.js';
import { progressWanted, terminalProgress } from '../collectors/live/progress.js';
import type { LiveScope } from '../collectors/live/scope.js';
import { PREFLIGHT_SERVICES } from '../collectors/live/preflight.js';
import type { Snapshot } from '../model/snapshot.js';
import { parseShard } from '../shard.js';
import { coverageLine, summarizeCoverage } from '../model/coverage.js';
import { writeOutputFile } from './outputs.js';
import { UsageError } from './usage-error.js';
import { writeErrorLine } from '../inert.js';

export interface CollectArgs {
  project?: string[];
  folder?: string;
  org?: string;
  endpoint?: string[];
  'timeout-ms': number;
  retries: number;
  concurrency?: number;
  'page-size': number;
  fresh?: boolean;
  'max-rps'?: number;
  'retry-budget'?: number;
  shard?: string;
  progress?: boolean;
  deadline?: number;
  'max-pages'?: number;
  'max-response-mb'?: number;
  'follow-host'?: boolean;
}

export function withCollectOptions<T>(y: Argv<T>): Argv<T & CollectArgs> {
  return y
    .option('project', { type: 'string', array: true, describe: 'Project id to audit (repeatable)' })
    .option('folder', { type: 'string', describe: 'Folder id: every project under it, through Cloud Asset Inventory' })
    .option('org', { type: 'string', describe: 'Organization id: every project in it, through Cloud Asset Inventory' })
    .option('endpoint', {
      type: 'string',
      array: true,
      describe: `SERVICE=URL (repeatable; SERVICE one of ${ENDPOINT_SERVICES.join(', ')}): a private API endpoint or the emulator; a loopback http URL needs no credentials`,
    })
    .option('timeout-ms', { type: 'number', default: DEFAULT_CALL_POLICY.timeoutMs, describe: 'Timeout of every API call attempt' })
    .option('retries', { type: 'number', default: DEFAULT_CALL_POLICY.retries, describe: 'Retries of a call answered 429/503 or timed out (exponential backoff with jitter)' })
    .option('concurrency', {
      type: 'number',
      describe: `API calls in flight at once, per API (default: from each API's quota: ${LIVE_APIS.map((api) => `${api} ${API_LIMITS[api].concurrency}`).join(', ')})`,
    })
    .option('page-size', { type: 'number', default: 1000, describe: 'Page size asked of the APIs (asset: at most 1000, compute: at most 500)' })
    .option('max-rps', {
      type: 'number',
      describe: `Requests started per second, per API (compute, container, dns, asset), retries included (default: each API's per-minute quota, ${LIVE_APIS.filter((api) => API_LIMITS[api].quotaPerMinute).map((api) => `${api} ${API_LIMITS[api].quotaPerMinute}${API_LIMITS[api].quotaProject === 'resource' ? ' per project read' : ''}`).join(', ')}, after the first minute's worth)`,
    })
    .option('fresh', {
      type: 'boolean',
      describe: 'With --org/--folder: read every project through the per-service APIs, as it is now, instead of Cloud Asset Inventory (minutes behind); only the project list comes from the inventory',
    })
    .option('retry-budget', {
      type: 'number',
      describe: `Retries allowed per API over the run; once spent, throttled calls fail at once into read errors (exit 3) (default: ${RETRY_BUDGET_FLOOR} or ${RETRY_BUDGET_SHARE * 100}% of the calls made, whichever is larger)`,
    })
    .option('shard', {
      type: 'string',
      describe: 'i/n: only the projects whose stable hash falls in shard i of n (from 1); auto: from CLOUD_RUN_TASK_INDEX/COUNT or JOB_COMPLETION_INDEX with SHARD_COUNT',
    })
    .option('follow-host', {
      type: 'boolean',
      default: true,
      describe: 'With --project: also read (list only) the network collections of the Shared VPC host of a cluster whose network lives outside the scope; --no-follow-host turns it off',
    })
    .option('progress', { type: 'boolean', describe: 'Progress on stderr (default: only on a terminal, never with CI set)' })
    .option('deadline', { type: 'number', describe: 'Seconds the whole collection may take; what is not read by then is reported as not read (not evaluated, exit 3)' })
    .option('max-pages', { type: 'number', default: DEFAULT_MAX_PAGES, describe: 'Pages of one list before it is given up as not read (a guard against an API that never ends a list)' })
    .option('max-response-mb', { type: 'number', default: DEFAULT_MAX_RESPONSE_BYTES / 2 ** 20, describe: 'Largest API answer read, in MiB after decompression; a larger one is a read error' }) as unknown as Argv<T & CollectArgs>;
}

function positiveInt(value: number, flag: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${flag} ${value}: expected an integer >= ${min}`);
  return value;
}

/** The scope from --project/--folder/--org: exactly one kind; undefined when none is given. */
export function scopeFrom(args: CollectArgs): LiveScope | undefined {
  const given = [args.project?.length ? 'project' : '', args.folder !== undefined ? 'folder' : '', args.org !== undefined ? 'org' : ''].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one scope: --project (repeatable), --folder or --org, not ${given.map((g) => `--${g}`).join(' and ')}`);
  if (args.project?.length) {
    for (const p of args.project) if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(p)) throw new UsageError(`--project ${p}: not a project id`);
    return { kind: 'projects', projects: args.project };
  }
  if (args.folder !== undefined) {
    if (!/^\d+$/.test(args.folder)) throw new UsageError(`--folder ${args.folder}: a folder id is a number`);
    return { kind: 'folder', id: args.folder };
  }
  if (args.org !== undefined) {
    if (!/^\d+$/.test(args.org)) throw new UsageError(`--org ${args.org}: an organization id is a number`);
    return { kind: 'organization', id: args.org };
  }
  return undefined;
}

/** Every service an `--endpoint` may name: the collector's and the preflight's (doctor). */
export const ENDPOINT_SERVICES = [...LIVE_SERVICES, ...PREFLIGHT_SERVICES] as const;
export type EndpointService = (typeof ENDPOINT_SERVICES)[number];

export function endpointsFrom(specs: string[] | undefined): Partial<Record<EndpointService, URL>> {
  const endpoints: Partial<Record<EndpointService, URL>> = {};
  for (const spec of specs ?? []) {
    let parsed: { service: EndpointService; url: URL };
    try {
      parsed = parseEndpoint<EndpointService>(spec, ENDPOINT_SERVICES);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (endpoints[parsed.service]) throw new UsageError(`--endpoint ${spec}: ${parsed.service} is given twice`);
    endpoints[parsed.service] = parsed.url;
  }
  return endpoints;
}

/** Every flag checked before anything is collected; `scope` may come from elsewhere (the emulator). */
export function liveOptionsFrom(args: CollectArgs, scope: LiveScope): LiveOptions {
  const maxRps = args['max-rps'];
  if (maxRps !== undefined && !(Number.isFinite(maxRps) && maxRps > 0)) throw new UsageError(`--max-rps ${maxRps}: expected a number of requests per second above 0`);
  const retryBudget = args['retry-budget'] === undefined ? undefined : positiveInt(args['retry-budget'], 'retry-budget', 0);
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const pageSize = positiveInt(args['page-size'], 'page-size');
  const deadline = args.deadline;
  if (deadline !== undefined && !(Number.isFinite(deadline) && deadline > 0)) throw new UsageError(`--deadline ${deadline}: expected a number of seconds above 0`);
  const maxPages = positiveInt(args['max-pages'] ?? DEFAULT_MAX_PAGES, 'max-pages');
  const maxResponseMb = args['max-response-mb'] ?? DEFAULT_MAX_RESPONSE_BYTES / 2 ** 20;
  if (!(Number.isFinite(maxResponseMb) && maxResponseMb > 0)) throw new UsageError(`--max-response-mb ${maxResponseMb}: expected a number of MiB above 0`);
  const policy = {
    timeoutMs: positiveInt(args['timeout-ms'], 'timeout-ms'),
    retries: positiveInt(args.retries, 'retries', 0),
    ...(args.concurrency !== undefined ? { concurrency: positiveInt(args.concurrency, 'concurrency') } : {}),
    ...(maxRps !== undefined ? { maxRps } : {}),
    ...(retryBudget !== undefined ? { retryBudget } : {}),
    ...(deadline !== undefined ? { deadlineMs: Math.round(deadline * 1000) } : {}),
  };
  // Built last: a progress bar must not be drawn for a run that a bad flag is about to stop.
  const showProgress = args.progress ?? progressWanted();
  if (args.fresh && scope.kind === 'projects') throw new UsageError('--fresh applies to --org and --folder (projects named with --project are always read per service)');
  return {
    scope,
    endpoints: endpointsFrom(args.endpoint),
    policy,
    pageSize,
    followHost: args['follow-host'] !== false,
    maxPages,
    maxResponseBytes: Math.round(maxResponseMb * 2 ** 20),
    ...(shard ? { shard } : {}),
    ...(args.fresh ? { fresh: true } : {}),
    notice: (line) => process.stderr.write(`gke-private-audit: ${line}\n`),
    progress: showProgress ? terminalProgress() : undefined,
  };
}

/** Collects, or says in one line why the scope could not be listed (exit 3: nothing was audited). */
export async function collectOrExplain(options: LiveOptions): Promise<{ snapshot: Snapshot; stats: LiveStats } | undefined> {
  try {
    return await collectLive(options);
  } catch (e) {
    if (e instanceof ScopeError) {
      writeErrorLine(`gke-private-audit: ${e.message}\napi calls: ${formatApiStats(e.apis)}`);
      return undefined;
    }
    throw e;
  }
}

/** Two lines for stderr: what was collected, then the calls made, retried and failed per API. */
export function describeCollection(snapshot: Snapshot, stats: LiveStats): string {
  const shard = snapshot.scope.shard ? ` (shard ${snapshot.scope.shard})` : '';
  return (
    `collected ${stats.projects} project(s)${shard}: ${snapshot.clusters.length} cluster(s), ${snapshot.networks.length} network(s), ` +
    `${snapshot.managedZones.length} DNS zone(s) in ${stats.calls} API call(s) (${stats.retries} retried), ${(stats.wallMs / 1000).toFixed(1)} s` +
    (snapshot.readErrors.length ? `; ${snapshot.readErrors.length} part(s) could not be read` : '') +
    `\napi calls: ${formatApiStats(stats.apis)}` +
    `\n${coverageLine(summarizeCoverage(snapshot))}`
  );
}

interface CollectCommandArgs extends CollectArgs {
  out: string;
  'allow-incomplete': boolean;
}

export const collectCommand = {
  command: 'collect',
  describe:
    'Read live GCP state (projects, a folder or an organization) into a snapshot file; exits 3 after writing it when some parts could not be read (unless --allow-incomplete)',
  builder: (y: Argv) =>
    withCollectOptions(y)
      .option('out', { type: 'string', demandOption: true, describe: 'Snapshot file to write (atomically)' })
      .option('allow-incomplete', {
        type: 'boolean',
        default: false,
        describe: 'Exit 0 even when some parts could not be read (they are still recorded in the snapshot, so check reports them as not evaluated)',
      }),
  handler: async (args: CollectCommandArgs): Promise<number> => {
    const scope = scopeFrom(args);
    if (!scope) throw new UsageError('collect needs a scope: --project ID (repeatable), --folder ID or --org ID');
    if (!args.out) throw new UsageError('--out: give the snapshot file to write');
    const collected = await collectOrExplain(liveOptionsFrom(args, scope));
    if (!collected) return 3;
    const { snapshot, stats } = collected;
    await writeOutputFile(args.out, `${JSON.stringify(snapshot, null, 2)}\n`);
    writeErrorLine(`${describeCollection(snapshot, stats)}\nwrote ${args.out}`);
    for (const e of snapshot.readErrors) {
      writeErrorLine(`  could not read ${e.collection} of ${e.project}${e.resource ? ` (${e.resource})` : ''}: ${e.status || 'timeout'} ${e.reason ?? ''} ${e.message}`);
    }
    // The snapshot is written either way (check reports the unread parts as not evaluated), but a
    // pipeline that goes on with it must know it is incomplete, as audit's verdict would say.
    return snapshot.readErrors.length && !args['allow-incomplete'] ? 3 : 0;
  },
};
