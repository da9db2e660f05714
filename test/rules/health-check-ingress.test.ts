import type { Firewall } from '../../src/model/snapshot.js';
import { healthCheckIngress } from '../../src/rules/health-check-ingress.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const BETA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/beta`;
const ALPHA_TAG = 'gke-alpha-3f2a1b9c-node';

type Snap = ReturnType<typeof compliantSnapshot>;

function edit(change: (s: Snap) => void): Snap {
  const s = compliantSnapshot();
  change(s);
  return s;
}

const hc = (s: Snap) => s.firewalls.find((f) => f.name === 'allow-ingress-health-checks')!;

/** The compliant example with one more ingress rule, a deny of everything unless told otherwise. */
function withIngress(extra: Partial<Firewall> & { name: string }): Snap {
  return edit((s) => {
    s.firewalls.push({ ...hc(s), targetServiceAccounts: [], allowed: [], denied: [{ IPProtocol: 'all' }], ...extra, fullName: `//compute.googleapis.com/projects/${PROJECT}/global/firewalls/${extra.name}` });
  });
}

ruleTester(healthCheckIngress, [
  {
    name: 'the compliant example lets the probes reach every node (target service account)',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'allowed', messageIncludes: ['allow-ingress-health-checks (priority 1000)'] },
      { status: 'pass', subject: BETA, messageId: 'allowed' },
    ],
  },
  {
    name: 'an allow for a service account the nodes do not use leaves them to the implied deny',
    snapshot: edit((s) => {
      hc(s).targetServiceAccounts = ['web@acme-prod-platform.iam.gserviceaccount.com'];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'blocked', messageIncludes: ['implied ingress deny rule'] },
      { status: 'fail', subject: BETA, messageId: 'blocked' },
    ],
  },
  {
    name: 'an allow by one cluster\'s node tag covers that cluster only',
    snapshot: edit((s) => {
      hc(s).targetServiceAccounts = [];
      hc(s).targetTags = [ALPHA_TAG];
    }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'fail', subject: BETA, messageId: 'blocked', messageIncludes: ['node gke-beta-pool-1-'] },
    ],
  },
  {
    name: 'a deny at the same priority wins the tie and shadows the allow',
    snapshot: withIngress({ name: 'deny-ingress-all', priority: 1000, sourceRanges: ['0.0.0.0/0'] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'blocked', messageIncludes: ['deny-ingress-all (priority 1000)', 'allow-ingress-health-checks'] },
      { status: 'fail', subject: BETA, messageId: 'blocked' },
    ],
  },
  {
    name: 'a disabled deny above the allow changes nothing',
    snapshot: withIngress({ name: 'deny-ingress-off', priority: 100, sourceRanges: ['0.0.0.0/0'], disabled: true }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a deny below the allow (higher priority number) changes nothing',
    snapshot: withIngress({ name: 'deny-ingress-all', priority: 65534, sourceRanges: ['0.0.0.0/0'] }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a deny of part of one probe range fails on that part',
    snapshot: withIngress({ name: 'deny-some-probes', priority: 10, sourceRanges: ['130.211.2.0/23'], denied: [{ IPProtocol: 'tcp', ports: ['10000-20000'] }] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'blocked', messageIncludes: ['130.211.2.0/23', 'deny-some-probes'] },
      { status: 'fail', subject: BETA, messageId: 'blocked' },
    ],
  },
  {
    name: 'an egress rule never decides ingress',
    snapshot: withIngress({ name: 'deny-egress-probes', direction: 'EGRESS', priority: 10, destinationRanges: ['35.191.0.0/16'], sourceRanges: [] }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'an unknown target of a firewall leaves the clusters not evaluated',
    snapshot: edit((s) => {
      hc(s).unknown = ['targetServiceAccounts'];
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['targetServiceAccounts of firewall allow-ingress-health-checks'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unknown' },
    ],
  },
  {
    name: 'a network outside the snapshot leaves the cluster not evaluated',
    snapshot: edit((s) => {
      s.clusters[1].network = '//compute.googleapis.com/projects/acme-host/global/networks/shared';
    }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'not-evaluated', subject: BETA, messageId: 'notCovered', messageIncludes: ['VPC firewall rules of project acme-host'] },
    ],
  },
  // Port classes GKE's load balancers probe (issue 11).
  {
    name: 'probes allowed on the NodePort range only: kube-proxy\'s tcp:10256 is blocked, by the implied deny since no rule decided',
    snapshot: edit((s) => {
      hc(s).allowed = [{ IPProtocol: 'tcp', ports: ['30000-32767'] }];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'blocked', messageIncludes: ['→ tcp:10256', 'no ingress allow covers them (the implied ingress deny rule'] },
      { status: 'fail', subject: BETA, messageId: 'blocked' },
    ],
  },
  {
    name: 'probes allowed on tcp:10256 only: the NodePort range is blocked',
    snapshot: edit((s) => {
      hc(s).allowed = [{ IPProtocol: 'tcp', ports: ['10256'] }];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'blocked', messageIncludes: ['→ tcp:30000-32767'] },
      { status: 'fail', subject: BETA, messageId: 'blocked' },
    ],
  },
  {
    name: 'an allow without the legacy network load balancer ranges blocks their probes',
    snapshot: edit((s) => {
      hc(s).sourceRanges = ['35.191.0.0/16', '130.211.0.0/22'];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'blocked', messageIncludes: ['209.85.152.0/22', '209.85.204.0/22'] },
      { status: 'fail', subject: BETA, messageId: 'blocked' },
    ],
  },
  {
    name: 'a higher-priority deny of tcp:10256 is named as shadowing GKE\'s health-check allow, never the implied deny',
    snapshot: withIngress({ name: 'deny-kube-proxy-health', priority: 900, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['10256'] }] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'blocked', messageIncludes: ['deny-kube-proxy-health (priority 900) shadows allow allow-ingress-health-checks (priority 1000)', '→ tcp:10256'], messageExcludes: ['implied'] },
      { status: 'fail', subject: BETA, messageId: 'blocked' },
    ],
  },
  {
    name: 'container-native load balancing: the pod ports the probes reach are named',
    snapshot: edit((s) => {
      hc(s).allowed = [{ IPProtocol: 'tcp', ports: ['10256', '30000-32767', '8080'] }];
    }),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'allowed', messageIncludes: ['pods on tcp:8080, tcp:10256, tcp:30000-32767'] },
      { status: 'pass', subject: BETA, messageId: 'allowed' },
    ],
  },
  {
    name: 'a routes-based (not VPC-native) cluster has no container-native load balancing to judge',
    snapshot: edit((s) => {
      hc(s).allowed = [{ IPProtocol: 'tcp', ports: ['10256', '30000-32767'] }];
      for (const c of s.clusters) c.ipAllocationPolicy = { useIpAliases: false };
    }),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'allowed', messageExcludes: ['pods'] },
      { status: 'pass', subject: BETA, messageId: 'allowed' },
    ],
  },
]);
