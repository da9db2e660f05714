/**
 * From a snapshot and a policy to the AuditReport every report format renders: evaluation,
 * summary, and the gate verdict (exit code).
 */
import type { Snapshot } from '../model/snapshot.js';
import { RULES } from '../rules/index.js';
import { TOOL_NAME, TOOL_VERSION, ruleHelpUri } from '../version.js';
import { evaluate } from './engine.js';
import type { Policy } from './policy.js';
import {
  SEVERITIES,
  SEVERITY_RANK,
  STATUSES,
  type AuditReport,
  type FailOn,
  type Result,
  type Rule,
  type Severity,
  type Status,
  type Summary,
  type Verdict,
} from './types.js';

export interface AuditOptions {
  failOn: FailOn;
  allowIncomplete?: boolean;
  category?: string;
  /** Fingerprints of findings already known (a baseline): they do not fail the gate. */
  baseline?: Set<string>;
  now?: Date;
  rules?: readonly Rule[];
  startedAt?: Date;
}

export function summarize(results: Result[]): Summary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const failBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let waived = 0;
  for (const r of results) {
    byStatus[r.status]++;
    if (r.waiver) waived++;
    else if (r.status === 'fail') failBySeverity[r.severity]++;
  }
  return { total: results.length, byStatus, failBySeverity, waived };
}

export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

export function verdictOf(results: Result[], failOn: FailOn, allowIncomplete = false, baseline?: Set<string>): Verdict {
  let gateFailures = 0;
  let incomplete = 0;
  for (const r of results) {
    if (r.waiver) continue;
    if (r.status === 'fail' && atOrAbove(r.severity, failOn) && !baseline?.has(r.fingerprint)) gateFailures++;
    if (r.status === 'not-evaluated') incomplete++;
  }
  const exitCode = gateFailures > 0 ? 1 : incomplete > 0 && !allowIncomplete ? 3 : 0;
  return { exitCode, gateFailures, incomplete };
}

/** The SARIF category when none is given: what was audited. */
export function defaultCategory(snapshot: Snapshot): string {
  const s = snapshot.scope;
  const base =
    s.kind === 'organization' ? `org-${s.id}` : s.kind === 'folder' ? `folder-${s.id}` : s.kind === 'projects' && s.projects.length === 1 ? `project-${s.projects[0]}` : s.kind;
  return `gke-private-audit/${base.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
}

export function audit(snapshot: Snapshot, policy: Policy, options: AuditOptions): AuditReport {
  const startedAt = options.startedAt ?? new Date();
  const evaluation = evaluate(snapshot, policy, [...(options.rules ?? RULES)], { now: options.now });
  const results = evaluation.results;
  return {
    run: {
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      scope: snapshot.scope,
      policy: { path: policy.path, parameters: policy.parameters },
      failOn: options.failOn,
      allowIncomplete: options.allowIncomplete ?? false,
      rules: evaluation.enabled.map(({ rule, severity }) => ({ ...rule.meta, severity, helpUri: ruleHelpUri(rule.meta.id) })),
      warnings: evaluation.warnings,
      category: options.category ?? defaultCategory(snapshot),
      readErrors: snapshot.readErrors,
    },
    results,
    summary: summarize(results),
    verdict: verdictOf(results, options.failOn, options.allowIncomplete, options.baseline),
  };
}
