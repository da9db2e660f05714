/**
 * How every report format presents the same things to people: short resource names, read errors
 * grouped by cause, the gate verdict in words, and the order of findings. One wording, six formats.
 */
import { displayName } from '../engine/engine.js';
import { SEVERITY_RANK, type AuditReport, type ResourceRef, type Result } from '../engine/types.js';
import type { ReadError } from '../model/snapshot.js';

/** Path segments that only qualify a name (`global`, `locations/L`…): left out of short names. */
const QUALIFIERS = new Set(['locations', 'regions', 'zones']);

/**
 * `//container.googleapis.com/projects/p/locations/l/clusters/alpha` → `projects/p/clusters/alpha`;
 * `//compute.googleapis.com/projects/p/global/networks/vpc` → `projects/p/networks/vpc`. Anything
 * else (a Terraform address) is returned as it is.
 */
export function shortResourceName(fullName: string): string {
  const m = /^\/\/[^/]+\/(projects\/[^/]+)\/(.+)$/.exec(fullName);
  if (!m) return fullName;
  const rest = m[2].split('/');
  const kept: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === 'global') continue;
    if (QUALIFIERS.has(rest[i]) && i + 2 < rest.length) {
      i++;
      continue;
    }
    kept.push(rest[i]);
  }
  return `${m[1]}/${kept.join('/')}`;
}

const FULL_NAME = /\/\/[a-z0-9.-]+\.googleapis\.com\/projects\/[^\s,;:()'"]+/g;

/** Every full resource name in a message, shortened. */
export function shortenNames(text: string): string {
  return text.replace(FULL_NAME, (name) => shortResourceName(name.replace(/[.]+$/, '')) + (/[.]+$/.exec(name)?.[0] ?? ''));
}

/** The name a person reads for a result's subject: the Terraform address, else the short name. */
export function subjectName(ref: ResourceRef): string {
  return ref.address ?? shortResourceName(ref.fullName);
}

/**
 * The message without its leading "Cluster NAME" / "Network NAME (…):" (the line already names the
 * subject), full names shortened, first letter capitalized.
 */
export function problemText(r: Result): string {
  const name = displayName(r.resource);
  let text = r.message;
  const lead = /^(?:[A-Z][a-z]+ )?/.exec(text)![0];
  if (text.startsWith(name, lead.length)) {
    const after = text.slice(lead.length + name.length);
    const colon = /^(?: \([^)]*\))?:\s*/.exec(after);
    const verb = /^(?: \([^)]*\))? (?!of |in |on |at |from |for |and |with )(?=[a-z])/.exec(after);
    if (colon) text = after.slice(colon[0].length);
    else if (verb) text = after.slice(verb[0].length);
  }
  text = shortenNames(text);
  return /^[a-z]+\b(?![.-])/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

export interface ReadErrorGroup {
  project: string;
  /** `HTTP 403 PERMISSION_DENIED`, `timeout`. */
  cause: string;
  /** One message of the group (they say the same thing). */
  message: string;
  /** The collections (and resources) this cause left unread. */
  parts: string[];
}

/** Read errors of one kind in one project, once, with the parts they affect. */
export function groupReadErrors(errors: readonly ReadError[]): ReadErrorGroup[] {
  const groups = new Map<string, ReadErrorGroup>();
  for (const e of errors) {
    const cause = e.status ? `HTTP ${e.status}${e.reason ? ` ${e.reason}` : ''}` : `timeout or network failure${e.reason ? ` ${e.reason}` : ''}`;
    const key = `${e.project}\u0000${cause}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { project: e.project, cause, message: e.message, parts: [] }));
    const part = e.resource ? `${e.collection} (${shortResourceName(e.resource)})` : e.collection;
    if (!group.parts.includes(part)) group.parts.push(part);
  }
  return [...groups.values()].sort((a, b) => a.project.localeCompare(b.project) || a.cause.localeCompare(b.cause));
}

/** `project p: HTTP 403 PERMISSION_DENIED (message) — firewalls, routes`. */
export function readErrorGroupText(g: ReadErrorGroup): string {
  return `project ${g.project}: ${g.cause} (${g.message}) — affects ${g.parts.join(', ')}`;
}

/** Nothing in the input was a resource this tool reads, and nothing failed to be read. */
export function nothingToCheck(report: AuditReport): boolean {
  return report.results.length === 0 && report.run.readErrors.length === 0;
}

export const NOTHING_TO_CHECK = 'nothing to check: the input holds no cluster, network or other resource this tool reads';

/** The gate verdict in one sentence, without decoration. */
export function gateText(report: AuditReport): string {
  const { run, verdict, summary } = report;
  const gate = `gate --fail-on ${run.failOn}`;
  if (nothingToCheck(report)) return `PASSED (${gate}): ${NOTHING_TO_CHECK}`;
  const existing = summary.baseline?.existing ? `; ${summary.baseline.existing} existing finding(s) in the baseline not counted` : '';
  if (verdict.exitCode === 1) {
    return `FAILED (${gate}): ${verdict.gateFailures} ${summary.baseline ? 'new ' : ''}finding(s) at or above ${run.failOn}${existing}`;
  }
  if (verdict.exitCode === 3) {
    const parts = [verdict.incomplete ? `${verdict.incomplete} result(s) not evaluated` : '', verdict.unread ? `${verdict.unread} part(s) of the scope not read` : ''];
    return `INCOMPLETE (${gate}): ${parts.filter(Boolean).join(', ')}`;
  }
  return `PASSED (${gate})${existing}`;
}

/** Most severe first, new before existing, then by resource and rule. */
export function byImportance(a: Result, b: Result): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    Number(a.baseline === 'existing') - Number(b.baseline === 'existing') ||
    subjectName(a.resource).localeCompare(subjectName(b.resource)) ||
    a.ruleId.localeCompare(b.ruleId)
  );
}
