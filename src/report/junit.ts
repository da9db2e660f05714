/**
 * JUnit XML for GitLab (`artifacts:reports:junit`) and Jenkins: one testsuite per enabled rule, one
 * testcase per rule × subject. A failing result is a `<failure>`, a not-evaluated one an `<error>`
 * (the check could not run), a waived or not-applicable one `<skipped>`. The layout follows the
 * Apache Ant schema (test/vendor/JUnit.xsd), which is the strictest of what those tools read.
 */
import { displayName } from '../engine/engine.js';
import type { AuditReport, Result, RunInfo } from '../engine/types.js';
import type { ReportOptions } from './index.js';

// Characters XML 1.0 cannot carry at all, even escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attrs(pairs: [string, string | number][]): string {
  return pairs.map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');
}

/** The Ant schema wants a local timestamp without zone; ours is UTC. */
function antTimestamp(iso: string): string {
  return iso.slice(0, 19);
}

function details(r: Result): string {
  const lines = [r.message, `rule: ${r.ruleId} (${r.severity})`, `resource: ${displayName(r.resource)}`];
  if (r.resource.address && r.resource.fullName !== r.resource.address) lines.push(`full name: ${r.resource.fullName}`);
  if (r.resource.file) lines.push(`at: ${r.resource.file}${r.resource.line ? `:${r.resource.line}` : ''}`);
  if (r.related.length) lines.push(`related: ${r.related.join(', ')}`);
  for (const e of r.readErrors ?? []) lines.push(`could not read ${e.collection} of project ${e.project}: ${e.status ? `HTTP ${e.status} ` : ''}${e.message}`);
  return lines.join('\n');
}

function testcase(r: Result): string {
  const open = `    <testcase${attrs([['name', `${r.ruleId} ${displayName(r.resource)}`], ['classname', `gke-private-audit.${r.ruleId}`], ['time', 0]])}`;
  if (r.waiver) return `${open}>\n      <skipped${attrs([['message', `waived until ${r.waiver.expires}: ${r.waiver.reason}`]])}/>\n    </testcase>`;
  switch (r.status) {
    case 'pass':
      return `${open}/>`;
    case 'not-applicable':
      return `${open}>\n      <skipped${attrs([['message', r.message]])}/>\n    </testcase>`;
    case 'fail':
      return `${open}>\n      <failure${attrs([['message', r.message], ['type', r.severity]])}>${xmlText(details(r))}</failure>\n    </testcase>`;
    case 'not-evaluated':
      return `${open}>\n      <error${attrs([['message', r.message], ['type', 'not-evaluated']])}>${xmlText(details(r))}</error>\n    </testcase>`;
  }
}

interface Suite {
  id: string;
  rule?: RunInfo['rules'][number];
  results: Result[];
}

function suitesOf(report: AuditReport): Suite[] {
  const suites = new Map<string, Suite>(report.run.rules.map((rule) => [rule.id, { id: rule.id, rule, results: [] }]));
  for (const r of report.results) {
    let suite = suites.get(r.ruleId);
    if (!suite) suites.set(r.ruleId, (suite = { id: r.ruleId, results: [] }));
    suite.results.push(r);
  }
  return [...suites.values()];
}

function suiteXml(suite: Suite, index: number, run: RunInfo): string {
  const count = (pred: (r: Result) => boolean) => suite.results.filter(pred).length;
  const failures = count((r) => !r.waiver && r.status === 'fail');
  const errors = count((r) => !r.waiver && r.status === 'not-evaluated');
  const skipped = count((r) => !!r.waiver || r.status === 'not-applicable');
  const props: [string, string][] = [['tool', `${run.tool.name} ${run.tool.version}`]];
  if (run.category) props.push(['category', run.category]);
  if (suite.rule) props.push(['title', suite.rule.title], ['severity', suite.rule.severity], ['helpUri', suite.rule.helpUri]);
  const help = suite.rule ? `${suite.rule.title}\n\n${suite.rule.description}\n\nMore: ${suite.rule.helpUri}\n` : '';
  return [
    `  <testsuite${attrs([
      ['package', 'gke-private-audit'],
      ['id', index],
      ['name', suite.id],
      ['timestamp', antTimestamp(run.startedAt)],
      ['hostname', 'localhost'],
      ['tests', suite.results.length],
      ['failures', failures],
      ['errors', errors],
      ['skipped', skipped],
      ['time', 0],
    ])}>`,
    '    <properties>',
    ...props.map(([name, value]) => `      <property${attrs([['name', name], ['value', value]])}/>`),
    '    </properties>',
    ...suite.results.map(testcase),
    `    <system-out>${xmlText(help)}</system-out>`,
    // The run's warnings (an expired or unmatched exception) go with the first suite, once.
    `    <system-err>${index === 0 && run.warnings.length ? xmlText(run.warnings.map((w) => `warning: ${w}`).join('\n')) : ''}</system-err>`,
    '  </testsuite>',
  ].join('\n');
}

export function renderJunit(report: AuditReport, _options: ReportOptions = {}): string {
  const suites = suitesOf(report).map((s, i) => suiteXml(s, i, report.run));
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>', ...suites, '</testsuites>', ''].join('\n');
}
