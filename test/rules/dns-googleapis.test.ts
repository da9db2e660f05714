import { dnsGoogleapis } from '../../src/rules/dns-googleapis.js';
import type { ManagedZone, RecordSet, Snapshot } from '../../src/model/snapshot.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { describe, expect, it } from 'vitest';

const VPC = '//compute.googleapis.com/projects/acme-prod-platform/global/networks/vpc-private';
const HOST_VPC = '//compute.googleapis.com/projects/acme-host/global/networks/shared';
const HUB = '//compute.googleapis.com/projects/acme-hub/global/networks/hub';
const ZONE = '//dns.googleapis.com/projects/acme-prod-platform/managedZones/googleapis';

/** The compliant example with its googleapis zone changed by `edit`. */
function withZone(edit: (zone: ManagedZone, s: Snapshot) => void): Snapshot {
  const s = compliantSnapshot();
  edit(s.managedZones.find((z) => z.name === 'googleapis')!, s);
  return s;
}
const record = (name: string, type: string, ...rrdatas: string[]): RecordSet => ({ name, type, ttl: 300, rrdatas });

ruleTester(dnsGoogleapis, [
  {
    name: 'the compliant example passes for the one network hosting both clusters',
    snapshot: compliantSnapshot(),
    expect: [{ status: 'pass', subject: VPC, messageId: 'resolves', messageIncludes: ['storage.googleapis.com.', 'restricted VIP 199.36.153.4/30', ZONE] }],
  },
  {
    name: 'an exact record set overrides the wildcard: storage.googleapis.com to a public address fails',
    snapshot: withZone((z) => z.recordSets!.push(record('storage.googleapis.com.', 'A', '142.250.196.123'))),
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongAddresses', messageIncludes: ['storage.googleapis.com. A 142.250.196.123', 'missing 199.36.153.4', 'unexpected 142.250.196.123'] }],
  },
  {
    name: 'a wildcard A record with the right addresses but no CNAME to restricted.googleapis.com fails',
    snapshot: withZone((z) => {
      z.recordSets = [record('*.googleapis.com.', 'A', '199.36.153.4', '199.36.153.5', '199.36.153.6', '199.36.153.7')];
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'notViaVipHost', messageIncludes: ['*.googleapis.com. A', 'restricted.googleapis.com.'] }],
  },
  {
    name: 'the CNAME pointing at restricted but the A record holding the private VIP fails as the wrong VIP',
    snapshot: withZone((z) => {
      z.recordSets!.find((r) => r.type === 'A')!.rrdatas = ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'];
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongVip', messageIncludes: ['to the private VIP', 'restricted.googleapis.com. A 199.36.153.8'] }],
  },
  {
    name: 'an extra address fails',
    snapshot: withZone((z) => z.recordSets!.find((r) => r.type === 'A')!.rrdatas.push('199.36.153.8')),
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongAddresses', messageIncludes: ['unexpected 199.36.153.8'] }],
  },
  {
    name: 'AAAA data inside the VIP\'s IPv6 range passes; outside it fails',
    snapshot: withZone((z) => z.recordSets!.push(record('restricted.googleapis.com.', 'AAAA', '2600:2d00:0002:1000::'), record('restricted.googleapis.com.', 'AAAA', '2001:db8::1'))),
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongAddresses', messageIncludes: ['unexpected 2001:db8::1'] }],
  },
  {
    name: 'without the restricted.googleapis.com A record the wildcard catches the VIP name itself: a CNAME loop',
    snapshot: withZone((z) => {
      z.recordSets = z.recordSets!.filter((r) => r.type !== 'A');
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'cnameLoop', messageIncludes: ['storage.googleapis.com. → restricted.googleapis.com. → restricted.googleapis.com.'] }],
  },
  {
    name: 'a more specific private zone for one API takes precedence over the googleapis.com zone',
    snapshot: withZone((z, s) => {
      s.managedZones.push({ ...z, name: 'storage', fullName: `${ZONE}-storage`, dnsName: 'storage.googleapis.com.', recordSets: [record('storage.googleapis.com.', 'CNAME', 'storage.l.google.com.')] });
    }),
    expect: [{ status: 'fail', subject: VPC, messageId: 'leavesPrivate', messageIncludes: ['storage.l.google.com.', 'managedZones/googleapis-storage'] }],
  },
  {
    name: 'a forwarding zone cannot be verified: not evaluated, naming the forwarding targets',
    snapshot: withZone((z) => {
      z.forwardingTargets = ['10.100.0.53', '10.100.0.54'];
      delete z.recordSets;
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'forwarded', messageIncludes: ['10.100.0.53 and 10.100.0.54', ZONE] }],
  },
  {
    name: 'a peering zone answers as its target network does',
    snapshot: withZone((z, s) => {
      s.managedZones.push({ ...z, name: 'hub-googleapis', fullName: 'hub-zone', project: 'acme-hub', privateVisibilityNetworks: [HUB] });
      z.peeringTargetNetwork = HUB;
      delete z.recordSets;
    }),
    expect: [{ status: 'pass', subject: VPC, messageIncludes: ['hub-zone'] }],
  },
  {
    name: 'record sets that could not be read: not evaluated, with the read error',
    snapshot: withZone((z, s) => {
      delete z.recordSets;
      s.readErrors.push({ project: 'acme-prod-platform', collection: 'recordSets', resource: ZONE, status: 403, message: 'dns.resourceRecordSets.list denied' });
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'unresolved', messageIncludes: ['not read', 'HTTP 403 dns.resourceRecordSets.list denied'] }],
  },
  {
    name: 'managed zones of the project that could not be read: not evaluated',
    snapshot: withZone((_z, s) => {
      s.managedZones = [];
      s.readErrors.push({ project: 'acme-prod-platform', collection: 'managedZones', status: 0, message: 'timeout' });
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'notRead', messageIncludes: ['acme-prod-platform', 'timeout'] }],
  },
  {
    name: 'a zone whose visibility is unknown until apply is not evaluated, never passed',
    snapshot: withZone((z) => {
      z.unknown = ['privateVisibilityNetworks'];
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'unknownZone', messageIncludes: ['privateVisibilityNetworks'] }],
  },
  {
    name: 'rrdatas unknown until apply make the answer unknown',
    snapshot: withZone((z) => {
      z.unknown = ['recordSets.3.rrdatas'];
    }),
    expect: [{ status: 'not-evaluated', subject: VPC, messageId: 'unresolved', messageIncludes: ['not known until apply'] }],
  },
  {
    name: 'the private VIP passes when the policy chooses it, and the article\'s zone then fails',
    snapshot: compliantSnapshot(),
    params: { vip: 'private' },
    expect: [{ status: 'fail', subject: VPC, messageId: 'wrongVip', messageIncludes: ['restricted VIP', 'CNAME restricted.googleapis.com.', 'private.googleapis.com.'] }],
  },
]);

describe('dns-googleapis subjects', () => {
  it('names a Shared VPC host network outside the snapshot by its full name, one result per network', () => {
    const s = compliantSnapshot();
    s.clusters[1].network = HOST_VPC;
    const results = runRule(dnsGoogleapis, s);
    expect(results.map((r) => [r.resource.fullName, r.resource.project, r.resource.kind, r.status, r.clusters.length])).toEqual([
      [VPC, 'acme-prod-platform', 'network', 'pass', 1],
      [HOST_VPC, 'acme-host', 'network', 'not-evaluated', 1],
    ]);
    // The host's zones are not in the input: no zone seen is no evidence (issue 11).
    expect(results[1].messageId).toBe('notCovered');
    expect(results[1].message).toContain('DNS managed zones of project acme-host (project acme-host is not in the input)');
    expect(results[0].clusters).toEqual(['//container.googleapis.com/projects/acme-prod-platform/locations/asia-northeast1/clusters/alpha']);
  });
});
