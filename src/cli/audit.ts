/**
 * `audit`: collect live state, check it, write reports, gate. `audit --emulator` does the same
 * against the bundled demo organization (examples/org) served by the emulator in this process, so
 * the whole product runs with no Google account. `audit --plan` applies a Terraform plan over the
 * collected state before checking: the pre-deploy gate, judged against what really exists.
 */
import path from 'node:path';
import type { Argv } from 'yargs';
import { startEmulator, type RunningEmulator } from '../emulator/server.js';
import { bundledOrgFile, loadWorld } from '../emulator/world.js';
import { LIVE_SERVICES, type LiveService } from '../collectors/live/clients.js';
import type { LiveOptions } from '../collectors/live/collect.js';
import { applyDelta } from '../collectors/overlay.js';
import { readPlanDelta } from '../collectors/terraform/collect.js';
import { collectOrExplain, describeCollection, liveOptionsFrom, scopeFrom, withCollectOptions, type CollectArgs } from './collect.js';
import { reportAndGate, resolveOutputs, resolvePolicy, withReportOptions, type ReportArgs } from './common.js';
import { UsageError } from './usage-error.js';
import { writeErrorLine } from '../inert.js';
import { checkReadiness, readinessLines, readinessProblems, PREFLIGHT_SERVICES } from '../collectors/live/preflight.js';
import { isLoopback } from '../collectors/live/clients.js';
import type { LiveScope } from '../collectors/live/scope.js';
import { endpointsFrom } from './collect.js';

/**
 * The cheap half of `doctor` before a project audit: two calls per project, one line per problem on
 * stderr, so a 403 is explained once before the collection meets it. Skipped where it cannot ask
 * (collection against loopback endpoints with no preflight endpoint given), and never fatal.
 */
async function preflight(scope: LiveScope, endpointSpecs: string[] | undefined, timeoutMs: number): Promise<void> {
  if (scope.kind !== 'projects') return;
  const endpoints = endpointsFrom(endpointSpecs);
  const local = Object.values(endpoints).some((u) => u && isLoopback(u.hostname));
  if (local && !PREFLIGHT_SERVICES.every((s) => endpoints[s])) return;
  try {
    const readiness = await checkReadiness({ scope, endpoints, timeoutMs });
    if (readinessProblems(readiness) === 0) return;
    for (const line of readinessLines(readiness)) if (!/read permissions ok$/.test(line) || /disabled|could not/.test(line)) process.stderr.write(`preflight: ${line}\n`);
  } catch (e) {
    if ((e as Error).name === 'CredentialsError') throw e;
    process.stderr.write(`preflight: skipped (${(e as Error).message.split('\n')[0]})\n`);
  }
}

interface AuditArgs extends ReportArgs, CollectArgs {
  emulator: boolean;
  plan?: string;
  'tf-dir'?: string;
}

export const auditCommand = {
  command: 'audit',
  describe: 'Collect live GCP state, check it against the policy and write reports (--emulator: the no-account demo)',
  builder: (y: Argv) =>
    withReportOptions(withCollectOptions(y))
      .option('emulator', {
        type: 'boolean',
        default: false,
        describe: 'Audit the bundled demo organization, served by the local emulator in this process (no Google account needed)',
      })
      .option('plan', { type: 'string', describe: 'Terraform plan JSON (`terraform show -json tfplan`) applied over the collected state before checking' })
      .option('tf-dir', { type: 'string', describe: "Root module directory whose .tf files locate plan resources (default: the plan's directory)" }),
  handler: async (args: AuditArgs): Promise<number> => {
    const startedAt = new Date();
    const policy = resolvePolicy(args.config);
    const outputs = resolveOutputs(args, { '--plan': args.plan });
    let scope = scopeFrom(args);
    if (args.emulator && args.endpoint?.length) throw new UsageError('--emulator points every client at the local emulator; drop --endpoint');
    const world = args.emulator ? loadWorld(bundledOrgFile()) : undefined;
    if (world) scope ??= { kind: 'organization', id: world.organization!.id };
    if (!scope) throw new UsageError('audit needs a scope: --project ID (repeatable), --folder ID or --org ID (or --emulator for the demo)');
    if (args['tf-dir'] && !args.plan) throw new UsageError('--tf-dir only applies with --plan');
    // The plan is read and checked before any API call: a bad plan costs no quota and writes nothing.
    const delta = args.plan ? readPlanDelta(args.plan, { tfDir: args['tf-dir'] }) : undefined;
    const options: LiveOptions = liveOptionsFrom(args, scope);
    if (!world) await preflight(scope, args.endpoint, options.policy?.timeoutMs ?? args['timeout-ms']);

    let emulator: RunningEmulator | undefined;
    let collected: Awaited<ReturnType<typeof collectOrExplain>>;
    try {
      if (world) {
        emulator = await startEmulator(world);
        const url = new URL(emulator.url);
        options.endpoints = Object.fromEntries(LIVE_SERVICES.map((s) => [s, url])) as Record<LiveService, URL>;
        writeErrorLine(`emulator: serving the demo organization ${world.organization!.displayName ?? world.organization!.id} (${world.projects.length} projects) on ${emulator.url}`);
      }
      collected = await collectOrExplain(options);
    } finally {
      await emulator?.close();
    }
    if (!collected) return 3;
    const { snapshot: live, stats } = collected;
    writeErrorLine(describeCollection(live, stats));
    const snapshot = delta ? applyDelta(live, delta) : live;
    return reportAndGate(snapshot, policy, args, outputs, { startedAt, tfDir: args['tf-dir'] ?? (args.plan ? path.dirname(args.plan) : undefined) });
  },
};
