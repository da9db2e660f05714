/** No usable credentials: one attempt, one line saying how to log in, exit 2, nothing collected. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialsError, resolveCredentials } from '../../../src/collectors/live/credentials.js';
import { runCli } from '../../helpers/cli.js';

/** An environment with no Application Default Credentials anywhere (and no metadata server probe). */
function noCredentials(): Record<string, string> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'gpa-no-adc-'));
  return { HOME: home, CLOUDSDK_CONFIG: path.join(home, 'gcloud'), GOOGLE_APPLICATION_CREDENTIALS: '', METADATA_SERVER_DETECTION: 'none' };
}

describe('resolveCredentials', () => {
  it('asks once and gives up at its deadline, naming how to log in', async () => {
    let asked = 0;
    const hanging = { getClient: async () => ({}), getAccessToken: () => (asked++, new Promise<string>(() => undefined)) };
    await expect(resolveCredentials(hanging, 50)).rejects.toThrow(/no usable Google credentials \(no access token within 0.05 s\): log in with `gcloud auth application-default login`/);
    expect(asked).toBe(1);
    const refused = { getClient: async () => { throw new Error('Could not load the default credentials.\nBrowse to https://example.invalid for more information.'); }, getAccessToken: async () => 'x' };
    await expect(resolveCredentials(refused)).rejects.toThrow(CredentialsError);
    await expect(resolveCredentials({ getClient: async () => ({}), getAccessToken: async () => 'token' })).resolves.toBeUndefined();
  });
});

describe('a live command without credentials', () => {
  it.each([
    ['audit', ['audit', '--project', 'acme-prod-platform']],
    ['collect', ['collect', '--project', 'acme-prod-platform', '--out', path.join(os.tmpdir(), 'never-written.json')]],
    ['doctor', ['doctor', '--project', 'acme-prod-platform']],
  ])('%s stops with one line and exit 2', (_name, args) => {
    const r = runCli(args, { env: noCredentials() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gke-private-audit: no usable Google credentials \(Could not load the default credentials\.\): log in with `gcloud auth application-default login`, or run where workload identity provides them/);
  });

  it('names an unusable key file', () => {
    const env = noCredentials();
    const key = path.join(env.HOME, 'key.json');
    writeFileSync(key, '{"type": "service_account"');
    const r = runCli(['audit', '--project', 'acme-prod-platform'], { env: { ...env, GOOGLE_APPLICATION_CREDENTIALS: key } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^gke-private-audit: no usable Google credentials \\(GOOGLE_APPLICATION_CREDENTIALS=${key.replace(/[.\\/]/g, '\\$&')}: .+\\): log in with`));
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
