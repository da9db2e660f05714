import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'gpa-check-plan-'));
const TF = 'test/fixtures/terraform';

function lineOf(file: string, header: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith(header)) + 1;
}

interface SarifResult { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }

describe('check --plan', () => {
  it('passes the plan of the article\'s setup (the PSC endpoint chosen at apply is the one value left open)', () => {
    const r = runCli(['check', '--plan', `${TF}/full-root/plan.json`, '--allow-incomplete']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  router-advertises-control-plane  google_container_cluster.beta: privateClusterConfig.privateEndpoint is not known until apply.');
    expect(r.stdout).toContain(`at ${TF}/full-root/main.tf:${lineOf(`${TF}/full-root/main.tf`, 'resource "google_container_cluster" "beta"')}`);
    expect(runCli(['check', '--plan', `${TF}/full-root/plan.json`]).code).toBe(3);
  });

  it('fails a breaking plan with SARIF pointing at the .tf file and line of each failing resource', () => {
    const out = path.join(tmp(), 'plan.sarif');
    const r = runCli(['check', '--plan', `${TF}/broken/vip-route/plan.json`, '--report', `sarif=${out}`, '--allow-incomplete']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results: SarifResult[] }[] };
    const vip = sarif.runs[0].results.filter((x) => x.ruleId === 'vip-route');
    expect(vip).toHaveLength(2);
    const file = `${TF}/broken/vip-route/main.tf`;
    expect(vip.map((x) => x.locations[0].physicalLocation)).toEqual([
      { artifactLocation: { uri: file }, region: { startLine: lineOf(file, 'resource "google_container_cluster" "alpha"') } },
      { artifactLocation: { uri: file }, region: { startLine: lineOf(file, 'resource "google_container_cluster" "beta"') } },
    ]);
  });

  it('locates blocks from --tf-dir, relative to the working directory', () => {
    const out = path.join(tmp(), 'r.json');
    const r = runCli(['check', '--plan', 'broken/private-google-access/plan.json', '--tf-dir', 'broken/private-google-access', '--report', `json=${out}`, '--allow-incomplete'], { cwd: path.resolve(TF) });
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { results: { ruleId: string; status: string; resource: { file?: string; line?: number } }[] };
    const pga = report.results.find((x) => x.ruleId === 'private-google-access')!;
    expect(pga.status).toBe('fail');
    expect(pga.resource.file).toBe('broken/private-google-access/main.tf');
  });

  it('applies the plan over a live snapshot: --snapshot + --plan', () => {
    const r = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--plan', `${TF}/delete-vip-route/plan.json`, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { results: { ruleId: string; status: string }[] };
    expect(report.results.filter((x) => x.ruleId === 'vip-route').map((x) => x.status)).toEqual(['fail', 'fail']);
    expect(report.results.filter((x) => x.status === 'fail').every((x) => x.ruleId === 'vip-route')).toBe(true);
  });

  it('reads asset exports: --assets', () => {
    // The project's export holds no firewall policy assets (and no organization's hierarchical
    // policies could be in it) and no routes learned by Cloud Routers: the firewall rules and
    // vip-route are not evaluated, so the gate is incomplete.
    const exported = runCli(['check', '--assets', 'test/fixtures/assets/export.ndjson']);
    expect(exported.code).toBe(3);
    expect(exported.stdout).toContain('firewall policies');
    expect(exported.stdout).toContain('dynamic routes learned by Cloud Routers (Cloud Router onprem-vpn-router) of project acme-prod-platform were not read');
    // --assets-complete says the absent asset types are none; learned routes still cannot be known.
    expect(runCli(['check', '--assets', 'test/fixtures/assets/export.ndjson', '--assets-complete']).code).toBe(3);
    expect(runCli(['check', '--assets', 'test/fixtures/assets/export.ndjson', '--assets-complete', '--allow-incomplete']).code).toBe(0);
    const partial = runCli(['check', '--assets', 'test/fixtures/assets/list.json']);
    expect(partial.code).toBe(3);
    expect(partial.stdout).toContain('ResourceRecordSet');
  });

  it.each([
    ['a malformed plan', ['--plan', `${TF}/bad/malformed.json`], /bad\/malformed\.json: line 4, column \d+: the plan is not valid JSON/],
    ['a truncated plan', ['--plan', `${TF}/bad/truncated.json`], /bad\/truncated\.json: line \d+, column \d+: the plan is not valid JSON/],
    ['a plan of another format version', ['--plan', `${TF}/bad/format-2.json`], /bad\/format-2\.json: \$\.format_version: unsupported plan format_version "2\.0"/],
    ['an export with a bad line', ['--assets', 'test/fixtures/assets/bad-line.ndjson'], /bad-line\.ndjson: line 3: the asset export is not valid NDJSON/],
  ])('gives one clear line and exit 2 for %s, writing nothing', (_name, args, message) => {
    const out = path.join(tmp(), 'never.sarif');
    const r = runCli(['check', ...args, '--report', `sarif=${out}`]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses two base inputs and a --tf-dir without a plan', () => {
    const both = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--assets', 'test/fixtures/assets/list.json']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one base input');
    expect(runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--tf-dir', '.']).code).toBe(2);
  });
});
