import { privateNodes } from '../../src/rules/private-nodes.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';

/** The compliant example with only the newer-API cluster beta. */
function betaOnly() {
  const s = compliantSnapshot();
  s.clusters.shift();
  return s;
}

ruleTester(privateNodes, [
  {
    name: 'the compliant example passes: alpha by the legacy field, beta by the newer one',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageIncludes: ['privateClusterConfig.enablePrivateNodes: true'] },
      { status: 'pass', subject: BETA, messageIncludes: ['networkConfig.defaultEnablePrivateNodes: true'] },
    ],
  },
  {
    name: 'a newer-API cluster whose default is public fails, naming the pool that inherits it',
    snapshot: (() => {
      const s = betaOnly();
      s.clusters[0].networkConfig!.defaultEnablePrivateNodes = false;
      delete s.clusters[0].nodePools[0].enablePrivateNodes;
      return s;
    })(),
    expect: [{ status: 'fail', subject: BETA, messageId: 'publicPools', messageIncludes: ['pool-1', 'defaultEnablePrivateNodes: false'] }],
  },
  {
    name: 'under a public default, a pool overriding to private is private and only the inheriting pool is named',
    snapshot: (() => {
      const s = betaOnly();
      s.clusters[0].networkConfig!.defaultEnablePrivateNodes = false;
      s.clusters[0].nodePools.push({ name: 'pool-2', tags: [] });
      return s;
    })(),
    expect: [{ status: 'fail', subject: BETA, messageId: 'publicPools', messageIncludes: ['node pool(s) pool-2 give'] }],
  },
  {
    name: 'the newer field wins over a stale legacy field',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters.pop();
      s.clusters[0].networkConfig = { defaultEnablePrivateNodes: false };
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'publicPools', messageIncludes: ['default-pool'] }],
  },
  {
    name: 'a cluster without node pools is judged by its default',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters.pop();
      s.clusters[0].nodePools = [];
      delete s.clusters[0].privateClusterConfig;
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'publicDefault', messageIncludes: ['enablePrivateNodes: unset'] }],
  },
  {
    name: 'a pool override unknown until apply is not evaluated',
    snapshot: (() => {
      const s = betaOnly();
      s.clusters[0].unknown = ['nodePools.0.enablePrivateNodes'];
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: BETA, messageId: 'unknown', messageIncludes: ['nodePools.0.enablePrivateNodes'] }],
  },
  {
    name: 'an unknown cluster default is not evaluated, even when the pool says private',
    snapshot: (() => {
      const s = betaOnly();
      s.clusters[0].unknown = ['networkConfig'];
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: BETA, messageId: 'unknown' }],
  },
]);
