import { dnsPkgDev } from '../../src/rules/dns-pkg-dev.js';
import type { ManagedZone, Snapshot } from '../../src/model/snapshot.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const VPC = '//compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-private';
const OTHER = '//compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-dev';

function withZone(edit: (zone: ManagedZone, s: Snapshot) => void): Snapshot {
  const s = compliantSnapshot();
  edit(s.managedZones.find((z) => z.name === 'pkg-dev')!, s);
  return s;
}

ruleTester(dnsPkgDev, [
  {
    name: 'the compliant example passes: pkg.dev and a docker host resolve to the restricted VIP',
    snapshot: compliantSnapshot(),
    expect: [{ status: 'pass', subject: VPC, messageIncludes: ['asia-northeast1-docker.pkg.dev.'] }],
  },
  {
    name: 'a zone visible to another network only does not answer for this one',
    snapshot: withZone((z) => {
      z.privateVisibilityNetworks = [OTHER];
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'noZone', messageIncludes: [`visible only to ${OTHER}`] }],
  },
  {
    name: 'no pkg.dev zone at all fails (the article predates Artifact Registry)',
    snapshot: withZone((_z, s) => {
      s.managedZones = s.managedZones.filter((z) => z.name !== 'pkg-dev');
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'noZone', messageIncludes: ['no zone for pkg.dev.'] }],
  },
  {
    name: 'record sets not read: not evaluated, never passed',
    snapshot: withZone((z) => {
      delete z.recordSets;
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'unresolved', messageIncludes: ['were not read'] }],
  },
  {
    name: 'a zone whose DNS name is unknown until apply could be the one that answers: not evaluated',
    snapshot: withZone((_z, s) => {
      s.managedZones.push({ ...s.managedZones[0], name: 'planned', fullName: 'tf://google_dns_managed_zone.planned', dnsName: 'unknown.', unknown: ['dnsName'] });
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'unknownZone', messageIncludes: ['dnsName', 'tf://google_dns_managed_zone.planned'] }],
  },
]);
