/**
 * Plan JSON has no file or line. They come from the `.tf` sources: the root module's directory and
 * the directories of its module calls (local `./modules/net` sources, or what `terraform init`
 * recorded in `.terraform/modules/modules.json` for registry modules) are scanned for
 * `resource "TYPE" "NAME" {` blocks, so a report can point at the exact block.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigModule } from './plan.js';

export interface BlockLocation {
  /** Relative to the working directory, with forward slashes. */
  file: string;
  line: number;
}

/**
 * Finds the `resource` blocks of one HCL file: line comments (`#`, `//`), block comments and
 * heredocs are skipped, so a commented-out or quoted block is not taken for a real one.
 */
export function scanResourceBlocks(text: string): { type: string; name: string; line: number }[] {
  const found: { type: string; name: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  let heredoc: string | undefined;
  let inComment = false;
  lines.forEach((raw, i) => {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      return;
    }
    // Remove comments and string contents so only code is left to match.
    let code = '';
    let bare = ''; // code without string contents, where a heredoc opener may appear
    let inString = false;
    for (let j = 0; j < raw.length; j++) {
      const ch = raw[j];
      const next = raw[j + 1];
      if (inComment) {
        if (ch === '*' && next === '/') {
          inComment = false;
          j++;
        }
        continue;
      }
      if (inString) {
        if (ch === '\\') j++;
        else if (ch === '"') {
          inString = false;
          code += '"';
        } else code += ch;
        continue;
      }
      if (ch === '#' || (ch === '/' && next === '/')) break;
      if (ch === '/' && next === '*') {
        inComment = true;
        j++;
        continue;
      }
      if (ch === '"') inString = true;
      code += ch;
      bare += ch;
    }
    const block = /^\s*resource\s+"([^"]+)"\s+"([^"]+)"\s*\{/.exec(code);
    if (block) found.push({ type: block[1], name: block[2], line: i + 1 });
    const start = /<<-?([A-Za-z_]\w*)\s*$/.exec(bare);
    if (start) heredoc = start[1];
  });
  return found;
}

function relativeToCwd(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return (rel === '' ? file : rel).split(path.sep).join('/');
}

function scanDir(dir: string): Map<string, BlockLocation> {
  const blocks = new Map<string, BlockLocation>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.tf')).sort();
  } catch {
    return blocks;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const b of scanResourceBlocks(text)) {
      const key = `${b.type}.${b.name}`;
      if (!blocks.has(key)) blocks.set(key, { file: relativeToCwd(file), line: b.line });
    }
  }
  return blocks;
}

/** `.terraform/modules/modules.json`: where `terraform init` put each module (keys like `net.sub`). */
function installedModules(tfDir: string): Map<string, string> {
  const manifest = path.join(tfDir, '.terraform', 'modules', 'modules.json');
  const dirs = new Map<string, string>();
  if (!existsSync(manifest)) return dirs;
  try {
    const data = JSON.parse(readFileSync(manifest, 'utf8')) as { Modules?: { Key?: string; Dir?: string }[] };
    for (const m of data.Modules ?? []) {
      if (m.Key && m.Dir) dirs.set(m.Key, path.resolve(tfDir, m.Dir));
    }
  } catch {
    // A damaged manifest only costs the locations of registry modules; local ones are still found.
  }
  return dirs;
}

/** Locates resource blocks by module call path (`['net']`) and `TYPE.NAME`. */
export class SourceLocator {
  private readonly dirs = new Map<string, string>();
  private readonly scanned = new Map<string, Map<string, BlockLocation>>();

  constructor(tfDir: string, root: ConfigModule | undefined) {
    const installed = installedModules(tfDir);
    const visit = (config: ConfigModule | undefined, configPath: string[], dir: string): void => {
      this.dirs.set(configPath.join('.'), dir);
      for (const [name, call] of Object.entries(config?.module_calls ?? {})) {
        const key = [...configPath, name].join('.');
        const source = call.source ?? '';
        const local = source.startsWith('./') || source.startsWith('../');
        const childDir = local ? path.resolve(dir, source) : installed.get(key);
        if (childDir) visit(call.module, [...configPath, name], childDir);
      }
    };
    visit(root, [], path.resolve(tfDir));
  }

  locate(configPath: string[], type: string, name: string): BlockLocation | undefined {
    const key = configPath.join('.');
    const dir = this.dirs.get(key);
    if (!dir) return undefined;
    let blocks = this.scanned.get(dir);
    if (!blocks) {
      blocks = scanDir(dir);
      this.scanned.set(dir, blocks);
    }
    return blocks.get(`${type}.${name}`);
  }
}
