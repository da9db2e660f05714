/** `check`: judge an offline input (a snapshot written earlier) and write reports. */
import type { Argv } from 'yargs';
import { loadSnapshot } from '../model/load.js';
import { reportAndGate, resolveOutputs, resolvePolicy, withReportOptions, type ReportArgs } from './common.js';
import { UsageError } from './usage-error.js';

interface CheckArgs extends ReportArgs {
  snapshot?: string;
}

export const checkCommand = {
  command: 'check',
  describe: 'Check a snapshot against the policy and write reports',
  builder: (y: Argv) =>
    withReportOptions(y).option('snapshot', { type: 'string', describe: 'Snapshot file written by `collect` (or by hand)' }),
  handler: async (args: CheckArgs): Promise<number> => {
    const startedAt = new Date();
    const policy = resolvePolicy(args.config);
    const outputs = resolveOutputs(args);
    if (!args.snapshot) throw new UsageError('check needs an input: --snapshot FILE');
    const snapshot = loadSnapshot(args.snapshot);
    return reportAndGate(snapshot, policy, args, outputs, { startedAt });
  },
};
