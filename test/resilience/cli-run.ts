/**
 * The real CLI in a child process, asynchronously (a hostile server in this process must keep
 * answering while it runs), with the checks every resilience case makes of a run: its exit code,
 * its stderr as one line (never a stack trace), a bounded wall time, no secret and no raw control
 * or bidi character in anything it printed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures.js';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCliAsync(args: string[], options: { cwd?: string; env?: Record<string, string>; killAfterMs?: number } = {}): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli.ts'), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', CI: '1', METADATA_SERVER_DETECTION: 'none', NO_PROXY: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // A run that does not end is killed, and shows as signal SIGKILL: the test fails, it does not hang.
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** What every run must show: no raw control or bidi character, no stack trace, no secret. */
export function expectInert(run: Pick<Run, 'stdout' | 'stderr'>, secrets: string[] = []): void {
  expect(run.stdout).not.toMatch(RAW_CONTROL);
  expect(run.stderr).not.toMatch(RAW_CONTROL);
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  for (const secret of secrets) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

/** Exit code, one line on stderr matching `message`, within `maxMs`. */
export function expectOneLine(run: Run, code: number, message: RegExp, maxMs = 30_000): void {
  expect(run.signal).toBeNull();
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.ms).toBeLessThan(maxMs);
  expectInert(run);
}
