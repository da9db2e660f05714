import { dnsEndpointExternal } from '../../src/rules/dns-endpoint-external.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';

ruleTester(dnsEndpointExternal, [
  {
    name: 'the compliant example: beta\'s DNS endpoint refuses internet traffic, alpha has none',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'not-applicable', subject: ALPHA, messageId: 'noDnsEndpoint' },
      { status: 'pass', subject: BETA, messageIncludes: ['allowExternalTraffic: false', '.gke.goog'] },
    ],
  },
  {
    name: 'allowExternalTraffic: true fails even though the IP endpoint is private',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[1].controlPlaneEndpointsConfig!.dnsEndpointConfig!.allowExternalTraffic = true;
      return s;
    })(),
    expect: [
      { status: 'not-applicable', subject: ALPHA },
      { status: 'fail', subject: BETA, messageId: 'externalAllowed' },
    ],
  },
  {
    name: 'a DNS endpoint with allowExternalTraffic unset passes (the API default is false)',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters.shift();
      delete s.clusters[0].controlPlaneEndpointsConfig!.dnsEndpointConfig!.allowExternalTraffic;
      return s;
    })(),
    expect: [{ status: 'pass', subject: BETA, messageIncludes: ['allowExternalTraffic: unset'] }],
  },
  {
    name: 'a value unknown until apply is not evaluated, never passed',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters.shift();
      s.clusters[0].unknown = ['controlPlaneEndpointsConfig.dnsEndpointConfig'];
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: BETA, messageId: 'unknown' }],
  },
]);
