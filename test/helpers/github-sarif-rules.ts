/**
 * GitHub code scanning's ingestion rules for SARIF, as checks (docs: "SARIF support for code
 * scanning" and its upload limits). The official schema misses most of them: an empty or absolute
 * uri, a logical-only location or a non-numeric security-severity all pass the schema and make
 * GitHub reject the whole file.
 */
import { gzipSync } from 'node:zlib';
import type { Log } from 'sarif';
import { sarifSchemaProblems } from '../../src/report/sarif/schema.js';
import { audit } from '../../src/engine/audit.js';
import { defaultPolicy, type Policy } from '../../src/engine/policy.js';
import type { AuditReport, FailOn, Rule } from '../../src/engine/types.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { renderSarif } from '../../src/report/sarif.js';
import { privateEndpoint } from '../../src/rules/private-endpoint.js';
import { compliantSnapshot } from './fixtures.js';

export const GITHUB_LIMITS = {
  gzippedBytes: 10 * 1024 * 1024,
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  locationsPerResult: 1_000,
  tagsPerRule: 10,
} as const;

// RFC 3986 relative-ref: no scheme, no authority; segments of unreserved / pct-encoded / sub-delims / ':' '@'.
const RELATIVE_REF = /^(?![a-z][a-z0-9+.-]*:)(?!\/\/)(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})+$/;

/** The category GitHub derives from `automationDetails.id` (`category/run-id`): everything up to the last slash. */
export function categoryOf(id: string | undefined): string {
  if (!id) return '';
  const slash = id.lastIndexOf('/');
  return slash < 0 ? '' : id.slice(0, slash);
}

/** Every way the log would be refused by GitHub; empty when it would be accepted. */
export function githubIngestionProblems(log: Log, text = JSON.stringify(log)): string[] {
  const problems: string[] = [];
  if (!log.$schema) problems.push('$schema: missing');
  if (log.version !== '2.1.0') problems.push(`version: ${String(log.version)} is not 2.1.0`);
  if (!Array.isArray(log.runs) || log.runs.length === 0) return [...problems, 'runs: none'];
  if (log.runs.length > GITHUB_LIMITS.runsPerFile) problems.push(`runs: ${log.runs.length} > ${GITHUB_LIMITS.runsPerFile}`);
  const gz = gzipSync(Buffer.from(text)).length;
  if (gz > GITHUB_LIMITS.gzippedBytes) problems.push(`size: ${gz} bytes gzipped > ${GITHUB_LIMITS.gzippedBytes}`);

  const seenCategories = new Set<string>();
  log.runs.forEach((run, ri) => {
    const at = `runs[${ri}]`;
    const driver = run.tool?.driver;
    if (!driver?.name) problems.push(`${at}.tool.driver.name: missing`);
    const key = `${driver?.name ?? ''}\u0000${categoryOf(run.automationDetails?.id)}`;
    if (seenCategories.has(key)) problems.push(`${at}: a second run of ${driver?.name} with category "${categoryOf(run.automationDetails?.id)}"`);
    seenCategories.add(key);

    const rules = driver?.rules ?? [];
    if (rules.length > GITHUB_LIMITS.rulesPerRun) problems.push(`${at}: ${rules.length} rules > ${GITHUB_LIMITS.rulesPerRun}`);
    const ruleIds = new Set<string>();
    rules.forEach((rule, i) => {
      const rat = `${at}.tool.driver.rules[${i}]`;
      if (!rule.id) problems.push(`${rat}.id: missing`);
      if (ruleIds.has(rule.id)) problems.push(`${rat}.id: duplicate ${rule.id}`);
      ruleIds.add(rule.id);
      if (!rule.shortDescription?.text) problems.push(`${rat}.shortDescription.text: missing`);
      if (!rule.fullDescription?.text) problems.push(`${rat}.fullDescription.text: missing`);
      if (!rule.help?.text) problems.push(`${rat}.help.text: missing`);
      const props = rule.properties ?? {};
      const sev = props['security-severity'] as unknown;
      if (sev !== undefined) {
        const n = typeof sev === 'string' && sev.trim() !== '' ? Number(sev) : NaN;
        if (typeof sev !== 'string' || !Number.isFinite(n) || n <= 0 || n > 10) problems.push(`${rat}.properties.security-severity: ${JSON.stringify(sev)} is not a numeric string in (0, 10]`);
      }
      const tags = props.tags;
      if (tags !== undefined) {
        if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) problems.push(`${rat}.properties.tags: not an array of strings`);
        else if (tags.length > GITHUB_LIMITS.tagsPerRule) problems.push(`${rat}.properties.tags: ${tags.length} > ${GITHUB_LIMITS.tagsPerRule}`);
      }
    });

    const results = run.results ?? [];
    if (results.length > GITHUB_LIMITS.resultsPerRun) problems.push(`${at}: ${results.length} results > ${GITHUB_LIMITS.resultsPerRun}`);
    results.forEach((result, i) => {
      const rat = `${at}.results[${i}]`;
      if (!result.message?.text) problems.push(`${rat}.message.text: missing`);
      if (!result.ruleId) problems.push(`${rat}.ruleId: missing`);
      else if (!ruleIds.has(result.ruleId)) problems.push(`${rat}.ruleId: ${result.ruleId} is not among the run's rules`);
      if (result.ruleIndex !== undefined && rules[result.ruleIndex]?.id !== result.ruleId) problems.push(`${rat}.ruleIndex: does not point at ${result.ruleId}`);
      const locations = result.locations ?? [];
      if (locations.length === 0) problems.push(`${rat}.locations: none`);
      if (locations.length > GITHUB_LIMITS.locationsPerResult) problems.push(`${rat}.locations: ${locations.length} > ${GITHUB_LIMITS.locationsPerResult}`);
      locations.forEach((loc, li) => {
        const lat = `${rat}.locations[${li}]`;
        const phys = loc.physicalLocation;
        if (!phys) {
          problems.push(`${lat}: no physicalLocation (a logical location alone is refused)`);
          return;
        }
        const uri = phys.artifactLocation?.uri;
        if (typeof uri !== 'string' || uri === '') problems.push(`${lat}.physicalLocation.artifactLocation.uri: empty`);
        else if (!RELATIVE_REF.test(uri)) problems.push(`${lat}.physicalLocation.artifactLocation.uri: "${uri}" is not a relative uri-reference`);
        const line = phys.region?.startLine;
        if (!phys.region) problems.push(`${lat}.physicalLocation.region: missing`);
        else if (line !== undefined && (!Number.isInteger(line) || line < 1)) problems.push(`${lat}.physicalLocation.region.startLine: ${line}`);
      });
      const hash = result.partialFingerprints?.primaryLocationLineHash;
      if (!hash) problems.push(`${rat}.partialFingerprints.primaryLocationLineHash: missing (the upload cannot compute one for a path outside the checkout)`);
    });
  });
  return problems;
}

/** Schema problems and GitHub problems together, one line each; empty when the log is fine for both. */
export function sarifProblems(text: string): string[] {
  const log = JSON.parse(text) as Log;
  return [...sarifSchemaProblems(log).map((p) => `schema: ${p.path}: ${p.message}`), ...githubIngestionProblems(log, text).map((p) => `github: ${p}`)];
}

// ---------------------------------------------------------------------------------------------
// The kinds of SARIF the tool writes, as AuditReports built from real snapshots with explicit
// rules (so these tests do not depend on the whole catalogue): failing, passing, waived,
// not-evaluated, plan-based (Terraform addresses, files and lines) and live (API origins).

export const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
export const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';
export const NOW = new Date('2026-11-24T03:00:00Z');

/**
 * A network-subject rule standing in for the DNS rules: it fails every network and names the zones
 * visible to it as the other resources involved, so reports are exercised with `related`.
 */
export const networkProbe: Rule = {
  meta: {
    id: 'test-network-probe',
    title: 'Test: every network is reported',
    defaultSeverity: 'medium',
    subject: 'network',
    description: 'Reports each network of the snapshot, naming its private zones.',
    rationale: 'Exercises network subjects and related resources in reports.',
    articleSection: 'DNSレコードの作成',
    remediation: { gcloud: 'gcloud dns managed-zones list', terraform: 'resource "google_dns_managed_zone" "z" {}' },
    messages: { seen: 'Network {{subject}} has {{count}} private zone(s) | with "odd" <chars> & more.' },
    tags: ['dns'],
  },
  check({ index, report }) {
    for (const network of index.snapshot.networks) {
      const zones = index.snapshot.managedZones.filter((z) => z.privateVisibilityNetworks.includes(network.fullName)).map((z) => z.fullName);
      report({ status: 'fail', subject: network, messageId: 'seen', data: { count: zones.length }, related: zones });
    }
  },
};

export function policyWith(exceptions: Policy['exceptions'] = []): Policy {
  const policy = defaultPolicy();
  policy.parameters = { vip: 'restricted', onPremRanges: ['10.100.0.0/16'], proxyRanges: [] };
  policy.exceptions = exceptions;
  return policy;
}

export function reportOf(snapshot: Snapshot, options: { policy?: Policy; rules?: Rule[]; failOn?: FailOn; category?: string; baseline?: Set<string> } = {}): AuditReport {
  return audit(snapshot, options.policy ?? policyWith(), {
    failOn: options.failOn ?? 'high',
    rules: options.rules ?? [privateEndpoint, networkProbe],
    now: NOW,
    startedAt: NOW,
    category: options.category,
    baseline: options.baseline,
  });
}

/** alpha's control plane public (critical failure), beta compliant. */
export function failingSnapshot(): Snapshot {
  const s = compliantSnapshot();
  s.clusters[0].privateClusterConfig!.enablePrivateEndpoint = false;
  return s;
}

/** The same setup as read from a Terraform plan: addresses, `.tf` files and lines, one value unknown. */
export function planSnapshot(): Snapshot {
  const s = failingSnapshot();
  s.scope = { kind: 'plan', id: 'plan.json', projects: ['acme-prod-platform'] };
  const tf = (address: string, file: string, line: number) => ({ source: 'terraform' as const, address, file, line });
  s.clusters[0].origin = tf('module.gke["alpha"].google_container_cluster.this', 'modules/gke/main.tf', 12);
  s.clusters[1].origin = tf('module.gke["beta"].google_container_cluster.this', 'modules/gke/main.tf', 12);
  s.clusters[1].unknown = ['controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint'];
  s.networks[0].origin = tf('google_compute_network.vpc', './network.tf', 3);
  return s;
}

/** Every kind of SARIF the tool can write, by name. */
export function sarifVariants(): Record<string, string> {
  const waiver = policyWith([{ rule: 'private-endpoint', resource: ALPHA, reason: 'Moving to PSC, ticket NET-42', expires: '2027-01-31' }]);
  const notEvaluated = compliantSnapshot();
  notEvaluated.clusters[0].unknown = ['privateClusterConfig.enablePrivateEndpoint'];
  return {
    fail: renderSarif(reportOf(failingSnapshot())),
    pass: renderSarif(reportOf(compliantSnapshot(), { rules: [privateEndpoint] }), { sarifPasses: true }),
    'pass-omitted': renderSarif(reportOf(compliantSnapshot(), { rules: [privateEndpoint] })),
    waived: renderSarif(reportOf(failingSnapshot(), { policy: waiver })),
    'not-evaluated': renderSarif(reportOf(notEvaluated)),
    plan: renderSarif(reportOf(planSnapshot()), { sarifPasses: true }),
    live: renderSarif(reportOf(compliantSnapshot()), { sarifPasses: true }),
  };
}
