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

describe('html report of the bundled organization: the firewall layer that decided', () => {
  const report = audit(loadSnapshot(path.join(REPO_ROOT, 'examples/org/org.snapshot.json')), loadPolicy(path.join(REPO_ROOT, 'rules.yaml')), { failOn: 'high' });
  const page = renderHtml(report);

  it('names the hierarchical policy in the checklist and on the egress link of the diagram', () => {
    expect(page).toContain('decided by hierarchical policy `nonprod-egress` on folders/733164092215');
    // The diagram's label wraps over several lines.
    expect(page).toMatch(/egress firewall:[\s\S]{0,300}nonprod-egress/);
    // A pass decided by a network firewall policy is named too.
    expect(page).toContain('decided by global network firewall policy `payments-egress`');
  });
});
