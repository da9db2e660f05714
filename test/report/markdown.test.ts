import { describe, expect, it, vi } from 'vitest';
import type { AuditReport, Result } from '../../src/engine/types.js';
import { summarize, verdictOf } from '../../src/engine/audit.js';
import { cell, renderMarkdown, STEP_SUMMARY_LIMIT } from '../../src/report/markdown.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ALPHA, failingSnapshot, planSnapshot, policyWith, reportOf } from '../helpers/github-sarif-rules.js';

vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

function withResults(n: number): AuditReport {
  const base = reportOf(failingSnapshot());
  const template = base.results.find((r) => r.status === 'fail' && r.ruleId === 'private-endpoint')!;
  const results: Result[] = Array.from({ length: n }, (_, i) => ({
    ...template,
    status: i % 10 === 0 ? 'not-evaluated' : 'fail',
    severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
    message: `Cluster ${template.resource.fullName}-${i} exposes its control plane on a public endpoint (privateClusterConfig.enablePrivateEndpoint: false); ${'x'.repeat(60)}`,
    resource: { ...template.resource, name: `c${i}`, fullName: `${template.resource.fullName}-${i}` },
    fingerprint: `fp${i}`,
  }));
  return { ...base, results, summary: summarize(results), verdict: verdictOf(results, 'high') };
}

describe('Markdown report', () => {
  it('leads with the verdict and a summary table, then lists failures most severe first', () => {
    const md = renderMarkdown(reportOf(failingSnapshot()));
    expect(md).toMatch(/^## gke-private-audit \S+: projects acme-prod-platform\n/);
    expect(md).toContain('**❌ Gate failed** (--fail-on high): 1 finding(s) at or above high.');
    expect(md).toContain('| 2 | 1 | 0 | 0 | 0 |');
    expect(md).toContain('| 🟥 critical | 1 |');
    const failing = md.slice(md.indexOf('### Failing (2)'));
    expect(failing.indexOf('private-endpoint')).toBeLessThan(failing.indexOf('test-network-probe'));
    // Short names in the table: projects/P/clusters/C, as the text report writes them.
    expect(failing).toContain('`projects/acme-prod-platform/clusters/alpha`');
    expect(failing).not.toContain(`\`${ALPHA}\``);
  });

  it('says when the gate passes, and lists waived and not-evaluated results', () => {
    expect(renderMarkdown(reportOf(compliantSnapshot(), { failOn: 'critical', rules: undefined }))).toContain('**✅ Gate passed** (--fail-on critical).');
    const waived = renderMarkdown(reportOf(failingSnapshot(), { policy: policyWith([{ rule: 'private-endpoint', resource: ALPHA, reason: 'ticket NET-42', expires: '2027-01-31' }]) }));
    expect(waived).toMatch(/### Waived \(1\)[\s\S]*\| 2027-01-31 \| ticket NET-42 \|/);
    const plan = renderMarkdown(reportOf(planSnapshot()));
    expect(plan).toMatch(/### Not evaluated \(1\)[\s\S]*module.gke\["beta"\]/);
    expect(plan).toContain('(`modules/gke/main.tf:12`)');
  });

  it('keeps table cells to one line with no markup of their own', () => {
    expect(cell('a | b\nc <img src=x> & d')).toBe('a \\| b c &lt;img src=x&gt; &amp; d');
    const md = renderMarkdown(reportOf(failingSnapshot()));
    const probeRow = md.split('\n').find((l) => l.includes('test-network-probe') && l.includes('private zone'))!;
    expect(probeRow).toContain('\\| with "odd" &lt;chars&gt; &amp; more.');
    expect(probeRow.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('stays under GitHub\'s 1 MiB step-summary limit with 10,000 results, and says what it left out', () => {
    const md = renderMarkdown(withResults(10_000));
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    expect(md).toMatch(/_\d+ more row\(s\) left out to stay under GitHub's 1 MiB step-summary limit/);
    const shown = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('/clusters/alpha-')).length;
    const omitted = Number(/_(\d+) more row/.exec(md)![1]);
    expect(shown + omitted).toBe(10_000);
  });

  it('writes everything when it fits', () => {
    const md = renderMarkdown(withResults(100));
    expect(md).not.toContain('left out');
    expect(md).toContain('### Failing (90)');
    expect(md).toContain('### Not evaluated (10)');
  });
});
