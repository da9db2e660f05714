import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { progressWanted, terminalProgress } from '../../../src/collectors/live/progress.js';

describe('collection progress', () => {
  it('is shown only on a terminal and never in CI', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    expect(progressWanted(tty, {})).toBe(true);
    expect(progressWanted(tty, { CI: 'true' })).toBe(false);
    expect(progressWanted({ isTTY: false } as NodeJS.WriteStream, {})).toBe(false);
  });

  it('draws projects, calls and retries on the stream it is given, and clears itself', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (text += d.toString()));
    const p = terminalProgress(stream);
    p.addProjects(2);
    p.call();
    p.retry();
    p.projectDone();
    p.stop();
    expect(text).toMatch(/1\/2 projects \| 1 calls \| 1 retries/);
  });
});
