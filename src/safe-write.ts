/**
 * Writing output files without harming anything else. A regular file (or a path not there yet) is
 * written to a temp file beside it and renamed over it, so a reader never sees half a report; the
 * temp file has a random name and is opened with exclusive create (`wx`: never through a link or a
 * file someone placed there), and is removed if the process is stopped by SIGINT or SIGTERM
 * meanwhile. Anything that is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO, a character
 * device) is written in place and never replaced: renaming over `/dev/null` as root used to
 * replace the system's null device with a regular file. A symbolic link is followed, not replaced.
 *
 * Every failure is an OutputError: one line naming the file and the system's reason.
 */
import { randomBytes } from 'node:crypto';
import { constants, lstatSync, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError } from './errors.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENOENT: 'no such directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EEXIST: 'a file of the temp name exists',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
  EMFILE: 'too many open files',
};

/** `EACCES (permission denied)`, or the error's first line. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return REASONS[code] ? `${code} (${REASONS[code]})` : code;
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

const pending = new Set<string>();
let handlersInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const tmp of pending) rmSync(tmp, { force: true });
  pending.clear();
  uninstall();
  // Die of the same signal, as if no handler had been there (exit status 128 + n for the caller).
  process.kill(process.pid, signal);
}

function install(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstall(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(file, `cannot write: ${reasonOf(e)}`);
  }
}

/** The file a write lands on: a symbolic link's target (the link is kept), else the path itself. */
function landingPath(file: string): string {
  try {
    return lstatSync(file).isSymbolicLink() ? realpathSync(file) : file;
  } catch {
    return file;
  }
}

/** Written in two steps so several outputs are all prepared before any replaces a file. */
export interface PreparedWrite {
  /** Makes the write visible (rename, or the in-place write of a device or FIFO). */
  commit(): Promise<void>;
  /** Removes the temp file of a write not committed. */
  abandon(): Promise<void>;
}

export async function prepareWrite(file: string, content: string): Promise<PreparedWrite> {
  const target = landingPath(file);
  const existing = statOrUndefined(target);
  if (existing?.isDirectory()) throw new OutputError(file, `cannot write: ${reasonOf(Object.assign(new Error(), { code: 'EISDIR' }))}`);
  if (existing && !existing.isFile()) {
    // A device, a FIFO, a socket: written in place when committed, never replaced.
    return {
      commit: async () => {
        try {
          await writeFile(target, content, { flag: constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY });
        } catch (e) {
          throw new OutputError(file, `cannot write: ${reasonOf(e)}`);
        }
      },
      abandon: async () => undefined,
    };
  }
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(12).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    install();
    pending.add(tmp);
    // Exclusive create: fails on any existing file or link of that name instead of writing through it.
    const handle = await open(tmp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  } catch (e) {
    await forget(tmp);
    throw new OutputError(file, `cannot write: ${reasonOf(e)}`);
  }
  return {
    commit: async () => {
      try {
        await rename(tmp, target);
      } catch (e) {
        await forget(tmp);
        throw new OutputError(file, `cannot write: ${reasonOf(e)}`);
      }
      pending.delete(tmp);
      if (pending.size === 0) uninstall();
    },
    abandon: () => forget(tmp),
  };
}

async function forget(tmp: string): Promise<void> {
  await rm(tmp, { force: true }).catch(() => undefined);
  pending.delete(tmp);
  if (pending.size === 0) uninstall();
}

/** Writes every file or none of the regular ones: all are prepared before any is committed. */
export async function writeFilesSafely(files: { path: string; content: string }[]): Promise<void> {
  const prepared: PreparedWrite[] = [];
  try {
    for (const f of files) prepared.push(await prepareWrite(f.path, f.content));
  } catch (e) {
    await Promise.all(prepared.map((p) => p.abandon()));
    throw e;
  }
  for (const p of prepared) await p.commit();
}

export async function writeFileSafely(file: string, content: string): Promise<void> {
  await writeFilesSafely([{ path: file, content }]);
}

/** Identity of a path for comparing inputs and outputs: device and inode when it exists, else its resolved path. */
function identity(file: string): string {
  const resolved = path.resolve(file);
  try {
    const s = statSync(resolved);
    return `inode:${s.dev}:${s.ino}`;
  } catch {
    try {
      return `path:${path.join(realpathSync(path.dirname(resolved)), path.basename(resolved))}`;
    } catch {
      return `path:${resolved}`;
    }
  }
}

/** Paths that may be shared by several outputs: standard streams and the null device are not files one would lose. */
const SHAREABLE = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

/**
 * A one-line reason when an output would overwrite an input or another output (`--output` equal to
 * `--config`, two `--report`s to one file); undefined when all are distinct. Names are the flags as
 * the user gave them (`--report sarif=out.json`).
 */
export function overlappingPaths(outputs: { flag: string; path: string }[], inputs: { flag: string; path: string }[]): string | undefined {
  const seen = new Map<string, string>();
  for (const input of inputs) seen.set(identity(input.path), `${input.flag} (an input)`);
  for (const output of outputs) {
    if (SHAREABLE.has(path.resolve(output.path))) continue;
    const id = identity(output.path);
    const other = seen.get(id);
    if (other) return `${output.flag}: ${output.path} is also ${other}; refusing to overwrite it`;
    seen.set(id, output.flag);
  }
  return undefined;
}
