import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot, validateSnapshot } from '../../src/model/load.js';
import { SNAPSHOT_SCHEMA_VERSION } from '../../src/model/snapshot.js';
import { SnapshotIndex } from '../../src/engine/snapshot-index.js';
import { partialSnapshot, readJson, REPO_ROOT } from '../helpers/fixtures.js';

const V1 = path.join(REPO_ROOT, 'test/fixtures/snapshots/v1-noncompliant.snapshot.json');

describe('a schema version 1 snapshot', () => {
  it('is read as the current version, with the coverage version 1 had', () => {
    const snapshot = loadSnapshot(V1);
    expect(snapshot.schemaVersion).toBe(SNAPSHOT_SCHEMA_VERSION);
    expect(snapshot.firewallPolicies).toEqual([]);
    expect(snapshot.projects.map((p) => p.projectId)).toEqual(snapshot.scope.projects);
    const index = new SnapshotIndex(snapshot);
    const project = snapshot.scope.projects[0];
    // It read every collection version 1 knew…
    expect(index.coverageOf(project, 'firewalls').state).toBe('read');
    expect(index.coverageOf(project, 'routes').state).toBe('read');
    // …and none of those added since: a rule needing them is not evaluated, not passed.
    expect(index.coverageOf(project, 'firewallPolicies')).toMatchObject({
      state: 'not-read',
      reason: 'the snapshot was written by schema version 1, which did not collect it',
    });
  });

  it('keeps what its read errors said was not read', () => {
    const data = readJson<Record<string, unknown>>(V1);
    const project = (data.scope as { projects: string[] }).projects[0];
    data.readErrors = [{ project, collection: 'routes', status: 403, reason: 'forbidden', message: 'Permission denied' }];
    const index = new SnapshotIndex(validateSnapshot(data, 'v1.json'));
    expect(index.coverageOf(project, 'routes')).toMatchObject({ state: 'not-read', reason: 'read error 403 forbidden: Permission denied' });
    expect(index.coverageOf(project, 'firewalls').state).toBe('read');
  });

  it('still has to match the version 1 schema', () => {
    const data = readJson<Record<string, unknown>>(V1);
    data.firewallPolicies = [];
    expect(() => validateSnapshot(data, 'v1.json')).toThrow(/must NOT have additional properties "firewallPolicies"/);
  });
});

describe('coverage lookups', () => {
  it('a project the input does not hold is named as missing', () => {
    const index = new SnapshotIndex({ ...partialSnapshot({}), scope: { kind: 'assets', projects: ['svc'] }, coverage: [{ project: 'svc', collection: 'routes', state: 'read' }] });
    expect(index.coverageOf('svc', 'firewalls')).toMatchObject({ state: 'not-read', reason: 'not in the input' });
    expect(index.coverageOf('host', 'routes')).toMatchObject({ state: 'not-read', reason: 'project host is not in the input' });
    expect(index.notRead('svc', ['routes', 'firewalls']).map((e) => e.collection)).toEqual(['firewalls']);
  });

  it('hand-built fixtures are complete unless they say otherwise', () => {
    const index = new SnapshotIndex(partialSnapshot({ coverage: [{ project: 'p', collection: 'routes', state: 'not-read', reason: 'no' }] }));
    expect(index.coverageOf('p', 'firewalls').state).toBe('read');
    expect(index.coverageOf('p', 'routes').state).toBe('not-read');
  });
});
