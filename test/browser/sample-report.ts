/**
 * A report for the HTML tests that covers every checklist step and every status, built through the
 * real engine (exceptions, summary, verdict, topology) with scripted stand-ins for the rules, so
 * it does not depend on the rule implementations. Cloud-controlled strings carry injection
 * payloads: the page must show them as text and run none of them.
 */
import { audit } from '../../src/engine/audit.js';
import { defaultPolicy, type Policy } from '../../src/engine/policy.js';
import type { AuditReport, Outcome, Rule, RuleMeta, Severity, Status, SubjectKind } from '../../src/engine/types.js';
import type { Cluster, ReadError, Snapshot } from '../../src/model/snapshot.js';
import { privateEndpoint } from '../../src/rules/private-endpoint.js';
import { compliantSnapshot } from '../helpers/fixtures.js';

/** Strings an attacker could place in resource names, descriptions or API error messages. */
export const INJECTIONS = {
  script: '<script>window.__pwned = "script"; alert(1)</script>',
  img: '"><img src=x onerror="window.__pwned = \'img\'; alert(2)">',
  style: '</style><script>window.__pwned = "style"; alert(3)</script>',
} as const;

export const EVIL_PROJECT = `evil-${INJECTIONS.style}`;
export const EVIL_CLUSTER_NAME = `c${INJECTIONS.img}`;

type ClusterKey = 'alpha' | 'beta' | 'evil';

interface Scripted {
  id: string;
  severity: Severity;
  subject: SubjectKind;
  /** Status per cluster; for network rules (one result per network) the alpha entry decides. */
  status: Partial<Record<ClusterKey, Status>>;
}

const READ_ERROR: ReadError = {
  project: 'acme-prod-platform',
  collection: 'recordSets',
  resource: '//dns.googleapis.com/projects/acme-prod-platform/managedZones/pkg-dev',
  status: 403,
  reason: 'forbidden',
  message: `Permission dns.resourceRecordSets.list denied ${INJECTIONS.script}`,
};

/** Every rule of the catalogue, with the statuses that exercise every state of every step. */
export const SCRIPT: Scripted[] = [
  { id: 'private-nodes', severity: 'critical', subject: 'cluster', status: { alpha: 'fail', beta: 'pass', evil: 'pass' } },
  { id: 'node-external-ip', severity: 'critical', subject: 'instance', status: { alpha: 'fail', beta: 'pass' } },
  { id: 'dns-endpoint-external', severity: 'high', subject: 'cluster', status: { alpha: 'not-applicable', beta: 'pass', evil: 'pass' } },
  { id: 'authorized-networks', severity: 'high', subject: 'cluster', status: { alpha: 'fail', beta: 'pass', evil: 'pass' } },
  { id: 'vpc-native', severity: 'medium', subject: 'cluster', status: { alpha: 'pass', beta: 'pass', evil: 'fail' } },
  { id: 'private-google-access', severity: 'high', subject: 'subnetwork', status: { alpha: 'pass' } },
  { id: 'dns-googleapis', severity: 'high', subject: 'network', status: { alpha: 'pass' } },
  { id: 'dns-gcr', severity: 'high', subject: 'network', status: { alpha: 'fail' } },
  { id: 'dns-pkg-dev', severity: 'medium', subject: 'network', status: { alpha: 'not-evaluated' } },
  { id: 'vip-route', severity: 'high', subject: 'cluster', status: { alpha: 'fail', beta: 'pass', evil: 'pass' } },
  { id: 'vip-egress-firewall', severity: 'high', subject: 'cluster', status: { alpha: 'not-evaluated', beta: 'pass', evil: 'pass' } },
  { id: 'egress-default-deny', severity: 'medium', subject: 'cluster', status: { alpha: 'pass', beta: 'pass', evil: 'pass' } },
  { id: 'peering-export-custom-routes', severity: 'high', subject: 'cluster', status: { alpha: 'fail', beta: 'not-applicable', evil: 'not-applicable' } },
  { id: 'router-advertises-control-plane', severity: 'high', subject: 'cluster', status: { alpha: 'fail', beta: 'pass', evil: 'pass' } },
  { id: 'health-check-ingress', severity: 'low', subject: 'cluster', status: { alpha: 'pass', beta: 'pass', evil: 'pass' } },
];

function scriptedRule(s: Scripted): Rule {
  const meta: RuleMeta = {
    id: s.id,
    title: `Scripted ${s.id}`,
    defaultSeverity: s.severity,
    subject: s.subject,
    description: `Stand-in for ${s.id} in the HTML report tests.`,
    rationale: `Rationale of ${s.id} (the article, 限定公開クラスターの作成).`,
    articleSection: '限定公開クラスターの作成',
    remediation: { gcloud: `gcloud container clusters update CLUSTER --fix-${s.id}`, terraform: `resource "google_container_cluster" "this" {\n  # ${s.id} && more\n}` },
    messages: {
      fail: '{{subject}} fails ' + s.id + ': {{detail}}',
      pass: '{{subject}} passes ' + s.id + '.',
      'not-applicable': '{{subject}}: ' + s.id + ' does not apply.',
      'not-evaluated': '{{subject}}: ' + s.id + ' could not be evaluated.',
    },
  };
  return {
    meta,
    check({ index, report }) {
      const key = (c: Cluster) => (c.name === 'alpha' || c.name === 'beta' ? c.name : 'evil') as ClusterKey;
      const outcome = (status: Status, base: Omit<Outcome, 'status' | 'messageId'>): Outcome => ({
        status,
        messageId: status,
        data: { detail: `see ${INJECTIONS.img}` },
        related: status === 'fail' ? [`//compute.googleapis.com/projects/acme-prod-platform/global/firewalls/${INJECTIONS.img}`] : [],
        readErrors: status === 'not-evaluated' ? [READ_ERROR] : undefined,
        ...base,
      });
      if (s.subject === 'network' || s.subject === 'subnetwork') {
        const status = s.status.alpha!;
        for (const { network, clusters } of index.networksWithClusters()) {
          const subject = s.subject === 'network' ? index.network(network) : index.subnetwork(clusters[0].subnetwork);
          if (subject) report(outcome(status, { subject, clusters }));
        }
        return;
      }
      for (const cluster of index.clusters) {
        const status = s.status[key(cluster)];
        if (!status) continue;
        if (s.subject === 'instance') {
          index.instancesOf(cluster).forEach((inst, i) => report(outcome(i === 0 ? status : 'pass', { subject: inst, clusters: [cluster] })));
        } else {
          report(outcome(status, { subject: cluster }));
        }
      }
    },
  };
}

export const SCRIPTED_RULES: Rule[] = [...SCRIPT.map(scriptedRule), privateEndpoint];

export const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';

/** The compliant example plus a cluster whose name and project are injection payloads. */
export function sampleSnapshot(): Snapshot {
  const snapshot = compliantSnapshot();
  const beta = snapshot.clusters.find((c) => c.name === 'beta')!;
  const evil: Cluster = structuredClone(beta);
  evil.name = EVIL_CLUSTER_NAME;
  evil.project = EVIL_PROJECT;
  evil.fullName = `//container.googleapis.com/projects/${EVIL_PROJECT}/locations/asia-northeast1/clusters/${EVIL_CLUSTER_NAME}`;
  snapshot.clusters.push(evil);
  snapshot.scope.projects.push(EVIL_PROJECT);
  snapshot.readErrors.push(READ_ERROR);
  return snapshot;
}

export function samplePolicy(): Policy {
  const policy = defaultPolicy();
  policy.path = `rules-${INJECTIONS.style}.yaml`;
  policy.parameters = { vip: 'restricted', onPremRanges: ['10.100.0.0/16'], proxyRanges: ['10.100.5.10/32'] };
  policy.exceptions = [
    { rule: 'authorized-networks', resource: ALPHA, reason: `Moving to PSC, ticket NET-42 ${INJECTIONS.style}`, expires: '2099-12-31' },
    { rule: 'vip-route', resource: ALPHA, reason: 'expired waiver', expires: '2020-01-01', where: 'rules.yaml line 3' },
  ];
  return policy;
}

export function sampleReport(): AuditReport {
  return audit(sampleSnapshot(), samplePolicy(), {
    failOn: 'high',
    rules: SCRIPTED_RULES,
    now: new Date('2026-11-24T00:00:00Z'),
    startedAt: new Date('2026-11-24T09:00:00Z'),
  });
}
