/**
 * The bundled non-compliant example through the full rule set: the file the README shows must stay
 * small and self-contained.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { loadPolicy } from '../../src/engine/policy.js';
import { loadSnapshot } from '../../src/model/load.js';
import { renderHtml } from '../../src/report/html.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

describe('html report of the bundled non-compliant example', () => {
  const report = audit(
    loadSnapshot(path.join(REPO_ROOT, 'examples/noncompliant.snapshot.json')),
    loadPolicy(path.join(REPO_ROOT, 'rules.yaml')),
    { failOn: 'high' },
  );
  const page = renderHtml(report);

  it('is under 1 MB', () => {
    expect(Buffer.byteLength(page)).toBeLessThan(1024 * 1024);
  });

  it('draws every cluster and lists every result', () => {
    expect(page.match(/<section class="cluster card"/g)).toHaveLength(report.clusters.length);
    expect(page.match(/<tr class="finding /g)).toHaveLength(report.results.length);
    expect(page).toContain('FAILED');
  });
});
