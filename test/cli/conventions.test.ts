/** Command-line conventions: rule and severity selection, colours, formats from extensions, env vars, typos. */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorWanted, formatOfPath, selectRules, selectSeverities } from '../../src/cli/common.js';
import { closest } from '../../src/cli/suggest.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'gpa-conventions-'));

describe('rule and severity selection', () => {
  it('keeps the named rules, drops the skipped ones, and checks each id against the catalogue', () => {
    expect(selectRules({ rule: ['private-nodes,vip-route'] }).map((r) => r.meta.id)).toEqual(['private-nodes', 'vip-route']);
    expect(selectRules({ 'skip-rule': ['vip-route'] }).map((r) => r.meta.id)).not.toContain('vip-route');
    expect(() => selectRules({ rule: ['privat-nodes'] })).toThrow(/--rule privat-nodes: no such rule \(did you mean private-nodes\?\)/);
    expect(() => selectRules({ rule: ['vip-route'], 'skip-rule': ['vip-route'] })).toThrow(UsageError);
  });

  it('reads severities as a list and refuses unknown ones', () => {
    expect(selectSeverities(['critical,high'])).toEqual(['critical', 'high']);
    expect(selectSeverities(undefined)).toBeUndefined();
    expect(() => selectSeverities(['hihg'])).toThrow(/--severity hihg: one of critical, high, medium, low \(did you mean high\?\)/);
  });

  it('suggests only close words', () => {
    expect(closest('fial-on', ['fail-on', 'format'])).toBe('fail-on');
    expect(closest('zzzzzz', ['fail-on', 'format'])).toBeUndefined();
  });
});

describe('colours and formats', () => {
  it('decides colours from the flag, then FORCE_COLOR, then NO_COLOR and TERM=dumb, then the terminal', () => {
    expect(colorWanted(false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted(undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted(undefined, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorWanted(undefined, { NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted(undefined, { TERM: 'dumb' }, true)).toBe(false);
    expect(colorWanted(undefined, {}, true)).toBe(true);
    expect(colorWanted(undefined, {}, false)).toBe(false);
  });

  it('infers the format from the output file extension', () => {
    expect(formatOfPath('out/results.sarif')).toBe('sarif');
    expect(formatOfPath('out/results.sarif.json')).toBe('sarif');
    expect(formatOfPath('r.HTML')).toBe('html');
    expect(formatOfPath('junit.xml')).toBe('junit');
    expect(formatOfPath('summary.md')).toBe('markdown');
    expect(formatOfPath('report')).toBeUndefined();
  });
});

describe('the CLI', () => {
  it('writes the format the extension names, says which file it wrote, and filters by severity', () => {
    const out = path.join(tmp(), 'report.html');
    const r = runCli(['check', '--snapshot', 'examples/noncompliant.snapshot.json', '--output', out, '--severity', 'critical']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`wrote html report ${out}\n`);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    const json = runCli(['check', '--snapshot', 'examples/noncompliant.snapshot.json', '--format', 'json', '--output', '-', '--severity', 'critical', '--rule', 'private-nodes', '--fail-on', 'none']);
    expect(json.stderr).toBe('');
    const report = JSON.parse(json.stdout) as { results: { ruleId: string; severity: string }[] };
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((x) => x.ruleId === 'private-nodes' && x.severity === 'critical')).toBe(true);
  });

  it('takes every option from GKE_PRIVATE_AUDIT_* variables, and the command line wins', () => {
    const env = { GKE_PRIVATE_AUDIT_FAIL_ON: 'none', GKE_PRIVATE_AUDIT_QUIET: 'true', GKE_PRIVATE_AUDIT_ALLOW_INCOMPLETE: 'true' };
    const r = runCli(['check', '--snapshot', 'examples/noncompliant.snapshot.json'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('PASSED (gate --fail-on none)\n');
    expect(runCli(['check', '--snapshot', 'examples/noncompliant.snapshot.json', '--fail-on', 'high'], { env }).code).toBe(1);
  });

  it('answers a mistyped option or value with one line and a suggestion, exit 2', () => {
    const r = runCli(['check', '--snapshot', 'examples/noncompliant.snapshot.json', '--fial-on', 'high']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gke-private-audit: unknown option --fial-on (did you mean --fail-on?)\n');
    const v = runCli(['rules', 'lsit']);
    expect(v.stderr).toBe('gke-private-audit: action lsit: one of list, show (did you mean list?)\n');
  });

  it('has -h, rules list --format json and a completion script', () => {
    expect(runCli(['check', '-h']).stdout).toContain('--skip-rule');
    const rules = JSON.parse(runCli(['rules', 'list', '--format', 'json']).stdout) as { id: string; severity: string; helpUri: string }[];
    expect(rules.map((r) => r.id)).toContain('private-nodes');
    expect(rules.every((r) => r.helpUri.endsWith(`/docs/rules/${r.id}.md`))).toBe(true);
    expect(runCli(['completion']).stdout).toMatch(/complete -o bashdefault -o default -F _gke-private-audit_yargs_completions gke-private-audit/);
  });
});
