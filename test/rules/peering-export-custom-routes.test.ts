import { peeringExportCustomRoutes } from '../../src/rules/peering-export-custom-routes.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';

ruleTester(peeringExportCustomRoutes, [
  {
    name: 'the compliant example: the peering cluster passes, the PSC cluster is not applicable',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'exports' },
      { status: 'not-applicable', subject: BETA, messageId: 'psc', messageIncludes: ['10.10.0.2'] },
    ],
  },
  {
    name: 'turning the export off on the GKE peering fails the peering cluster only',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.networks[0].peerings[0].exportCustomRoutes = false;
      return s;
    })(),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'notExported' },
      { status: 'not-applicable', subject: BETA },
    ],
  },
  {
    name: 'importing custom routes is not exporting them',
    snapshot: (() => {
      const s = compliantSnapshot();
      Object.assign(s.networks[0].peerings[0], { exportCustomRoutes: false, importCustomRoutes: true });
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'notExported' }],
  },
  {
    name: 'a public cluster (no peering, no private endpoint) is not applicable either, and says so',
    snapshot: (() => {
      const s = compliantSnapshot();
      delete s.clusters[1].controlPlaneEndpointsConfig;
      s.clusters.shift();
      return s;
    })(),
    expect: [{ status: 'not-applicable', subject: BETA, messageId: 'noPeering', messageIncludes: ['no private endpoint'] }],
  },
  {
    name: 'a peering name unknown until apply is not evaluated, not taken for a PSC cluster',
    snapshot: (() => {
      const s = compliantSnapshot();
      delete s.clusters[0].privateClusterConfig!.peeringName;
      s.clusters[0].unknown = ['privateClusterConfig.peeringName'];
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['privateClusterConfig.peeringName'] }],
  },
  {
    name: 'the whole peering list unknown until apply is not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.networks[0].peerings = [];
      s.networks[0].unknown = ['peerings'];
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'unknown' }],
  },
  {
    name: 'an unknown on another peering does not hide the answer for this one',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.networks[0].peerings.push({ name: 'to-shared', network: 'tf://google_compute_network.shared' });
      s.networks[0].unknown = ['peerings.1.exportCustomRoutes'];
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'pass', subject: ALPHA }],
  },
  {
    name: 'a read error of another project or collection does not stop the check',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.readErrors.push(
        { project: 'other-project', collection: 'networks', status: 403, message: 'forbidden' },
        { project: 'acme-prod-platform', collection: 'routers', status: 403, message: 'forbidden' },
      );
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'pass', subject: ALPHA }],
  },
  {
    name: 'the networks of the Shared VPC host project (not the cluster project) are the ones that matter',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[0].project = 'acme-service-project';
      s.readErrors.push({ project: 'acme-prod-platform', collection: 'networks', status: 403, message: 'forbidden' });
      s.clusters.pop();
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: ALPHA, messageId: 'readError', messageIncludes: ['acme-prod-platform'] }],
  },
]);
