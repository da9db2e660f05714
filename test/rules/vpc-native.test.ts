import { vpcNative } from '../../src/rules/vpc-native.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const BETA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/beta`;

type Snap = ReturnType<typeof compliantSnapshot>;

function edit(change: (s: Snap) => void): Snap {
  const s = compliantSnapshot();
  change(s);
  return s;
}

ruleTester(vpcNative, [
  {
    name: 'the compliant example is VPC-native with separate ranges',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'vpcNative', messageIncludes: ['nodes 10.10.0.0/20, pods 10.20.0.0/16, services 10.30.0.0/20'] },
      { status: 'pass', subject: BETA, messageId: 'vpcNative' },
    ],
  },
  {
    name: 'useIpAliases unset is routes-based',
    snapshot: edit((s) => {
      delete s.clusters[1].ipAllocationPolicy;
    }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'fail', subject: BETA, messageId: 'routesBased', messageIncludes: ['useIpAliases: unset'] },
    ],
  },
  {
    name: 'the cluster\'s own CIDR block wins over a named secondary range that disagrees, and the message says so',
    snapshot: edit((s) => {
      s.subnetworks[0].secondaryIpRanges[0].ipCidrRange = '10.10.8.0/21';
    }),
    expect: [
      {
        status: 'pass',
        subject: ALPHA,
        messageId: 'vpcNative',
        messageIncludes: ['pods 10.20.0.0/16', 'the secondary range pods the cluster names is 10.10.8.0/21, but its own clusterIpv4CidrBlock is 10.20.0.0/16, which is judged'],
      },
      // Beta gives no block: the named range is all there is, and it overlaps the nodes.
      { status: 'fail', subject: BETA, messageId: 'overlap', messageIncludes: ['node range 10.10.0.0/20 (subnetwork gke-nodes) overlaps pod range 10.10.8.0/21 (secondary range pods)'] },
    ],
  },
  {
    name: 'services overlapping pods is a failure',
    snapshot: edit((s) => {
      s.subnetworks[0].secondaryIpRanges[1].ipCidrRange = '10.20.128.0/20';
      s.clusters[0].ipAllocationPolicy!.servicesIpv4CidrBlock = '10.20.128.0/20';
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'overlap', messageIncludes: ['pod range 10.20.0.0/16 (secondary range pods) overlaps service range 10.20.128.0/20'] },
      { status: 'fail', subject: BETA, messageId: 'overlap' },
    ],
  },
  {
    name: 'the node range overlapping on-prem is a failure',
    snapshot: compliantSnapshot(),
    params: { onPremRanges: ['10.0.0.0/8'] },
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'overlap', messageIncludes: ['node range 10.10.0.0/20 (subnetwork gke-nodes) overlaps on-prem range 10.0.0.0/8'] },
      { status: 'fail', subject: BETA, messageId: 'overlap' },
    ],
  },
  {
    name: 'a pod range name the subnet lacks is a failure when the cluster gives no block of its own',
    snapshot: edit((s) => {
      s.clusters[0].ipAllocationPolicy!.clusterSecondaryRangeName = 'pods-v2';
      delete s.clusters[0].ipAllocationPolicy!.clusterIpv4CidrBlock;
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'missingSecondary', messageIncludes: ['pod secondary range pods-v2', 'pods 10.20.0.0/16 and services 10.30.0.0/20'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a pod range name the subnet lacks, with the cluster\'s own block: the block is judged and the gap said',
    snapshot: edit((s) => {
      s.clusters[0].ipAllocationPolicy!.clusterSecondaryRangeName = 'pods-v2';
    }),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'vpcNative', messageIncludes: ['the secondary range pods-v2 the cluster names is not in subnetwork gke-nodes'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'an Autopilot cluster is VPC-native by what Autopilot guarantees, even with ipAllocationPolicy left out',
    snapshot: edit((s) => {
      s.clusters[1].autopilot = true;
      s.clusters[1].ipAllocationPolicy = { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' };
    }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA, messageId: 'vpcNative', messageIncludes: ['is VPC-native (Autopilot: always)'] },
    ],
  },
  {
    name: 'a cluster with neither range names nor CIDR blocks is not evaluated',
    snapshot: edit((s) => {
      s.clusters[1].ipAllocationPolicy = { useIpAliases: true };
    }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'not-evaluated', subject: BETA, messageId: 'rangeNotGiven', messageIncludes: ['pod range'] },
    ],
  },
  {
    name: 'a secondary range list unknown until apply is not evaluated',
    snapshot: edit((s) => {
      s.subnetworks[0].unknown = ['secondaryIpRanges'];
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['secondaryIpRanges'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unknown' },
    ],
  },
  {
    name: 'a subnetwork outside the snapshot is not evaluated, but a routes-based cluster still fails',
    snapshot: edit((s) => {
      s.subnetworks = [];
      s.clusters[1].ipAllocationPolicy!.useIpAliases = false;
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'subnetworkMissing' },
      { status: 'fail', subject: BETA, messageId: 'routesBased' },
    ],
  },
  {
    name: 'a subnetwork read error makes the range checks not evaluated',
    snapshot: edit((s) => {
      s.readErrors.push({ project: PROJECT, collection: 'subnetworks', status: 503, message: 'backend error' });
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'readError', messageIncludes: ['HTTP 503 backend error'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'readError' },
    ],
  },
  {
    name: 'a malformed secondary range is not evaluated, never a crash',
    snapshot: edit((s) => {
      s.subnetworks[0].secondaryIpRanges[1].ipCidrRange = '10.30.0.0/40';
      delete s.clusters[0].ipAllocationPolicy!.servicesIpv4CidrBlock;
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unreadable', messageIncludes: ['service range 10.30.0.0/40'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unreadable' },
    ],
  },
]);
