/**
 * The Google API access path through the rules that share it (src/network/api-path.ts): a Private
 * Service Connect endpoint for Google APIs instead of the VIP, and Cloud DNS response and server
 * policies and cluster-scoped zones (src/network/dns.ts), each case built on the compliant example.
 */
import { describe, expect, it } from 'vitest';
import type { Address, Firewall, ForwardingRule, ManagedZone, RecordSet, ResponsePolicy, Snapshot } from '../../src/model/snapshot.js';
import { dnsGcr } from '../../src/rules/dns-gcr.js';
import { dnsGoogleapis } from '../../src/rules/dns-googleapis.js';
import { dnsPkgDev } from '../../src/rules/dns-pkg-dev.js';
import { egressDefaultDeny } from '../../src/rules/egress-default-deny.js';
import { vipEgressFirewall } from '../../src/rules/vip-egress-firewall.js';
import { vipRoute } from '../../src/rules/vip-route.js';
import { compliantSnapshot } from '../helpers/fixtures.js';
import { runRule } from '../helpers/rule-tester.js';

const PROJECT = 'acme-prod-platform';
const VPC = `//compute.googleapis.com/projects/${PROJECT}/global/networks/vpc-private`;
const ALPHA = `//container.googleapis.com/projects/${PROJECT}/locations/asia-northeast1/clusters/alpha`;
const ENDPOINT_IP = '10.10.100.5';
const RESTRICTED = ['199.36.153.4', '199.36.153.5', '199.36.153.6', '199.36.153.7'];
const PRIVATE = ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'];
const record = (name: string, type: string, ...rrdatas: string[]): RecordSet => ({ name, type, ttl: 300, rrdatas });
const fixture = { source: 'fixture' as const };

function pscAddress(): Address {
  return {
    kind: 'address',
    name: 'psc-googleapis',
    fullName: `//compute.googleapis.com/projects/${PROJECT}/global/addresses/psc-googleapis`,
    project: PROJECT,
    origin: fixture,
    address: ENDPOINT_IP,
    addressType: 'INTERNAL',
    purpose: 'PRIVATE_SERVICE_CONNECT',
    network: VPC,
  };
}

function pscRule(bundle: 'vpc-sc' | 'all-apis'): ForwardingRule {
  return {
    kind: 'forwardingRule',
    name: `psc${bundle.replace('-', '')}`,
    fullName: `//compute.googleapis.com/projects/${PROJECT}/global/forwardingRules/psc${bundle.replace('-', '')}`,
    project: PROJECT,
    origin: fixture,
    addressRef: pscAddress().fullName,
    target: bundle,
    network: VPC,
  };
}

function endpointAllow(s: Snapshot): Firewall {
  const template = s.firewalls.find((f) => f.name === 'allow-egress-restricted-vip')!;
  return { ...template, name: 'allow-egress-psc', fullName: template.fullName.replace('allow-egress-restricted-vip', 'allow-egress-psc'), destinationRanges: [`${ENDPOINT_IP}/32`] };
}

/** The compliant example reaching Google APIs through a PSC endpoint: DNS answers its address. */
function pscSnapshot(bundle: 'vpc-sc' | 'all-apis', options: { allow?: boolean } = {}): Snapshot {
  const s = compliantSnapshot();
  s.addresses.push(pscAddress());
  s.forwardingRules.push(pscRule(bundle));
  for (const zone of s.managedZones) {
    zone.recordSets = zone.recordSets!.filter((r) => r.type !== 'A' && !(r.type === 'CNAME' && r.name === '*.googleapis.com.'));
    if (zone.dnsName === 'googleapis.com.') zone.recordSets.push(record('*.googleapis.com.', 'CNAME', `storage-psc${bundle.replace('-', '')}.p.googleapis.com.`));
    else zone.recordSets.push(record(zone.dnsName, 'A', ENDPOINT_IP));
  }
  // The p.googleapis.com names Cloud DNS offers for the endpoint.
  const googleapis = s.managedZones.find((z) => z.dnsName === 'googleapis.com.')!;
  s.managedZones.push({
    ...googleapis,
    name: 'p-googleapis',
    fullName: googleapis.fullName.replace(/googleapis$/, 'p-googleapis'),
    dnsName: 'p.googleapis.com.',
    recordSets: [record('*.p.googleapis.com.', 'A', ENDPOINT_IP)],
  });
  // No VIP route and no VIP allow: the endpoint needs neither.
  s.routes = s.routes.filter((r) => r.name !== 'restricted-googleapis');
  if (options.allow !== false) s.firewalls.push(endpointAllow(s));
  s.firewalls = s.firewalls.filter((f) => f.name !== 'allow-egress-restricted-vip');
  return s;
}

function responsePolicy(rules: ResponsePolicy['rules'], bound: Partial<Pick<ResponsePolicy, 'networks' | 'gkeClusters'>> = { networks: [VPC] }): ResponsePolicy {
  return {
    kind: 'responsePolicy',
    name: 'googleapis-policy',
    fullName: `//dns.googleapis.com/projects/${PROJECT}/responsePolicies/googleapis-policy`,
    project: PROJECT,
    origin: fixture,
    networks: bound.networks ?? [],
    gkeClusters: bound.gkeClusters ?? [],
    rules,
  };
}

/** Rules answering the three domains with the restricted VIP, as Google's response-policy guide does. */
function restrictedRules(): NonNullable<ResponsePolicy['rules']> {
  return [
    { ruleName: 'googleapis', dnsName: '*.googleapis.com.', localData: [record('*.googleapis.com.', 'CNAME', 'restricted.googleapis.com.')] },
    { ruleName: 'restricted', dnsName: 'restricted.googleapis.com.', localData: [record('restricted.googleapis.com.', 'A', ...RESTRICTED)] },
    { ruleName: 'gcr', dnsName: 'gcr.io.', localData: [record('gcr.io.', 'A', ...RESTRICTED)] },
    { ruleName: 'gcr-wildcard', dnsName: '*.gcr.io.', localData: [record('*.gcr.io.', 'CNAME', 'gcr.io.')] },
    { ruleName: 'pkg', dnsName: 'pkg.dev.', localData: [record('pkg.dev.', 'A', ...RESTRICTED)] },
    { ruleName: 'pkg-wildcard', dnsName: '*.pkg.dev.', localData: [record('*.pkg.dev.', 'CNAME', 'pkg.dev.')] },
  ];
}

const statuses = (results: ReturnType<typeof runRule>) => results.map((r) => [r.status, r.messageId]);

describe('a Private Service Connect endpoint for Google APIs', () => {
  it('a vpc-sc endpoint under vip: restricted passes the DNS and firewall rules; vip-route is not applicable, saying why', () => {
    const s = pscSnapshot('vpc-sc');
    for (const rule of [dnsGoogleapis, dnsGcr, dnsPkgDev]) {
      const [result] = runRule(rule, s);
      expect(result.status, result.message).toBe('pass');
      expect(result.messageId).toBe('resolvesPsc');
      expect(result.message).toContain(`PSC endpoint pscvpcsc (vpc-sc, ${ENDPOINT_IP})`);
    }
    const routes = runRule(vipRoute, s);
    expect(statuses(routes)).toEqual([
      ['not-applicable', 'pscPath'],
      ['not-applicable', 'pscPath'],
    ]);
    expect(routes[0].message).toContain('needs no route to the default internet gateway');
    const firewall = runRule(vipEgressFirewall, s);
    expect(statuses(firewall)).toEqual([
      ['pass', 'allowed'],
      ['pass', 'allowed'],
    ]);
    expect(firewall[0].message).toContain(`PSC endpoint pscvpcsc (vpc-sc, ${ENDPOINT_IP}) (${ENDPOINT_IP}/32)`);
    expect(statuses(runRule(egressDefaultDeny, s))).toEqual([
      ['pass', 'denied'],
      ['pass', 'denied'],
    ]);
  });

  it('an all-apis endpoint under vip: restricted fails the DNS rules: the wrong bundle', () => {
    const [result] = runRule(dnsGoogleapis, pscSnapshot('all-apis'));
    expect(result.status).toBe('fail');
    expect(result.messageId).toBe('wrongBundle');
    expect(result.message).toContain('all-apis bundle gives what the private VIP gives');
    expect(result.message).toContain('a vpc-sc endpoint');
  });

  it('an all-apis endpoint passes under vip: private', () => {
    const [result] = runRule(dnsGoogleapis, pscSnapshot('all-apis'), { vip: 'private' });
    expect(result.status, result.message).toBe('pass');
  });

  it('egress to the endpoint denied fails the firewall rules, naming the endpoint (the VIP allow no longer matters)', () => {
    const s = pscSnapshot('vpc-sc', { allow: false });
    const [firewall] = runRule(vipEgressFirewall, s);
    expect(firewall.status).toBe('fail');
    expect(firewall.messageId).toBe('denied');
    expect(firewall.message).toContain(`tcp:443 to PSC endpoint pscvpcsc (vpc-sc, ${ENDPOINT_IP}) (${ENDPOINT_IP}) is denied by deny-egress-all`);
    const [egress] = runRule(egressDefaultDeny, s);
    expect(egress.status).toBe('fail');
    expect(egress.messageId).toBe('vipShadowed');
  });

  it('the same endpoint with DNS still at the VIP: the VIP path is judged, and the route is required', () => {
    const s = compliantSnapshot();
    s.addresses.push(pscAddress());
    s.forwardingRules.push(pscRule('vpc-sc'));
    s.routes = s.routes.filter((r) => r.name !== 'restricted-googleapis');
    expect(runRule(vipRoute, s)[0].status).toBe('fail');
    expect(runRule(dnsGoogleapis, s)[0].messageId).toBe('resolves');
  });

  it('an address that is no VIP is not evaluated when the forwarding rules were not read (it may be an endpoint)', () => {
    const s = pscSnapshot('vpc-sc');
    s.forwardingRules = [];
    s.coverage = s.coverage.map((c) => (c.collection === 'forwardingRules' ? { ...c, state: 'not-read', reason: 'read error 403 PERMISSION_DENIED: denied' } : c));
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status).toBe('not-evaluated');
    expect(result.message).toContain('forwarding rules of project acme-prod-platform were not read');
  });
});

describe('Cloud DNS response policies, server policies and cluster-scoped zones', () => {
  const withoutZones = (s: Snapshot): Snapshot => {
    s.managedZones = [];
    return s;
  };

  it('a response policy answering correctly with no private zone at all passes, naming the rules', () => {
    const s = withoutZones(compliantSnapshot());
    s.responsePolicies.push(responsePolicy(restrictedRules()));
    for (const rule of [dnsGoogleapis, dnsGcr, dnsPkgDev]) {
      const [result] = runRule(rule, s);
      expect(result.status, result.message).toBe('pass');
      expect(result.message).toContain('response policy //dns.googleapis.com/projects/acme-prod-platform/responsePolicies/googleapis-policy rule');
    }
  });

  it('a response-policy rule overriding a correct zone with the private VIP fails: policies come before zones', () => {
    const s = compliantSnapshot();
    s.responsePolicies.push(
      responsePolicy([{ ruleName: 'storage', dnsName: 'storage.googleapis.com.', localData: [record('storage.googleapis.com.', 'A', ...PRIVATE)] }]),
    );
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status).toBe('fail');
    expect(result.messageId).toBe('wrongVip');
    expect(result.message).toContain('response policy');
    expect(result.message).toContain('rule storage');
  });

  it('bypassResponsePolicy on the specific name lets the zone answer, past a broader overriding rule', () => {
    const s = compliantSnapshot();
    s.responsePolicies.push(
      responsePolicy([
        { ruleName: 'everything', dnsName: '*.googleapis.com.', localData: [record('*.googleapis.com.', 'A', ...PRIVATE)] },
        { ruleName: 'storage-bypass', dnsName: 'storage.googleapis.com.', behavior: 'bypassResponsePolicy' },
        { ruleName: 'restricted-bypass', dnsName: 'restricted.googleapis.com.', behavior: 'bypassResponsePolicy' },
      ]),
    );
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toContain('zone //dns.googleapis.com/projects/acme-prod-platform/managedZones/googleapis');
  });

  it('without the bypass, the broader rule wins over the zone', () => {
    const s = compliantSnapshot();
    s.responsePolicies.push(responsePolicy([{ ruleName: 'everything', dnsName: '*.googleapis.com.', localData: [record('*.googleapis.com.', 'A', ...PRIVATE)] }]));
    expect(runRule(dnsGoogleapis, s)[0].messageId).toBe('wrongVip');
  });

  it('a server policy with alternative name servers is not evaluated, naming the servers', () => {
    const s = compliantSnapshot();
    s.dnsPolicies.push({
      kind: 'dnsPolicy',
      name: 'onprem-dns',
      fullName: `//dns.googleapis.com/projects/${PROJECT}/policies/onprem-dns`,
      project: PROJECT,
      origin: fixture,
      networks: [VPC],
      alternativeNameServers: [{ ipv4Address: '10.100.0.53' }, { ipv4Address: '10.100.0.54', forwardingPath: 'private' }],
    });
    for (const rule of [dnsGoogleapis, dnsGcr, dnsPkgDev]) {
      const [result] = runRule(rule, s);
      expect(result.status).toBe('not-evaluated');
      expect(result.messageId).toBe('serverPolicy');
      expect(result.message).toContain('10.100.0.53 and 10.100.0.54');
    }
  });

  it('a zone visible only to one GKE cluster answers for that cluster: the other cluster\'s nodes fall through to public DNS', () => {
    const s = compliantSnapshot();
    const zone = s.managedZones.find((z) => z.dnsName === 'googleapis.com.') as ManagedZone;
    zone.privateVisibilityNetworks = [];
    zone.privateVisibilityClusters = [ALPHA];
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status).toBe('fail');
    expect(result.messageId).toBe('noZone');
    expect(result.message).not.toContain('cluster alpha');
  });

  it('a zone visible to both clusters passes, resolved as each cluster\'s nodes do', () => {
    const s = compliantSnapshot();
    const zone = s.managedZones.find((z) => z.dnsName === 'googleapis.com.') as ManagedZone;
    zone.privateVisibilityNetworks = [];
    zone.privateVisibilityClusters = s.clusters.map((c) => c.fullName);
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status, result.message).toBe('pass');
  });

  it('a cluster-scoped response policy wins over the network\'s zone for that cluster only', () => {
    const s = compliantSnapshot();
    s.responsePolicies.push(
      responsePolicy([{ ruleName: 'storage', dnsName: 'storage.googleapis.com.', localData: [record('storage.googleapis.com.', 'A', ...PRIVATE)] }], { gkeClusters: [ALPHA] }),
    );
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('as the nodes of cluster alpha resolve it');
  });

  it('response policies not read leave the DNS rules not evaluated, naming the collection', () => {
    const s = compliantSnapshot();
    s.coverage = s.coverage.filter((c) => c.collection !== 'responsePolicies');
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status).toBe('not-evaluated');
    expect(result.messageId).toBe('notCovered');
    expect(result.message).toContain('DNS response policies of project acme-prod-platform');
  });

  it('a response policy whose rules were not read is not evaluated', () => {
    const s = compliantSnapshot();
    s.responsePolicies.push(responsePolicy(undefined));
    const [result] = runRule(dnsGoogleapis, s);
    expect(result.status).toBe('not-evaluated');
    expect(result.message).toContain('the rules of response policy googleapis-policy were not read');
  });
});

describe('the private VIP under vip: restricted', () => {
  const withPrivateAllow = (): Snapshot => {
    const s = compliantSnapshot();
    const template = s.firewalls.find((f) => f.name === 'allow-egress-restricted-vip')!;
    s.firewalls.push({ ...template, name: 'allow-egress-private-vip', fullName: template.fullName.replace('restricted-vip', 'private-vip'), destinationRanges: ['199.36.153.8/30'] });
    return s;
  };

  it('an egress allow to the private VIP is a path out of the perimeter for both firewall rules', () => {
    const [firewall] = runRule(vipEgressFirewall, withPrivateAllow());
    expect(firewall.status).toBe('fail');
    expect(firewall.messageId).toBe('privateVipOpen');
    expect(firewall.message).toContain('outside the VPC Service Controls perimeter');
    const [egress] = runRule(egressDefaultDeny, withPrivateAllow());
    expect(egress.status).toBe('fail');
    expect(egress.messageId).toBe('privateVipOpen');
    expect(egress.message).toContain('allow-egress-private-vip');
  });

  it('the same allow is harmless under vip: private', () => {
    expect(runRule(egressDefaultDeny, withPrivateAllow(), { vip: 'private' })[0].messageId).not.toBe('privateVipOpen');
  });
});
