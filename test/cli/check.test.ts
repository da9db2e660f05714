import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { compliantSnapshot } from '../helpers/fixtures.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'gpa-check-'));

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
}

describe('check --snapshot', () => {
  it('passes the compliant example (exit 0) and prints the grouped text report', () => {
    const r = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +fail +not evaluated +waived +pass +n\/a$/m);
    expect(r.stdout).toContain('PASSED (gate --fail-on high)');
    expect(r.stdout).toMatch(/\d+ passed or not applicable \(--verbose lists them\)/);
  });

  it('fails the non-compliant example (exit 1) and --fail-on none lets it through', () => {
    const r = runCli(['check', '--snapshot', 'examples/noncompliant.snapshot.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED \(gate --fail-on high\): \d+ finding/);
    const lenient = runCli(['check', '--snapshot', 'examples/noncompliant.snapshot.json', '--fail-on', 'none', '--allow-incomplete']);
    expect(lenient.code).toBe(0);
  });

  it('exits 3 when something could not be read, unless --allow-incomplete', () => {
    const dir = tmp();
    const s = compliantSnapshot();
    s.readErrors.push({ project: 'acme-prod-platform', collection: 'firewalls', status: 403, reason: 'PERMISSION_DENIED', message: 'compute.firewalls.list denied' });
    const file = path.join(dir, 'partial.json');
    writeFileSync(file, JSON.stringify(s));
    const r = runCli(['check', '--snapshot', file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('INCOMPLETE');
    expect(r.stdout).toContain('project acme-prod-platform: HTTP 403 PERMISSION_DENIED (compute.firewalls.list denied) — affects firewalls');
    expect(runCli(['check', '--snapshot', file, '--allow-incomplete']).code).toBe(0);
  });

  it('writes several reports in one run, creating parent directories', () => {
    const dir = tmp();
    const json = path.join(dir, 'a/b/report.json');
    const text = path.join(dir, 'c/report.txt');
    const r = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--report', `json=${json}`, '--report', `text=${text}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.reportVersion).toBe(1);
    expect(report.verdict.exitCode).toBe(0);
    expect(readFileSync(text, 'utf8')).toMatch(/^total +0 +0 +0 +\d+ +\d+$/m);
  });
});

describe('bad input: one line naming the file and where, exit 2, nothing written', () => {
  it('a malformed policy names its line', () => {
    const dir = tmp();
    const policy = path.join(dir, 'rules.yaml');
    writeFileSync(policy, 'parameters:\n  vip: restricted\nrules:\n  dns-foo: high\n');
    const out = path.join(dir, 'out.json');
    const r = runCli(['check', '--config', policy, '--snapshot', 'examples/compliant.snapshot.json', '--format', 'json', '--output', out]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`gke-private-audit: ${policy}: line 4: unknown rule id "dns-foo" in $.rules`);
    expect(existsSync(out)).toBe(false);
  });

  it('the policy is validated before the input is read', () => {
    const dir = tmp();
    const policy = path.join(dir, 'rules.yaml');
    writeFileSync(policy, 'parameters:\n  onPremRanges: [10.100.0.0/33]\n');
    const r = runCli(['check', '--config', policy, '--snapshot', path.join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain(`${policy}: line 2: $.parameters.onPremRanges[0] is not a valid CIDR range`);
  });

  it('a snapshot that does not match the schema names the JSON path', () => {
    const dir = tmp();
    const s = compliantSnapshot() as unknown as { clusters: Record<string, unknown>[] };
    delete s.clusters[0].network;
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(s));
    const out = path.join(dir, 'out.sarif');
    const r = runCli(['check', '--snapshot', file, '--report', `json=${out}`]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`${file}: \\$\\.clusters\\[0\\]: does not match the snapshot schema: .*network`));
    expect(existsSync(out)).toBe(false);
  });

  it('invalid JSON names the line', () => {
    const dir = tmp();
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{\n  "schemaVersion": 1,\n  "networks": [,]\n}\n');
    const r = runCli(['check', '--snapshot', file]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`${file}: line 3, column \\d+: the snapshot is not valid JSON`));
  });

  it('a missing file, an unknown report format and a missing input are usage errors', () => {
    expect(oneLine(runCli(['check', '--snapshot', '/nonexistent/s.json']).stderr)).toBe('gke-private-audit: /nonexistent/s.json: cannot read the snapshot: ENOENT');
    const fmt = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--report', 'pdf=x.pdf']);
    expect(fmt.code).toBe(2);
    expect(oneLine(fmt.stderr)).toContain('unknown format "pdf"');
    expect(runCli(['check']).code).toBe(2);
    expect(runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--fail-on', 'severe']).code).toBe(2);
  });
});

describe('rules', () => {
  it('lists the 18 rules and shows one', () => {
    const list = runCli(['rules', 'list']);
    expect(list.code).toBe(0);
    const ids = list.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
    expect(ids).toHaveLength(18);
    expect(ids).toContain('router-advertises-control-plane');
    expect(ids).toContain('internet-egress');
    const show = runCli(['rules', 'show', 'private-endpoint']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('enable_private_endpoint = true');
    expect(runCli(['rules', 'show', 'nope']).code).toBe(2);
  });
});

describe('exceptions that match nothing, and asset exports said to be complete (issue 11)', () => {
  it('warns of an exception matching no resource, and --strict-exceptions exits 2 writing no report', () => {
    const dir = tmp();
    const policy = path.join(dir, 'rules.yaml');
    writeFileSync(
      policy,
      'exceptions:\n  - rule: vip-route\n    resource: //container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/gamma\n    reason: typo\n    expires: 2099-01-01\n',
    );
    const lenient = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--config', policy]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain('warning: exception for vip-route on //container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/gamma');
    const out = path.join(dir, 'report.json');
    const strict = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--config', policy, '--strict-exceptions', '--format', 'json', '--output', out]);
    expect(strict.code).toBe(2);
    expect(oneLine(strict.stderr)).toMatch(/rules\.yaml: line 2: exception for vip-route on .*clusters\/gamma matches no resource \(--strict-exceptions\)$/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses --assets-complete without --assets', () => {
    const r = runCli(['check', '--snapshot', 'examples/compliant.snapshot.json', '--assets-complete']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('--assets-complete only applies with --assets');
  });
});
