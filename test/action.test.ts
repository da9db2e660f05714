/** The GitHub Action's entry point, run as a runner runs it: INPUT_* variables, GITHUB_OUTPUT, the step summary. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionArgs } from '../src/action.js';
import { REPO_ROOT } from './helpers/fixtures.js';

const TSX = pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** What GitHub sets for a step (https://docs.github.com/actions/reference/variables-reference). */
function runnerEnv(inputs: Record<string, string>) {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'gpa-runner-'));
  const output = path.join(temp, 'github_output');
  const summary = path.join(temp, 'step_summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: REPO_ROOT,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    METADATA_SERVER_DETECTION: 'none',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase().replace(/-/g, '_')}`] = v;
  return { env, temp, output, summary };
}

function runEntry(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', TSX, path.join(REPO_ROOT, 'src/action.ts')], { cwd: os.tmpdir(), env, encoding: 'utf8', timeout: 120_000 });
}

const outputsOf = (file: string) => Object.fromEntries(readFileSync(file, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('GitHub Action', () => {
  it('maps inputs to one CLI run with SARIF, JSON and Markdown reports', () => {
    const { argv, reports } = actionArgs({ GITHUB_WORKSPACE: '/w', RUNNER_TEMP: '/t', INPUT_PROJECT: 'a-project, b-project', 'INPUT_FAIL-ON': 'medium', INPUT_CATEGORY: 'c' });
    expect(argv.slice(0, 9)).toEqual(['audit', '--project', 'a-project', '--project', 'b-project', '--fail-on', 'medium', '--category', 'c']);
    expect(reports.sarif).toBe('/t/gke-private-audit/results.sarif');
    expect(argv).toContain(`sarif=${reports.sarif}`);
    expect(actionArgs({ INPUT_PLAN: 'infra/plan.json' }).argv[0]).toBe('check');
    expect(() => actionArgs({ INPUT_COMMAND: 'check' })).toThrow(/check needs the plan or snapshot input/);
  });

  it('action.yml passes every input it declares to the entry point', () => {
    const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { steps: { id?: string; env?: Record<string, string> }[] } };
    const env = action.runs.steps.find((s) => s.id === 'run')!.env!;
    for (const name of Object.keys(action.inputs)) expect(env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`]).toBe(`\${{ inputs.${name} }}`);
  });

  it('runs a plan gate: fails the step, writes the summary, sets verdict, counts and report paths', () => {
    const { env, output, summary } = runnerEnv({ plan: 'test/fixtures/terraform/broken/private-endpoint/plan.json', 'fail-on': 'high', category: 'gke-private-audit/plan' });
    const r = runEntry(env);
    expect(r.status).toBe(1);
    const out = outputsOf(output);
    expect(out.verdict).toBe('failed');
    expect(out['exit-code']).toBe('1');
    expect(Number(out.failed)).toBeGreaterThan(0);
    expect(out.new).toBe(out.failed);
    expect(existsSync(out.sarif)).toBe(true);
    const sarif = JSON.parse(readFileSync(out.sarif, 'utf8')) as { runs: { automationDetails: { id: string } }[] };
    expect(sarif.runs[0].automationDetails.id).toBe('gke-private-audit/plan/');
    expect(readFileSync(summary, 'utf8')).toMatch(/Gate failed/);
  });

  it('reports an input error as a workflow error, exit 2', () => {
    const { env, output } = runnerEnv({ command: 'check' });
    const r = runEntry(env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('::error title=gke-private-audit::check needs the plan or snapshot input');
    expect(readFileSync(output, 'utf8')).toBe('');
  });

  it('the GitLab template installs the packed release and hands GitLab the JUnit file it writes', () => {
    const template = parse(readFileSync(path.join(REPO_ROOT, 'ci/gitlab/gke-private-audit.gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { variables: Record<string, string>; before_script: string[]; script: string[]; artifacts: { reports: { junit: string } } }
    >;
    const job = template['.gke-private-audit'];
    expect(job.variables.GKE_PRIVATE_AUDIT_PACKAGE).toMatch(/\.tgz$/);
    expect(job.before_script.join('\n')).toContain('npm install -g --no-audit --no-fund "$GKE_PRIVATE_AUDIT_PACKAGE"');
    const script = job.script.join('\n');
    expect(script).toContain('gke-private-audit $GKE_PRIVATE_AUDIT_COMMAND');
    expect(script).toContain(`--report "junit=${job.artifacts.reports.junit}"`);
  });
});
