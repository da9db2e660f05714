import { expect, it } from 'vitest';
import type { Firewall } from '../../src/model/snapshot.js';
import { vipEgressFirewall } from '../../src/rules/vip-egress-firewall.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const BETA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/beta`;
const ALPHA_TAG = 'gke-alpha-3f2a1b9c-node';
const NODE_SA = 'gke-nodes@acme-prod-platform.iam.gserviceaccount.com';

/** The compliant example with one more egress rule (a deny of everything unless told otherwise). */
function withFirewall(extra: Partial<Firewall> & { name: string }) {
  const s = compliantSnapshot();
  const template = s.firewalls.find((f) => f.name === 'deny-egress-all')!;
  s.firewalls.push({ ...template, ...extra, fullName: `//compute.googleapis.com/projects/${PROJECT}/global/firewalls/${extra.name}` });
  return s;
}

function edit(change: (s: ReturnType<typeof compliantSnapshot>) => void) {
  const s = compliantSnapshot();
  change(s);
  return s;
}

const vipAllow = (s: ReturnType<typeof compliantSnapshot>) => s.firewalls.find((f) => f.name === 'allow-egress-restricted-vip')!;

const PRIVATE_VIP = ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'];

/** Points the example's DNS at the private VIP: the firewall asks about what DNS answers. */
function dnsToPrivateVip(s: ReturnType<typeof compliantSnapshot>) {
  for (const zone of s.managedZones) {
    for (const r of zone.recordSets ?? []) {
      if (r.type === 'CNAME' && r.rrdatas[0] === 'restricted.googleapis.com.') r.rrdatas = ['private.googleapis.com.'];
      if (r.type === 'A') {
        if (r.name === 'restricted.googleapis.com.') r.name = 'private.googleapis.com.';
        r.rrdatas = [...PRIVATE_VIP];
      }
    }
  }
}

ruleTester(vipEgressFirewall, [
  {
    name: 'the compliant example passes by its VIP allow',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'allowed', messageIncludes: ['allow-egress-restricted-vip (priority 1000)'] },
      { status: 'pass', subject: BETA, messageId: 'allowed' },
    ],
  },
  {
    name: 'a deny with a lower priority number shadows the allow',
    snapshot: withFirewall({ name: 'deny-google', priority: 500, destinationRanges: ['199.36.152.0/22'], denied: [{ IPProtocol: 'tcp', ports: ['443'] }] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['deny-google (priority 500)', 'allow-egress-restricted-vip (priority 1000)'] },
      { status: 'fail', subject: BETA, messageId: 'shadowed' },
    ],
  },
  {
    name: 'a deny at the same priority wins the tie',
    snapshot: withFirewall({ name: 'deny-tie', priority: 1000 }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['deny-tie (priority 1000)', 'at equal priority a deny wins'] },
      { status: 'fail', subject: BETA, messageId: 'shadowed' },
    ],
  },
  {
    name: 'a disabled deny shadows nothing',
    snapshot: withFirewall({ name: 'deny-off', priority: 10, disabled: true }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a deny targeting one cluster\'s node tag fails only that cluster',
    snapshot: withFirewall({ name: 'deny-alpha', priority: 10, targetTags: [ALPHA_TAG] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['node gke-alpha-default-pool-'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a deny targeting the nodes\' service account applies to them',
    snapshot: withFirewall({ name: 'deny-by-sa', priority: 10, targetServiceAccounts: [NODE_SA] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'shadowed', messageIncludes: ['deny-by-sa'] },
      { status: 'fail', subject: BETA, messageId: 'shadowed' },
    ],
  },
  {
    name: 'a deny of udp only leaves tcp:443 allowed',
    snapshot: withFirewall({ name: 'deny-udp', priority: 10, denied: [{ IPProtocol: 'udp' }] }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'an allow covering half the VIP range fails on the other half',
    snapshot: edit((s) => {
      vipAllow(s).destinationRanges = ['199.36.153.4/31'];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'denied', messageIncludes: ['199.36.153.6/31', 'deny-egress-all (priority 65534)'] },
      { status: 'fail', subject: BETA, messageId: 'denied' },
    ],
  },
  {
    name: 'an allow of a port range and of protocol all both count',
    snapshot: edit((s) => {
      vipAllow(s).allowed = [{ IPProtocol: 'tcp', ports: ['80', '400-500'] }];
    }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'an allow for the private VIP does not open the restricted VIP',
    snapshot: edit((s) => {
      vipAllow(s).destinationRanges = ['199.36.153.8/30'];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'denied' },
      { status: 'fail', subject: BETA, messageId: 'denied' },
    ],
  },
  {
    name: 'the same allow passes when the policy chooses the private VIP and DNS answers it',
    snapshot: edit((s) => {
      vipAllow(s).destinationRanges = ['199.36.153.8/30'];
      dnsToPrivateVip(s);
    }),
    params: { vip: 'private' },
    expect: [
      { status: 'pass', subject: ALPHA, messageIncludes: ['private.googleapis.com'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'without any egress deny the implied allow counts, and the message says so',
    snapshot: edit((s) => {
      s.firewalls = s.firewalls.filter((f) => f.direction === 'INGRESS');
    }),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'allowedImplied', messageIncludes: ['implied egress allow rule'] },
      { status: 'pass', subject: BETA, messageId: 'allowedImplied' },
    ],
  },
  {
    name: 'a firewall whose priority is unknown until apply leaves the clusters not evaluated',
    snapshot: withFirewall({ name: 'planned-deny', priority: 10, unknown: ['priority'] }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['priority of firewall planned-deny'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unknown' },
    ],
  },
  {
    name: 'a network outside the snapshot leaves the cluster not evaluated',
    snapshot: edit((s) => {
      s.networks = [];
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'networkMissing' },
      { status: 'not-evaluated', subject: BETA, messageId: 'networkMissing' },
    ],
  },
  {
    name: 'a malformed port in any rule of the network is not evaluated, never a crash',
    snapshot: withFirewall({ name: 'bad-port', denied: [{ IPProtocol: 'tcp', ports: ['https'] }] }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unreadable', messageIncludes: ['denied[0].ports[0] "https" of firewall bad-port'] },
      { status: 'not-evaluated', subject: BETA, messageId: 'unreadable' },
    ],
  },
]);

it('vip-egress-firewall: firewalls that could not be read make the clusters not evaluated, with the read error', () => {
  const s = compliantSnapshot();
  s.readErrors.push({ project: PROJECT, collection: 'firewalls', status: 0, message: 'timeout after 30s' });
  const results = runRule(vipEgressFirewall, s);
  expect(results.map((r) => [r.status, r.messageId])).toEqual([
    ['not-evaluated', 'readError'],
    ['not-evaluated', 'readError'],
  ]);
  expect(results[0].message).toContain('timeout after 30s');
  expect(results[0].readErrors?.[0].collection).toBe('firewalls');
});
