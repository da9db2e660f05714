import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { parsePolicy } from '../../src/engine/policy.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderHtml } from '../../src/report/html.js';
import { buildSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** The non-compliant example's zonal cluster web-stg, named as GKE's v1 zonal API and older assets name it. */
const ZONE_FORM = '//container.googleapis.com/projects/globex-stg-apps/zones/asia-northeast1-a/clusters/web-stg';
const SELF_LINK = 'https://container.googleapis.com/v1/projects/globex-stg-apps/zones/asia-northeast1-a/clusters/web-stg';
const NOW = new Date('2026-11-24T00:00:00Z');

const noncompliant = (): Snapshot => JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/noncompliant.snapshot.json'), 'utf8')) as Snapshot;

function policy(exceptions: { rule: string; resource: string }[]) {
  const yaml = `exceptions:\n${exceptions.map((e) => `  - rule: ${e.rule}\n    resource: ${e.resource}\n    reason: migration\n    expires: 2027-01-31\n`).join('')}`;
  return parsePolicy(yaml, 'rules.yaml');
}

describe('exceptions name a cluster in any of its forms; one matching nothing is a warning', () => {
  it('an exception written with the zones/ form (or the self link) waives the locations/ result', () => {
    for (const resource of [ZONE_FORM, SELF_LINK]) {
      const report = audit(noncompliant(), policy([{ rule: 'vpc-native', resource }]), { failOn: 'high', now: NOW });
      const result = report.results.find((r) => r.ruleId === 'vpc-native' && r.resource.name === 'web-stg')!;
      expect(result.resource.fullName).toContain('/locations/asia-northeast1-a/');
      expect(result.waiver, resource).toEqual({ reason: 'migration', expires: '2027-01-31' });
      expect(report.run.unmatchedExceptions).toBeUndefined();
    }
  });

  it('an exception matching no resource is a warning in every report format', () => {
    const typo = '//container.googleapis.com/projects/globex-stg-apps/locations/asia-northeast1-a/clusters/web-stage';
    const report = audit(noncompliant(), policy([{ rule: 'vpc-native', resource: typo }]), { failOn: 'high', now: NOW });
    expect(report.run.unmatchedExceptions).toEqual([{ rule: 'vpc-native', resource: typo, where: 'rules.yaml line 2' }]);
    const warning = `exception for vpc-native on ${typo} (rules.yaml line 2) matches no resource: no result of this run is on that resource`;
    expect(report.run.warnings).toContain(warning);
    expect(renderText(report)).toContain(warning);
    expect(renderMarkdown(report)).toContain(warning);
    expect(renderHtml(report)).toContain('web-stage');
    expect(JSON.stringify(buildSarif(report))).toContain(warning);
    expect(renderJunit(report)).toContain('matches no resource');
  });

  it('an exception for a rule that did not run says so', () => {
    const p = policy([{ rule: 'vpc-native', resource: ZONE_FORM }]);
    p.rules['vpc-native'] = 'off';
    const report = audit(noncompliant(), p, { failOn: 'high', now: NOW });
    expect(report.run.warnings.some((w) => w.includes('matches no resource: rule vpc-native did not run'))).toBe(true);
  });
});
