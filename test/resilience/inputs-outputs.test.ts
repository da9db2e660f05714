/**
 * Hostile input and output faults, through the real CLI: each case asserts the exit code, a
 * one-line message naming the file and field (never a stack trace), bounded time, and that
 * nothing raw reaches the terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { expectInert, expectOneLine, runCliAsync } from './cli-run.js';

const COMPLIANT = path.join(REPO_ROOT, 'examples/compliant.snapshot.json');
const PLAN = path.join(REPO_ROOT, 'test/fixtures/terraform/full-root/plan.json');
const isRoot = process.getuid?.() === 0;

type Json = Record<string, unknown>;
const compliant = (): Json => JSON.parse(readFileSync(COMPLIANT, 'utf8')) as Json;
const plan = (): Json => JSON.parse(readFileSync(PLAN, 'utf8')) as Json;

describe('hostile inputs and outputs, through the CLI', () => {
  let dir: string;
  const file = (name: string, content: string | Json) => {
    const p = path.join(dir, name);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpa-resilience-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /**
   * A full device of the test's own: as root, a code that renames over its target (as the tool
   * once did) would replace the system's /dev/full with a regular file.
   */
  const fullDevice = () => {
    if (!isRoot) return '/dev/full';
    const device = path.join(dir, 'full');
    if (!existsSync(device)) expect(spawnSync('mknod', [device, 'c', '1', '7']).status).toBe(0);
    return device;
  };

  describe('addresses in one strict form', () => {
    it.each(['010.100.0.0/16', '10.100/16', '0x0a640000/16', '167772160/16', 'fe80::1%eth0/64', '10.0.0.0/08'])('refuses %s in the policy, naming the file and field', async (range) => {
      const policy = file('policy.yaml', `parameters:\n  onPremRanges:\n    - 10.0.0.0/8\n    - "${range}"\n`);
      const run = await runCliAsync(['check', '--config', policy, '--snapshot', COMPLIANT]);
      expectOneLine(run, 2, /policy\.yaml: line 4.*\$\.parameters\.onPremRanges\[1\] is not a valid CIDR range/);
    });

    it('refuses a legacy address in a snapshot, naming the resource and field', async () => {
      const s = compliant();
      (s.firewalls as Json[])[0].destinationRanges = ['199.036.153.4/30'];
      const run = await runCliAsync(['check', '--snapshot', file('legacy.json', s)]);
      expectOneLine(run, 2, /legacy\.json: \$\.firewalls\[0\]\.destinationRanges\[0\]: firewall "allow-egress-restricted-vip": destinationRanges\[0\] is not an address/);
    });

    it('refuses a firewall priority outside 0–65535 in a snapshot', async () => {
      const s = compliant();
      (s.firewalls as Json[])[1].priority = 70000;
      const run = await runCliAsync(['check', '--snapshot', file('priority.json', s)]);
      expectOneLine(run, 2, /\$\.firewalls\[1\]\.priority: .*not a priority \(an integer from 0 to 65535\): 70000/);
    });

    it('refuses a legacy address in a plan, naming the plan and the resource address', async () => {
      const p = plan();
      const fw = ((p.planned_values as Json).root_module as { resources: Json[] }).resources.find((r) => r.address === 'google_compute_firewall.allow_egress_restricted_vip')!;
      (fw.values as Json).destination_ranges = ['0xc7.36.153.4/30'];
      const run = await runCliAsync(['check', '--plan', file('legacy-plan.json', p), '--tf-dir', path.dirname(PLAN)]);
      expectOneLine(run, 2, /legacy-plan\.json: google_compute_firewall\.allow_egress_restricted_vip: destinationRanges\[0\] is not an address/);
    });
  });

  it('reads an asset export firewall with a legacy address as unread firewalls of that project (not evaluated), naming asset and field', async () => {
    const lines = readFileSync(path.join(REPO_ROOT, 'test/fixtures/assets/export.ndjson'), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"compute.googleapis.com/Firewall"'));
    const asset = JSON.parse(lines[i]) as { name: string; resource: { data: Json } };
    asset.resource.data.sourceRanges = ['010.0.0.0/8'];
    lines[i] = JSON.stringify(asset);
    const run = await runCliAsync(['check', '--assets', file('legacy.ndjson', lines.join('\n')), '--format', 'json']);
    expectInert(run);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as { run: { readErrors: { collection: string; reason?: string; message: string }[] }; results: { ruleId: string; status: string }[] };
    expect(report.run.readErrors).toContainEqual(
      expect.objectContaining({ collection: 'firewalls', reason: 'BAD_RESPONSE', message: expect.stringContaining(`asset ${asset.name}: firewalls resource`) }),
    );
    expect(report.results.filter((r) => r.ruleId === 'vip-egress-firewall').every((r) => r.status === 'not-evaluated')).toBe(true);
  });

  it('reads a plan firewall whose allow list is unknown until apply as not evaluated, never as a failure', async () => {
    const p = plan();
    const address = 'google_compute_firewall.allow_egress_restricted_vip';
    const fw = ((p.planned_values as Json).root_module as { resources: Json[] }).resources.find((r) => r.address === address)!;
    delete (fw.values as Json).allow;
    const change = (p.resource_changes as Json[]).find((c) => c.address === address)!.change as Json;
    delete (change.after as Json).allow;
    (change.after_unknown as Json).allow = true;
    const run = await runCliAsync(['check', '--plan', file('unknown-allow.json', p), '--tf-dir', path.dirname(PLAN), '--format', 'json']);
    expectInert(run);
    const report = JSON.parse(run.stdout) as { results: { ruleId: string; status: string; message: string }[] };
    const vip = report.results.filter((r) => r.ruleId === 'vip-egress-firewall');
    expect(vip.length).toBeGreaterThan(0);
    expect(vip.map((r) => r.status)).toEqual(vip.map(() => 'not-evaluated'));
    expect(vip[0].message).toContain('allowed of firewall allow-egress-restricted-vip');
    expect(run.code).toBe(3);
  });

  describe('one line, never a stack trace', () => {
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('reads a plan resource type named %s as an unsupported type', async (type) => {
      const address = `${type}.x`;
      const p = {
        format_version: '1.2',
        planned_values: { root_module: { resources: [{ address, mode: 'managed', type, name: 'x', values: {} }] } },
        resource_changes: [{ address, mode: 'managed', type, name: 'x', change: { actions: ['create'], after: {}, after_unknown: {} } }],
      };
      const run = await runCliAsync(['check', '--plan', file(`proto-${type}.json`, p), '--format', 'json']);
      expectInert(run);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
    });

    it('judges firewall protocols named like built-in object keys as unknown protocols', async () => {
      const s = compliant();
      (s.firewalls as Json[])[0].allowed = [{ IPProtocol: 'constructor' }, { IPProtocol: '__proto__', ports: ['443'] }, { IPProtocol: 'toString' }];
      const run = await runCliAsync(['check', '--snapshot', file('proto-protocols.json', s), '--format', 'json']);
      expectInert(run);
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout) as { results: { ruleId: string; status: string }[] };
      // The VIP allow no longer allows tcp:443, so the rule that needs it fails; nothing crashed.
      expect(report.results.find((r) => r.ruleId === 'vip-egress-firewall')?.status).toBe('fail');
    });

    it('refuses 10,000-deep module nesting in one line', async () => {
      // Built as text: JSON.stringify itself cannot go that deep.
      const depth = 10_000;
      const root = `${'{"resources":[],"child_modules":['.repeat(depth)}{"resources":[]}${']}'.repeat(depth)}`;
      const text = `{"format_version":"1.2","planned_values":{"root_module":${root}},"resource_changes":[]}`;
      const run = await runCliAsync(['check', '--plan', file('deep.json', text)]);
      expectOneLine(run, 2, /deep\.json: \$\.planned_values\.root_module\.child_modules\[0\]\.child_modules.*: the plan nests deeper than 200 levels; refused/);
    });

    it('refuses a YAML alias bomb in one line', async () => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
      const run = await runCliAsync(['check', '--config', file('bomb.yaml', lines.join('\n') + '\n'), '--snapshot', COMPLIANT]);
      expectOneLine(run, 2, /bomb\.yaml: line \d+: more than 100 YAML aliases; refused/);
    });

    it.each([
      ['!!omap', 'rules: !!omap\n  - vip-route: off\n', /YAML tag "tag:yaml\.org,2002:omap" is not supported/],
      ['a local tag', 'rules:\n  vip-route: !off off\n', /YAML tag "!off" is not supported/],
      ['!!binary', 'parameters:\n  vip: !!binary cmVzdHJpY3RlZA==\n', /YAML tag "tag:yaml\.org,2002:binary"/],
    ])('refuses the YAML tag %s', async (_what, yaml, message) => {
      const run = await runCliAsync(['check', '--config', file('tags.yaml', yaml), '--snapshot', COMPLIANT]);
      expectOneLine(run, 2, message);
    });

    it('accepts a UTF-8 byte order mark on JSON and YAML inputs', async () => {
      const snapshot = file('bom.json', `\ufeff${readFileSync(COMPLIANT, 'utf8')}`);
      const policy = file('bom.yaml', '\ufeffrules:\n  dns-pkg-dev: low\n');
      const run = await runCliAsync(['check', '--config', policy, '--snapshot', snapshot]);
      expectInert(run);
      expect(run.code).toBe(0);
    });
  });

  describe('outputs', () => {
    it.each([
      ['a directory', () => dir, /cannot write: EISDIR/],
      ['a path through a file', () => path.join(COMPLIANT, 'report.txt'), /cannot write: ENOTDIR/],
      ['a full device', () => fullDevice(), /full: cannot write: ENOSPC \(no space left on the device\)/],
    ])('reports a write to %s in one line, exit 2', async (_what, target, message) => {
      const run = await runCliAsync(['check', '--snapshot', COMPLIANT, '--output', target()]);
      expectOneLine(run, 2, message);
    });

    it.skipIf(isRoot)('reports EACCES in one line', async () => {
      const locked = path.join(dir, 'locked');
      mkdirSync(locked, { mode: 0o500 });
      const run = await runCliAsync(['check', '--snapshot', COMPLIANT, '--output', path.join(locked, 'r.txt')]);
      expectOneLine(run, 2, /cannot write: EACCES \(permission denied\)/);
    });

    it('writes into a FIFO in place: its reader gets the report and the FIFO stays a FIFO', async () => {
      const fifo = path.join(dir, 'fifo');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const reader = runReader(fifo);
      const run = await runCliAsync(['check', '--snapshot', COMPLIANT, '--format', 'json', '--output', fifo]);
      expect(run.code).toBe(0);
      expect(JSON.parse(await reader).verdict.exitCode).toBe(0);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it.skipIf(!isRoot)('writes to a character device in place and never replaces it', async () => {
      const device = path.join(dir, 'null');
      expect(spawnSync('mknod', [device, 'c', '1', '3']).status).toBe(0);
      const run = await runCliAsync(['check', '--snapshot', COMPLIANT, '--output', device]);
      expect(run.code).toBe(0);
      expect(lstatSync(device).isCharacterDevice()).toBe(true);
    });

    it('refuses an output equal to an input, leaving the input untouched', async () => {
      const input = file('input.json', readFileSync(COMPLIANT, 'utf8'));
      const before = readFileSync(input, 'utf8');
      const run = await runCliAsync(['check', '--snapshot', input, '--format', 'json', '--output', input]);
      expectOneLine(run, 2, /--output .*input\.json: .*input\.json is also --snapshot \(an input\); refusing to overwrite it/);
      expect(readFileSync(input, 'utf8')).toBe(before);
    });

    it('refuses two reports to one path', async () => {
      const out = path.join(dir, 'same.out');
      const run = await runCliAsync(['check', '--snapshot', COMPLIANT, '--report', `json=${out}`, '--report', `sarif=${dir}/../${path.basename(dir)}/same.out`]);
      expectOneLine(run, 2, /--report sarif=.*same\.out is also --report json=/);
      expect(existsSync(out)).toBe(false);
    });

    it.each(['SIGINT', 'SIGTERM'] as const)('removes its temp file when stopped by %s mid-write', async (signal) => {
      const target = path.join(dir, `stopped-${signal}.json`);
      // The child prepares a write (the temp file exists) and is then stopped before committing it.
      const script = `import { prepareWrite } from ${JSON.stringify(path.join(REPO_ROOT, 'src/safe-write.ts'))};
        await prepareWrite(${JSON.stringify(target)}, 'x'.repeat(1 << 20));
        process.kill(process.pid, ${JSON.stringify(signal)});
        await new Promise((r) => setTimeout(r, 5000));`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(child.signal).toBe(signal);
      expect(readdirSync(dir).filter((f) => f.includes(`stopped-${signal}`))).toEqual([]);
    });
  });
});

/** Reads a FIFO to its end in a child (`cat`), so the writer's open does not block forever. */
function runReader(fifo: string): Promise<string> {
  return new Promise((resolve, reject) => {
    import('node:child_process').then(({ spawn }) => {
      const cat = spawn('cat', [fifo]);
      let out = '';
      cat.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      cat.on('close', () => resolve(out));
      cat.on('error', reject);
      setTimeout(() => cat.kill(), 30_000).unref();
    });
  });
}
