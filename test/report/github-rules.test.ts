/** The GitHub ingestion checks must catch what GitHub refuses, or the SARIF tests prove nothing. */
import { randomBytes } from 'node:crypto';
import type { Log } from 'sarif';
import { describe, expect, it, vi } from 'vitest';
import { sarifSchemaProblems } from '../../src/report/sarif/schema.js';
import { failingSnapshot, githubIngestionProblems, reportOf, sarifProblems } from '../helpers/github-sarif-rules.js';
import { renderSarif } from '../../src/report/sarif.js';

vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

const good = renderSarif(reportOf(failingSnapshot()));
const mutate = (edit: (log: Log) => void): Log => {
  const log = JSON.parse(good) as Log;
  edit(log);
  return log;
};
const first = (log: Log) => log.runs[0].results![0];

describe('GitHub ingestion checks', () => {
  it('accept the tool\'s own output', () => {
    expect(sarifProblems(good)).toEqual([]);
  });

  it.each<[string, (log: Log) => void, RegExp]>([
    ['an empty uri', (l) => (first(l).locations![0].physicalLocation!.artifactLocation!.uri = ''), /uri: empty/],
    ['an absolute uri of another scheme', (l) => (first(l).locations![0].physicalLocation!.artifactLocation!.uri = 'gcp://projects/p'), /not a relative uri-reference/],
    ['a network-path uri', (l) => (first(l).locations![0].physicalLocation!.artifactLocation!.uri = '//host/x'), /not a relative uri-reference/],
    ['a uri with a space', (l) => (first(l).locations![0].physicalLocation!.artifactLocation!.uri = 'a b.tf'), /not a relative uri-reference/],
    ['a logical location alone', (l) => delete first(l).locations![0].physicalLocation, /no physicalLocation/],
    ['no location at all', (l) => (first(l).locations = []), /locations: none/],
    ['a region missing', (l) => delete first(l).locations![0].physicalLocation!.region, /region: missing/],
    ['a non-numeric security-severity', (l) => (l.runs[0].tool.driver.rules![0].properties!['security-severity'] = 'high'), /security-severity/],
    ['a numeric (not string) security-severity', (l) => (l.runs[0].tool.driver.rules![0].properties!['security-severity'] = 9.5), /security-severity/],
    ['a security-severity out of range', (l) => (l.runs[0].tool.driver.rules![0].properties!['security-severity'] = '11'), /security-severity/],
    ['11 tags', (l) => (l.runs[0].tool.driver.rules![0].properties!.tags = Array.from({ length: 11 }, (_, i) => `t${i}`)), /tags: 11 > 10/],
    ['a rule without help', (l) => delete l.runs[0].tool.driver.rules![0].help, /help\.text: missing/],
    ['a result of an unknown rule', (l) => (first(l).ruleId = 'nope'), /not among the run's rules/],
    ['a missing fingerprint', (l) => delete first(l).partialFingerprints, /primaryLocationLineHash: missing/],
    ['two runs of one category', (l) => l.runs.push(structuredClone(l.runs[0])), /second run of gke-private-audit with category "gke-private-audit\/project-acme-prod-platform"/],
    ['21 runs', (l) => (l.runs = Array.from({ length: 21 }, (_, i) => ({ ...structuredClone(l.runs[0]), automationDetails: { id: `c${i}/` } }))), /runs: 21 > 20/],
    ['over 25,000 results', (l) => (l.runs[0].results = Array.from({ length: 25_001 }, () => first(l))), /25001 results > 25000/],
    ['over 1,000 locations', (l) => (first(l).locations = Array.from({ length: 1_001 }, () => first(l).locations![0])), /1001 > 1000/],
  ])('refuse %s', (_name, edit, expected) => {
    const problems = githubIngestionProblems(mutate(edit));
    expect(problems.join('\n')).toMatch(expected);
  });

  it('refuse a file over 10 MB gzipped', () => {
    const log = mutate(() => undefined);
    // Incompressible bytes, so the gzipped size is the raw size.
    const noise = randomBytes(11 * 1024 * 1024).toString('latin1');
    expect(githubIngestionProblems(log, noise).join()).toMatch(/gzipped >/);
  });
});

describe('SARIF schema check', () => {
  it('refuses what the official schema refuses', () => {
    expect(sarifSchemaProblems(mutate((l) => ((l as { version: string }).version = '2.0.0')))).not.toEqual([]);
    expect(sarifSchemaProblems(mutate((l) => ((first(l) as unknown as Record<string, unknown>).level = 'fatal')))).not.toEqual([]);
    expect(sarifSchemaProblems(mutate((l) => ((first(l).locations![0].physicalLocation!.region as Record<string, unknown>).startLine = 0)))).not.toEqual([]);
  });
});
