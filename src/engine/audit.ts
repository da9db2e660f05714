/**
 * From a snapshot and a policy to the AuditReport every report format renders: evaluation,
 * summary, and the gate verdict (exit code).
 */
import { summarizeCoverage } from '../model/coverage.js';
import type { ReadError, Snapshot } from '../model/snapshot.js';
import { RULES } from '../rules/index.js';
import { TOOL_NAME, TOOL_VERSION, ruleHelpUri } from '../version.js';
import { evaluate } from './engine.js';
import { SnapshotIndex } from './snapshot-index.js';
import { regionOf } from '../model/names.js';
import { routerServesRegion } from '../network/routes.js';
import type { Policy } from './policy.js';
import {
  SEVERITIES,
  SEVERITY_RANK,
  STATUSES,
  type AuditReport,
  type ClusterTopology,
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
  /** Only results of these severities are reported and gated (`--severity`). */
  severities?: readonly Severity[];
}

export function summarize(results: Result[]): Summary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const failBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const matrix = Object.fromEntries(
    SEVERITIES.map((sev) => [sev, Object.fromEntries([...STATUSES, 'waived'].map((s) => [s, 0]))]),
  ) as Summary['matrix'];
  let waived = 0;
  let baselined = false;
  const baseline = { new: 0, existing: 0 };
  for (const r of results) {
    byStatus[r.status]++;
    matrix[r.severity][r.waiver && (r.status === 'fail' || r.status === 'not-evaluated') ? 'waived' : r.status]++;
    if (r.waiver) waived++;
    else if (r.status === 'fail') failBySeverity[r.severity]++;
    if (r.baseline) {
      baselined = true;
      if (!r.waiver) baseline[r.baseline]++;
    }
  }
  return { total: results.length, byStatus, failBySeverity, waived, matrix, ...(baselined ? { baseline } : {}) };
}

/**
 * Marks each failing result new or existing against a baseline, and gives it its fix line: both
 * are read by every report format. Results of other statuses are left as the engine made them.
 */
function annotate(results: Result[], rules: readonly Rule[], clusters: ClusterTopology[], policy: Policy, baseline?: Set<string>): void {
  const fixers = new Map(rules.map((r) => [r.meta.id, r]));
  const byName = new Map(clusters.map((c) => [c.fullName, c]));
  for (const r of results) {
    if (r.status !== 'fail') continue;
    if (baseline) r.baseline = baseline.has(r.fingerprint) ? 'existing' : 'new';
    const rule = fixers.get(r.ruleId);
    if (!rule?.fix) continue;
    const cluster = r.clusters.length === 1 ? byName.get(r.clusters[0]) : undefined;
    const fix = rule.fix({ resource: r.resource, ...(cluster ? { cluster } : {}), params: policy.parameters });
    if (fix) r.fix = fix;
  }
}

export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

export function verdictOf(
  results: Result[],
  failOn: FailOn,
  allowIncomplete = false,
  baseline?: Set<string>,
  readErrors: readonly ReadError[] = [],
): Verdict {
  let gateFailures = 0;
  let incomplete = 0;
  for (const r of results) {
    if (r.waiver) continue;
    if (r.status === 'fail' && atOrAbove(r.severity, failOn) && !baseline?.has(r.fingerprint)) gateFailures++;
    if (r.status === 'not-evaluated') incomplete++;
  }
  const unread = readErrors.length;
  const exitCode = gateFailures > 0 ? 1 : (incomplete > 0 || unread > 0) && !allowIncomplete ? 3 : 0;
  return { exitCode, gateFailures, incomplete, unread };
}

/** The SARIF category when none is given: what was audited. */
export function defaultCategory(snapshot: Snapshot): string {
  const s = snapshot.scope;
  const base =
    s.kind === 'organization' ? `org-${s.id}` : s.kind === 'folder' ? `folder-${s.id}` : s.kind === 'projects' && s.projects.length === 1 ? `project-${s.projects[0]}` : s.kind;
  return `gke-private-audit/${base.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
}

export function topologyOf(snapshot: Snapshot, index = new SnapshotIndex(snapshot)): ClusterTopology[] {
  return snapshot.clusters.map((c) => {
    const subnet = index.subnetwork(c.subnetwork);
    const secondary = (name?: string) => subnet?.secondaryIpRanges.find((r) => r.rangeName === name)?.ipCidrRange;
    const pcc = c.privateClusterConfig;
    const ip = c.controlPlaneEndpointsConfig?.ipEndpointsConfig;
    const connection = pcc?.peeringName ? 'peering' : index.isUnknown(c, 'privateClusterConfig.peeringName') ? 'unknown' : 'psc';
    const t: ClusterTopology = {
      fullName: c.fullName,
      name: c.name,
      project: c.project,
      location: c.location,
      network: c.network,
      subnetwork: c.subnetwork,
      controlPlaneConnection: connection,
      // Under GLOBAL dynamic routing a VPN router in any region serves the cluster.
      routers: index
        .routersOf(c.network)
        .filter((r) => r.bgpPeers.length > 0 && routerServesRegion(r.region, regionOf(c.location), index.network(c.network)?.routingMode))
        .map((r) => r.fullName),
      nodeCount: index.instancesOf(c).length,
    };
    if (c.origin.address) t.address = c.origin.address;
    if (subnet?.ipCidrRange) t.subnetRange = subnet.ipCidrRange;
    const pods = c.ipAllocationPolicy?.clusterIpv4CidrBlock ?? secondary(c.ipAllocationPolicy?.clusterSecondaryRangeName);
    const services = c.ipAllocationPolicy?.servicesIpv4CidrBlock ?? secondary(c.ipAllocationPolicy?.servicesSecondaryRangeName);
    if (pods) t.podsRange = pods;
    if (services) t.servicesRange = services;
    if (pcc?.masterIpv4CidrBlock) t.masterIpv4CidrBlock = pcc.masterIpv4CidrBlock;
    const endpoint = ip?.privateEndpoint ?? pcc?.privateEndpoint;
    if (endpoint) t.privateEndpoint = endpoint;
    if (pcc?.peeringName) t.peeringName = pcc.peeringName;
    return t;
  });
}

export function audit(snapshot: Snapshot, policy: Policy, options: AuditOptions): AuditReport {
  const startedAt = options.startedAt ?? new Date();
  const evaluation = evaluate(snapshot, policy, [...(options.rules ?? RULES)], { now: options.now });
  const wanted = options.severities && new Set(options.severities);
  const results = wanted ? evaluation.results.filter((r) => wanted.has(r.severity)) : evaluation.results;
  const clusters = topologyOf(snapshot, evaluation.index);
  annotate(results, options.rules ?? RULES, clusters, policy, options.baseline);
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
      coverage: summarizeCoverage(snapshot),
      ...(evaluation.unmatchedExceptions.length
        ? { unmatchedExceptions: evaluation.unmatchedExceptions.map(({ rule, resource, where }) => (where ? { rule, resource, where } : { rule, resource })) }
        : {}),
    },
    results,
    clusters,
    summary: summarize(results),
    verdict: verdictOf(results, options.failOn, options.allowIncomplete, options.baseline, snapshot.readErrors),
  };
}
