/**
 * A progress line on stderr while collecting (projects done of known, calls made, retries), only for
 * a person at a terminal: never in CI logs, never when stderr is not a TTY.
 */
import cliProgress from 'cli-progress';
import type { CollectProgress } from './collect.js';

export function progressWanted(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): CollectProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'collecting {bar} {value}/{total} projects | {calls} calls | {retries} retries',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let total = 0;
  let done = 0;
  const payload = { calls: 0, retries: 0 };
  bar.start(0, 0, payload);
  return {
    addProjects(n) {
      total += n;
      bar.setTotal(total);
    },
    projectDone() {
      bar.update(++done, payload);
    },
    call() {
      payload.calls++;
      bar.update(done, payload);
    },
    retry() {
      payload.retries++;
      bar.update(done, payload);
    },
    stop() {
      bar.stop();
    },
  };
}
