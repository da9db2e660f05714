import { nodeExternalIp } from '../../src/rules/node-external-ip.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const ALPHA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha';
const BETA = '//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/beta';
const NODE = (zone: string, name: string) => `//compute.googleapis.com/projects/acme-prod-platform/zones/${zone}/instances/${name}`;
const A1 = NODE('asia-northeast1-a', 'gke-alpha-default-pool-0f94de4e-q34p');
const A2 = NODE('asia-northeast1-b', 'gke-alpha-default-pool-86ae4b0f-l0tz');
const B1 = NODE('asia-northeast1-a', 'gke-beta-pool-1-5c2e7a1d-x8kq');

ruleTester(nodeExternalIp, [
  {
    name: 'the compliant example passes every node of both clusters',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: A1, messageIncludes: ['cluster alpha'] },
      { status: 'pass', subject: A2 },
      { status: 'pass', subject: B1, messageIncludes: ['cluster beta'] },
    ],
  },
  {
    name: 'an IPv6 external access config fails, naming the interface',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.instances[2].networkInterfaces[0].ipv6AccessConfigs = [{ name: 'external-ipv6', type: 'DIRECT_IPV6', natIP: '2600:1900:4000:1::' }];
      return s;
    })(),
    expect: [
      { status: 'pass', subject: A1 },
      { status: 'pass', subject: A2 },
      { status: 'fail', subject: B1, messageId: 'externalIp', messageIncludes: ['nic0 IPv6 external access 2600:1900:4000:1::'] },
    ],
  },
  {
    name: 'every external access config of every interface is named, an ephemeral one too',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.instances = [s.instances[0]];
      s.instances[0].networkInterfaces.push({ network: 'x', networkIP: '10.0.0.5', accessConfigs: [{ name: 'External NAT' }] });
      s.instances[0].networkInterfaces[0].accessConfigs.push({ name: 'External NAT', natIP: '34.84.1.2' });
      return s;
    })(),
    expect: [{ status: 'fail', subject: A1, messageIncludes: ['nic0 natIP 34.84.1.2 and nic1 natIP (ephemeral)'] }],
  },
  {
    name: 'instances that could not be read: one not-evaluated result per cluster, with the read error',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.instances = [];
      s.readErrors = [{ project: 'acme-prod-platform', collection: 'instances', status: 403, message: 'compute.instances.list denied' }];
      return s;
    })(),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'notRead', messageIncludes: ['acme-prod-platform'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'notRead' },
    ],
  },
  {
    name: 'a cluster with no instances in the snapshot (a plan) yields nothing',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.instances = s.instances.filter((i) => i.clusterName === 'beta');
      return s;
    })(),
    expect: [{ status: 'pass', subject: B1 }],
  },
  {
    name: 'network interfaces unknown until apply are not evaluated',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.instances = [s.instances[2]];
      s.instances[0].unknown = ['networkInterfaces.0.accessConfigs'];
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: B1, messageId: 'unknown' }],
  },
]);
