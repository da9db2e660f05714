/**
 * The CI examples in examples/ci/ follow the rules docs/ci.md states: a SARIF category per scope,
 * the same category on the tool and on the upload, the permissions the actions need, report flags
 * the CLI knows, and the JUnit file GitLab reads being the one the job writes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPORT_FORMATS } from '../../src/report/index.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

type Step = { uses?: string; run?: string; with?: Record<string, string>; if?: string };
type Job = { steps: Step[]; strategy?: { matrix: { include: Record<string, string>[] } }; env?: Record<string, string> };
type Workflow = { permissions: Record<string, string>; jobs: Record<string, Job> };

const example = (name: string): string => readFileSync(path.join(REPO_ROOT, 'examples/ci', name), 'utf8');
const reportFlags = (text: string): string[] => [...text.matchAll(/--report\s+([a-z]+)(?:=|\s|$)/g)].map((m) => m[1]);

describe('CI examples', () => {
  it.each(['github-scheduled-audit.yml', 'gitlab-ci.yml'])('%s uses only report formats the CLI knows', (name) => {
    const formats = reportFlags(example(name));
    expect(formats.length).toBeGreaterThan(0);
    for (const f of formats) expect(REPORT_FORMATS).toContain(f);
  });

  it('the scheduled workflow authenticates by workload identity and uploads one category per scope', () => {
    const wf = parse(example('github-scheduled-audit.yml')) as Workflow;
    expect(wf.permissions['id-token']).toBe('write');
    expect(wf.permissions['security-events']).toBe('write');
    const job = wf.jobs.audit;
    const scopes = job.strategy!.matrix.include.map((m) => m.scope);
    expect(new Set(scopes).size).toBe(scopes.length);
    expect(job.env!.CATEGORY).toContain('${{ matrix.scope }}');
    const steps = job.steps;
    expect(steps.find((s) => s.uses?.startsWith('google-github-actions/auth@'))?.with?.workload_identity_provider).toBeTruthy();
    const audit = steps.find((s) => s.run?.includes(' audit '))!.run!;
    expect(audit).toContain('--category "$CATEGORY"');
    expect(audit).toContain('--report sarif="$OUT/results.sarif"');
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.category).toBe('${{ env.CATEGORY }}');
    expect(upload.with!.sarif_file).toBe('${{ env.OUT }}/results.sarif');
    expect(upload.if).toMatch(/always\(\)/);
    expect(steps.some((s) => s.run?.includes('$GITHUB_STEP_SUMMARY'))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });

  it('the pre-deploy job gates the plan with the action, fails on findings, and uploads its SARIF', () => {
    const wf = parse(example('github-pre-deploy.yml')) as Workflow;
    const steps = wf.jobs['plan-check'].steps;
    const gate = steps.find((s) => s.uses?.startsWith('gke-private-audit/gke-private-audit@'))! as { id?: string; with?: Record<string, string>; 'continue-on-error'?: boolean };
    expect(gate.with).toMatchObject({ plan: 'infra/plan.json', 'fail-on': 'high', category: 'gke-private-audit/plan' });
    expect(gate['continue-on-error']).toBeUndefined();
    const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    for (const input of Object.keys(gate.with!)) expect(Object.keys(action.inputs)).toContain(input);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.category).toBe('gke-private-audit/plan');
    expect(upload.with!.sarif_file).toBe(`\${{ steps.${gate.id}.outputs.sarif }}`);
  });

  it('the GitLab jobs hand GitLab the JUnit file they write', () => {
    const ci = parse(example('gitlab-ci.yml')) as Record<string, { script?: string[]; artifacts?: { reports: { junit: string } } }>;
    const junit = ci['.gke-private-audit'].artifacts!.reports.junit;
    for (const job of ['gke-private-audit', 'gke-private-audit-plan']) {
      expect(ci[job].script!.join('\n')).toContain(`--report junit=${junit}`);
    }
  });
});
