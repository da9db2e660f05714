/**
 * The client libraries cost about a second to import: `check` must never load them, and a scope
 * loads only the clients it calls. Seen from inside a CLI process: a preload writes, at exit, which
 * @google-cloud packages are in the CommonJS module cache (where an `import()` of them lands).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../helpers/fixtures.js';

const ENV = { ...process.env, CI: '1', METADATA_SERVER_DETECTION: 'none', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', NO_COLOR: '1' };

let dir: string;
let preload: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lazy-imports-'));
  preload = path.join(dir, 'loaded-clients.mjs');
  writeFileSync(
    preload,
    `import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const names = new Set();
  const compute = [];
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules[\\\\/]@google-cloud[\\\\/]([^\\\\/]+)[\\\\/]/.exec(file);
    if (m) names.add(m[1]);
    const c = /node_modules[\\\\/]@google-cloud[\\\\/]compute[\\\\/]build[\\\\/]src[\\\\/](.*)$/.exec(file);
    if (c) compute.push(c[1].replaceAll('\\\\', '/'));
  }
  writeFileSync(process.env.LOADED_CLIENTS_OUT, JSON.stringify({ names: [...names].sort(), compute: compute.sort() }));
});
`,
  );
});

/** Runs the CLI; resolves with its exit code and the @google-cloud packages it loaded. */
function loadedBy(args: string[], name: string): Promise<{ code: number | null; loaded: string[]; computeModules: string[]; stderr: string }> {
  const out = path.join(dir, `${name}.json`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, '--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...ENV, LOADED_CLIENTS_OUT: out },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const seen = JSON.parse(readFileSync(out, 'utf8')) as { names: string[]; compute: string[] };
      resolve({ code, loaded: seen.names, computeModules: seen.compute, stderr });
    });
  });
}

describe('client libraries are imported lazily', () => {
  it('check never loads a Google Cloud client', async () => {
    const r = await loadedBy(['check', '--snapshot', 'examples/compliant.snapshot.json', '--format', 'json', '--output', path.join(dir, 'check.json')], 'check');
    expect(r.code, r.stderr).toBe(0);
    expect(r.loaded).toEqual([]);
  }, 120_000);

  it('an organization scope loads the asset and dns clients, compute only to ask VPN routers what they learned, never container', async () => {
    const r = await loadedBy(['audit', '--emulator', '--format', 'json', '--output', path.join(dir, 'audit.json')], 'org');
    expect(r.code, r.stderr).toBe(1);
    // The demo organization's VPN routers have BGP peers: routers.getRouterStatus has no asset type.
    expect(r.loaded).toEqual(expect.arrayContaining(['asset', 'dns', 'compute']));
    expect(r.loaded).not.toContain('container');
    // Of compute, the routers client alone: the package's entry point loads every client of three versions.
    expect(r.computeModules).toContain('v1/routers_client.js');
    expect(r.computeModules).not.toContain('index.js');
    expect(r.computeModules.filter((f) => f.startsWith('v1beta/') || f.startsWith('v1small/'))).toEqual([]);
    expect(r.computeModules.filter((f) => f.endsWith('_client.js'))).toEqual(['v1/routers_client.js']);
  }, 120_000);
});
