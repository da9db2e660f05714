import { expect, it } from 'vitest';
import { privateGoogleAccess } from '../../src/rules/private-google-access.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const SUBNET = `//compute.googleapis.com/projects/${PROJECT}/regions/asia-northeast1/subnetworks/gke-nodes`;
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const HOST_SUBNET = '//compute.googleapis.com/projects/acme-host/regions/asia-northeast1/subnetworks/shared-nodes';

type Snap = ReturnType<typeof compliantSnapshot>;

function edit(change: (s: Snap) => void): Snap {
  const s = compliantSnapshot();
  change(s);
  return s;
}

ruleTester(privateGoogleAccess, [
  {
    name: 'the compliant example: one result for the subnetwork both clusters share',
    snapshot: compliantSnapshot(),
    expect: [{ status: 'pass', subject: SUBNET, messageId: 'enabled', messageIncludes: ['nodes of alpha and beta'] }],
  },
  {
    name: 'Private Google Access unset is a failure',
    snapshot: edit((s) => {
      delete s.subnetworks[0].privateIpGoogleAccess;
    }),
    expect: [{ status: 'fail', subject: SUBNET, messageId: 'disabled', messageIncludes: ['privateIpGoogleAccess: unset'] }],
  },
  {
    name: 'a subnetwork hosting no cluster is not a subject',
    snapshot: edit((s) => {
      s.subnetworks.push({ ...s.subnetworks[0], name: 'other', fullName: SUBNET.replace('gke-nodes', 'other'), privateIpGoogleAccess: false });
    }),
    expect: [{ status: 'pass', subject: SUBNET }],
  },
  {
    name: 'a Shared VPC subnetwork outside the snapshot is not evaluated, under its own name',
    snapshot: edit((s) => {
      s.clusters[0].subnetwork = HOST_SUBNET;
    }),
    expect: [
      { status: 'not-evaluated', subject: HOST_SUBNET, messageId: 'notCovered', messageIncludes: ['nodes of alpha', 'subnetworks of project acme-host'] },
      { status: 'pass', subject: SUBNET, messageIncludes: ['nodes of beta'] },
    ],
  },
  {
    name: 'a value unknown until apply is not evaluated',
    snapshot: edit((s) => {
      s.subnetworks[0].unknown = ['privateIpGoogleAccess'];
    }),
    expect: [{ status: 'not-evaluated', subject: SUBNET, messageId: 'unknown' }],
  },
  {
    name: 'a cluster whose subnetwork is unknown until apply is not evaluated on the cluster',
    snapshot: edit((s) => {
      s.clusters[0].unknown = ['subnetwork'];
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['Cluster alpha: subnetwork'] },
      { status: 'pass', subject: SUBNET, messageIncludes: ['nodes of beta'] },
    ],
  },
]);

it('private-google-access: subnetworks that could not be read are not evaluated, and the result names its clusters', () => {
  const s = compliantSnapshot();
  s.readErrors.push({ project: PROJECT, collection: 'subnetworks', status: 403, message: 'permission denied' });
  const [result, ...rest] = runRule(privateGoogleAccess, s);
  expect(rest).toEqual([]);
  expect(result.status).toBe('not-evaluated');
  expect(result.resource.fullName).toBe(SUBNET);
  expect(result.clusters).toEqual([ALPHA, ALPHA.replace('alpha', 'beta')]);
  expect(result.readErrors).toHaveLength(1);
});

it('private-google-access: the result of a missing subnetwork keeps the fingerprint of the present one', () => {
  const present = runRule(privateGoogleAccess, compliantSnapshot())[0];
  const missing = runRule(privateGoogleAccess, edit((s) => (s.subnetworks = [])))[0];
  expect(missing.status).toBe('not-evaluated');
  expect(missing.fingerprint).toBe(present.fingerprint);
});
