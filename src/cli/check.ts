/** `check`: judge an offline input (a snapshot, a Terraform plan, an asset export) and write reports. */
import type { Argv } from 'yargs';
import { loadSnapshot } from '../model/load.js';
import { readAssetExport } from '../collectors/assets/index.js';
import { applyPlanToSnapshot, loadPlanSnapshot } from '../collectors/overlay.js';
import { reportAndGate, resolveOutputs, resolvePolicy, withReportOptions, type ReportArgs } from './common.js';
import { UsageError } from './usage-error.js';

interface CheckArgs extends ReportArgs {
  snapshot?: string;
  plan?: string;
  assets?: string;
  'tf-dir'?: string;
  'assets-complete'?: boolean;
}

export const checkCommand = {
  command: 'check',
  describe: 'Check a snapshot, a Terraform plan (alone or over a snapshot) or an asset export against the policy and write reports',
  builder: (y: Argv) =>
    withReportOptions(y)
      .option('snapshot', { type: 'string', describe: 'Snapshot file written by `collect` (or by hand)' })
      .option('plan', { type: 'string', describe: 'Terraform plan JSON (`terraform show -json tfplan`); with --snapshot or --assets, applied over it' })
      .option('assets', { type: 'string', describe: 'Cloud Asset Inventory export: NDJSON of `gcloud asset export` or JSON of `gcloud asset list`' })
      .option('assets-complete', { type: 'boolean', default: false, describe: 'The --assets export holds every asset type of its projects: an absent type means none, not "not exported"' })
      .option('tf-dir', { type: 'string', describe: 'Root module directory whose .tf files locate plan resources (default: the plan\'s directory)' }),
  handler: async (args: CheckArgs): Promise<number> => {
    const startedAt = new Date();
    const policy = resolvePolicy(args.config);
    const outputs = resolveOutputs(args);
    if (args.snapshot && args.assets) throw new UsageError('give one base input, --snapshot or --assets (a --plan can go over either)');
    if (!args.snapshot && !args.assets && !args.plan) throw new UsageError('check needs an input: --snapshot FILE, --plan PLAN.json or --assets EXPORT');
    if (args['assets-complete'] && !args.assets) throw new UsageError('--assets-complete only applies with --assets');
    if (args['tf-dir'] && !args.plan) throw new UsageError('--tf-dir only applies with --plan');
    // Every input is read and applied before any report is written, so bad input leaves nothing behind.
    let snapshot = args.snapshot ? loadSnapshot(args.snapshot) : args.assets ? readAssetExport(args.assets, { complete: args['assets-complete'] }) : undefined;
    if (args.plan) snapshot = snapshot ? applyPlanToSnapshot(snapshot, args.plan, args['tf-dir']) : loadPlanSnapshot(args.plan, { tfDir: args['tf-dir'] });
    return reportAndGate(snapshot!, policy, args, outputs, { startedAt });
  },
};
