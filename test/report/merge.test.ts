import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mergeCommand } from '../../src/cli/merge.js';
import { InputError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { renderJson, type JsonReport } from '../../src/report/json.js';
import { mergeShards, parseShard } from '../../src/report/merge.js';
import { renderSarif } from '../../src/report/sarif.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { failingSnapshot, reportOf, sarifProblems } from '../helpers/github-sarif-rules.js';

vi.mock('../../src/rules/index.js', () => ({ RULES: [], findRule: () => undefined }));

const CATEGORY = 'gke-private-audit/org-123';
const dir = mkdtempSync(path.join(tmpdir(), 'gpa-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The failing example in project a, the compliant one renamed to project b. */
function projectB(): Snapshot {
  return JSON.parse(JSON.stringify(compliantSnapshot()).replaceAll('acme-prod-platform', 'acme-prod-b')) as Snapshot;
}

function organization(): { whole: Snapshot; shards: Snapshot[] } {
  const a = failingSnapshot();
  const b = projectB();
  const keys = ['networks', 'subnetworks', 'routes', 'firewalls', 'routers', 'managedZones', 'clusters', 'instances', 'readErrors'] as const;
  const whole = structuredClone(a);
  whole.scope = { kind: 'organization', id: '123', projects: ['acme-prod-b', 'acme-prod-platform'] };
  for (const k of keys) (whole[k] as unknown[]) = [...a[k], ...b[k]];
  a.scope = { kind: 'organization', id: '123', projects: ['acme-prod-platform'], shard: '0/2' };
  b.scope = { kind: 'organization', id: '123', projects: ['acme-prod-b'], shard: '1/2' };
  // A Shared VPC network both shards see: reported by both, counted once after the merge.
  b.networks.push(structuredClone(a.networks[0]));
  return { whole, shards: [a, b] };
}

const sarifKey = (log: Log) =>
  log.runs
    .flatMap((run) => (run.results ?? []).map((r) => JSON.stringify([r.ruleId, run.tool.driver.rules![r.ruleIndex!].id, r.kind, r.level, r.message.text, r.locations, r.partialFingerprints])))
    .sort();

describe('merge', () => {
  const { whole, shards } = organization();

  it('merging the SARIF of the shards gives the single run\'s results, in one run per category', () => {
    const single = JSON.parse(renderSarif(reportOf(whole, { category: CATEGORY }), { sarifPasses: true })) as Log;
    const texts = shards.map((s) => renderSarif(reportOf(s, { category: CATEGORY }), { sarifPasses: true }));
    const merged = mergeShards(texts.map((t, i) => parseShard(t, `shard-${i}.sarif`)));
    expect(merged.kind).toBe('sarif');
    const log = JSON.parse(merged.text) as Log;
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].automationDetails!.id).toBe(`${CATEGORY}/`);
    expect(log.runs[0].tool.driver.rules!.map((r) => r.id)).toEqual(['private-endpoint', 'test-network-probe']);
    expect(log.runs[0].invocations).toHaveLength(2);
    expect(sarifKey(log)).toEqual(sarifKey(single));
    expect(sarifProblems(merged.text)).toEqual([]);
  });

  it('merging the JSON of the shards gives the single run\'s results, summary and verdict', () => {
    const single = reportOf(whole, { category: CATEGORY });
    const texts = shards.map((s) => renderJson(reportOf(s, { category: CATEGORY })));
    const merged = JSON.parse(mergeShards(texts.map((t, i) => parseShard(t, `shard-${i}.json`))).text) as JsonReport;
    const byFp = (rs: { fingerprint: string }[]) => [...rs].sort((x, y) => x.fingerprint.localeCompare(y.fingerprint));
    expect(byFp(merged.results)).toEqual(byFp(single.results));
    expect(merged.summary).toEqual(single.summary);
    expect(merged.verdict).toEqual(single.verdict);
    expect(merged.run.scope).toEqual({ kind: 'organization', id: '123', projects: ['acme-prod-b', 'acme-prod-platform'] });
    expect(merged.run.category).toBe(CATEGORY);
    expect(merged.clusters.map((c) => c.fullName).sort()).toEqual(single.clusters.map((c) => c.fullName).sort());
  });

  it('keeps different categories as separate runs and unions the rules of one category', () => {
    const a = renderSarif(reportOf(shards[0], { category: 'scope/a', rules: undefined }));
    const b = renderSarif(reportOf(shards[1], { category: 'scope/b' }));
    const log = JSON.parse(mergeShards([parseShard(a, 'a.sarif'), parseShard(b, 'b.sarif')]).text) as Log;
    expect(log.runs.map((r) => r.automationDetails!.id)).toEqual(['scope/a/', 'scope/b/']);
    expect(sarifProblems(JSON.stringify(log))).toEqual([]);
  });

  it('recomputes the JSON verdict with the threshold given, and insists on one when the inputs disagree', () => {
    const high = renderJson(reportOf(shards[0], { failOn: 'high' }));
    const none = renderJson(reportOf(shards[1], { failOn: 'none' }));
    const inputs = [parseShard(high, 'a.json'), parseShard(none, 'b.json')];
    expect(() => mergeShards(inputs)).toThrow(/--fail-on high and none/);
    const merged = JSON.parse(mergeShards(inputs, { failOn: 'none' }).text) as JsonReport;
    expect(merged.verdict.exitCode).toBe(0);
    expect(merged.run.failOn).toBe('none');
  });

  it('refuses to mix SARIF and JSON, naming the odd file', () => {
    const sarif = parseShard(renderSarif(reportOf(shards[0])), 'a.sarif');
    const json = parseShard(renderJson(reportOf(shards[1])), 'b.json');
    expect(() => mergeShards([sarif, json])).toThrow(InputError);
    try {
      mergeShards([sarif, json]);
    } catch (e) {
      expect((e as InputError).toLine()).toBe('b.json: is a JSON report but a.sarif is a SARIF log; merge one kind at a time');
    }
  });

  it('names the file and place of an input it cannot use', () => {
    const line = (text: string, file = 'x.sarif') => {
      try {
        parseShard(text, file);
      } catch (e) {
        return (e as InputError).toLine();
      }
      return 'accepted';
    };
    expect(line('{\n  "version": "2.1.0",\n  "runs": [\n')).toMatch(/^x\.sarif: line \d+(, column \d+)?: the report is not valid JSON/);
    expect(line('{"hello": 1}')).toBe('x.sarif: $: neither a SARIF log nor a gke-private-audit JSON report');
    expect(line('{"version": "2.1.0", "runs": [{"tool": {}}]}')).toMatch(/^x\.sarif: \$\.runs\[0\]\.tool: not valid SARIF 2\.1\.0: must have required property 'driver'/);
    const report = JSON.parse(renderJson(reportOf(shards[0]))) as Record<string, unknown>;
    delete report.summary;
    expect(line(JSON.stringify(report), 'r.json')).toBe("r.json: $: does not match the JSON report schema: must have required property 'summary'");
  });
});

describe('merge command', () => {
  const { shards } = organization();
  const files = shards.map((s, i) => {
    const file = path.join(dir, `shard-${i}.sarif`);
    writeFileSync(file, renderSarif(reportOf(s, { category: CATEGORY })));
    return file;
  });

  it('writes the merged file atomically, creating its directory', async () => {
    const out = path.join(dir, 'out/nested/all.sarif');
    expect(await mergeCommand.handler({ files, output: out })).toBe(0);
    const log = JSON.parse(readFileSync(out, 'utf8')) as Log;
    expect(log.runs).toHaveLength(1);
  });

  it('fails with one line, writing nothing, when an input is missing', async () => {
    const out = path.join(dir, 'never.sarif');
    await expect(mergeCommand.handler({ files: [...files, path.join(dir, 'missing.sarif')], output: out })).rejects.toThrow(/cannot read the report: ENOENT/);
    expect(() => readFileSync(out)).toThrow();
  });
});
