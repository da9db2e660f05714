import { describe, expect, it, vi } from 'vitest';

// The report is built with scripted stand-ins for the rules (test/browser/sample-report.ts); the
// registry of real rules is kept out so these tests do not depend on them.
vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

import type { AuditReport, ClusterTopology, Result } from '../../src/engine/types.js';
import { CONTENT_SECURITY_POLICY, renderHtml } from '../../src/report/html.js';
import { clusterSteps, PATH_STEPS, stepState, type StepOutcome } from '../../src/report/html/checklist.js';
import { REPORT_JS } from '../../src/report/html/client.js';
import { clusterDiagram } from '../../src/report/html/diagram.js';
import { INLINE_EXPLANATIONS_MAX } from '../../src/report/html/findings.js';
import { REPORT_CSS } from '../../src/report/html/styles.js';
import { cspHash } from '../../src/report/html/template.js';
import { render } from '../../src/report/index.js';
import { ALPHA, INJECTIONS, sampleReport } from '../browser/sample-report.js';
import { syntheticReport } from '../browser/synthetic-report.js';

const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';

/** The markup of the cluster card for `fullName`. */
function clusterCard(page: string, fullName: string): string {
  const start = page.indexOf(`data-cluster="${fullName}"`);
  expect(start).toBeGreaterThan(0);
  return page.slice(start, page.indexOf('</section>', start));
}

function stepStates(card: string): Record<string, string> {
  return Object.fromEntries([...card.matchAll(/data-step="([^"]+)" data-state="([^"]+)"/g)].map((m) => [m[1], m[2]]));
}

function result(partial: Partial<Result>): Result {
  return {
    ruleId: 'vip-route',
    title: 't',
    status: 'pass',
    severity: 'high',
    messageId: 'm',
    message: 'm',
    resource: { kind: 'cluster', name: 'c', fullName: '//c', project: 'p' },
    related: [],
    clusters: ['//c'],
    fingerprint: '0',
    ...partial,
  };
}

describe('html report: one self-contained file', () => {
  const report = sampleReport();
  const page = renderHtml(report);

  it('is what `--format html` renders', async () => {
    expect(await render('html', report)).toBe(page);
  });

  it('inlines exactly one style and one script, both allowed by hash in a strict CSP', () => {
    expect(page.match(/<style[\s>]/g)).toHaveLength(1);
    expect(page.match(/<script[\s>]/g)).toHaveLength(1);
    const css = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
    const js = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
    expect(css).toBe(REPORT_CSS);
    expect(js).toBe(REPORT_JS);
    expect(CONTENT_SECURITY_POLICY).toBe(
      `default-src 'none'; style-src ${cspHash(css)}; script-src ${cspHash(js)}; img-src data:; base-uri 'none'; form-action 'none'`,
    );
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1];
    expect(meta.replace(/&#39;/g, "'")).toBe(CONTENT_SECURITY_POLICY);
    // The CSP meta comes before anything it governs.
    expect(page.indexOf('Content-Security-Policy')).toBeLessThan(page.indexOf('<style>'));
  });

  it('loads nothing: no external scripts, styles, images, fonts or frames', () => {
    expect(page).not.toMatch(/<(script|img|iframe|object|embed|source|video|audio)[^>]*\ssrc=/i);
    expect(page).not.toMatch(/<link[^>]*rel="(stylesheet|preload|prefetch|import)"/i);
    expect(REPORT_CSS).not.toMatch(/url\(|@import|@font-face/);
    expect(REPORT_JS).not.toMatch(/fetch\(|XMLHttpRequest|import\(|\.src\s*=|innerHTML|eval\(/);
    expect(page).not.toMatch(/\sstyle="/);
    expect(page).not.toMatch(/\son[a-z]+="/);
  });

  it('escapes every injection string from the cloud, the policy and read errors', () => {
    for (const s of Object.values(INJECTIONS)) expect(page).not.toContain(s);
    expect(page).not.toMatch(/<img\b/i);
    expect(page).not.toContain('</style><script>');
    expect(page).toContain('&lt;script&gt;window.__pwned = &quot;script&quot;; alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned = &#39;img&#39;; alert(2)&quot;&gt;');
    expect(page).toContain('&lt;/style&gt;&lt;script&gt;window.__pwned = &quot;style&quot;');
  });

  it('stays far under 1 MB for a report of this size', () => {
    expect(Buffer.byteLength(page)).toBeLessThan(1024 * 1024);
  });
});

describe('html report: header', () => {
  const report = sampleReport();
  const page = renderHtml(report);

  it('shows scope, time, tool, policy and its parameters', () => {
    expect(page).toContain('projects acme-prod-platform, evil-&lt;/style&gt;');
    expect(page).toContain('2026-11-24T09:00:00.000Z');
    expect(page).toContain(`gke-private-audit ${report.run.tool.version}`);
    expect(page).toContain('rules-&lt;/style&gt;');
    expect(page).toContain('<code>restricted.googleapis.com.</code> <code>199.36.153.4/30</code>');
    expect(page).toContain('<dt>On-prem ranges</dt><dd><code>10.100.0.0/16</code></dd>');
    expect(page).toContain('<dt>Proxy ranges</dt><dd><code>10.100.5.10/32</code></dd>');
    expect(page).toContain('exception for vip-route on');
  });

  it('totals results by severity and status, waived apart from failing', () => {
    const totals = /<table class="totals"[\s\S]*?<\/table>/.exec(page)![0];
    const row = (label: string) =>
      [...new RegExp(`<tr><th>(?:<span class="badge sev-${label}">${label}</span>|${label})</th>(.*?)</tr>`).exec(totals)![1].matchAll(/>(\d+)</g)].map((m) => Number(m[1]));
    const count = (pred: (r: Result) => boolean) => report.results.filter(pred).length;
    expect(row('critical')).toEqual([
      count((r) => r.severity === 'critical' && r.status === 'fail' && !r.waiver),
      0,
      count((r) => r.severity === 'critical' && r.status === 'not-evaluated'),
      count((r) => r.severity === 'critical' && r.status === 'pass'),
      count((r) => r.severity === 'critical' && r.status === 'not-applicable'),
    ]);
    expect(row('high')[1]).toBe(1); // authorized-networks on alpha, waived
    expect(row('all')).toEqual([
      report.summary.byStatus.fail - report.summary.waived,
      report.summary.waived,
      report.summary.byStatus['not-evaluated'],
      report.summary.byStatus.pass,
      report.summary.byStatus['not-applicable'],
    ]);
  });

  it('states the gate verdict for the chosen --fail-on', () => {
    expect(report.verdict.exitCode).toBe(1);
    expect(page).toMatch(/Gate --fail-on high: FAILED<span class="sub">\d+ failing findings at or above high; exit code 1/);
    const incomplete: AuditReport = { ...report, verdict: { exitCode: 3, gateFailures: 0, incomplete: 2, unread: 0 } };
    expect(renderHtml(incomplete)).toContain('Gate --fail-on high: INCOMPLETE<span class="sub">2 results not evaluated');
    const passed: AuditReport = { ...report, run: { ...report.run, failOn: 'critical', allowIncomplete: true }, verdict: { exitCode: 0, gateFailures: 0, incomplete: 2, unread: 0 } };
    expect(renderHtml(passed)).toMatch(/Gate --fail-on critical: PASSED.*2 results were not evaluated \(--allow-incomplete\)/);
    const off: AuditReport = { ...report, run: { ...report.run, failOn: 'none' }, verdict: { exitCode: 0, gateFailures: 0, incomplete: 0, unread: 0 } };
    expect(renderHtml(off)).toContain('Gate off (--fail-on none): PASSED');
  });
});

describe('html report: the checklist per cluster', () => {
  const report = sampleReport();
  const page = renderHtml(report);

  it('follows the article path with each step green, red, amber, grey or n/a', () => {
    expect(stepStates(clusterCard(page, ALPHA))).toEqual({
      nodes: 'fail',
      'control-plane': 'pass',
      'authorized-networks': 'waived',
      'private-google-access': 'pass',
      dns: 'fail',
      'vip-route': 'fail',
      egress: 'not-evaluated',
      peering: 'fail',
      router: 'fail',
      'vpc-native': 'pass',
      'health-checks': 'pass',
      // The sample report predates vpc-sc-perimeter: it has no result for it.
      'vpc-sc': 'not-run',
    });
    const beta = stepStates(clusterCard(page, BETA));
    expect(beta.peering).toBe('not-applicable');
    expect(beta.nodes).toBe('pass');
    expect(beta.dns).toBe('fail'); // the DNS results are per network, shared with alpha
    const order = [...clusterCard(page, ALPHA).matchAll(/data-step="([^"]+)"/g)].map((m) => m[1]).slice(0, PATH_STEPS.length);
    expect(order).toEqual(PATH_STEPS.map((s) => s.id));
  });

  it('links every step result to its row in the findings table', () => {
    const card = clusterCard(page, ALPHA);
    const links = [...card.matchAll(/<a href="#(f-[^"]+)">/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const id of links) expect(page).toMatch(new RegExp(`<tr class="finding [^"]+" id="${id}"`));
  });

  it('combines a step\'s results worst first, and never shows not evaluated as passed', () => {
    expect(stepState([result({ status: 'pass' }), result({ status: 'not-evaluated' })])).toBe('not-evaluated');
    expect(stepState([result({ status: 'pass' }), result({ status: 'fail' })])).toBe('fail');
    expect(stepState([result({ status: 'fail', waiver: { reason: 'r', expires: '2099-01-01' } }), result({ status: 'pass' })])).toBe('waived');
    expect(stepState([result({ status: 'not-applicable' }), result({ status: 'pass' })])).toBe('pass');
    expect(stepState([result({ status: 'not-applicable' })])).toBe('not-applicable');
    expect(stepState([])).toBe('not-run');
    const steps = clusterSteps(PATH_STEPS, [result({ ruleId: 'dns-gcr', status: 'fail' }), result({ ruleId: 'dns-googleapis' })]);
    expect(steps.find((s) => s.step.id === 'dns')!.results).toHaveLength(2);
    expect(steps.find((s) => s.step.id === 'nodes')!.state).toBe('not-run');
  });
});

describe('html report: the diagram', () => {
  const report = sampleReport();
  const page = renderHtml(report);
  const svgOf = (card: string) => /<svg class="diagram"[\s\S]*?<\/svg>/.exec(card)![0];

  it('draws the path from on-prem to the VIP and the control plane, broken links red and labelled', () => {
    const svg = svgOf(clusterCard(page, ALPHA));
    for (const box of ['On-prem', 'VPN / Cloud Router', 'VPC', 'Node subnet', 'Restricted VIP', 'Control plane']) expect(svg).toContain(`>${box}</text>`);
    expect(svg).toContain('onprem-vpn-router');
    expect(svg).toContain('10.100.0.0/16');
    expect(svg).toContain('172.16.0.0/28');
    expect(svg.match(/<g class="link broken">/g)).toHaveLength(3);
    expect(svg).toContain('control-plane range not');
    expect(svg).toContain('custom routes not exported');
    expect(svg).toContain('DNS for gcr.io');
    expect(svg).toContain('no route to the VIP');
    expect(svg).toContain('✗ nodes can reach the internet');
    expect(svg).toContain('✗ authorized networks (waived)');
  });

  it('shows a Private Service Connect control plane without a peering', () => {
    const svg = svgOf(clusterCard(page, BETA));
    expect(svg).toContain('Private Service Connect');
    expect(svg).not.toContain('peering');
    expect(svg.match(/<g class="link broken">/g)).toHaveLength(1); // DNS for gcr.io, shared with alpha
  });

  it('marks a missing VPN router as broken and unknown data as unknown, not as fine', () => {
    const topology: ClusterTopology = { ...report.clusters[0], routers: [], controlPlaneConnection: 'unknown' };
    const steps = new Map<string, StepOutcome>(
      clusterSteps(PATH_STEPS, [result({ ruleId: 'vip-route', status: 'not-evaluated' })]).map((o) => [o.step.id, o]),
    );
    const svg = clusterDiagram(topology, steps, report.run.policy.parameters, 'x').toString();
    expect(svg).toContain('<tspan x="197" y="118">no Cloud Router with BGP</tspan><tspan x="197" y="130">peers in the region</tspan>');
    expect(svg).toContain('connection not known');
    expect(svg).toContain('no route to the VIP?');
    expect(svg.match(/<g class="link unknown">/g)).toHaveLength(2);
    expect(svg).toContain('id="x-arrow-broken"');
  });
});

describe('html report: findings, waivers, not evaluated', () => {
  const report = sampleReport();
  const page = renderHtml(report);
  const rows = [...page.matchAll(/<tr class="finding s-row-([a-z-]+)" id="[^"]+" data-severity="([a-z]+)" data-status="([a-z-]+)" data-rule="([a-z-]+)" data-project="([^"]*)">/g)];

  it('has one row per result, most urgent first, with the attributes the filters use', () => {
    expect(rows).toHaveLength(report.results.length);
    const statuses = rows.map((m) => m[3]);
    expect(statuses[0]).toBe('fail');
    expect(statuses.lastIndexOf('fail')).toBeLessThan(statuses.indexOf('not-evaluated'));
    expect(statuses.lastIndexOf('not-evaluated')).toBeLessThan(statuses.indexOf('waived'));
    expect(statuses.lastIndexOf('waived')).toBeLessThan(statuses.indexOf('pass'));
    expect(rows.map((m) => m[2]).slice(0, 2)).toEqual(['critical', 'critical']);
    expect(new Set(rows.map((m) => m[5]))).toEqual(new Set(['acme-prod-platform', 'evil-&lt;/style&gt;&lt;script&gt;window.__pwned = &quot;style&quot;; alert(3)&lt;/script&gt;']));
    // The filter bar is hidden until the script shows it: without JavaScript it is a plain table.
    expect(page).toContain('<div class="filters" id="filters" hidden>');
    for (const rule of new Set(report.results.map((r) => r.ruleId))) expect(page).toContain(`<option value="${rule}">`);
  });

  it('gives each failing finding its resources, rationale and copyable gcloud and Terraform', () => {
    const start = page.indexOf('data-rule="peering-export-custom-routes"');
    const row = page.slice(start, page.indexOf('</tr>', start));
    expect(row).toContain('Resources involved');
    expect(row).toContain('Rationale of peering-export-custom-routes');
    expect(row).toContain('<h4>gcloud</h4><div class="code"><button type="button" class="copy" hidden>Copy</button><pre><code>gcloud container clusters update CLUSTER --fix-peering-export-custom-routes</code></pre>');
    expect(row).toContain('# peering-export-custom-routes &amp;&amp; more');
  });

  it('lists waived findings with reason and expiry', () => {
    const waived = /<section id="waived">[\s\S]*?<\/section>/.exec(page)![0];
    expect(waived).toContain('Waived findings (1)');
    expect(waived).toContain('Moving to PSC, ticket NET-42 &lt;/style&gt;');
    expect(waived).toContain('<strong>2099-12-31</strong>');
    expect(waived).toContain('authorized-networks');
  });

  it('lists what was not evaluated with the read error', () => {
    const section = /<section id="not-evaluated">[\s\S]*?<\/section>/.exec(page)![0];
    expect(section).toContain(`Not evaluated (${report.summary.byStatus['not-evaluated']})`);
    expect(section).toContain('recordSets of project acme-prod-platform (//dns.googleapis.com/projects/acme-prod-platform/managedZones/pkg-dev): HTTP 403 forbidden');
    expect(section).toContain('Read errors (1)');
    expect(section).toContain('Permission dns.resourceRecordSets.list denied &lt;script&gt;');
  });

  it('says so when there is nothing to show', () => {
    const empty = renderHtml({ ...report, results: [], clusters: [], run: { ...report.run, readErrors: [] } });
    expect(empty).toContain('The snapshot holds no GKE cluster.');
    expect(empty).toContain('No results: no enabled rule applied');
    expect(empty).toContain('No finding is waived.');
    expect(empty).toContain('Everything in scope was read.');
  });
});

describe('html report: scale', () => {
  it('renders a 5,000-finding report into one page with every row', () => {
    const report = syntheticReport(5000);
    const page = renderHtml(report);
    expect(report.results).toHaveLength(5000);
    expect(page.match(/<tr class="finding /g)).toHaveLength(5000);
    expect(page.match(/<section class="cluster card"/g)).toHaveLength(report.clusters.length);
    // Thousands of findings to fix link to their rule's card instead of repeating its texts.
    expect(page).not.toContain('<details class="fix">');
    expect(page).toMatch(/>Why it matters and how to fix it \([a-z-]+\)<\/a>/);
    expect(page).toMatch(/<div class="card" id="rule-vip-route">[\s\S]*?<h4>gcloud<\/h4>/);
  });

  it('keeps explanations in the rows up to the limit', () => {
    const small = syntheticReport(INLINE_EXPLANATIONS_MAX);
    expect(small.results.filter((r) => r.status === 'fail' || r.status === 'not-evaluated').length).toBeLessThanOrEqual(INLINE_EXPLANATIONS_MAX);
    expect(renderHtml(small)).toContain('<details class="fix">');
  });
});
