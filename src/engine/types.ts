import type { Cluster, Entity, EntityKind, ReadError, SnapshotScope } from '../model/snapshot.js';
import type { SnapshotIndex } from './snapshot-index.js';
import type { CoverageSummary } from '../model/coverage.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type FailOn = Severity | 'none';

/** Higher is more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

export const STATUSES = ['fail', 'pass', 'not-applicable', 'not-evaluated'] as const;
export type Status = (typeof STATUSES)[number];

export type SubjectKind = Extract<EntityKind, 'cluster' | 'subnetwork' | 'network' | 'instance'>;

export interface PolicyParameters {
  /** Which Google API VIP the DNS, route and firewall rules expect. */
  vip: 'restricted' | 'private';
  /** On-prem ranges that must reach the control plane (authorized networks, router advertisement). */
  onPremRanges: string[];
  /** Egress proxies the nodes may use; egress-default-deny expects them allowed above the deny. */
  proxyRanges: string[];
}

export interface RuleMeta {
  /** Public, stable id (RULES.md). */
  id: string;
  title: string;
  defaultSeverity: Severity;
  subject: SubjectKind;
  /** What the rule checks, one paragraph. */
  description: string;
  /** Why it matters, citing the article. */
  rationale: string;
  /** The article's section heading (Japanese), or `newer GKE` for requirements added since. */
  articleSection: string;
  remediation: { gcloud: string; terraform: string };
  /** Message templates keyed by message id, with `{{placeholder}}` filled from an outcome's data. */
  messages: Record<string, string>;
  /** Extra tags for SARIF/HTML (the engine adds `security` and `gke`). */
  tags?: string[];
}

/** What a rule says about one subject. */
export interface Outcome {
  status: Status;
  subject: Entity;
  messageId: string;
  data?: Record<string, string | number>;
  /** Full names (or Terraform addresses) of the other resources involved. */
  related?: string[];
  /** The cluster(s) this outcome concerns, for grouping when the subject is not a cluster. */
  clusters?: Cluster[];
  /** Read errors that made the outcome not evaluated. */
  readErrors?: ReadError[];
}

export interface RuleContext {
  index: SnapshotIndex;
  params: PolicyParameters;
  report(outcome: Outcome): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Pure: reads the indexed snapshot, reports outcomes; never calls an API. */
  check(ctx: RuleContext): void;
}

export interface ResourceRef {
  kind: EntityKind;
  name: string;
  fullName: string;
  project: string;
  /** Terraform address when the resource came from a plan. */
  address?: string;
  file?: string;
  line?: number;
}

export interface Waiver {
  reason: string;
  expires: string;
}

export interface Result {
  ruleId: string;
  title: string;
  status: Status;
  severity: Severity;
  messageId: string;
  message: string;
  resource: ResourceRef;
  related: string[];
  /** Full names of the clusters concerned (the subject itself for cluster rules). */
  clusters: string[];
  /** Stable across runs: depends on the rule id and the subject's identity only. */
  fingerprint: string;
  /** Present when an unexpired exception hides this result from the gate. */
  waiver?: Waiver;
  readErrors?: ReadError[];
}

export interface Summary {
  total: number;
  byStatus: Record<Status, number>;
  /** Failing (not waived) results per severity. */
  failBySeverity: Record<Severity, number>;
  waived: number;
}

export interface RunInfo {
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  scope: SnapshotScope;
  policy: { path?: string; parameters: PolicyParameters };
  failOn: FailOn;
  allowIncomplete: boolean;
  /** Enabled rules with their effective severity. */
  rules: (RuleMeta & { severity: Severity; helpUri: string })[];
  warnings: string[];
  /** SARIF automation category; defaults from the scope. */
  category?: string;
  /** Every read error the collection recorded, for the "not evaluated" part of reports. */
  readErrors: ReadError[];
  /** What the input covered, per project: the collections read and those not read (with why). */
  coverage?: CoverageSummary[];
  /** Policy exceptions that matched no result (`--strict-exceptions` makes them an error). */
  unmatchedExceptions?: { rule: string; resource: string; where?: string }[];
}

export interface Verdict {
  exitCode: 0 | 1 | 3;
  /** Failing, unwaived results at or above failOn. */
  gateFailures: number;
  /** Not-evaluated, unwaived results. */
  incomplete: number;
  /**
   * Parts of the scope the collection could not read. Counted on their own because some leave no
   * result behind at all (a project whose clusters could not be listed has no cluster to judge).
   */
  unread: number;
}

/**
 * What the reports draw for each cluster (the HTML diagram): the path from on-prem to the VIP and
 * to the control plane, taken from the snapshot so reports never need the snapshot itself.
 */
export interface ClusterTopology {
  fullName: string;
  name: string;
  project: string;
  location: string;
  address?: string;
  network: string;
  subnetwork: string;
  subnetRange?: string;
  podsRange?: string;
  servicesRange?: string;
  /** `peering` (legacy private cluster), `psc` (Private Service Connect, no peering) or `unknown`. */
  controlPlaneConnection: 'peering' | 'psc' | 'unknown';
  masterIpv4CidrBlock?: string;
  privateEndpoint?: string;
  peeringName?: string;
  /** Cloud Routers with BGP peers on the cluster's network and region (the VPN to on-prem). */
  routers: string[];
  nodeCount: number;
}

/** Everything a report format needs; reports are pure functions of it. */
export interface AuditReport {
  run: RunInfo;
  results: Result[];
  clusters: ClusterTopology[];
  summary: Summary;
  verdict: Verdict;
}

export type Reporter = (report: AuditReport) => string;
