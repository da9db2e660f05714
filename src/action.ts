/**
 * The GitHub Action's entry point (action.yml runs it after building the package): reads the
 * inputs GitHub passes as INPUT_* variables, runs the CLI once with a SARIF, a JSON and a Markdown
 * report, appends the Markdown to the step summary, sets the step's outputs, and ends with the
 * CLI's exit code. The same file runs anywhere those variables are set (CI tests it so).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STEP_SUMMARY_LIMIT } from './report/markdown.js';

type Env = NodeJS.ProcessEnv;

/** `INPUT_FAIL-ON` as a JavaScript action gets it, or `INPUT_FAIL_ON` as action.yml passes it. */
export function input(env: Env, name: string): string | undefined {
  const upper = name.toUpperCase();
  const value = env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** `a, b` or one per line → `[a, b]`. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

export interface ActionRun {
  argv: string[];
  reports: { sarif: string; json: string; markdown: string };
}

/** The CLI arguments for the inputs; throws a one-line Error for inputs that cannot go together. */
export function actionArgs(env: Env): ActionRun {
  const command = input(env, 'command') ?? (input(env, 'plan') || input(env, 'snapshot') ? 'check' : 'audit');
  if (command !== 'audit' && command !== 'check') throw new Error(`input command: "${command}" is not audit or check`);
  const dir = path.resolve(env.GITHUB_WORKSPACE ?? '.', input(env, 'output-dir') ?? path.join(env.RUNNER_TEMP ?? '.', 'gke-private-audit'));
  const reports = { sarif: path.join(dir, 'results.sarif'), json: path.join(dir, 'report.json'), markdown: path.join(dir, 'summary.md') };
  const argv = [command];
  for (const project of list(input(env, 'project'))) argv.push('--project', project);
  for (const [name, flag] of [
    ['folder', '--folder'],
    ['org', '--org'],
    ['plan', '--plan'],
    ['tf-dir', '--tf-dir'],
    ['snapshot', '--snapshot'],
    ['policy', '--config'],
    ['fail-on', '--fail-on'],
    ['category', '--category'],
    ['baseline', '--baseline'],
    ['severity', '--severity'],
    ['source-root', '--source-root'],
  ] as const) {
    const value = input(env, name);
    if (value !== undefined) argv.push(flag, value);
  }
  if (command === 'check' && !input(env, 'plan') && !input(env, 'snapshot')) throw new Error('check needs the plan or snapshot input');
  if (command === 'audit' && !input(env, 'project') && !input(env, 'folder') && !input(env, 'org')) throw new Error('audit needs the project, folder or org input');
  if ((input(env, 'allow-incomplete') ?? 'false') === 'true') argv.push('--allow-incomplete');
  argv.push('--report', 'text', '--report', `sarif=${reports.sarif}`, '--report', `json=${reports.json}`, '--report', `markdown=${reports.markdown}`);
  return { argv, reports };
}

const VERDICTS: Record<number, string> = { 0: 'passed', 1: 'failed', 2: 'error', 3: 'incomplete' };

/** `name=value` lines for $GITHUB_OUTPUT (values here never hold a newline). */
export function outputLines(exitCode: number, reports: ActionRun['reports']): string[] {
  const lines = [`verdict=${VERDICTS[exitCode] ?? 'error'}`, `exit-code=${exitCode}`];
  if (existsSync(reports.json)) {
    const report = JSON.parse(readFileSync(reports.json, 'utf8')) as {
      summary: { byStatus: Record<string, number>; waived: number; baseline?: { new: number; existing: number } };
      verdict: { gateFailures: number };
    };
    const s = report.summary;
    lines.push(
      `failed=${s.byStatus.fail}`,
      `passed=${s.byStatus.pass}`,
      `not-evaluated=${s.byStatus['not-evaluated']}`,
      `waived=${s.waived}`,
      `gate-failures=${report.verdict.gateFailures}`,
      `new=${s.baseline?.new ?? s.byStatus.fail}`,
      `existing=${s.baseline?.existing ?? 0}`,
      `json=${reports.json}`,
    );
  }
  if (existsSync(reports.sarif)) lines.push(`sarif=${reports.sarif}`);
  if (existsSync(reports.markdown)) lines.push(`markdown=${reports.markdown}`);
  return lines;
}

/** The CLI next to this file: the built one (dist/cli.js), or the source under tsx in development. */
function cliPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.join(here, 'cli.js');
  return existsSync(built) ? built : path.join(here, 'cli.ts');
}

export function runAction(env: Env = process.env): number {
  let run: ActionRun;
  try {
    run = actionArgs(env);
  } catch (e) {
    process.stderr.write(`::error title=gke-private-audit::${(e as Error).message}\n`);
    return 2;
  }
  mkdirSync(path.dirname(run.reports.sarif), { recursive: true });
  process.stderr.write(`gke-private-audit ${run.argv.join(' ')}\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, cliPath(), ...run.argv], {
    cwd: env.GITHUB_WORKSPACE ?? process.cwd(),
    env: { ...env, FORCE_COLOR: env.FORCE_COLOR ?? '1' },
    stdio: 'inherit',
  });
  const exitCode = child.status ?? 2;
  if (env.GITHUB_STEP_SUMMARY && existsSync(run.reports.markdown)) {
    const summary = readFileSync(run.reports.markdown, 'utf8');
    appendFileSync(env.GITHUB_STEP_SUMMARY, summary.length < STEP_SUMMARY_LIMIT ? summary : summary.slice(0, STEP_SUMMARY_LIMIT - 1));
  }
  const outputs = outputLines(exitCode, run.reports);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${outputs.join('\n')}\n`);
  else process.stdout.write(`${outputs.join('\n')}\n`);
  return exitCode;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runAction();
}
