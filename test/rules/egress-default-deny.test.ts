import { expect, it } from 'vitest';
import type { Firewall } from '../../src/model/snapshot.js';
import { egressDefaultDeny } from '../../src/rules/egress-default-deny.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const BETA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/beta`;
const ALPHA_TAG = 'gke-alpha-3f2a1b9c-node';

type Snap = ReturnType<typeof compliantSnapshot>;

function edit(change: (s: Snap) => void): Snap {
  const s = compliantSnapshot();
  change(s);
  return s;
}

const rule = (s: Snap, name: string) => s.firewalls.find((f) => f.name === name)!;

/** The compliant example with one more egress rule, an allow of everything unless told otherwise. */
function withFirewall(extra: Partial<Firewall> & { name: string }): Snap {
  return edit((s) => {
    const template = rule(s, 'allow-egress-proxy');
    s.firewalls.push({ ...template, allowed: [{ IPProtocol: 'all' }], ...extra, fullName: `//compute.googleapis.com/projects/${PROJECT}/global/firewalls/${extra.name}` });
  });
}

const bothPass = [
  { status: 'pass' as const, subject: ALPHA },
  { status: 'pass' as const, subject: BETA },
];

ruleTester(egressDefaultDeny, [
  {
    name: 'the compliant example denies the internet and keeps the VIP and proxy open',
    snapshot: compliantSnapshot(),
    expect: [
      { status: 'pass', subject: ALPHA, messageId: 'denied', messageIncludes: ['deny-egress-all (priority 65534)', 'proxy 10.100.5.10/32'] },
      { status: 'pass', subject: BETA, messageId: 'denied' },
    ],
  },
  {
    name: 'a disabled deny-all is no deny, and the message says it is disabled',
    snapshot: edit((s) => {
      rule(s, 'deny-egress-all').disabled = true;
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'noDefaultDeny', messageIncludes: ['deny deny-egress-all is disabled'] },
      { status: 'fail', subject: BETA, messageId: 'noDefaultDeny' },
    ],
  },
  {
    name: 'a deny-all targeting one cluster\'s tag leaves the other open',
    snapshot: edit((s) => {
      rule(s, 'deny-egress-all').targetTags = [ALPHA_TAG];
    }),
    expect: [
      { status: 'pass', subject: ALPHA },
      { status: 'fail', subject: BETA, messageId: 'noDefaultDeny', messageIncludes: ['targets other nodes'] },
    ],
  },
  {
    name: 'an IPv6 deny of ::/0 is not a deny of 0.0.0.0/0',
    snapshot: edit((s) => {
      rule(s, 'deny-egress-all').destinationRanges = ['::/0'];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'noDefaultDeny' },
      { status: 'fail', subject: BETA, messageId: 'noDefaultDeny' },
    ],
  },
  {
    name: 'a deny of tcp only lets udp out through the implied egress allow',
    snapshot: edit((s) => {
      rule(s, 'deny-egress-all').denied = [{ IPProtocol: 'tcp' }];
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'internetOpen', messageIncludes: ['udp:1', 'implied egress allow rule'] },
      { status: 'fail', subject: BETA, messageId: 'internetOpen' },
    ],
  },
  {
    name: 'an allow of https to the whole internet above the deny lets traffic out',
    snapshot: withFirewall({ name: 'allow-https-anywhere', destinationRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'internetOpen', messageIncludes: ['tcp:443', 'allow-https-anywhere (priority 1000)'] },
      { status: 'fail', subject: BETA, messageId: 'internetOpen' },
    ],
  },
  {
    name: 'an internet allow at the deny\'s priority loses the tie',
    snapshot: withFirewall({ name: 'allow-all-tied', priority: 65534, destinationRanges: ['0.0.0.0/0'] }),
    expect: bothPass,
  },
  {
    name: 'an internet allow for a tag the nodes lack lets nothing out',
    snapshot: withFirewall({ name: 'allow-bastion-out', destinationRanges: ['0.0.0.0/0'], targetTags: ['bastion'] }),
    expect: bothPass,
  },
  {
    name: 'an allow to a public on-prem range is not internet access when the policy lists that range',
    snapshot: withFirewall({ name: 'allow-dc', destinationRanges: ['203.0.113.0/24'] }),
    params: { onPremRanges: ['10.100.0.0/16', '203.0.113.0/24'] },
    expect: bothPass,
  },
  {
    name: 'the same allow is internet access when the policy does not list the range',
    snapshot: withFirewall({ name: 'allow-dc', destinationRanges: ['203.0.113.0/24'] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'internetOpen', messageIncludes: ['203.0.113.0/24', 'allow-dc'] },
      { status: 'fail', subject: BETA, messageId: 'internetOpen' },
    ],
  },
  {
    name: 'a deny above the VIP allow shadows the VIP',
    snapshot: withFirewall({ name: 'deny-vip', priority: 900, destinationRanges: ['199.36.153.4/30'], allowed: [], denied: [{ IPProtocol: 'tcp' }] }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'vipShadowed', messageIncludes: ['deny-vip (priority 900)'] },
      { status: 'fail', subject: BETA, messageId: 'vipShadowed' },
    ],
  },
  {
    name: 'a proxy nothing allows is shadowed by the deny-all',
    snapshot: edit((s) => {
      s.firewalls = s.firewalls.filter((f) => f.name !== 'allow-egress-proxy' && f.name !== 'allow-egress-internal');
    }),
    expect: [
      { status: 'fail', subject: ALPHA, messageId: 'proxyShadowed', messageIncludes: ['10.100.5.10/32', 'deny-egress-all (priority 65534)'] },
      { status: 'fail', subject: BETA, messageId: 'proxyShadowed' },
    ],
  },
  {
    name: 'without proxy ranges in the policy only the VIP needs to stay open',
    snapshot: edit((s) => {
      s.firewalls = s.firewalls.filter((f) => f.name !== 'allow-egress-proxy' && f.name !== 'allow-egress-internal');
    }),
    params: { proxyRanges: [] },
    expect: bothPass,
  },
  {
    name: 'a control-plane range unknown until apply leaves the cluster not evaluated',
    snapshot: edit((s) => {
      s.clusters[0].unknown = ['privateClusterConfig.masterIpv4CidrBlock'];
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'unknown', messageIncludes: ['masterIpv4CidrBlock'] },
      { status: 'pass', subject: BETA },
    ],
  },
  {
    name: 'a node subnetwork outside the snapshot leaves the clusters not evaluated',
    snapshot: edit((s) => {
      s.subnetworks = [];
    }),
    expect: [
      { status: 'not-evaluated', subject: ALPHA, messageId: 'subnetworkMissing' },
      { status: 'not-evaluated', subject: BETA, messageId: 'subnetworkMissing' },
    ],
  },
]);

it('egress-default-deny: subnetworks that could not be read make the clusters not evaluated', () => {
  const s = compliantSnapshot();
  s.subnetworks = [];
  s.readErrors.push({ project: PROJECT, collection: 'subnetworks', status: 429, message: 'quota exceeded' });
  const results = runRule(egressDefaultDeny, s);
  expect(results.map((r) => r.messageId)).toEqual(['readError', 'readError']);
  expect(results[0].readErrors).toHaveLength(1);
  expect(results[0].message).toContain('subnetworks of project acme-prod-platform');
});
