import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot, parseJsonText, validateSnapshot } from '../../src/model/load.js';
import { InputError } from '../../src/errors.js';
import { compliantSnapshot, REPO_ROOT } from '../helpers/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gpa-load-'));

function fileWith(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The one line the CLI prints. */
function errorLine(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).toLine();
  }
  throw new Error('accepted');
}

describe('snapshot loader', () => {
  it('reads and validates a good snapshot file', () => {
    const snapshot = loadSnapshot(path.join(REPO_ROOT, 'examples/compliant.snapshot.json'));
    expect(snapshot).toEqual(compliantSnapshot());
  });

  describe('bad JSON names the line and column, on one line', () => {
    it('an unexpected token (V8 gives no position for it)', () => {
      const file = fileWith('token.json', '{\n  "schemaVersion": 1,\n  "networks": [}\n}\n');
      expect(errorLine(() => loadSnapshot(file))).toBe(`${file}: line 3, column 16: the snapshot is not valid JSON (Unexpected token '}')`);
    });

    it('a missing comma', () => {
      expect(errorLine(() => parseJsonText('{\n  "a": 1\n  "b": 2\n}\n', 's.json', 'snapshot'))).toMatch(
        /^s\.json: line 3, column 3: the snapshot is not valid JSON \(Expected ',' or '}' after property value\)$/,
      );
    });

    it('a file cut short, and an empty file', () => {
      expect(errorLine(() => parseJsonText('{\n  "a": [1,\n', 's.json', 'snapshot'))).toMatch(/^s\.json: line 3(, column 1)?: the snapshot is not valid JSON/);
      expect(errorLine(() => parseJsonText('', 's.json', 'snapshot'))).toBe('s.json: line 1: the snapshot is not valid JSON (Unexpected end of JSON input)');
    });

    it('a stray token deep in a long single-line file', () => {
      // A typo'd literal: V8 complains about the comma after it, without saying where.
      const text = JSON.stringify(compliantSnapshot()).replace('"autoCreateSubnetworks":false', '"autoCreateSubnetworks":fals');
      const line = errorLine(() => parseJsonText(text, 's.json', 'snapshot'));
      const comma = text.indexOf('"autoCreateSubnetworks":fals') + '"autoCreateSubnetworks":fals'.length;
      expect(line).toBe(`s.json: line 1, column ${comma + 1}: the snapshot is not valid JSON (Unexpected token ',')`);
      expect(line).not.toContain('\n');
    });
  });

  it('a schema violation names the JSON path', () => {
    const s = compliantSnapshot() as unknown as { clusters: Record<string, unknown>[]; routes: Record<string, unknown>[] };
    delete s.clusters[1].network;
    expect(errorLine(() => validateSnapshot(s, 'snap.json'))).toBe(`snap.json: $.clusters[1]: does not match the snapshot schema: must have required property 'network'`);

    const t = compliantSnapshot() as unknown as { routes: Record<string, unknown>[] };
    t.routes[0].priority = 'high';
    expect(errorLine(() => validateSnapshot(t, 'snap.json'))).toBe('snap.json: $.routes[0].priority: does not match the snapshot schema: must be number');

    const u = compliantSnapshot() as unknown as { firewalls: Record<string, unknown>[] };
    u.firewalls[2].direction = 'OUT';
    expect(errorLine(() => validateSnapshot(u, 'snap.json'))).toBe(
      'snap.json: $.firewalls[2].direction: does not match the snapshot schema: must be equal to one of the allowed values ("INGRESS", "EGRESS")',
    );
  });

  it('a field the model does not know is refused, so a secret cannot ride along', () => {
    const s = compliantSnapshot() as unknown as { clusters: Record<string, unknown>[] };
    s.clusters[0].masterAuth = { clientKey: 'LS0t...' };
    expect(errorLine(() => validateSnapshot(s, 'snap.json'))).toBe('snap.json: $.clusters[0]: does not match the snapshot schema: must NOT have additional properties "masterAuth"');
  });

  it('a wrong schemaVersion is named before any other problem', () => {
    const s = { ...compliantSnapshot(), schemaVersion: 3, clusters: 'nope' };
    expect(errorLine(() => validateSnapshot(s, 'snap.json'))).toBe(
      'snap.json: $.schemaVersion: unsupported snapshot schemaVersion 3 (this version reads 1 and 2; collect the snapshot again with this version)',
    );
    const { schemaVersion: _drop, ...noVersion } = compliantSnapshot();
    expect(errorLine(() => validateSnapshot(noVersion, 'snap.json'))).toBe(
      'snap.json: $.schemaVersion: unsupported snapshot schemaVersion undefined (this version reads 1 and 2; collect the snapshot again with this version)',
    );
  });

  it('JSON that is not an object', () => {
    expect(errorLine(() => validateSnapshot([], 'snap.json'))).toMatch(/^snap\.json: \$: does not match the snapshot schema: must be object$/);
    expect(errorLine(() => loadSnapshot(fileWith('null.json', 'null\n')))).toMatch(/: \$: does not match the snapshot schema: must be object$/);
  });

  it('a missing file', () => {
    const missing = path.join(dir, 'absent.json');
    expect(errorLine(() => loadSnapshot(missing))).toBe(`${missing}: cannot read the snapshot: ENOENT`);
  });
});

describe('cluster names in their zones/ form (issue 11)', () => {
  it('loads a zonal cluster named …/zones/Z/clusters/N, and references to it, as the one …/locations/ resource', () => {
    const s = compliantSnapshot();
    const zonal = '//container.googleapis.com/projects/acme-prod-platform/zones/asia-northeast1-a/clusters/alpha';
    s.clusters[0].location = 'asia-northeast1-a';
    s.clusters[0].fullName = zonal;
    s.managedZones[0].privateVisibilityClusters = [zonal];
    const loaded = validateSnapshot(JSON.parse(JSON.stringify(s)), 'zonal.json');
    const canonical = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1-a/clusters/alpha';
    expect(loaded.clusters[0].fullName).toBe(canonical);
    expect(loaded.managedZones[0].privateVisibilityClusters).toEqual([canonical]);
  });
});
