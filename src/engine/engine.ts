/**
 * Runs the enabled rules over an indexed snapshot and turns their outcomes into Results: message
 * text, effective severity, stable fingerprint, exceptions applied.
 */
import { createHash } from 'node:crypto';
import type { Entity, Snapshot } from '../model/snapshot.js';
import { SnapshotIndex } from './snapshot-index.js';
import type { Policy } from './policy.js';
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
  return createHash('sha256').update(`${ruleId}\u0000${ref.address ?? ref.fullName}`).digest('hex').slice(0, 32);
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

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
    const outcomes: Outcome[] = [];
    rule.check({ index, params: policy.parameters, report: (o) => outcomes.push(o) });
    for (const o of outcomes) results.push(toResult(rule, severity, o));
  }

  const expiredSeen = new Set<string>();
  for (const result of results) {
    for (const ex of policy.exceptions) {
      if (ex.rule !== result.ruleId) continue;
      if (ex.resource !== result.resource.fullName && ex.resource !== result.resource.address) continue;
      if (ex.expires < today) {
        const key = `${ex.rule} ${ex.resource}`;
        if (!expiredSeen.has(key)) {
          expiredSeen.add(key);
          warnings.push(
            `exception for ${ex.rule} on ${ex.resource} expired on ${ex.expires}${ex.where ? ` (${ex.where})` : ''}; its finding is reported again`,
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
  return { results, warnings, enabled };
}

function toResult(rule: Rule, severity: Severity, o: Outcome): Result {
  const template = rule.meta.messages[o.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown message id ${o.messageId}`);
  const resource = resourceRef(o.subject);
  const clusters = o.clusters?.map((c) => c.fullName) ?? (o.subject.kind === 'cluster' ? [o.subject.fullName] : []);
  const result: Result = {
    ruleId: rule.meta.id,
    title: rule.meta.title,
    status: o.status,
    severity,
    messageId: o.messageId,
    message: formatMessage(template, { subject: displayName(resource), ...o.data }),
    resource,
    related: o.related ?? [],
    clusters,
    fingerprint: fingerprintOf(rule.meta.id, resource),
  };
  if (o.readErrors?.length) result.readErrors = o.readErrors;
  return result;
}
