/**
 * Large AuditReports built directly (no engine) for the HTML benchmark and size checks: an
 * organization of many clusters, each with one result per rule and one per node VM, statuses
 * spread deterministically so every state and filter value appears.
 */
import { summarize, verdictOf } from '../../src/engine/audit.js';
import { SEVERITIES, type AuditReport, type ClusterTopology, type Result, type RunInfo, type Status } from '../../src/engine/types.js';
import { PATH_STEPS, SIDE_STEPS } from '../../src/report/html/checklist.js';

const RULE_IDS = [...PATH_STEPS, ...SIDE_STEPS].flatMap((s) => s.rules);
const NODES_PER_CLUSTER = 10;
const STATUSES: Status[] = ['fail', 'pass', 'pass', 'not-evaluated', 'pass', 'not-applicable', 'fail', 'pass'];

function ruleInfo(id: string, i: number): RunInfo['rules'][number] {
  const severity = SEVERITIES[i % SEVERITIES.length];
  return {
    id,
    title: `Synthetic ${id}`,
    defaultSeverity: severity,
    severity,
    subject: 'cluster',
    description: `What ${id} checks, in one paragraph of typical length for the catalogue's descriptions.`,
    rationale: `Why ${id} matters: the article's private cluster depends on it, and without it the nodes or the control plane become reachable or unable to reach Google APIs through the VIP.`,
    articleSection: '限定公開クラスターの作成',
    remediation: {
      gcloud: `gcloud container clusters update CLUSTER --location LOCATION --fix-${id}`,
      terraform: `resource "google_container_cluster" "this" {\n  private_cluster_config {\n    enable_private_nodes = true\n  }\n}`,
    },
    messages: {},
    helpUri: `https://example.invalid/docs/rules/${id}.md`,
  };
}

/** About `n` results (rounded up to whole clusters). */
export function syntheticReport(n: number): AuditReport {
  const perCluster = RULE_IDS.length + NODES_PER_CLUSTER;
  const clusterCount = Math.ceil(n / perCluster);
  const results: Result[] = [];
  const clusters: ClusterTopology[] = [];
  const rules = RULE_IDS.map(ruleInfo);
  let k = 0;
  for (let c = 0; c < clusterCount && results.length < n; c++) {
    const project = `acme-team-${String(c % 40).padStart(2, '0')}`;
    const name = `cluster-${c}`;
    const fullName = `//container.googleapis.com/projects/${project}/locations/asia-northeast1/clusters/${name}`;
    const network = `//compute.googleapis.com/projects/${project}/global/networks/vpc-${c}`;
    const psc = c % 3 === 0;
    clusters.push({
      fullName,
      name,
      project,
      location: 'asia-northeast1',
      network,
      subnetwork: `//compute.googleapis.com/projects/${project}/regions/asia-northeast1/subnetworks/nodes-${c}`,
      subnetRange: `10.${c % 250}.0.0/20`,
      controlPlaneConnection: psc ? 'psc' : 'peering',
      masterIpv4CidrBlock: `172.16.${c % 250}.0/28`,
      privateEndpoint: `172.16.${c % 250}.2`,
      ...(psc ? {} : { peeringName: `gke-${c.toString(16).padStart(8, '0')}-peer` }),
      routers: c % 7 === 0 ? [] : [`//compute.googleapis.com/projects/${project}/regions/asia-northeast1/routers/vpn-${c}`],
      nodeCount: NODES_PER_CLUSTER,
    });
    const subjects = [
      ...RULE_IDS.map((ruleId) => ({ ruleId, kind: 'cluster' as const, name, fullName })),
      ...Array.from({ length: NODES_PER_CLUSTER }, (_, i) => ({
        ruleId: 'node-external-ip',
        kind: 'instance' as const,
        name: `gke-${name}-pool-${i}`,
        fullName: `//compute.googleapis.com/projects/${project}/zones/asia-northeast1-a/instances/gke-${name}-pool-${i}`,
      })),
    ];
    for (const s of subjects) {
      if (results.length >= n) break;
      const status = STATUSES[k % STATUSES.length];
      const rule = rules[RULE_IDS.indexOf(s.ruleId)];
      const r: Result = {
        ruleId: s.ruleId,
        title: rule.title,
        status,
        severity: rule.severity,
        messageId: status,
        message: `${s.kind === 'cluster' ? 'Cluster' : 'Instance'} ${s.fullName}: ${s.ruleId} ${status}, with the detail a real message carries (the zone, the route, the rule).`,
        resource: { kind: s.kind, name: s.name, fullName: s.fullName, project },
        related: status === 'fail' ? [`//compute.googleapis.com/projects/${project}/global/firewalls/deny-${k}`] : [],
        clusters: [fullName],
        fingerprint: (k * 2654435761 + 0x9e3779b9).toString(16).padStart(32, '0').slice(-32),
      };
      if (status === 'fail' && k % 11 === 0) r.waiver = { reason: `Ticket NET-${k}`, expires: '2099-01-31' };
      results.push(r);
      k++;
    }
  }
  return {
    run: {
      tool: { name: 'gke-private-audit', version: 'bench' },
      startedAt: '2026-11-24T09:00:00.000Z',
      finishedAt: '2026-11-24T09:03:00.000Z',
      scope: { kind: 'organization', id: '123456789012', projects: [...new Set(clusters.map((c) => c.project))] },
      policy: { path: 'rules.yaml', parameters: { vip: 'restricted', onPremRanges: ['10.100.0.0/16'], proxyRanges: [] } },
      failOn: 'high',
      allowIncomplete: false,
      rules,
      warnings: [],
      readErrors: [],
    },
    results,
    clusters,
    summary: summarize(results),
    verdict: verdictOf(results, 'high'),
  };
}
