/** Options shared by the commands that produce reports (`check`, `audit`). */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { audit } from '../engine/audit.js';
import { loadBaseline } from '../engine/baseline.js';
import { defaultPolicy, loadPolicy, type Policy } from '../engine/policy.js';
import { SEVERITIES, type FailOn } from '../engine/types.js';
import type { Snapshot } from '../model/snapshot.js';
import { outputSpecs, writeReports, type OutputSpec } from './outputs.js';
import { InputError } from '../errors.js';

export interface ReportArgs {
  config?: string;
  format?: string;
  output?: string;
  report?: string[];
  'fail-on': FailOn;
  'allow-incomplete': boolean;
  category?: string;
  'sarif-passes': boolean;
  baseline?: string;
  'strict-exceptions'?: boolean;
}

export function withReportOptions<T>(y: Argv<T>): Argv<T & ReportArgs> {
  return y
    .option('config', { type: 'string', describe: 'Policy file (default: ./rules.yaml when present, else built-in defaults)' })
    .option('format', { type: 'string', describe: 'Report format for the one-report shorthand: text, json, sarif, html, junit, markdown' })
    .option('output', { alias: 'o', type: 'string', describe: 'Where the --format report goes (default: standard output)' })
    .option('report', { type: 'string', array: true, describe: 'FORMAT[=PATH], repeatable: several reports from one run' })
    .option('fail-on', { choices: [...SEVERITIES, 'none'] as const, default: 'high' as FailOn, describe: 'Exit 1 when a failing result is at or above this severity' })
    .option('allow-incomplete', { type: 'boolean', default: false, describe: 'Do not exit 3 when some results are not evaluated' })
    .option('category', { type: 'string', describe: 'SARIF automationDetails category (default: derived from the scope)' })
    .option('sarif-passes', { type: 'boolean', default: false, describe: 'Include passing results in SARIF' })
    .option('baseline', { type: 'string', describe: 'A previous JSON or SARIF report: only findings not in it fail the gate' })
    .option('strict-exceptions', { type: 'boolean', default: false, describe: 'Exit 2, writing no report, when a policy exception matches no resource' }) as unknown as Argv<T & ReportArgs>;
}

/** The policy is loaded (and validated) before any input is read. */
export function resolvePolicy(config: string | undefined): Policy {
  if (config) return loadPolicy(config);
  const local = path.resolve('rules.yaml');
  return existsSync(local) ? loadPolicy('rules.yaml') : defaultPolicy();
}

/** Validates the output flags early, before any input is read or collected. */
export function resolveOutputs(args: ReportArgs): OutputSpec[] {
  return outputSpecs(args);
}

/** Evaluates and writes every report; returns the exit code of the gate. */
export async function reportAndGate(
  snapshot: Snapshot,
  policy: Policy,
  args: ReportArgs,
  outputs: OutputSpec[],
  extra: { baseline?: Set<string>; startedAt?: Date } = {},
): Promise<number> {
  const report = audit(snapshot, policy, {
    failOn: args['fail-on'],
    allowIncomplete: args['allow-incomplete'],
    category: args.category,
    baseline: extra.baseline ?? (args.baseline ? loadBaseline(args.baseline) : undefined),
    startedAt: extra.startedAt,
  });
  const unmatched = report.run.unmatchedExceptions ?? [];
  if (args['strict-exceptions'] && unmatched.length > 0) {
    const first = unmatched[0];
    const more = unmatched.length > 1 ? ` (and ${unmatched.length - 1} more)` : '';
    throw new InputError(policy.path ?? 'policy', `exception for ${first.rule} on ${first.resource} matches no resource${more} (--strict-exceptions)`, first.where?.replace(/^.* (line \d+)$/, '$1'));
  }
  for (const w of report.run.warnings) process.stderr.write(`warning: ${w}\n`);
  await writeReports(report, outputs, { sarifPasses: args['sarif-passes'] });
  return report.verdict.exitCode;
}
