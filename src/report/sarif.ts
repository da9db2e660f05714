/**
 * SARIF 2.1.0 for GitHub code scanning: one run per audit scope (its category), every enabled rule
 * with its help, and one result per failing, waived (as a suppression) or not-evaluated subject.
 * GitHub's ingestion rules shape it: a relative physical location on every result, a numeric
 * `security-severity`, at most 10 tags, a stable `primaryLocationLineHash` (the upload action
 * cannot compute one for paths that are not files in the checkout).
 */
import type { Log, Notification, ReportingDescriptor, Result as SarifResult, Run } from 'sarif';
import { FINGERPRINT_KEY } from '../engine/baseline.js';
import { displayName } from '../engine/engine.js';
import { SEVERITY_RANK, type AuditReport, type ResourceRef, type Result, type RunInfo, type Severity } from '../engine/types.js';
import type { ReportOptions } from './index.js';
import { physicalTarget, type PhysicalTarget } from './sarif/locations.js';
import { NOTHING_TO_CHECK, nothingToCheck } from './present.js';
import { ARTICLE, sectionText, sectionUri } from '../rules/article.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_INFORMATION_URI = 'https://github.com/gke-private-audit/gke-private-audit';
/** GitHub rejects a run with more results than this. */
export const MAX_RESULTS_PER_RUN = 25_000;
export const MAX_TAGS = 10;

type SarifLevel = 'error' | 'warning' | 'note';

/** GitHub's bands: ≥ 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
export const LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const PROBLEM_SEVERITY: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'recommendation' };

type RuleInfo = RunInfo['rules'][number];

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function helpText(rule: RuleInfo): string {
  return [
    rule.description,
    '',
    `Why (${sectionText(rule.articleSection)}, ${ARTICLE.docs}): ${rule.rationale}`,
    '',
    'Remediation (gcloud):',
    rule.remediation.gcloud,
    '',
    'Remediation (Terraform):',
    rule.remediation.terraform,
    '',
    `More: ${rule.helpUri}`,
  ].join('\n');
}

function helpMarkdown(rule: RuleInfo): string {
  return [
    `**${rule.title}**`,
    '',
    rule.description,
    '',
    `**Why** ([the article](${sectionUri(rule.articleSection)}), ${sectionText(rule.articleSection)}): ${rule.rationale}`,
    '',
    '**Remediation (gcloud)**',
    '',
    '```sh',
    rule.remediation.gcloud,
    '```',
    '',
    '**Remediation (Terraform)**',
    '',
    '```hcl',
    rule.remediation.terraform,
    '```',
    '',
    `[Rule documentation](${rule.helpUri})`,
  ].join('\n');
}

export function sarifTags(rule: Pick<RuleInfo, 'tags'>): string[] {
  return [...new Set(['security', 'gke', ...(rule.tags ?? [])])].slice(0, MAX_TAGS);
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function toDescriptor(rule: RuleInfo): ReportingDescriptor {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: sentence(rule.title) },
    fullDescription: { text: sentence(rule.description) },
    helpUri: rule.helpUri,
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: sarifTags(rule),
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
      'problem.severity': PROBLEM_SEVERITY[rule.severity],
      subject: rule.subject,
      articleSection: rule.articleSection,
    },
  };
}

function messageOf(r: Result): string {
  const parts = [sentence(r.message)];
  if (r.related.length) parts.push(`Related: ${r.related.join(', ')}.`);
  if (r.status === 'not-evaluated' && r.readErrors?.length) {
    parts.push(`Not evaluated: ${r.readErrors.map((e) => `could not read ${e.collection} of project ${e.project}${e.status ? ` (HTTP ${e.status})` : ''}`).join('; ')}.`);
  }
  // The concrete fix, with this resource's names: the rule's help has the general form.
  if (r.fix) parts.push(`Fix: ${r.fix}`);
  return parts.join(' ');
}

/**
 * The physical target of each resource, computed once per resource: an organization's results
 * name the same cluster or network several times over.
 */
function targetCache(sourcePath?: (file: string) => string | undefined): (ref: ResourceRef) => PhysicalTarget {
  const byFullName = new Map<string, PhysicalTarget>();
  return (ref) => {
    // Only a cloud resource is keyed by its full name alone; a Terraform one also by file and line.
    if (ref.file || ref.address) return physicalTarget(ref, sourcePath);
    let target = byFullName.get(ref.fullName);
    if (!target) byFullName.set(ref.fullName, (target = physicalTarget(ref)));
    return target;
  };
}

function toSarifResult(r: Result, ruleIndex: Map<string, number>, targetOf: (ref: ResourceRef) => PhysicalTarget): SarifResult {
  const target = targetOf(r.resource);
  const out: SarifResult = {
    ruleId: r.ruleId,
    message: { text: messageOf(r) },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: target.uri }, region: { startLine: target.startLine } },
        logicalLocations: [{ name: r.resource.name, fullyQualifiedName: displayName(r.resource), kind: 'resource' }],
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${r.fingerprint}:1`, [FINGERPRINT_KEY]: r.fingerprint },
    properties: {
      status: r.status,
      severity: r.severity,
      resourceKind: r.resource.kind,
      project: r.resource.project,
    },
  };
  if (r.clusters.length) out.properties!.clusters = r.clusters;
  if (r.fix) out.properties!.fix = r.fix;
  // SARIF §3.27.24: `new` or `unchanged` against the baseline the run was compared with.
  if (r.baseline) out.baselineState = r.baseline === 'new' ? 'new' : 'unchanged';
  if (r.related.length) out.properties!.related = r.related;
  const index = ruleIndex.get(r.ruleId);
  if (index !== undefined) out.ruleIndex = index;
  if (r.status === 'fail') {
    out.kind = 'fail';
    out.level = LEVEL[r.severity];
  } else {
    // SARIF §3.27.10: any kind other than `fail` carries level `none`.
    out.kind = r.status === 'not-evaluated' ? 'open' : r.status === 'pass' ? 'pass' : 'notApplicable';
    out.level = 'none';
  }
  if (r.waiver) {
    out.suppressions = [
      { kind: 'external', status: 'accepted', justification: r.waiver.reason, properties: { expires: r.waiver.expires, source: 'policy exception' } },
    ];
  }
  return out;
}

/** Which results a SARIF log carries: failures and not-evaluated always, passes only when asked. */
function included(r: Result, options: ReportOptions): boolean {
  if (r.status === 'fail' || r.status === 'not-evaluated') return true;
  return options.sarifPasses === true;
}

/** When over GitHub's limit, keep what matters most: unwaived failures by severity, then the rest. */
function rank(r: Result): number {
  const status = r.status === 'fail' ? 0 : r.status === 'not-evaluated' ? 1 : 2;
  return (r.waiver ? 10 : 0) + status * 5 - SEVERITY_RANK[r.severity];
}

function notifications(report: AuditReport, dropped: number): Notification[] {
  const n: Notification[] = [];
  if (nothingToCheck(report)) n.push({ level: 'note', descriptor: { id: 'nothing-to-check' }, message: { text: NOTHING_TO_CHECK } });
  for (const e of report.run.readErrors) {
    n.push({
      level: 'warning',
      descriptor: { id: 'read-error' },
      message: { text: `Could not read ${e.collection} of project ${e.project}${e.resource ? ` (${e.resource})` : ''}: ${e.status ? `HTTP ${e.status} ` : ''}${e.message}` },
    });
  }
  for (const w of report.run.warnings) n.push({ level: 'warning', descriptor: { id: 'policy-warning' }, message: { text: w } });
  if (dropped > 0) {
    n.push({
      level: 'warning',
      descriptor: { id: 'results-truncated' },
      message: { text: `${dropped} results left out: GitHub accepts at most ${MAX_RESULTS_PER_RUN} per run (see the JSON report for all).` },
    });
  }
  return n;
}

/** The run's category as GitHub reads it from `automationDetails.id` (`category/run-id`). */
export function automationId(category: string): string {
  return category.endsWith('/') ? category : `${category}/`;
}

export function buildSarif(report: AuditReport, options: ReportOptions = {}): Log {
  const { run } = report;
  const rules = run.rules.map(toDescriptor);
  const ruleIndex = new Map(run.rules.map((r, i) => [r.id, i]));
  const targetOf = targetCache(options.sourcePath);
  let selected = report.results.filter((r) => included(r, options));
  let dropped = 0;
  if (selected.length > MAX_RESULTS_PER_RUN) {
    dropped = selected.length - MAX_RESULTS_PER_RUN;
    selected = selected
      .map((r, i) => ({ r, i }))
      .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
      .slice(0, MAX_RESULTS_PER_RUN)
      .sort((a, b) => a.i - b.i)
      .map(({ r }) => r);
  }
  const sarifRun: Run = {
    tool: {
      driver: {
        name: run.tool.name,
        version: run.tool.version,
        semanticVersion: run.tool.version,
        informationUri: SARIF_INFORMATION_URI,
        rules,
      },
    },
    automationDetails: { id: automationId(run.category ?? `${run.tool.name}/${run.scope.kind}`) },
    invocations: [
      {
        executionSuccessful: true,
        startTimeUtc: run.startedAt,
        endTimeUtc: run.finishedAt,
        toolExecutionNotifications: notifications(report, dropped),
      },
    ],
    columnKind: 'utf16CodeUnits',
    results: selected.map((r) => toSarifResult(r, ruleIndex, targetOf)),
    properties: {
      scope: run.scope,
      failOn: run.failOn,
      verdict: report.verdict,
      ...(report.summary.baseline ? { baseline: report.summary.baseline } : {}),
      ...(nothingToCheck(report) ? { nothingToCheck: NOTHING_TO_CHECK } : {}),
    },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [sarifRun] };
}

export function renderSarif(report: AuditReport, options: ReportOptions = {}): string {
  return JSON.stringify(buildSarif(report, options), null, 2) + '\n';
}
