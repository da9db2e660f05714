/** `emulator`: serve a snapshot (or a layout of projects) as the Google APIs, on 127.0.0.1, until stopped. */
import type { Argv } from 'yargs';
import { startEmulator } from '../emulator/server.js';
import { bundledOrgFile, loadWorld } from '../emulator/world.js';
import { UsageError } from './usage-error.js';

interface EmulatorArgs {
  data?: string;
  port: number;
  'latency-ms': number;
  'page-size'?: number;
  'fault-429': number;
  'fault-503': number;
  hang: number;
  'fault-path'?: string;
  seed: number;
  'unsupported-asset-type'?: string[];
}

function rate(value: number, flag: string): number {
  if (!(value >= 0 && value <= 1)) throw new UsageError(`--${flag} ${value}: a share between 0 and 1`);
  return value;
}

function nonNegativeInt(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag} ${value}: expected an integer >= 0`);
  return value;
}

export const emulatorCommand = {
  command: 'emulator',
  describe: 'Serve a snapshot as the compute, container, dns and asset APIs on 127.0.0.1 (prints its base URL)',
  builder: (y: Argv) =>
    y
      .option('data', { type: 'string', describe: 'Snapshot file, or a layout file listing snapshots (default: the demo organization, examples/org/org.json)' })
      .option('port', { type: 'number', default: 0, describe: 'Port on 127.0.0.1 (0: a free one)' })
      .option('latency-ms', { type: 'number', default: 0, describe: 'Delay before every answer' })
      .option('page-size', { type: 'number', describe: 'Largest page returned, whatever the client asks' })
      .option('fault-429', { type: 'number', default: 0, describe: 'Share of calls answered 429 RESOURCE_EXHAUSTED' })
      .option('fault-503', { type: 'number', default: 0, describe: 'Share of calls answered 503 UNAVAILABLE' })
      .option('hang', { type: 'number', default: 0, describe: 'Share of calls never answered' })
      .option('fault-path', { type: 'string', describe: 'Only calls whose path matches this regular expression get faults' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed of the fault dice' })
      .option('unsupported-asset-type', {
        type: 'string',
        array: true,
        describe: 'Asset type listAssets refuses as unsupported, 400 (repeatable): dns.googleapis.com/ResourceRecordSet makes the collector read record sets zone by zone',
      }),
  handler: async (args: EmulatorArgs): Promise<number> => {
    let faultPath: RegExp | undefined;
    if (args['fault-path'] !== undefined) {
      try {
        faultPath = new RegExp(args['fault-path']);
      } catch (e) {
        throw new UsageError(`--fault-path: ${(e as Error).message}`);
      }
    }
    const options = {
      port: nonNegativeInt(args.port, 'port'),
      latencyMs: nonNegativeInt(args['latency-ms'], 'latency-ms'),
      pageSize: args['page-size'] === undefined ? undefined : nonNegativeInt(args['page-size'], 'page-size') || undefined,
      fault429: rate(args['fault-429'], 'fault-429'),
      fault503: rate(args['fault-503'], 'fault-503'),
      hang: rate(args.hang, 'hang'),
      faultPath,
      seed: args.seed,
      unsupportedAssetTypes: args['unsupported-asset-type'],
    };
    const world = loadWorld(args.data ?? bundledOrgFile());
    const emulator = await startEmulator(world, options);
    process.stdout.write(`${emulator.url}\n`);
    const scopes = [world.organization ? `organizations/${world.organization.id}` : '', ...world.folders.map((f) => `folders/${f.id}`)].filter(Boolean);
    process.stderr.write(
      `emulator: ${world.projects.length} project(s)${scopes.length ? `, ${scopes.join(', ')}` : ''}; point the collector at it with ` +
        `--endpoint compute=${emulator.url} --endpoint container=${emulator.url} --endpoint dns=${emulator.url} --endpoint asset=${emulator.url}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await emulator.close();
    process.stderr.write(`emulator: stopped after ${emulator.requests.length} request(s)\n`);
    return 0;
  },
};
