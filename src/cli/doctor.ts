/**
 * `doctor`: before an audit, per project of the scope, which APIs the collector reads are enabled
 * and which read permissions are missing (testIamPermissions), each with the command or role that
 * fixes it. Exit 0 when the audit can read everything, 3 when part of it would stay unread, 2 for
 * usage errors and missing credentials.
 */
import type { Argv } from 'yargs';
import { checkReadiness, readinessLines, readinessProblems, PREFLIGHT_SERVICES } from '../collectors/live/preflight.js';
import { startEmulator, type RunningEmulator } from '../emulator/server.js';
import { bundledOrgFile, loadWorld } from '../emulator/world.js';
import { LIVE_SERVICES } from '../collectors/live/clients.js';
import { DEFAULT_CALL_POLICY } from '../collectors/live/calls.js';
import { endpointsFrom, scopeFrom, type CollectArgs } from './collect.js';
import { UsageError } from './usage-error.js';

interface DoctorArgs extends Pick<CollectArgs, 'project' | 'folder' | 'org' | 'endpoint'> {
  emulator: boolean;
  'timeout-ms': number;
  format: 'text' | 'json';
}

export const doctorCommand = {
  command: 'doctor',
  describe: 'Check, per project of the scope, that the APIs the audit reads are enabled and the read permissions are granted',
  builder: (y: Argv) =>
    y
      .option('project', { type: 'string', array: true, describe: 'Project id (repeatable)' })
      .option('folder', { type: 'string', describe: 'Folder id: its projects, listed through Cloud Asset Inventory' })
      .option('org', { type: 'string', describe: 'Organization id: its projects, listed through Cloud Asset Inventory' })
      .option('endpoint', { type: 'string', array: true, describe: 'SERVICE=URL (repeatable): serviceusage, resourcemanager, asset' })
      .option('emulator', { type: 'boolean', default: false, describe: 'Check the bundled demo organization, served by the local emulator' })
      .option('timeout-ms', { type: 'number', default: DEFAULT_CALL_POLICY.timeoutMs, describe: 'Timeout of every API call' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' }),
  handler: async (args: DoctorArgs): Promise<number> => {
    let scope = scopeFrom({ ...args, 'timeout-ms': args['timeout-ms'], retries: 0, concurrency: 1, 'page-size': 1000 });
    if (args.emulator && args.endpoint?.length) throw new UsageError('--emulator points every client at the local emulator; drop --endpoint');
    const world = args.emulator ? loadWorld(bundledOrgFile()) : undefined;
    if (world) scope ??= { kind: 'organization', id: world.organization!.id };
    if (!scope) throw new UsageError('doctor needs a scope: --project ID (repeatable), --folder ID or --org ID (or --emulator)');
    let endpoints = endpointsFrom(args.endpoint);
    let emulator: RunningEmulator | undefined;
    try {
      if (world) {
        emulator = await startEmulator(world);
        const url = new URL(emulator.url);
        endpoints = Object.fromEntries([...LIVE_SERVICES, ...PREFLIGHT_SERVICES].map((s) => [s, url]));
      }
      const readiness = await checkReadiness({ scope, endpoints, timeoutMs: args['timeout-ms'] });
      const problems = readinessProblems(readiness);
      if (args.format === 'json') process.stdout.write(`${JSON.stringify({ ...readiness, ready: problems === 0 }, null, 2)}\n`);
      else {
        process.stdout.write(readinessLines(readiness).join('\n') + '\n');
        process.stdout.write(problems ? `${problems} problem(s): the audit would leave those parts unread (exit 3)\n` : 'ready: the audit can read everything it needs\n');
      }
      return problems ? 3 : 0;
    } finally {
      await emulator?.close();
    }
  },
};
