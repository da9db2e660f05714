/**
 * Where SARIF locations are relative to. GitHub resolves `artifactLocation.uri` against the root of
 * the checked-out repository, whatever directory the gate ran in, so a `.tf` path becomes relative
 * to the root of the git repository that holds it (`--source-root DIR` overrides); a file outside
 * any repository is relative to the Terraform root module (`--tf-dir`, default the plan's directory).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in a worktree). */
export function gitRootOf(dir: string, cache = new Map<string, string | null>()): string | undefined {
  const visited: string[] = [];
  let current = path.resolve(dir);
  let found: string | null | undefined;
  for (;;) {
    if (cache.has(current)) {
      found = cache.get(current);
      break;
    }
    visited.push(current);
    if (existsSync(path.join(current, '.git'))) {
      found = current;
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) {
      found = null;
      break;
    }
    current = parent;
  }
  for (const v of visited) cache.set(v, found ?? null);
  return found ?? undefined;
}

export interface SourceRootOptions {
  /** `--source-root`: every path relative to it. */
  sourceRoot?: string;
  /** The root module directory: the base of files outside any repository. */
  tfDir?: string;
  cwd?: string;
}

/** Maps a `.tf` path as the plan reader wrote it (relative to the working directory) to a SARIF uri path. */
export function sarifSourcePath(options: SourceRootOptions): (file: string) => string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const fixedRoot = options.sourceRoot ? path.resolve(cwd, options.sourceRoot) : undefined;
  const fallback = path.resolve(cwd, options.tfDir ?? '.');
  const cache = new Map<string, string | null>();
  return (file) => {
    const absolute = path.resolve(cwd, file);
    const root = fixedRoot ?? gitRootOf(path.dirname(absolute), cache) ?? fallback;
    const relative = path.relative(root, absolute);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  };
}
