import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { renderJunit, xmlAttr, xmlText } from '../../src/report/junit.js';
import { compliantSnapshot, REPO_ROOT } from '../helpers/fixtures.js';
import { ALPHA, failingSnapshot, planSnapshot, policyWith, reportOf } from '../helpers/github-sarif-rules.js';

vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

const XSD = readFileSync(path.join(REPO_ROOT, 'test/vendor/JUnit.xsd'), 'utf8');

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'JUnit.xsd', contents: XSD }] });
  return result.errors.map((e) => e.rawMessage);
}

const waiver = policyWith([{ rule: 'private-endpoint', resource: ALPHA, reason: 'Moving to PSC <NET-42> & "soon"', expires: '2027-01-31' }]);

describe('JUnit report', () => {
  it.each([
    ['failing', () => renderJunit(reportOf(failingSnapshot()))],
    ['compliant', () => renderJunit(reportOf(compliantSnapshot()))],
    ['waived', () => renderJunit(reportOf(failingSnapshot(), { policy: waiver }))],
    ['plan-based, with a not-evaluated result', () => renderJunit(reportOf(planSnapshot()))],
  ])('the %s report validates against the JUnit schema', async (_name, render) => {
    expect(await schemaErrors(render())).toEqual([]);
  });

  it('the schema check fails on what GitLab and Jenkins could not read', async () => {
    const xml = renderJunit(reportOf(failingSnapshot()));
    expect(await schemaErrors(xml.replace(/ classname="[^"]*"/, ''))).not.toEqual([]);
    expect(await schemaErrors(xml.replace('<failure', '<failure/><failure'))).not.toEqual([]);
  });

  it('has one suite per enabled rule and one testcase per rule × subject', () => {
    const xml = renderJunit(reportOf(failingSnapshot()));
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toMatch(/<testsuite [^>]*name="private-endpoint"[^>]*tests="2" failures="1" errors="0" skipped="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain(`<testcase name="private-endpoint ${ALPHA}" classname="gke-private-audit.private-endpoint" time="0">`);
    expect(xml).toMatch(/<failure message="Cluster [^"]*alpha exposes its control plane[^"]*" type="critical">/);
  });

  it('makes not-evaluated results errors and waived ones skipped, with the reason', () => {
    const plan = renderJunit(reportOf(planSnapshot()));
    expect(plan).toMatch(/<error message="[^"]*not known until apply[^"]*" type="not-evaluated">/);
    expect(plan).toContain('at: modules/gke/main.tf:12');
    const waived = renderJunit(reportOf(failingSnapshot(), { policy: waiver }));
    expect(waived).toContain('<skipped message="waived until 2027-01-31: Moving to PSC &lt;NET-42&gt; &amp; &quot;soon&quot;"/>');
    expect(waived).toMatch(/name="private-endpoint"[^>]*failures="0" errors="0" skipped="1"/);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(xmlAttr('say "hi"\nnext')).toBe('say &quot;hi&quot;&#10;next');
    expect(xmlText('bell\u0007 and lone \uD800 surrogate')).toBe('bell\uFFFD and lone \uFFFD surrogate');
  });
});
