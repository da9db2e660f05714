import { privateEndpoint } from '../../src/rules/private-endpoint.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';

function withNewerPublic(enablePublicEndpoint: boolean) {
  const s = compliantSnapshot();
  s.clusters[1].controlPlaneEndpointsConfig!.ipEndpointsConfig!.enablePublicEndpoint = enablePublicEndpoint;
  return s;
}

ruleTester(privateEndpoint, [
  {
    name: 'the compliant example passes with both the legacy and the newer fields',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA, messageIncludes: ['enablePublicEndpoint: false'] },
    ],
  },
  {
    name: 'a newer-API cluster with the public endpoint on fails, judged by the newer field',
    snapshot: withNewerPublic(true),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'fail', subject: BETA, messageId: 'publicEndpoint', messageIncludes: ['enablePublicEndpoint: true'] },
    ],
  },
  {
    name: 'a cluster with neither field set is public',
    snapshot: (() => {
      const s = compliantSnapshot();
      delete s.clusters[0].privateClusterConfig;
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageIncludes: ['unset'] }],
  },
  {
    name: 'a value unknown until apply is not evaluated, never passed',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[0].unknown = ['privateClusterConfig.enablePrivateEndpoint'];
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'unknown' }],
  },
]);
