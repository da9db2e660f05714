/**
 * Runs the enabled rules over an indexed snapshot and turns their outcomes into Results: message
 * text, effective severity, stable fingerprint, exceptions applied.
 */
import { hash } from 'node:crypto';
import type { Entity, Snapshot } from '../model/snapshot.js';
import { SnapshotIndex } from './snapshot-index.js';
import { canonicalClusterName } from '../model/names.js';
import type { Policy, PolicyException } from './policy.js';
import type { Outcome, ResourceRef, Result, Rule, Severity, Waiver } from './types.js';

export interface EvaluateOptions {
  /** "Today" for exception expiry; injectable for tests. */
  now?: Date;
}

export interface Evaluation {
  results: Result[];
  warnings: string[];
  /** The rules that ran, with their effective severity. */
  enabled: { rule: Rule; severity: Severity }[];
  /** The index the rules ran on, for callers that need more lookups (reports' topology). */
  index: SnapshotIndex;
  /** Exceptions that matched no result of this run (each also a warning). */
  unmatchedExceptions: PolicyException[];
}

/**
 * The key an exception and a result share: the rule and the resource, a cluster's `zones/` and
 * `locations/` forms (and its self link) being one resource.
 */
function exceptionKey(rule: string, resource: string): string {
  return `${rule}\u0000${canonicalClusterName(resource)}`;
}

export function resourceRef(entity: Entity): ResourceRef {
  const ref: ResourceRef = { kind: entity.kind, name: entity.name, fullName: entity.fullName, project: entity.project };
  if (entity.origin.address) ref.address = entity.origin.address;
  if (entity.origin.file) ref.file = entity.origin.file;
  if (entity.origin.line !== undefined) ref.line = entity.origin.line;
  return ref;
}

/** How a result names its subject to people: the Terraform address for plan input, else the full name. */
export function displayName(ref: ResourceRef): string {
  return ref.address ?? ref.fullName;
}

export function fingerprintOf(ruleId: string, ref: ResourceRef): string {
  // The one-shot hash: an organization's audit fingerprints hundreds of thousands of results.
  return hash('sha256', `${ruleId}\u0000${ref.address ?? ref.fullName}`, 'hex').slice(0, 32);
}

/** A message template cut at its placeholders: literal text at even indexes, placeholder keys at odd ones. */
type CompiledTemplate = { parts: string[]; wholes: string[] };

const compiledTemplates = new Map<string, CompiledTemplate>();

function compileTemplate(template: string): CompiledTemplate {
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    const parts: string[] = [];
    const wholes: string[] = [];
    let last = 0;
    for (const m of template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
      parts.push(template.slice(last, m.index), m[1]);
      wholes.push(m[0]);
      last = m.index + m[0].length;
    }
    parts.push(template.slice(last));
    compiled = { parts, wholes };
    // Templates come from rule metadata, a few dozen in all; the bound only guards odd callers.
    if (compiledTemplates.size >= 10_000) compiledTemplates.clear();
    compiledTemplates.set(template, compiled);
  }
  return compiled;
}

// Joined into one flat string: a message outlives the run in the report, and a chain of
// concatenations would keep one small object per piece alive instead.
const pieces: string[] = [];

/**
 * Fills a template: `{{subject}}` from `subject` unless the data names its own, every other
 * placeholder from the data, and a placeholder without a value stays as written.
 */
function fill(template: string, subject: string | undefined, data: Record<string, string | number> | undefined): string {
  const { parts, wholes } = compileTemplate(template);
  if (parts.length === 1) return template;
  pieces.length = 0;
  pieces.push(parts[0]);
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i];
    const value = data !== undefined && key in data ? String(data[key]) : key === 'subject' && subject !== undefined ? subject : wholes[(i - 1) / 2];
    pieces.push(value, parts[i + 1]);
  }
  const message = pieces.join('');
  pieces.length = 0;
  return message;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return fill(template, undefined, data);
}


/** The day in UTC: an exception's `expires` is a UTC day (schemas/rules.schema.json, README). */
function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function evaluate(snapshot: Snapshot, policy: Policy, rules: Rule[], options: EvaluateOptions = {}): Evaluation {
  const index = new SnapshotIndex(snapshot);
  const today = isoDate(options.now ?? new Date());
  const warnings: string[] = [];
  const results: Result[] = [];
  const enabled: Evaluation['enabled'] = [];

  for (const rule of rules) {
    const setting = policy.rules[rule.meta.id];
    if (setting === 'off') continue;
    const severity: Severity = setting ?? rule.meta.defaultSeverity;
    enabled.push({ rule, severity });
    // Each outcome becomes its result at once, so outcomes die young instead of piling up per rule
    // (at organization scale, garbage collection costs as much as the rules themselves).
    rule.check({ index, params: policy.parameters, report: (o: Outcome) => void results.push(toResult(index, rule, severity, o)) });
  }

  // Exceptions are looked up by rule and resource, so applying them stays linear in the results
  // however long the policy's list is.
  const byTarget = new Map<string, PolicyException[]>();
  for (const ex of policy.exceptions) {
    const key = exceptionKey(ex.rule, ex.resource);
    const list = byTarget.get(key);
    if (list) list.push(ex);
    else byTarget.set(key, [ex]);
  }
  const order = new Map(policy.exceptions.map((ex, i) => [ex, i]));
  const exceptionsFor = (result: Result): PolicyException[] => {
    const byName = byTarget.get(exceptionKey(result.ruleId, result.resource.fullName)) ?? [];
    const address = result.resource.address;
    const byAddress = address !== undefined && address !== result.resource.fullName ? (byTarget.get(exceptionKey(result.ruleId, address)) ?? []) : [];
    if (byAddress.length === 0) return byName;
    return [...byName, ...byAddress].sort((a, b) => order.get(a)! - order.get(b)!);
  };

  const expiredSeen = new Set<string>();
  const matched = new Set<PolicyException>();
  for (const result of results) {
    if (byTarget.size === 0) break;
    for (const ex of exceptionsFor(result)) {
      matched.add(ex);
      if (ex.expires < today) {
        const key = `${ex.rule} ${ex.resource}`;
        if (!expiredSeen.has(key)) {
          expiredSeen.add(key);
          const open = result.status === 'fail' || result.status === 'not-evaluated';
          warnings.push(
            `exception for ${ex.rule} on ${ex.resource} expired on ${ex.expires}${ex.where ? ` (${ex.where})` : ''}; ${
              open ? 'its finding is reported again' : `the result is now ${result.status}, so the exception can be removed`
            }`,
          );
        }
        continue;
      }
      if (result.status === 'fail' || result.status === 'not-evaluated') {
        const waiver: Waiver = { reason: ex.reason, expires: ex.expires };
        result.waiver = waiver;
      }
    }
  }
  // An exception that matches nothing waives nothing: most often a typo in the resource name, or
  // a resource since deleted; said once each, so the policy does not silently rot.
  // A node that cannot be placed is said once here, not guessed onto a namesake cluster by every rule.
  for (const { instance, reason } of index.unplacedNodes) {
    warnings.push(`node VM ${instance.fullName} is not attributed to any cluster: ${reason}`);
  }
  const ran = new Set(enabled.map((e) => e.rule.meta.id));
  const unmatchedExceptions = policy.exceptions.filter((ex) => !matched.has(ex));
  for (const ex of unmatchedExceptions) {
    const why = ran.has(ex.rule) ? 'no result of this run is on that resource' : `rule ${ex.rule} did not run`;
    warnings.push(`exception for ${ex.rule} on ${ex.resource}${ex.where ? ` (${ex.where})` : ''} matches no resource: ${why}`);
  }
  return { results, warnings, enabled, index, unmatchedExceptions };
}

/**
 * Results of one evaluation share what they hold alike: one reference per entity (a cluster is the
 * subject of a result of nearly every rule), one `[fullName]` per cluster, one empty list. An
 * organization's audit keeps hundreds of thousands of results; every object they share is one the
 * garbage collector does not copy and mark. Results are read, never changed, after the evaluation
 * (a waiver is the one thing the evaluation itself adds).
 */
const NONE: string[] = [];

/**
 * A Result as the engine makes it: what the rule found (its message template and data), with the
 * message text and the fingerprint made the first time anything reads them and kept from then on.
 * A text report reads the message of its findings only; a gate with no baseline reads no
 * fingerprint at all. Both are own, enumerable properties (accessors shared by every result), in
 * the place a plain result has them, so a result reads, spreads, compares and serializes exactly
 * as one with both computed up front: every report stays byte for byte what it was.
 */
class EvaluatedResult implements Result {
  // Declared, not defined: the constructor adds them in a plain result's key order, the two
  // accessors among them; the optional ones are absent (not `undefined`) until set.
  declare ruleId: string;
  declare title: string;
  declare status: Result['status'];
  declare severity: Severity;
  declare messageId: string;
  declare message: string;
  declare resource: ResourceRef;
  declare related: string[];
  declare clusters: string[];
  declare fingerprint: string;
  declare readErrors?: Result['readErrors'];
  declare waiver?: Waiver;
  declare decidedBy?: string;
  #template: string;
  #data: Record<string, string | number> | undefined;
  #message: string | undefined = undefined;
  #fingerprint: string | undefined = undefined;

  static readonly #messageProperty: PropertyDescriptor = {
    get(this: EvaluatedResult): string {
      if (this.#message === undefined) {
        this.#message = fill(this.#template, displayName(this.resource), this.#data);
        // The text is all a report needs from now on.
        this.#data = undefined;
      }
      return this.#message;
    },
    set(this: EvaluatedResult, text: string) {
      this.#message = text;
      this.#data = undefined;
    },
    enumerable: true,
    configurable: true,
  };

  static readonly #fingerprintProperty: PropertyDescriptor = {
    get(this: EvaluatedResult): string {
      return (this.#fingerprint ??= fingerprintOf(this.ruleId, this.resource));
    },
    set(this: EvaluatedResult, fingerprint: string) {
      this.#fingerprint = fingerprint;
    },
    enumerable: true,
    configurable: true,
  };

  constructor(rule: Rule, severity: Severity, o: Outcome, template: string, resource: ResourceRef, clusters: string[]) {
    this.#template = template;
    this.#data = o.data;
    this.ruleId = rule.meta.id;
    this.title = rule.meta.title;
    this.status = o.status;
    this.severity = severity;
    this.messageId = o.messageId;
    Object.defineProperty(this, 'message', EvaluatedResult.#messageProperty);
    this.resource = resource;
    this.related = o.related ?? NONE;
    this.clusters = clusters;
    Object.defineProperty(this, 'fingerprint', EvaluatedResult.#fingerprintProperty);
    if (o.readErrors?.length) this.readErrors = o.readErrors;
    if (o.decidedBy !== undefined) this.decidedBy = o.decidedBy;
  }
}

function toResult(index: SnapshotIndex, rule: Rule, severity: Severity, o: Outcome): Result {
  const template = rule.meta.messages[o.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown message id ${o.messageId}`);
  const subject = o.subject;
  // One lookup per result for both: the subject's reference, and a cluster's own `[fullName]`.
  const shared = index.memoOn(subject, 'result subject', () => ({ resource: resourceRef(subject), ownCluster: subject.kind === 'cluster' ? [subject.fullName] : NONE }));
  const clusters = o.clusters?.map((c) => c.fullName) ?? shared.ownCluster;
  return new EvaluatedResult(rule, severity, o, template, shared.resource, clusters);
}
