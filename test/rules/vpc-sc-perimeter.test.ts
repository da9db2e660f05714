import { vpcScPerimeter } from '../../src/rules/vpc-sc-perimeter.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';

ruleTester(vpcScPerimeter, [
  {
    name: 'the compliant example passes: its project is in the enforced perimeter acme_gke',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageIncludes: ['project acme-prod-platform is in enforced perimeter acme_gke (acme-gke)'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'the perimeter gone: both clusters fail',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.servicePerimeters = [];
      return s;
    })(),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'noPerimeter', messageIncludes: ['projects/418263790112'] },
      { status: 'fail', subject: BETA, messageId: 'noPerimeter' },
    ],
  },
  {
    name: 'a perimeter whose resources a plan computes at apply time is not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.servicePerimeters[0].unknown = ['status.resources'];
      return s;
    })(),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['status.resources'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unknown' },
    ],
  },
]);
