/**
 * `audit`: collect live state, check it, write reports, gate. `audit --emulator` does the same
 * against the bundled demo organization (examples/org) served by the emulator in this process, so
 * the whole product runs with no Google account. `audit --plan` applies a Terraform plan over the
 * collected state before checking: the pre-deploy gate, judged against what really exists.
 */
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
    return reportAndGate(snapshot, policy, args, outputs, { startedAt });
  },
};
