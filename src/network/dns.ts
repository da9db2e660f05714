/**
 * Name resolution as a VM on a given VPC network sees it through Cloud DNS private zones.
 *
 * Cloud DNS answers a query from a network with the most specific private zone bound to that
 * network (the longest `dnsName` suffix); inside the zone an exact record set wins over a wildcard
 * (RFC 4592: the wildcard at the closest encloser, and only when the name itself does not exist);
 * CNAMEs are chased again through the zones of the network. A name no private zone claims goes to
 * public DNS, which this module cannot and does not evaluate.
 *
 * Pure: it reads zones through `ZoneView` and knows nothing of rules.
 */
import { fqdn } from '../model/names.js';
import type { ManagedZone, RecordSet } from '../model/snapshot.js';

/** What resolution needs of the snapshot (SnapshotIndex satisfies it). */
export interface ZoneView {
  /** Private zones whose visibility lists the network. */
  zonesVisibleTo(network: string): ManagedZone[];
}

/** One step of a resolution: a record used, or a peering zone that handed the query on. */
export interface DnsStep {
  /** The name asked at this step. */
  name: string;
  /** The network whose view answered. */
  network: string;
  zone: ManagedZone;
  /** The record set used (absent for a peering hand-off). */
  record?: RecordSet;
  /** True when `record` is a wildcard record set standing in for `name`. */
  wildcard?: boolean;
  /** For a peering zone: the network it hands the query to. */
  peeredTo?: string;
}

interface AnswerBase {
  /** The name the answer is about (the last name of a CNAME chain). */
  name: string;
  steps: DnsStep[];
}

export type DnsAnswer =
  /** Final A / AAAA data from a private zone. */
  | (AnswerBase & { kind: 'addresses'; a: string[]; aaaa: string[]; zone: ManagedZone })
  /** The private zone says the name does not exist. */
  | (AnswerBase & { kind: 'nxdomain'; zone: ManagedZone })
  /** The name exists in the private zone but has no A, AAAA or CNAME record. */
  | (AnswerBase & { kind: 'nodata'; zone: ManagedZone })
  /** No private zone of the network claims the name: public DNS would answer. */
  | (AnswerBase & { kind: 'public'; network: string })
  /** A forwarding zone sends the query elsewhere; the answer cannot be known from the snapshot. */
  | (AnswerBase & { kind: 'forwarded'; zone: ManagedZone; targets: string[] })
  /** The CNAME chain comes back to a name it already asked. */
  | (AnswerBase & { kind: 'loop' })
  /** The answer cannot be known: record sets not read or unknown, ambiguous zones, chained peering. */
  | (AnswerBase & { kind: 'unknown'; zone?: ManagedZone; reason: string });

export interface ResolveOptions {
  /** CNAMEs followed before giving up (resolvers bound the chain too). Default 8. */
  maxCnames?: number;
}

/** True when `name` is `domain` or lies under it (label boundary, both fully qualified). */
export function isSubdomain(name: string, domain: string): boolean {
  const n = fqdn(name);
  const d = fqdn(domain);
  return d === '.' || n === d || n.endsWith(`.${d}`);
}

/** The text of a record set as a zone file shows it, for messages. */
export function recordText(record: RecordSet): string {
  return `${record.name} ${record.type} ${record.rrdatas.join(' ')}`;
}

type ZoneChoice = { kind: 'none' } | { kind: 'zone'; zone: ManagedZone } | { kind: 'ambiguous'; zones: ManagedZone[] };

/** The most specific private zone of the network for `name`. */
export function answeringZone(view: ZoneView, network: string, name: string): ZoneChoice {
  let best: ManagedZone[] = [];
  let bestLength = -1;
  for (const zone of view.zonesVisibleTo(network)) {
    if (zone.visibility !== 'private' || !zone.privateVisibilityNetworks.includes(network)) continue;
    const dnsName = fqdn(zone.dnsName);
    if (!isSubdomain(name, dnsName)) continue;
    if (dnsName.length > bestLength) {
      best = [zone];
      bestLength = dnsName.length;
    } else if (dnsName.length === bestLength && !best.includes(zone)) {
      best.push(zone);
    }
  }
  if (best.length === 0) return { kind: 'none' };
  return best.length === 1 ? { kind: 'zone', zone: best[0] } : { kind: 'ambiguous', zones: best };
}

type ZoneLookup =
  | { kind: 'records'; sets: RecordSet[]; wildcard: boolean }
  | { kind: 'nxdomain' }
  | { kind: 'nodata' };

/** Looks `name` up inside one zone's record sets (RFC 1034 / 4592 semantics). */
export function lookupInZone(zone: ManagedZone, records: RecordSet[], name: string): ZoneLookup {
  const target = fqdn(name);
  const byOwner = new Map<string, RecordSet[]>();
  for (const r of records) {
    const owner = fqdn(r.name);
    const list = byOwner.get(owner);
    if (list) list.push(r);
    else byOwner.set(owner, [r]);
  }
  // A name "exists" when it owns records or is an empty non-terminal (something lies below it).
  const exists = (n: string): boolean => byOwner.has(n) || [...byOwner.keys()].some((o) => o.endsWith(`.${n}`));

  const exact = byOwner.get(target);
  if (exact) return { kind: 'records', sets: exact, wildcard: false };
  const apex = fqdn(zone.dnsName);
  // The apex always exists (its SOA may just be missing from the snapshot), and a wildcard never
  // covers the name it hangs under.
  if (target === apex || exists(target)) return { kind: 'nodata' };

  // The wildcard that applies is the one at the closest encloser: the nearest existing ancestor.
  let ancestor = target;
  while (ancestor !== apex) {
    const dot = ancestor.indexOf('.');
    ancestor = dot < 0 || dot === ancestor.length - 1 ? '.' : ancestor.slice(dot + 1);
    if (ancestor === apex || ancestor === '.' || exists(ancestor)) break;
  }
  const wildcard = byOwner.get(ancestor === '.' ? '*.' : `*.${ancestor}`);
  if (wildcard) return { kind: 'records', sets: wildcard, wildcard: true };
  return { kind: 'nxdomain' };
}

/** Why the zone's record sets are not known (not read, or computed at apply time), if they are not. */
function recordSetsUnknown(zone: ManagedZone): string | undefined {
  if (!zone.recordSets) return `the record sets of zone ${zone.name} were not read`;
  const path = (zone.unknown ?? []).find((p) => p === 'recordSets' || p.startsWith('recordSets.') || p.startsWith('recordSets['));
  return path ? `${path} of zone ${zone.name} is not known until apply` : undefined;
}

/**
 * Resolves `name` (A and AAAA) as a VM on `network` would through Cloud DNS private zones.
 * A peering zone hands the query to its target network once (DNS peering is not transitive).
 */
export function resolve(view: ZoneView, network: string, name: string, options: ResolveOptions = {}): DnsAnswer {
  const maxCnames = options.maxCnames ?? 8;
  const steps: DnsStep[] = [];
  const asked = new Set<string>();
  let current = fqdn(name);
  let net = network;
  let peered = false;
  let cnames = 0;

  for (;;) {
    const key = `${net} ${current}`;
    if (asked.has(key)) return { kind: 'loop', name: current, steps };
    asked.add(key);

    let choice = answeringZone(view, net, current);
    if (choice.kind === 'zone' && choice.zone.peeringTargetNetwork) {
      const peeringZone = choice.zone;
      const target = peeringZone.peeringTargetNetwork as string;
      if (peered) {
        return {
          kind: 'unknown',
          name: current,
          zone: peeringZone,
          steps,
          reason: `peering zone ${peeringZone.name} is reached through another peering zone, and DNS peering is not transitive`,
        };
      }
      steps.push({ name: current, network: net, zone: peeringZone, peeredTo: target });
      peered = true;
      net = target;
      asked.add(`${net} ${current}`);
      choice = answeringZone(view, net, current);
      if (choice.kind === 'zone' && choice.zone.peeringTargetNetwork) {
        return {
          kind: 'unknown',
          name: current,
          zone: choice.zone,
          steps,
          reason: `peering zone ${choice.zone.name} is reached through peering zone ${peeringZone.name}, and DNS peering is not transitive`,
        };
      }
    }
    if (choice.kind === 'none') return { kind: 'public', name: current, network: net, steps };
    if (choice.kind === 'ambiguous') {
      return {
        kind: 'unknown',
        name: current,
        steps,
        reason: `zones ${choice.zones.map((z) => z.name).join(', ')} all claim ${fqdn(choice.zones[0].dnsName)} for the same network`,
      };
    }

    const zone = choice.zone;
    if (zone.forwardingTargets && zone.forwardingTargets.length > 0) {
      return { kind: 'forwarded', name: current, zone, targets: zone.forwardingTargets, steps };
    }
    const unknownReason = recordSetsUnknown(zone);
    if (unknownReason) return { kind: 'unknown', name: current, zone, steps, reason: unknownReason };

    const found = lookupInZone(zone, zone.recordSets as RecordSet[], current);
    if (found.kind !== 'records') return { kind: found.kind, name: current, zone, steps };

    const cname = found.sets.find((r) => r.type.toUpperCase() === 'CNAME');
    if (cname) {
      steps.push({ name: current, network: net, zone, record: cname, wildcard: found.wildcard });
      if (cname.rrdatas.length === 0) return { kind: 'nodata', name: current, zone, steps };
      cnames += 1;
      if (cnames > maxCnames) {
        return { kind: 'unknown', name: current, zone, steps, reason: `the CNAME chain is longer than ${maxCnames}` };
      }
      current = fqdn(cname.rrdatas[0]);
      continue;
    }
    const a = found.sets.filter((r) => r.type.toUpperCase() === 'A');
    const aaaa = found.sets.filter((r) => r.type.toUpperCase() === 'AAAA');
    if (a.length === 0 && aaaa.length === 0) return { kind: 'nodata', name: current, zone, steps };
    for (const record of [...a, ...aaaa]) steps.push({ name: current, network: net, zone, record, wildcard: found.wildcard });
    return {
      kind: 'addresses',
      name: current,
      zone,
      a: a.flatMap((r) => r.rrdatas),
      aaaa: aaaa.flatMap((r) => r.rrdatas),
      steps,
    };
  }
}
