/** Cloud DNS resolution order (src/network/dns.ts) and the API access path (src/network/api-path.ts), unit by unit. */
import { describe, expect, it } from 'vitest';
import { matchingPolicyRule, resolve } from '../../src/network/dns.js';
import { apiDestinations, apiPathOf, classifyAddress, pscEndpointsOn, type ApiPathView } from '../../src/network/api-path.js';
import { managedZoneName, networkName } from '../../src/model/names.js';
import type { Address, DnsServerPolicy, ForwardingRule, ManagedZone, RecordSet, ResponsePolicy } from '../../src/model/snapshot.js';

const VPC = networkName('p', 'vpc');
const CLUSTER = '//container.googleapis.com/projects/p/locations/asia-northeast1/clusters/alpha';
const rs = (name: string, type: string, ...rrdatas: string[]): RecordSet => ({ name, type, ttl: 300, rrdatas });
const fixture = { source: 'fixture' as const };

function zone(name: string, dnsName: string, recordSets: RecordSet[], parts: Partial<ManagedZone> = {}): ManagedZone {
  return { kind: 'managedZone', name, fullName: managedZoneName('p', name), project: 'p', origin: fixture, dnsName, visibility: 'private', privateVisibilityNetworks: [VPC], recordSets, ...parts };
}

function policy(name: string, rules: ResponsePolicy['rules'], bound: { networks?: string[]; gkeClusters?: string[] } = { networks: [VPC] }): ResponsePolicy {
  return { kind: 'responsePolicy', name, fullName: `//dns.googleapis.com/projects/p/responsePolicies/${name}`, project: 'p', origin: fixture, networks: bound.networks ?? [], gkeClusters: bound.gkeClusters ?? [], rules };
}

function view(parts: { zones?: ManagedZone[]; policies?: ResponsePolicy[]; servers?: DnsServerPolicy[]; rules?: ForwardingRule[]; addresses?: Address[] }): ApiPathView {
  const zones = parts.zones ?? [];
  return {
    zonesVisibleTo: (n) => zones.filter((z) => z.privateVisibilityNetworks.includes(n)),
    zonesVisibleToCluster: (c) => zones.filter((z) => (z.privateVisibilityClusters ?? []).includes(c)),
    responsePoliciesBoundTo: (x) => (parts.policies ?? []).filter((p) => p.networks.includes(x) || p.gkeClusters.includes(x)),
    dnsPoliciesOn: (n) => (parts.servers ?? []).filter((p) => p.networks.includes(n)),
    forwardingRulesOn: (n) => (parts.rules ?? []).filter((r) => r.network === n),
    addressesOn: (n) => (parts.addresses ?? []).filter((a) => a.network === n),
  };
}

describe('response-policy rules', () => {
  const rules = policy('p', [
    { ruleName: 'wild', dnsName: '*.googleapis.com.', localData: [rs('*.googleapis.com.', 'A', '10.0.0.1')] },
    { ruleName: 'exact', dnsName: 'storage.googleapis.com.', localData: [rs('storage.googleapis.com.', 'A', '10.0.0.2')] },
    { ruleName: 'deeper', dnsName: '*.eu.googleapis.com.', behavior: 'bypassResponsePolicy' },
  ]);

  it('the longest matching suffix wins: an exact name over a wildcard, a deeper wildcard over a shallower one', () => {
    expect(matchingPolicyRule([rules], 'storage.googleapis.com.')).toMatchObject({ kind: 'rule', used: { rule: { ruleName: 'exact' } } });
    expect(matchingPolicyRule([rules], 'bigquery.googleapis.com.')).toMatchObject({ kind: 'rule', used: { rule: { ruleName: 'wild' } } });
    expect(matchingPolicyRule([rules], 'x.eu.googleapis.com.')).toMatchObject({ kind: 'rule', used: { rule: { ruleName: 'deeper' } } });
    // A wildcard does not cover the name it hangs under.
    expect(matchingPolicyRule([rules], 'googleapis.com.')).toEqual({ kind: 'none' });
  });

  it('two policies whose equally specific rules answer differently make the answer unknown', () => {
    const other = policy('q', [{ ruleName: 'other', dnsName: 'storage.googleapis.com.', localData: [rs('storage.googleapis.com.', 'A', '10.9.9.9')] }]);
    expect(matchingPolicyRule([rules, other], 'storage.googleapis.com.').kind).toBe('unknown');
  });

  it('local data overrides the zone; bypass lets the zone answer; the CNAME of local data is chased through the zones', () => {
    const z = zone('g', 'googleapis.com.', [rs('*.googleapis.com.', 'A', '199.36.153.4')]);
    expect(resolve(view({ zones: [z], policies: [rules] }), VPC, 'storage.googleapis.com.')).toMatchObject({ kind: 'addresses', a: ['10.0.0.2'], policyRule: { rule: { ruleName: 'exact' } } });
    expect(resolve(view({ zones: [z], policies: [rules] }), VPC, 'x.eu.googleapis.com.')).toMatchObject({ kind: 'addresses', a: ['199.36.153.4'], zone: { name: 'g' } });
    const chained = policy('c', [{ ruleName: 'cname', dnsName: 'gcr.io.', localData: [rs('gcr.io.', 'CNAME', 'x.googleapis.com.')] }]);
    const answer = resolve(view({ zones: [z], policies: [chained] }), VPC, 'gcr.io.');
    expect(answer).toMatchObject({ kind: 'addresses', a: ['199.36.153.4'] });
    expect(answer.steps.map((s) => s.policyRule?.rule.ruleName ?? s.zone?.name)).toEqual(['cname', 'g']);
  });
});

describe('the order for a GKE node', () => {
  const server: DnsServerPolicy = { kind: 'dnsPolicy', name: 's', fullName: '//dns.googleapis.com/projects/p/policies/s', project: 'p', origin: fixture, networks: [VPC], alternativeNameServers: [{ ipv4Address: '10.100.0.53' }] };
  const clusterZone = zone('cz', 'gcr.io.', [rs('gcr.io.', 'A', '10.1.1.1')], { privateVisibilityNetworks: [], privateVisibilityClusters: [CLUSTER] });

  it('a server policy with alternative name servers answers every query of the network', () => {
    expect(resolve(view({ servers: [server], zones: [zone('g', 'gcr.io.', [rs('gcr.io.', 'A', '10.2.2.2')])] }), VPC, 'gcr.io.')).toMatchObject({ kind: 'serverPolicy', servers: ['10.100.0.53'] });
  });

  it('cluster-scoped policies and zones come before the server policy, and only for that cluster', () => {
    const v = view({ servers: [server], zones: [clusterZone] });
    expect(resolve(v, VPC, 'gcr.io.', { cluster: CLUSTER })).toMatchObject({ kind: 'addresses', a: ['10.1.1.1'] });
    expect(resolve(v, VPC, 'gcr.io.').kind).toBe('serverPolicy');
    const clusterPolicy = policy('cp', [{ ruleName: 'r', dnsName: 'gcr.io.', localData: [rs('gcr.io.', 'A', '10.3.3.3')] }], { gkeClusters: [CLUSTER] });
    expect(resolve(view({ zones: [clusterZone], policies: [clusterPolicy] }), VPC, 'gcr.io.', { cluster: CLUSTER })).toMatchObject({ a: ['10.3.3.3'] });
  });
});

describe('the API access path', () => {
  const address: Address = { kind: 'address', name: 'psc', fullName: '//compute.googleapis.com/projects/p/global/addresses/psc', project: 'p', origin: fixture, address: '10.10.100.5', purpose: 'PRIVATE_SERVICE_CONNECT', network: VPC };
  const endpoint = (target: string, region?: string): ForwardingRule => ({
    kind: 'forwardingRule', name: `fr-${target}`, fullName: `//compute.googleapis.com/projects/p/global/forwardingRules/fr-${target}`, project: 'p', origin: fixture, addressRef: address.fullName, target, network: VPC, ...(region ? { region } : {}),
  });

  it('a PSC endpoint for Google APIs is a global forwarding rule targeting a bundle; its address may come from the address resource', () => {
    const v = view({ rules: [endpoint('vpc-sc'), endpoint('all-apis', 'asia-northeast1'), endpoint('//compute.googleapis.com/projects/p/regions/r/serviceAttachments/x')], addresses: [address] });
    expect(pscEndpointsOn(v, VPC).map((e) => [e.forwardingRule.name, e.bundle, e.address])).toEqual([['fr-vpc-sc', 'vpc-sc', '10.10.100.5']]);
    expect(classifyAddress('199.36.153.9', [])).toEqual({ kind: 'vip', vip: 'private' });
    expect(classifyAddress('8.8.8.8', []).kind).toBe('other');
  });

  it('the path is PSC only when DNS answers the endpoint; the firewall destinations are what DNS answers and the policy accepts', () => {
    const toEndpoint = zone('g', 'googleapis.com.', [rs('*.googleapis.com.', 'A', '10.10.100.5')]);
    const toVip = zone('g', 'googleapis.com.', [rs('*.googleapis.com.', 'A', '199.36.153.4', '199.36.153.5', '199.36.153.6', '199.36.153.7')]);
    const parts = { rules: [endpoint('vpc-sc')], addresses: [address] };
    expect(apiPathOf(view({ ...parts, zones: [toEndpoint] }), VPC).kind).toBe('psc');
    expect(apiPathOf(view({ ...parts, zones: [toVip] }), VPC).kind).toBe('vip');
    expect(apiDestinations(view({ ...parts, zones: [toEndpoint] }), VPC, 'restricted').map((d) => d.range)).toEqual(['10.10.100.5/32']);
    // Under vip: private a vpc-sc endpoint is not the policy's path: the DNS rules report it, the firewall asks for the VIP.
    expect(apiDestinations(view({ ...parts, zones: [toEndpoint] }), VPC, 'private').map((d) => d.range)).toEqual(['199.36.153.8/30']);
    expect(apiDestinations(view({ zones: [] }), VPC, 'restricted').map((d) => d.range)).toEqual(['199.36.153.4/30']);
  });
});

