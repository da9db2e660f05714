/**
 * The baseline gate (`--baseline FILE`): a previous JSON or SARIF report names the findings that are
 * already known; only failures whose fingerprint is not among them fail the gate. Fingerprints
 * depend on the rule id and the subject's identity only, so they survive reruns and line moves.
 */
import { InputError } from '../errors.js';
import { readJsonFile } from '../model/load.js';
import { TOOL_NAME } from '../version.js';

/** Our fingerprint inside SARIF `partialFingerprints`, next to GitHub's `primaryLocationLineHash`. */
export const FINGERPRINT_KEY = 'gkePrivateAudit/v1';

export type ReportKind = 'sarif' | 'json';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tells a SARIF log from a gke-private-audit JSON report by content, not by file name. */
export function reportKindOf(data: unknown): ReportKind | undefined {
  if (!isObject(data)) return undefined;
  if (typeof data.version === 'string' && Array.isArray(data.runs)) return 'sarif';
  if ('reportVersion' in data && isObject(data.run) && Array.isArray(data.results)) return 'json';
  return undefined;
}

/** `abc123:1` → `abc123`: GitHub's line-hash form carries an occurrence suffix. */
function stripOccurrence(hash: string): string {
  return hash.replace(/:\d+$/, '');
}

function sarifFingerprints(data: Record<string, unknown>, file: string): Set<string> {
  const out = new Set<string>();
  (data.runs as unknown[]).forEach((run, ri) => {
    const at = `$.runs[${ri}]`;
    if (!isObject(run)) throw new InputError(file, 'a run is not an object', at);
    const driver = isObject(run.tool) && isObject(run.tool.driver) ? run.tool.driver : undefined;
    if (driver?.name !== TOOL_NAME) {
      throw new InputError(file, `a SARIF baseline must come from ${TOOL_NAME}, this run is from ${JSON.stringify(driver?.name ?? null)}`, `${at}.tool.driver.name`);
    }
    const results = run.results ?? [];
    if (!Array.isArray(results)) throw new InputError(file, 'results is not an array', `${at}.results`);
    results.forEach((result: unknown, i) => {
      const rat = `${at}.results[${i}]`;
      if (!isObject(result)) throw new InputError(file, 'a result is not an object', rat);
      // Only findings count: `kind` defaults to `fail`; open (not evaluated) and pass results are not known findings.
      if (result.kind !== undefined && result.kind !== 'fail') return;
      const fps = isObject(result.partialFingerprints) ? result.partialFingerprints : {};
      const fp = fps[FINGERPRINT_KEY] ?? (typeof fps.primaryLocationLineHash === 'string' ? stripOccurrence(fps.primaryLocationLineHash) : undefined);
      if (typeof fp !== 'string' || fp === '') throw new InputError(file, 'a result has no fingerprint (partialFingerprints)', rat);
      out.add(fp);
    });
  });
  return out;
}

function jsonFingerprints(data: Record<string, unknown>, file: string): Set<string> {
  const out = new Set<string>();
  (data.results as unknown[]).forEach((result, i) => {
    const at = `$.results[${i}]`;
    if (!isObject(result)) throw new InputError(file, 'a result is not an object', at);
    if (result.status !== 'fail') return;
    if (typeof result.fingerprint !== 'string' || result.fingerprint === '') throw new InputError(file, 'a failing result has no fingerprint', `${at}.fingerprint`);
    out.add(result.fingerprint);
  });
  return out;
}

/** The fingerprints of the findings in a parsed report (SARIF or JSON). */
export function baselineFingerprints(data: unknown, file: string): Set<string> {
  const kind = reportKindOf(data);
  if (kind === 'sarif') return sarifFingerprints(data as Record<string, unknown>, file);
  if (kind === 'json') return jsonFingerprints(data as Record<string, unknown>, file);
  throw new InputError(file, `not a baseline: expected a ${TOOL_NAME} JSON report or a SARIF log`, '$');
}

export function loadBaseline(file: string): Set<string> {
  return baselineFingerprints(readJsonFile(file, 'baseline'), file);
}
