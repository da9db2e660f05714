/**
 * The plan gate where it runs: SARIF paths relative to the repository root whatever the working
 * directory, and one line saying what to run instead when the input is not plan JSON.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sarifSourcePath } from '../../src/cli/source-root.js';
import { readPlanFile } from '../../src/collectors/terraform/plan.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'gpa-plan-gate-'));

/** A repository (a `.git` directory is what marks its root) with the example plan under infra/. */
function repoWithPlan(): string {
  const repo = tmp();
  mkdirSync(path.join(repo, '.git'));
  mkdirSync(path.join(repo, 'infra'));
  for (const f of ['main.tf', 'plan.json']) copyFileSync(path.join(REPO_ROOT, 'examples/terraform', f), path.join(repo, 'infra', f));
  return repo;
}

describe('SARIF source paths', () => {
  it('are relative to the git repository holding the file, else --source-root, else the tf dir', () => {
    const repo = repoWithPlan();
    const fromInfra = sarifSourcePath({ cwd: path.join(repo, 'infra') });
    expect(fromInfra('main.tf')).toBe('infra/main.tf');
    expect(sarifSourcePath({ cwd: os.tmpdir() })(path.join(repo, 'infra/main.tf'))).toBe('infra/main.tf');
    expect(sarifSourcePath({ cwd: repo, sourceRoot: 'infra' })('infra/main.tf')).toBe('main.tf');
    const loose = tmp();
    mkdirSync(path.join(loose, 'mod'));
    expect(sarifSourcePath({ cwd: loose, tfDir: 'mod' })('mod/network.tf')).toBe('network.tf');
  });

  it('a gate run from a subdirectory of the repository points GitHub at infra/main.tf', () => {
    const repo = repoWithPlan();
    const r = runCli(['check', '--plan', 'plan.json', '--output', 'out.sarif'], { cwd: path.join(repo, 'infra') });
    // The example plan manages the cluster alone: most results are not evaluated (exit 3), and are in the SARIF too.
    expect(r.code).toBe(3);
    const sarif = JSON.parse(readFileSync(path.join(repo, 'infra/out.sarif'), 'utf8')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = new Set(sarif.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect(uris).toContain('infra/main.tf');
    expect([...uris].some((u) => u === 'main.tf' || u.startsWith('..'))).toBe(false);
  });
});

describe('plan input hints', () => {
  const dir = tmp();
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it('says what to run for a binary plan, human-readable output and a state file', () => {
    const binary = write('tfplan', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(40, 1)]));
    expect(() => readPlanFile(binary)).toThrow(/is a binary plan file \(terraform plan -out\); run `terraform show -json THIS_FILE > plan.json`/);
    const text = write('plan.txt', '\nTerraform used the selected providers to generate the following execution\nplan.\n  # google_container_cluster.alpha will be created\n');
    expect(() => readPlanFile(text)).toThrow(/is the human-readable output of `terraform show` or `terraform plan`, not JSON; run `terraform show -json tfplan > plan.json`/);
    const coloured = write('plan-color.txt', '\u001b[1mTerraform will perform the following actions:\u001b[0m\n');
    expect(() => readPlanFile(coloured)).toThrow(/human-readable output/);
    const state = write('terraform.tfstate', JSON.stringify({ version: 4, terraform_version: '1.9.0', serial: 3, lineage: 'x', outputs: {}, resources: [] }));
    expect(() => readPlanFile(state)).toThrow(/is a Terraform state file \(terraform.tfstate\), not a plan/);
  });

  it('a plan with nothing this tool reads passes with "nothing to check" on stderr and in the report', () => {
    const plan = write('empty-plan.json', JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources: [{ address: 'random_id.x', mode: 'managed', type: 'random_id', name: 'x', values: {} }] } }, resource_changes: [] }));
    const r = runCli(['check', '--plan', plan, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^gke-private-audit: nothing to check: .*empty-plan\.json has no resource this tool reads .*; to gate a cluster, run it on the plan of the root module that declares the cluster and its network\n$/);
    expect(r.stdout).toContain('nothing to check');
    const bad = runCli(['check', '--plan', write('show.txt', 'Terraform will perform the following actions:\n')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
