import { authorizedNetworks } from '../../src/rules/authorized-networks.js';
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
const newerConfig = (s: ReturnType<typeof compliantSnapshot>) => s.clusters[0].controlPlaneEndpointsConfig!.ipEndpointsConfig!.authorizedNetworksConfig!;

ruleTester(authorizedNetworks, [
  {
    name: 'the compliant example passes with the legacy and the newer config',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageIncludes: ['masterAuthorizedNetworksConfig', '10.100.0.0/16'] },
      { status: 'pass', subject: BETA, messageIncludes: ['controlPlaneEndpointsConfig.ipEndpointsConfig.authorizedNetworksConfig'] },
    ],
  },
  {
    name: 'disabled authorized networks fail',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters.pop();
      s.clusters[0].masterAuthorizedNetworksConfig!.enabled = false;
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'disabled', messageIncludes: ['masterAuthorizedNetworksConfig.enabled: false'] }],
  },
  {
    name: 'a cluster with neither config fails as disabled',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters.pop();
      delete s.clusters[0].masterAuthorizedNetworksConfig;
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'disabled', messageIncludes: ['enabled: unset'] }],
  },
  {
    name: 'the newer config wins over a legacy one that would pass',
    snapshot: (() => {
      const s = betaOnly();
      s.clusters[0].masterAuthorizedNetworksConfig = { enabled: true, cidrBlocks: [{ cidrBlock: '10.100.0.0/16' }] };
      newerConfig(s).cidrBlocks = [{ cidrBlock: '192.168.0.0/24' }];
      return s;
    })(),
    expect: [{ status: 'fail', subject: BETA, messageId: 'missingRange', messageIncludes: ['192.168.0.0/24', 'on-prem range(s) 10.100.0.0/16'] }],
  },
  {
    name: 'two blocks that leave a gap in the on-prem range fail, naming the uncovered part',
    snapshot: (() => {
      const s = betaOnly();
      newerConfig(s).cidrBlocks = [{ cidrBlock: '10.100.0.0/17' }, { cidrBlock: '10.100.128.0/18' }];
      return s;
    })(),
    expect: [{ status: 'fail', subject: BETA, messageId: 'missingRange', messageIncludes: ['10.100.192.0-10.100.255.255 uncovered'] }],
  },
  {
    name: 'several on-prem ranges: each must be covered',
    snapshot: compliantSnapshot(),
    params: { onPremRanges: ['10.100.0.0/16', '172.20.0.0/16'] },
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'missingRange', messageIncludes: ['172.20.0.0/16'] },
      { status: 'fail', subject: BETA, messageId: 'missingRange' },
    ],
  },
  {
    name: '::/0 and GCP public CIDR access fail, all problems in one result',
    snapshot: (() => {
      const s = betaOnly();
      newerConfig(s).cidrBlocks.push({ cidrBlock: '::/0' });
      newerConfig(s).gcpPublicCidrsAccessEnabled = true;
      return s;
    })(),
    expect: [{ status: 'fail', subject: BETA, messageId: 'openBlock', messageIncludes: ['::/0', 'also gcpPublicCidrsAccessEnabled is true'] }],
  },
  {
    name: 'gcpPublicCidrsAccessEnabled alone fails',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters.pop();
      s.clusters[0].masterAuthorizedNetworksConfig!.gcpPublicCidrsAccessEnabled = true;
      return s;
    })(),
    expect: [{ status: 'fail', subject: ALPHA, messageId: 'gcpPublicCidrs' }],
  },
  {
    name: 'a block that is not a CIDR is not evaluated',
    snapshot: (() => {
      const s = betaOnly();
      newerConfig(s).cidrBlocks.push({ cidrBlock: '10.300.0.0/16' });
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: BETA, messageId: 'invalidBlock', messageIncludes: ['10.300.0.0/16'] }],
  },
  {
    name: 'blocks unknown until apply are not evaluated, never passed',
    snapshot: (() => {
      const s = betaOnly();
      s.clusters[0].unknown = ['controlPlaneEndpointsConfig.ipEndpointsConfig.authorizedNetworksConfig.cidrBlocks'];
      return s;
    })(),
    expect: [{ status: 'not-evaluated', subject: BETA, messageId: 'unknown' }],
  },
  // privateEndpointEnforcementEnabled and global access (issue 11).
  {
    name: 'says when the list is not enforced on the private endpoint (the default), and from where it can be reached',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[1].controlPlaneEndpointsConfig!.ipEndpointsConfig!.globalAccess = true;
      s.clusters[1].controlPlaneEndpointsConfig!.ipEndpointsConfig!.authorizedNetworksConfig!.privateEndpointEnforcementEnabled = false;
      return s;
    })(),
    expect: [
      { status: 'pass', subject: ALPHA, messageIncludes: ['not enforced on the private endpoint 172.16.0.2 (privateEndpointEnforcementEnabled: unset)', 'in its region'] },
      { status: 'pass', subject: BETA, messageIncludes: ['not enforced on the private endpoint 10.10.0.2 (privateEndpointEnforcementEnabled: false)', 'from every region (global access is on)'] },
    ],
  },
  {
    name: 'no note when the list is enforced on the private endpoint',
    snapshot: (() => {
      const s = compliantSnapshot();
      s.clusters[0].masterAuthorizedNetworksConfig!.privateEndpointEnforcementEnabled = true;
      s.clusters[1].controlPlaneEndpointsConfig!.ipEndpointsConfig!.authorizedNetworksConfig!.privateEndpointEnforcementEnabled = true;
      return s;
    })(),
    expect: [
      { status: 'pass', subject: ALPHA, messageExcludes: ['not enforced'] },
      { status: 'pass', subject: BETA, messageExcludes: ['not enforced'] },
    ],
  },
]);
