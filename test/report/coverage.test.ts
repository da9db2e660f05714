import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import { coverageLine, setCoverage, summarizeCoverage } from '../../src/model/coverage.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { compliantSnapshot } from '../helpers/fixtures.js';

/** The compliant example as an export that lacked routes, with a followed Shared VPC host. */
function withGaps() {
  const s = compliantSnapshot();
  setCoverage(s, 'acme-prod-platform', ['routes'], 'not-read', 'the asset export has no compute.googleapis.com/Route assets');
  s.projects.push({ projectId: 'acme-net-host', includedAs: 'shared-vpc-host' });
  setCoverage(s, 'acme-net-host', ['networks', 'firewalls'], 'read');
  setCoverage(s, 'acme-net-host', ['clusters'], 'out-of-scope', 'a Shared VPC host is read for its network only');
  return s;
}

describe('coverage in the reports (issue 11)', () => {
  it('summarizes per project: read, not read with why, hosts marked', () => {
    const summaries = summarizeCoverage(withGaps());
    expect(summaries.map((s) => [s.project, s.includedAs, s.notRead.map((e) => e.collection)])).toEqual([
      ['acme-net-host', 'shared-vpc-host', ['clusters']],
      ['acme-prod-platform', 'scope', ['routes']],
    ]);
    expect(coverageLine(summaries)).toBe('coverage: 2 projects (1 Shared VPC host); not read: acme-prod-platform: routes');
  });

  it('text: one line by the summary; Markdown and HTML: a table naming what was not read and why', () => {
    const report = audit(withGaps(), defaultPolicy(), { failOn: 'high' });
    const text = renderText(report);
    expect(text).toContain('coverage: 2 projects (1 Shared VPC host); not read: acme-prod-platform: routes');
    expect(text.indexOf('coverage:')).toBeGreaterThan(text.indexOf('Summary:'));
    const md = renderMarkdown(report);
    expect(md).toContain('### Coverage (2 project(s), 0 read in full)');
    expect(md).toContain('| `acme-prod-platform` | routes (not read: the asset export has no compute.googleapis.com/Route assets) |');
    expect(md).toContain('| `acme-net-host` (Shared VPC host) | GKE clusters (out of scope: a Shared VPC host is read for its network only) |');
    const html = renderHtml(report);
    expect(html).toContain('<h3 id="coverage">Coverage (2 projects)</h3>');
    expect(html).toContain('routes (not read: the asset export has no compute.googleapis.com/Route assets)');
  });

  it('every collection read: the text line says so, and Markdown has no table rows', () => {
    const report = audit(compliantSnapshot(), defaultPolicy(), { failOn: 'high' });
    expect(renderText(report)).toContain('coverage: 1 project, every collection read');
    expect(renderMarkdown(report)).toContain('### Coverage (1 project(s), 1 read in full)');
  });
});
