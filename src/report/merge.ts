/**
 * Joins shard outputs (`--shard i/n` runs of one scope) into one report: SARIF logs into one log
 * with one run per tool + category (GitHub rejects two runs of the same tool and category in one
 * file), JSON reports into one report with its summary and verdict recomputed. Results are
 * de-duplicated by fingerprint, so a resource two shards both saw (a shared network) counts once.
 */
import { Ajv } from 'ajv';
import type { Log, ReportingDescriptor, Result as SarifResult, Run } from 'sarif';
import { FINGERPRINT_KEY, reportKindOf, type ReportKind } from '../engine/baseline.js';
import { summarize, verdictOf } from '../engine/audit.js';
import type { FailOn, RunInfo } from '../engine/types.js';
import { InputError, jsonPath } from '../errors.js';
import { parseJsonText } from '../model/load.js';
import { loadJsonSchema } from '../schemas.js';
import type { JsonReport } from './json.js';
import { sarifSchemaProblems } from './sarif/schema.js';

export type Shard = { file: string; kind: 'sarif'; log: Log } | { file: string; kind: 'json'; report: JsonReport };

let reportValidator: ReturnType<Ajv['compile']> | undefined;

function validateJsonReport(data: unknown, file: string): JsonReport {
  reportValidator ??= new Ajv({ allErrors: false, strict: false }).compile(loadJsonSchema('report.schema.json'));
  if (!reportValidator(data)) {
    const e = reportValidator.errors![0];
    throw new InputError(file, `does not match the JSON report schema: ${e.message ?? 'invalid'}`, jsonPath(e.instancePath));
  }
  return data as JsonReport;
}

/** Parses and validates one input, telling SARIF from a JSON report by its content. */
export function parseShard(text: string, file: string): Shard {
  const data = parseJsonText(text, file, 'report');
  const kind = reportKindOf(data);
  if (kind === 'sarif') {
    const problem = sarifSchemaProblems(data)[0];
    if (problem) throw new InputError(file, `not valid SARIF 2.1.0: ${problem.message}`, problem.path);
    return { file, kind, log: data as Log };
  }
  if (kind === 'json') return { file, kind, report: validateJsonReport(data, file) };
  throw new InputError(file, 'neither a SARIF log nor a gke-private-audit JSON report', '$');
}

/** The category GitHub derives from `automationDetails.id` (`category/run-id`). */
export function sarifCategory(run: Run): string {
  const id = run.automationDetails?.id ?? '';
  const slash = id.lastIndexOf('/');
  return slash < 0 ? '' : id.slice(0, slash);
}

function resultKey(result: SarifResult, ruleId: string): string {
  const fps = result.partialFingerprints ?? {};
  const fp = fps[FINGERPRINT_KEY] ?? fps.primaryLocationLineHash ?? JSON.stringify(result.locations ?? []);
  return `${ruleId}\u0000${fp}`;
}

function mergeRuns(runs: Run[], warnings: string[]): Run {
  const first = runs[0];
  const driver = first.tool.driver;
  const versions = [...new Set(runs.map((r) => r.tool.driver.version ?? r.tool.driver.semanticVersion ?? ''))];
  if (versions.length > 1) warnings.push(`category "${sarifCategory(first)}": runs from different ${driver.name} versions (${versions.join(', ')}); keeping the rules of the first`);

  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const rule of run.tool.driver.rules ?? []) {
      if (ruleIndex.has(rule.id)) continue;
      ruleIndex.set(rule.id, rules.length);
      rules.push(rule);
    }
  }
  for (const run of runs) {
    const own = run.tool.driver.rules ?? [];
    for (const result of run.results ?? []) {
      const ruleId = result.ruleId ?? result.rule?.id ?? (result.ruleIndex !== undefined ? own[result.ruleIndex]?.id : undefined) ?? '';
      const key = resultKey(result, ruleId);
      if (seen.has(key)) continue;
      seen.add(key);
      const merged: SarifResult = { ...result };
      const index = ruleIndex.get(ruleId);
      if (index !== undefined) merged.ruleIndex = index;
      else delete merged.ruleIndex;
      results.push(merged);
    }
  }
  const scopes = runs.map((r) => (r.properties as { scope?: unknown } | undefined)?.scope).filter((s) => s !== undefined);
  const out: Run = {
    ...first,
    tool: { ...first.tool, driver: { ...driver, rules } },
    invocations: runs.flatMap((r) => r.invocations ?? []),
    results,
  };
  if (runs.length > 1) {
    // A shard's verdict says nothing about the whole; the merged run keeps where it came from.
    out.properties = { mergedRuns: runs.length, ...(scopes.length ? { scopes } : {}) };
  }
  return out;
}

export function mergeSarif(logs: Log[], warnings: string[] = []): Log {
  const groups = new Map<string, Run[]>();
  for (const log of logs) {
    for (const run of log.runs) {
      const key = `${run.tool.driver.name}\u0000${sarifCategory(run)}`;
      const group = groups.get(key);
      if (group) group.push(run);
      else groups.set(key, [run]);
    }
  }
  const runs = [...groups.values()].map((g) => mergeRuns(g, warnings));
  if (runs.length > 20) warnings.push(`${runs.length} runs (categories) in one file; GitHub accepts at most 20 per upload`);
  return { $schema: logs[0]?.$schema ?? 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface JsonMergeOptions {
  /** Overrides the inputs' `--fail-on`; required when they disagree. */
  failOn?: FailOn;
}

export function mergeJsonReports(shards: { file: string; report: JsonReport }[], options: JsonMergeOptions = {}, warnings: string[] = []): JsonReport {
  const reports = shards.map((s) => s.report);
  const first = reports[0];
  const failOns = [...new Set(reports.map((r) => r.run.failOn))];
  if (!options.failOn && failOns.length > 1) {
    throw new InputError(shards[reports.findIndex((r) => r.run.failOn !== first.run.failOn)].file, `made with --fail-on ${failOns.join(' and ')} in other inputs; give merge --fail-on`, '$.run.failOn');
  }
  const failOn = options.failOn ?? first.run.failOn;
  const allowIncomplete = reports.every((r) => r.run.allowIncomplete);
  const categories = [...new Set(reports.map((r) => r.run.category ?? ''))];
  if (categories.length > 1) warnings.push(`JSON reports of different categories (${categories.join(', ')}) merged into one report`);
  const params = [...new Set(reports.map((r) => JSON.stringify(r.run.policy.parameters)))];
  if (params.length > 1) warnings.push('the inputs were made with different policy parameters; the merged report shows the first');

  const results = uniqueBy(
    reports.flatMap((r) => r.results),
    (r) => r.fingerprint,
  );
  const scopeKinds = [...new Set(reports.map((r) => `${r.run.scope.kind}\u0000${r.run.scope.id ?? ''}`))];
  const scope: RunInfo['scope'] = {
    kind: scopeKinds.length === 1 ? first.run.scope.kind : 'projects',
    projects: [...new Set(reports.flatMap((r) => r.run.scope.projects))].sort(),
  };
  if (scopeKinds.length === 1 && first.run.scope.id !== undefined) scope.id = first.run.scope.id;

  const run: RunInfo = {
    tool: first.run.tool,
    startedAt: reports.map((r) => r.run.startedAt).sort()[0],
    finishedAt: reports.map((r) => r.run.finishedAt).sort().at(-1)!,
    scope,
    policy: first.run.policy,
    failOn,
    allowIncomplete,
    rules: uniqueBy(
      reports.flatMap((r) => r.run.rules),
      (r) => r.id,
    ),
    warnings: [...new Set(reports.flatMap((r) => r.run.warnings))],
    readErrors: uniqueBy(
      reports.flatMap((r) => r.run.readErrors),
      (e) => JSON.stringify(e),
    ),
  };
  // Shards cover disjoint projects; a followed Shared VPC host may appear in several: kept once.
  const coverage = uniqueBy(
    reports.flatMap((r) => r.run.coverage ?? []),
    (c) => c.project,
  );
  if (coverage.length) run.coverage = coverage.sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
  if (categories.length === 1 && categories[0] !== '') run.category = categories[0];
  return {
    $schema: first.$schema,
    reportVersion: first.reportVersion,
    run,
    results,
    clusters: uniqueBy(
      reports.flatMap((r) => r.clusters),
      (c) => c.fullName,
    ),
    summary: summarize(results),
    verdict: verdictOf(results, failOn, allowIncomplete, undefined, run.readErrors),
  };
}

export interface Merged {
  kind: ReportKind;
  text: string;
  warnings: string[];
}

/** Merges parsed inputs of one kind; mixing SARIF and JSON is an input error naming the odd file. */
export function mergeShards(shards: Shard[], options: JsonMergeOptions = {}): Merged {
  if (shards.length === 0) throw new Error('merge needs at least one input');
  const kind = shards[0].kind;
  const odd = shards.find((s) => s.kind !== kind);
  if (odd) throw new InputError(odd.file, `is a ${odd.kind === 'sarif' ? 'SARIF log' : 'JSON report'} but ${shards[0].file} is a ${kind === 'sarif' ? 'SARIF log' : 'JSON report'}; merge one kind at a time`);
  const warnings: string[] = [];
  if (kind === 'sarif') {
    const log = mergeSarif(
      shards.map((s) => (s as Extract<Shard, { kind: 'sarif' }>).log),
      warnings,
    );
    return { kind, text: JSON.stringify(log, null, 2) + '\n', warnings };
  }
  const report = mergeJsonReports(shards as Extract<Shard, { kind: 'json' }>[], options, warnings);
  return { kind, text: JSON.stringify(report, null, 2) + '\n', warnings };
}
