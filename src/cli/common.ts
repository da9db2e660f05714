/** Options shared by the commands that produce reports (`check`, `audit`). */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { audit } from '../engine/audit.js';
import { loadBaseline } from '../engine/baseline.js';
import { defaultPolicy, loadPolicy, type Policy } from '../engine/policy.js';
import { SEVERITIES, type FailOn, type Rule, type Severity } from '../engine/types.js';
import type { Snapshot } from '../model/snapshot.js';
import { writeErrorLine } from '../inert.js';
import { RULES } from '../rules/index.js';
import { isReportFormat, type ReportFormat } from '../report/index.js';
import { outputSpecs, refuseOverlaps, writeReports, type OutputSpec } from './outputs.js';
import { didYouMean } from './suggest.js';
import { sarifSourcePath } from './source-root.js';
import { UsageError } from './usage-error.js';
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
  rule?: string[];
  'skip-rule'?: string[];
  severity?: string[];
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
  'source-root'?: string;
  'strict-exceptions'?: boolean;
}

/** Several values given as repeated flags, a comma list, or both (`--rule a,b --rule c`). */
function listValues(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
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
    .option('baseline', { type: 'string', describe: 'A previous JSON or SARIF report: every finding is marked new or existing, and only new ones fail the gate' })
    .option('rule', { type: 'string', array: true, describe: 'Run only this rule (repeatable, or a comma list; see `rules list`)' })
    .option('skip-rule', { type: 'string', array: true, describe: 'Do not run this rule (repeatable, or a comma list)' })
    .option('severity', { type: 'string', array: true, describe: `Report and gate only results of these severities (comma list of ${SEVERITIES.join(', ')})` })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Text report: list passing and not-applicable results too' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Text report: the gate line alone' })
    .option('color', { type: 'boolean', describe: 'Colours in the text report on standard output (default: on a terminal unless NO_COLOR or TERM=dumb; FORCE_COLOR forces them); --no-color turns them off' })
    .option('strict-exceptions', { type: 'boolean', default: false, describe: 'Exit 2, writing no report, when a policy exception matches no resource' })
    .option('source-root', {
      type: 'string',
      describe: 'SARIF: .tf paths relative to this directory (default: the root of the git repository holding each .tf file, else --tf-dir)',
    }) as unknown as Argv<T & ReportArgs>;
}

/** The rules `--rule` / `--skip-rule` leave, each id checked against the catalogue. */
export function selectRules(args: Pick<ReportArgs, 'rule' | 'skip-rule'>, catalogue: readonly Rule[] = RULES): readonly Rule[] {
  const ids = catalogue.map((r) => r.meta.id);
  const check = (flag: string, values: string[]): Set<string> => {
    for (const id of values) {
      if (!ids.includes(id)) throw new UsageError(`${flag} ${id}: no such rule${didYouMean(id, ids)} (see \`rules list\`)`);
    }
    return new Set(values);
  };
  const only = check('--rule', listValues(args.rule));
  const skip = check('--skip-rule', listValues(args['skip-rule']));
  const selected = catalogue.filter((r) => (only.size === 0 || only.has(r.meta.id)) && !skip.has(r.meta.id));
  if (selected.length === 0) throw new UsageError('--rule and --skip-rule leave no rule to run');
  return selected;
}

/** `--severity high,critical` → the severities to report and gate; undefined for all. */
export function selectSeverities(values: string[] | undefined): Severity[] | undefined {
  const list = listValues(values);
  if (list.length === 0) return undefined;
  for (const s of list) {
    if (!(SEVERITIES as readonly string[]).includes(s)) throw new UsageError(`--severity ${s}: one of ${SEVERITIES.join(', ')}${didYouMean(s, SEVERITIES)}`);
  }
  return list as Severity[];
}

/** The format a report file's extension implies, for `--output FILE` without `--format`. */
const EXTENSION_FORMATS: Record<string, ReportFormat> = {
  '.json': 'json',
  '.sarif': 'sarif',
  '.html': 'html',
  '.htm': 'html',
  '.xml': 'junit',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.log': 'text',
};

export function formatOfPath(file: string): ReportFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.sarif.json')) return 'sarif';
  return EXTENSION_FORMATS[path.extname(lower)];
}

/**
 * Colours on standard output: --color / --no-color first, then FORCE_COLOR (any value but 0 or
 * false), then NO_COLOR and TERM=dumb, then whether standard output is a terminal.
 */
export function colorWanted(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR || env.TERM === 'dumb') return false;
  return isTTY;
}

/** The text report's width: the terminal's on a TTY, else COLUMNS when set, else no wrapping. */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

/** The policy is loaded (and validated) before any input is read. */
export function resolvePolicy(config: string | undefined): Policy {
  if (config) return loadPolicy(config);
  const local = path.resolve('rules.yaml');
  return existsSync(local) ? loadPolicy('rules.yaml') : defaultPolicy();
}

/**
 * Validates the output flags early, before any input is read or collected: the formats, the rule
 * and severity choices, and that no output would overwrite an input (`inputs`: flag → path,
 * besides --config and --baseline) or another output.
 */
export function resolveOutputs(args: ReportArgs, inputs: Record<string, string | undefined> = {}): OutputSpec[] {
  let format = args.format;
  if (format === undefined && args.output !== undefined && args.output !== '-') {
    format = formatOfPath(args.output);
    if (format === undefined) throw new UsageError(`--output ${args.output}: give --format (the extension does not name one of .json .sarif .html .xml .md .txt)`);
  }
  if (format !== undefined && !isReportFormat(format)) {
    throw new UsageError(`--format ${format}: unknown format${didYouMean(format, ['text', 'json', 'sarif', 'html', 'junit', 'markdown'])}`);
  }
  if (args.quiet && args.verbose) throw new UsageError('--quiet and --verbose ask for opposite things; give one');
  // Rule and severity choices are checked here too, so a typo costs no collection.
  selectRules(args);
  selectSeverities(args.severity);
  const outputs = outputSpecs({ ...args, format });
  const policyFile = args.config ?? (existsSync('rules.yaml') ? 'rules.yaml' : undefined);
  refuseOverlaps(outputs, { '--config': policyFile, '--baseline': args.baseline, ...inputs });
  return outputs;
}

/** Evaluates and writes every report; returns the exit code of the gate. */
export async function reportAndGate(
  snapshot: Snapshot,
  policy: Policy,
  args: ReportArgs,
  outputs: OutputSpec[],
  extra: { baseline?: Set<string>; startedAt?: Date; rules?: readonly Rule[]; tfDir?: string } = {},
): Promise<number> {
  const report = audit(snapshot, policy, {
    failOn: args['fail-on'],
    allowIncomplete: args['allow-incomplete'],
    category: args.category,
    baseline: extra.baseline ?? (args.baseline ? loadBaseline(args.baseline) : undefined),
    startedAt: extra.startedAt,
    rules: extra.rules ?? selectRules(args),
    severities: selectSeverities(args.severity),
  });
  const unmatched = report.run.unmatchedExceptions ?? [];
  if (args['strict-exceptions'] && unmatched.length > 0) {
    const first = unmatched[0];
    const more = unmatched.length > 1 ? ` (and ${unmatched.length - 1} more)` : '';
    throw new InputError(policy.path ?? 'policy', `exception for ${first.rule} on ${first.resource} matches no resource${more} (--strict-exceptions)`, first.where?.replace(/^.* (line \d+)$/, '$1'));
  }
  for (const w of report.run.warnings) writeErrorLine(`warning: ${w}`);
  await writeReports(report, outputs, {
    sarifPasses: args['sarif-passes'],
    color: colorWanted(args.color),
    width: terminalWidth(),
    verbose: args.verbose,
    quiet: args.quiet,
    sourcePath: sarifSourcePath({ sourceRoot: args['source-root'], tfDir: extra.tfDir }),
  });
  for (const spec of outputs) {
    if (spec.path) writeErrorLine(`wrote ${spec.format} report ${spec.path}`);
  }
  return report.verdict.exitCode;
}
