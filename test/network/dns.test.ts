import { describe, expect, it } from 'vitest';
import { answeringZone, isSubdomain, lookupInZone, recordText, resolve, type ZoneView } from '../../src/network/dns.js';
import { managedZoneName, networkName } from '../../src/model/names.js';
import type { ManagedZone, RecordSet } from '../../src/model/snapshot.js';

const VPC = networkName('p', 'vpc');
const OTHER = networkName('p', 'other');
const HUB = networkName('hub', 'hub');
const VIP = ['199.36.153.4', '199.36.153.5', '199.36.153.6', '199.36.153.7'];

function rs(name: string, type: string, ...rrdatas: string[]): RecordSet {
  return { name, type, ttl: 300, rrdatas };
}

function zone(name: string, dnsName: string, parts: Partial<ManagedZone> = {}): ManagedZone {
  return {
    kind: 'managedZone',
    name,
    fullName: managedZoneName('p', name),
    project: 'p',
    origin: { source: 'fixture' },
    dnsName,
    visibility: 'private',
    privateVisibilityNetworks: [VPC],
    recordSets: [],
    ...parts,
  };
}

/** The same lookup SnapshotIndex offers: private zones listing the network. */
function view(...zones: ManagedZone[]): ZoneView {
  return {
    zonesVisibleTo: (network) => zones.filter((z) => z.visibility === 'private' && z.privateVisibilityNetworks.includes(network)),
  };
}

const googleapis = (): ManagedZone =>
  zone('googleapis', 'googleapis.com.', {
    recordSets: [rs('*.googleapis.com.', 'CNAME', 'restricted.googleapis.com.'), rs('restricted.googleapis.com.', 'A', ...VIP)],
  });

describe('isSubdomain', () => {
  it('compares whole labels, case-insensitively, with or without the trailing dot', () => {
    expect(isSubdomain('Storage.GoogleAPIs.com', 'googleapis.com.')).toBe(true);
    expect(isSubdomain('googleapis.com.', 'googleapis.com')).toBe(true);
    expect(isSubdomain('notgoogleapis.com.', 'googleapis.com.')).toBe(false);
    expect(isSubdomain('anything.example.', '.')).toBe(true);
  });
});

describe('resolve', () => {
  it('follows the wildcard CNAME to the VIP A record, recording every step', () => {
    const answer = resolve(view(googleapis()), VPC, 'storage.googleapis.com');
    expect(answer.kind).toBe('addresses');
    if (answer.kind !== 'addresses') return;
    expect(answer.a).toEqual(VIP);
    expect(answer.aaaa).toEqual([]);
    expect(answer.name).toBe('restricted.googleapis.com.');
    expect(answer.steps.map((s) => [s.name, s.record && recordText(s.record), s.wildcard])).toEqual([
      ['storage.googleapis.com.', '*.googleapis.com. CNAME restricted.googleapis.com.', true],
      ['restricted.googleapis.com.', `restricted.googleapis.com. A ${VIP.join(' ')}`, false],
    ]);
  });

  it('compares record names case-insensitively and without needing the trailing dot', () => {
    const z = zone('gcr', 'GCR.io', { recordSets: [rs('GCR.IO', 'A', ...VIP), rs('*.gcr.io', 'CNAME', 'Gcr.Io')] });
    const answer = resolve(view(z), VPC, 'ASIA.gcr.io.');
    expect(answer.kind === 'addresses' && answer.a).toEqual(VIP);
  });

  it('prefers an exact record set over the wildcard', () => {
    const z = googleapis();
    z.recordSets!.push(rs('storage.googleapis.com.', 'A', '142.250.1.1'));
    const answer = resolve(view(z), VPC, 'storage.googleapis.com.');
    expect(answer.kind === 'addresses' && answer.a).toEqual(['142.250.1.1']);
    expect(answer.steps[0].wildcard).toBe(false);
  });

  it('does not apply the wildcard to a name that exists with other types (NODATA) or to the apex', () => {
    const z = googleapis();
    z.recordSets!.push(rs('storage.googleapis.com.', 'TXT', '"x"'));
    expect(resolve(view(z), VPC, 'storage.googleapis.com.').kind).toBe('nodata');
    expect(resolve(view(z), VPC, 'googleapis.com.').kind).toBe('nodata');
  });

  it('treats an empty non-terminal as existing, so the wildcard above it does not apply', () => {
    const z = googleapis();
    z.recordSets!.push(rs('a.b.googleapis.com.', 'A', '10.0.0.1'));
    expect(resolve(view(z), VPC, 'b.googleapis.com.').kind).toBe('nodata');
    // Below an existing name, only a wildcard at that closest encloser would apply: none here.
    expect(resolve(view(z), VPC, 'c.b.googleapis.com.').kind).toBe('nxdomain');
  });

  it('matches a wildcard across several labels when no closer name exists', () => {
    const answer = resolve(view(googleapis()), VPC, 'a.b.c.googleapis.com.');
    expect(answer.kind === 'addresses' && answer.a).toEqual(VIP);
  });

  it('answers NXDOMAIN inside the zone when neither an exact nor a wildcard record set matches', () => {
    const z = zone('gcr', 'gcr.io.', { recordSets: [rs('gcr.io.', 'A', ...VIP)] });
    const answer = resolve(view(z), VPC, 'asia.gcr.io.');
    expect(answer.kind).toBe('nxdomain');
    expect(answer.kind === 'nxdomain' && answer.zone.name).toBe('gcr');
  });

  it('picks the most specific visible zone (longest dnsName suffix)', () => {
    const broad = googleapis();
    const storage = zone('storage', 'storage.googleapis.com.', { recordSets: [rs('storage.googleapis.com.', 'A', '10.1.1.1')] });
    const answer = resolve(view(broad, storage), VPC, 'storage.googleapis.com.');
    expect(answer.kind === 'addresses' && answer.zone?.name).toBe('storage');
    expect(resolve(view(broad, storage), VPC, 'bigquery.googleapis.com.').kind).toBe('addresses');
  });

  it('says "public" when no private zone visible to the network claims the name', () => {
    const onlyOther = zone('googleapis', 'googleapis.com.', { privateVisibilityNetworks: [OTHER], recordSets: googleapis().recordSets });
    const publicZone = zone('pub', 'googleapis.com.', { visibility: 'public', privateVisibilityNetworks: [] });
    const answer = resolve(view(onlyOther, publicZone), VPC, 'storage.googleapis.com.');
    expect(answer).toMatchObject({ kind: 'public', name: 'storage.googleapis.com.', network: VPC });
    expect(resolve(view(onlyOther), OTHER, 'storage.googleapis.com.').kind).toBe('addresses');
  });

  it('says "public" when a CNAME leaves the private zones, keeping the chain', () => {
    const z = zone('gcr', 'gcr.io.', { recordSets: [rs('*.gcr.io.', 'CNAME', 'googlehosted.l.googleusercontent.com.')] });
    const answer = resolve(view(z), VPC, 'asia.gcr.io.');
    expect(answer).toMatchObject({ kind: 'public', name: 'googlehosted.l.googleusercontent.com.' });
    expect(answer.steps).toHaveLength(1);
  });

  it('stops on a CNAME loop', () => {
    // The classic mistake: the VIP name itself is caught by the wildcard that points at it.
    const z = zone('googleapis', 'googleapis.com.', { recordSets: [rs('*.googleapis.com.', 'CNAME', 'restricted.googleapis.com.')] });
    const answer = resolve(view(z), VPC, 'storage.googleapis.com.');
    expect(answer).toMatchObject({ kind: 'loop', name: 'restricted.googleapis.com.' });
  });

  it('bounds a long CNAME chain', () => {
    const records = Array.from({ length: 12 }, (_, i) => rs(`n${i}.example.`, 'CNAME', `n${i + 1}.example.`));
    const answer = resolve(view(zone('ex', 'example.', { recordSets: records })), VPC, 'n0.example.', { maxCnames: 4 });
    expect(answer.kind).toBe('unknown');
    expect(answer.kind === 'unknown' && answer.reason).toContain('longer than 4');
  });

  it('reports a forwarding zone with its targets instead of guessing', () => {
    const z = zone('fwd', 'googleapis.com.', { forwardingTargets: ['10.100.0.53'], recordSets: undefined });
    expect(resolve(view(z), VPC, 'storage.googleapis.com.')).toMatchObject({ kind: 'forwarded', targets: ['10.100.0.53'] });
  });

  it('follows a peering zone once, answering as the target network would', () => {
    const peering = zone('peer', 'googleapis.com.', { peeringTargetNetwork: HUB, recordSets: undefined });
    const hubZone = zone('hub-googleapis', 'googleapis.com.', { privateVisibilityNetworks: [HUB], recordSets: googleapis().recordSets });
    const answer = resolve(view(peering, hubZone), VPC, 'storage.googleapis.com.');
    expect(answer.kind === 'addresses' && answer.a).toEqual(VIP);
    expect(answer.steps[0]).toMatchObject({ zone: { name: 'peer' }, peeredTo: HUB });
    expect(answer.steps.slice(1).every((s) => s.network === HUB)).toBe(true);
  });

  it('does not follow a second peering zone (DNS peering is not transitive)', () => {
    const first = zone('peer', 'googleapis.com.', { peeringTargetNetwork: HUB });
    const second = zone('peer2', 'googleapis.com.', { privateVisibilityNetworks: [HUB], peeringTargetNetwork: OTHER });
    const answer = resolve(view(first, second), VPC, 'storage.googleapis.com.');
    expect(answer.kind).toBe('unknown');
    expect(answer.kind === 'unknown' && answer.reason).toContain('not transitive');
  });

  it('makes the answer unknown when the answering zone\'s record sets were not read or are unknown', () => {
    const notRead = zone('googleapis', 'googleapis.com.', { recordSets: undefined });
    const answer = resolve(view(notRead), VPC, 'storage.googleapis.com.');
    expect(answer).toMatchObject({ kind: 'unknown', zone: { name: 'googleapis' } });
    expect(answer.kind === 'unknown' && answer.reason).toContain('not read');
    const planned = { ...googleapis(), unknown: ['recordSets.1.rrdatas'] };
    expect(resolve(view(planned), VPC, 'storage.googleapis.com.').kind).toBe('unknown');
  });

  it('makes the answer unknown when two zones claim the same name for the network', () => {
    const answer = resolve(view(googleapis(), zone('dup', 'googleapis.com.')), VPC, 'storage.googleapis.com.');
    expect(answer.kind === 'unknown' && answer.reason).toContain('googleapis, dup');
  });

  it('returns A and AAAA data together', () => {
    const z = zone('gcr', 'gcr.io.', { recordSets: [rs('gcr.io.', 'A', ...VIP), rs('gcr.io.', 'AAAA', '2600:2d00:2:1000::')] });
    expect(resolve(view(z), VPC, 'gcr.io.')).toMatchObject({ kind: 'addresses', a: VIP, aaaa: ['2600:2d00:2:1000::'] });
  });
});

describe('lookupInZone and answeringZone', () => {
  it('handles a root zone, whose wildcard is "*."', () => {
    const root = zone('root', '.', { recordSets: [rs('*.', 'A', '10.0.0.1')] });
    expect(lookupInZone(root, root.recordSets!, 'any.thing.')).toMatchObject({ kind: 'records', wildcard: true });
    expect(answeringZone(view(root), VPC, 'any.thing.')).toMatchObject({ kind: 'zone' });
  });
});
