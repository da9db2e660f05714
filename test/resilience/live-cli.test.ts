/**
 * Whole runs of the CLI against a hostile API (the real clients in a child process, the hostile
 * server and the emulator in this one): every run ends by itself in bounded time with a complete
 * or not-evaluated report, and nothing the API says reaches the terminal raw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { worldFromSnapshot } from '../../src/emulator/world.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { fixed, hang, startHostile, type HostileServer, type Play } from './hostile-server.js';
import { expectInert, runCliAsync } from './cli-run.js';

const P = 'acme-prod-platform';
const ESCAPES = '\u001b]0;owned\u0007\u001b[2J\u001b[8mhidden\u001b[0m \u202egnp.exe\u202c \u009b31m';

describe('CLI runs against a hostile API', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator(worldFromSnapshot(compliantSnapshot()));
  });
  afterAll(() => emulator.close());

  async function audit(plays: Play[], flags: string[]) {
    const hostile: HostileServer = await startHostile(emulator.url, plays);
    try {
      const endpoints = ['compute', 'container', 'dns', 'asset'].flatMap((s) => ['--endpoint', `${s}=${hostile.url}`]);
      return await runCliAsync(['audit', '--project', P, ...endpoints, ...flags], { killAfterMs: 90_000 });
    } finally {
      await hostile.close();
    }
  }

  it('exits after writing its report when DNS requests hang (default retries): nothing keeps the process alive', async () => {
    const run = await audit([hang(/\/rrsets$/)], ['--timeout-ms', '300', '--format', 'json']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(45_000);
    const report = JSON.parse(run.stdout) as { run: { readErrors: { collection: string; reason?: string }[] } };
    expect(report.run.readErrors.every((e) => e.collection === 'recordSets' && e.reason === 'TIMEOUT')).toBe(true);
    expect(report.run.readErrors.length).toBeGreaterThan(0);
    expectInert(run);
  });

  it('ends at --deadline with what is left not evaluated, however long the calls would hang', async () => {
    const run = await audit([hang(/\/global\/firewalls$|\/clusters$/)], ['--timeout-ms', '120000', '--deadline', '2']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(30_000);
    // One line per project and cause, naming the parts it left unread.
    expect(run.stdout).toMatch(/project acme-prod-platform: .*DEADLINE \(the run deadline of 2000 ms passed before this was read\) — affects .*clusters, .*firewalls/);
    expect(run.stdout).toMatch(/INCOMPLETE/);
    expectInert(run);
  });

  it('shows escape sequences and bidi overrides of API error messages visibly escaped, on stderr and in the text report', async () => {
    const run = await audit([fixed(/\/global\/firewalls$/, { error: { code: 403, message: `denied ${ESCAPES}`, status: 'PERMISSION_DENIED' } }, 403)], ['--retries', '0']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
    expectInert(run);
    expect(run.stdout).toContain('\\x1b]0;owned\\x07\\x1b[2J\\x1b[8mhidden\\x1b[0m \\u202egnp.exe\\u202c \\x9b31m');
  });
});
