import { dnsGcr } from '../../src/rules/dns-gcr.js';
import type { ManagedZone, RecordSet, Snapshot } from '../../src/model/snapshot.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester } from '../helpers/rule-tester.js';

const VPC = '//compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-private';
const ZONE = '//dns.googleapis.com/projects/acme-prod-platform/managedZones/gcr-io';
const PRIVATE_VIP = ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'];

function withZone(edit: (zone: ManagedZone, s: Snapshot) => void): Snapshot {
  const s = compliantSnapshot();
  edit(s.managedZones.find((z) => z.name === 'gcr-io')!, s);
  return s;
}
const record = (name: string, type: string, ...rrdatas: string[]): RecordSet => ({ name, type, ttl: 300, rrdatas });
const aRecord = (z: ManagedZone) => z.recordSets!.find((r) => r.type === 'A')!;

ruleTester(dnsGcr, [
  {
    name: 'the compliant example passes: gcr.io and asia.gcr.io resolve to the restricted VIP',
    snapshot: compliantSnapshot(),
    expect: [{ status: 'pass', subject: VPC, messageIncludes: ['gcr.io. and asia.gcr.io.', ZONE] }],
  },
  {
    name: 'a zone pointing at the private VIP while the policy says restricted fails, naming zone and record',
    snapshot: withZone((z) => {
      aRecord(z).rrdatas = [...PRIVATE_VIP];
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongVip', messageIncludes: ['private VIP', 'gcr.io. A 199.36.153.8', ZONE] }],
  },
  {
    name: 'and the other way round: the restricted VIP while the policy says private',
    snapshot: compliantSnapshot(),
    params: { vip: 'private' },
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongVip', messageIncludes: ['restricted VIP', 'policy expects the private VIP'] }],
  },
  {
    name: 'the private VIP passes when the policy says private',
    snapshot: withZone((z) => {
      aRecord(z).rrdatas = [...PRIVATE_VIP];
    }),
    params: { vip: 'private' },
    expect: [{ status: 'pass', subject: VPC, messageIncludes: ['private VIP 199.36.153.8/30'] }],
  },
  {
    name: 'an exact record for a regional host wins over the wildcard and is judged',
    snapshot: withZone((z) => z.recordSets!.push(record('asia.gcr.io.', 'A', '74.125.203.82'))),
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongAddresses', messageIncludes: ['asia.gcr.io. A 74.125.203.82'] }],
  },
  {
    name: 'a wildcard CNAME to a name outside the private zones leaves for public DNS',
    snapshot: withZone((z) => {
      z.recordSets!.find((r) => r.type === 'CNAME')!.rrdatas = ['googlehosted.l.googleusercontent.com.'];
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'leavesPrivate', messageIncludes: ['*.gcr.io. CNAME googlehosted.l.googleusercontent.com.'] }],
  },
  {
    name: 'a missing apex A record: NODATA inside the zone',
    snapshot: withZone((z) => {
      z.recordSets = z.recordSets!.filter((r) => r.type !== 'A');
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'noRecord', messageIncludes: ['gcr.io.', 'NODATA', 'A 199.36.153.4 199.36.153.5'] }],
  },
  {
    name: 'a wildcard CNAME loop (*.gcr.io CNAME eu.gcr.io, itself caught by the wildcard) fails',
    snapshot: withZone((z) => {
      z.recordSets!.find((r) => r.type === 'CNAME')!.rrdatas = ['eu.gcr.io.'];
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'cnameLoop', messageIncludes: ['asia.gcr.io. → eu.gcr.io. → eu.gcr.io.'] }],
  },
  {
    name: 'a forwarding zone for gcr.io is not evaluated',
    snapshot: withZone((z) => {
      z.forwardingTargets = ['10.100.0.53'];
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'forwarded', messageIncludes: ['10.100.0.53'] }],
  },
  {
    name: 'a definite failure outweighs a name that cannot be judged',
    snapshot: withZone((z, s) => {
      aRecord(z).rrdatas = ['10.0.0.1'];
      s.managedZones.push({ ...z, name: 'asia', fullName: `${ZONE}-asia`, dnsName: 'asia.gcr.io.', recordSets: undefined });
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongAddresses', messageIncludes: ['gcr.io. A 10.0.0.1'] }],
  },
]);
