/** Small helpers every rule shares; the network reasoning itself lives in src/network/. */
import type { Entity } from '../model/snapshot.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { coverageGapsText } from '../model/coverage.js';
import type { Cluster, CollectionKind, CoverageEntry, Firewall, Network, ReadError, Route, Subnetwork } from '../model/snapshot.js';
import type { NodeIdentity } from '../engine/snapshot-index.js';
import type { Outcome } from '../engine/types.js';
import { projectOf } from '../model/names.js';
import type { Vip } from '../model/facts.js';
import { overlaps, parseCidr } from '../network/cidr.js';
import { firewallDefect } from '../network/firewall.js';
import { routeDefect, routeRange } from '../network/routes.js';
import type { ManagedZone, RecordSet } from '../model/snapshot.js';
import type { RuleContext } from '../engine/types.js';
import { fqdn, shortName } from '../model/names.js';
import { VIPS } from '../model/facts.js';
import { contains, formatAddress, isCidr } from '../network/cidr.js';
import { isSubdomain, recordText, resolve, stepSourceName, stepSourceText, type DnsAnswer, type DnsStep } from '../network/dns.js';
import {
  apiDestinations,
  apiPathOf,
  BUNDLE_FOR_VIP,
  classifyAddress,
  endpointText,
  pathOfAnswer,
  pscEndpointsOn,
  type ApiDestination,
  type ApiPath,
  type PscEndpoint,
} from '../network/api-path.js';

/** The first of `paths` whose value is unknown until apply (Terraform plans), if any. */
export function firstUnknown(index: SnapshotIndex, entity: Entity, paths: string[]): string | undefined {
  // Asked of every firewall rule and route of an organization, nearly all with nothing unknown.
  if (entity.unknown === undefined || entity.unknown.length === 0) return undefined;
  return paths.find((p) => index.isUnknown(entity, p));
}

/** `a, b and c` for messages. */
export function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Templates for the ways a network rule cannot judge a cluster; the network rules spread these into their messages. */
export const CLUSTER_NETWORK_MESSAGES = {
  unknown: 'Cluster {{subject}}: {{field}} is not known until apply.',
  readError: 'Cluster {{subject}}: the {{collection}} of project {{project}} could not be read ({{error}}).',
  notCovered: 'Cluster {{subject}} cannot be judged without {{missing}}.',
  networkMissing: 'Cluster {{subject}}: its network {{network}} is not among the networks read from its project (deleted, or a reference the input got wrong?).',
  subnetworkMissing: 'Cluster {{subject}}: its subnetwork {{subnetwork}} is not among the subnetworks read from its project (deleted, or a reference the input got wrong?).',
  noNodes: 'Cluster {{subject}} has no node pools or node instances in the snapshot, so no node can be checked.',
  unreadable: 'Cluster {{subject}}: {{field}} cannot be read as an address range or port.',
} as const;

/** What the network rules need of a cluster, all of it present and known. */
export interface ClusterNetwork {
  network?: Network;
  subnetwork?: Subnetwork;
  identities: NodeIdentity[];
  routes: Route[];
  firewalls: Firewall[];
}

/** Why a cluster cannot be judged: the not-evaluated outcome's message, data and causes. */
export type NotEvaluated = Required<Pick<Outcome, 'messageId' | 'data'>> & Pick<Outcome, 'readErrors' | 'related'>;

export interface ClusterNetworkNeeds {
  network?: boolean;
  subnetwork?: boolean;
  routes?: boolean;
  firewalls?: boolean;
  /** The node identities (instances, else node pools); routes and firewalls depend on them. */
  nodes?: boolean;
  /** Routes whose known `destRange` misses all of these cannot matter, even with other fields unknown. */
  destinations?: readonly string[];
}

const POOL_FIELDS = ['nodePools', 'nodeTag'];
const INSTANCE_FIELDS = ['tags', 'serviceAccounts'];
const ROUTE_FIELDS = ['destRange', 'priority', 'tags', 'nextHopGateway', 'nextHopIp', 'nextHopInstance', 'nextHopVpnTunnel', 'nextHopIlb'];
const FIREWALL_FIELDS = [
  'direction', 'priority', 'disabled', 'sourceRanges', 'destinationRanges', 'sourceTags', 'targetTags',
  'sourceServiceAccounts', 'targetServiceAccounts', 'allowed', 'denied',
];

export function readErrorText(errors: ReadError[]): string {
  return errors.map((e) => `${e.status ? `HTTP ${e.status} ` : ''}${e.message}`).join('; ');
}

/** The project that holds the cluster's network (a Shared VPC host, or the cluster's own). */
export function networkProject(index: SnapshotIndex, cluster: Cluster): string {
  return index.memoOn(cluster, 'networkProject', () => projectOf(cluster.network) ?? cluster.project);
}

/** The collections a network rule reads, in the order their read errors are reported, and the need behind each. */
const COLLECTIONS = ['networks', 'routes', 'firewalls'] as const;
const NEEDS_OF = { networks: 'network', routes: 'routes', firewalls: 'firewalls' } as const;

function readErrorOutcome(errors: ReadError[], collection: CollectionKind, project: string): NotEvaluated {
  return { messageId: 'readError', data: { collection, project, error: readErrorText(errors) }, readErrors: errors };
}

/**
 * Gathers the network, subnetwork, node identities, routes and firewalls a network rule needs for
 * a cluster, or says why the cluster cannot be judged: a read error, an entity outside the
 * snapshot, a value unknown until apply, or a range the analysis cannot parse. Read errors come
 * first, since a list cut short may hold some entities without all of them.
 */
export function clusterNetwork(index: SnapshotIndex, cluster: Cluster, needs: ClusterNetworkNeeds): { scope: ClusterNetwork } | { notEvaluated: NotEvaluated } {
  // Asked by several rules for every cluster of an organization: no lists built on the way.
  const unknownRef =
    (needs.network || needs.routes || needs.firewalls) && index.isUnknown(cluster, 'network')
      ? 'network'
      : needs.subnetwork && index.isUnknown(cluster, 'subnetwork')
        ? 'subnetwork'
        : undefined;
  if (unknownRef) return { notEvaluated: { messageId: 'unknown', data: { field: unknownRef } } };

  const project = networkProject(index, cluster);
  for (const collection of COLLECTIONS) {
    if (!needs[NEEDS_OF[collection]]) continue;
    const errors = index.readErrorsFor(project, collection);
    if (errors.length > 0) return { notEvaluated: readErrorOutcome(errors, collection, project) };
  }
  const subProject = projectOf(cluster.subnetwork) ?? project;
  if (needs.subnetwork) {
    const errors = index.readErrorsFor(subProject, 'subnetworks');
    if (errors.length > 0) return { notEvaluated: readErrorOutcome(errors, 'subnetworks', subProject) };
  }

  // Every collection read is the usual case: it is told without building the lists coverageGaps takes.
  let covered = !needs.subnetwork || index.coverageOf(subProject, 'subnetworks').state === 'read';
  for (const collection of COLLECTIONS) if (covered && needs[NEEDS_OF[collection]]) covered = index.coverageOf(project, collection).state === 'read';
  const gaps = covered
    ? undefined
    : coverageGaps(index, [
        { project, collections: COLLECTIONS.filter((c) => needs[NEEDS_OF[c]]) },
        ...(needs.subnetwork ? [{ project: subProject, collections: ['subnetworks'] as CollectionKind[] }] : []),
      ]);
  if (gaps) return { notEvaluated: gaps };

  const network = index.network(cluster.network);
  if (needs.network && !network) return { notEvaluated: { messageId: 'networkMissing', data: { network: cluster.network } } };
  const subnetwork = index.subnetwork(cluster.subnetwork);
  if (needs.subnetwork && !subnetwork) return { notEvaluated: { messageId: 'subnetworkMissing', data: { subnetwork: cluster.subnetwork } } };

  const identities = needs.nodes ? index.nodeIdentities(cluster) : [];
  if (needs.nodes) {
    const instances = index.instancesOf(cluster);
    if (instances.length === 0) {
      const field = firstUnknown(index, cluster, POOL_FIELDS);
      if (field) return { notEvaluated: { messageId: 'unknown', data: { field } } };
    }
    for (const instance of instances) {
      const field = firstUnknown(index, instance, INSTANCE_FIELDS);
      if (field) return { notEvaluated: { messageId: 'unknown', data: { field: `${field} of instance ${instance.name}` }, related: [instance.fullName] } };
    }
    if (identities.length === 0) return { notEvaluated: { messageId: 'noNodes', data: {} } };
  }

  const routes = needs.routes ? index.routesOf(cluster.network) : [];
  if (needs.routes) {
    const problem = routesProblem(index, cluster.network, needs.destinations ?? NO_DESTINATIONS);
    if (problem) return { notEvaluated: copyNotEvaluated(problem) };
  }
  const firewalls = needs.firewalls ? index.firewallsOf(cluster.network) : [];
  if (needs.firewalls) {
    const problem = firewallsProblem(index, cluster.network);
    if (problem) return { notEvaluated: copyNotEvaluated(problem) };
  }
  return { scope: { network, subnetwork, identities, routes, firewalls } };
}

/**
 * The collections among `needs` the input did not read (an export without them, a plan that does
 * not manage them, a Shared VPC host outside the input), as a not-evaluated outcome naming them
 * (message id `notCovered`, data `missing`); undefined when all were read.
 */
export function coverageGaps(index: SnapshotIndex, needs: readonly { project: string; collections: readonly CollectionKind[] }[]): NotEvaluated | undefined {
  const gaps: CoverageEntry[] = [];
  for (const { project, collections } of needs) {
    for (const gap of index.notRead(project, collections)) if (!gaps.some((g) => g.project === gap.project && g.collection === gap.collection)) gaps.push(gap);
  }
  if (gaps.length === 0) return undefined;
  return { messageId: 'notCovered', data: { missing: coverageGapsText(gaps) } };
}

/** Each outcome owns its data: a memoized problem is shared by every cluster of the network. */
export function copyNotEvaluated(problem: NotEvaluated): NotEvaluated {
  const copy: NotEvaluated = { messageId: problem.messageId, data: { ...problem.data } };
  if (problem.related) copy.related = [...problem.related];
  if (problem.readErrors) copy.readErrors = [...problem.readErrors];
  return copy;
}

const NO_DESTINATIONS: readonly string[] = [];

const routesProblemKeys = new WeakMap<readonly string[], string>();

/** The memo namespace of routesProblem, built once per list of destinations (a rule passes the same list for every cluster). */
function routesProblemKey(destinationTexts: readonly string[]): string {
  let key = routesProblemKeys.get(destinationTexts);
  if (key === undefined) routesProblemKeys.set(destinationTexts, (key = `routesProblem ${destinationTexts.join(',')}`));
  return key;
}

/**
 * The first route of the network that leaves its rules unable to judge: a field unknown until
 * apply or a range it cannot parse. It depends on the network and the destinations only, so it is
 * found once per network for every cluster on it and every rule that asks.
 */
function routesProblem(index: SnapshotIndex, network: string, destinationTexts: readonly string[]): NotEvaluated | undefined {
  return index.memo(routesProblemKey(destinationTexts), network, () => {
    const destinations = destinationTexts.map((d) => parseCidr(d));
    for (const route of index.routesOf(network)) {
      const defect = routeDefect(route);
      if (!defect && destinations.length > 0 && !index.isUnknown(route, 'destRange') && !destinations.some((d) => overlaps(d, routeRange(route)))) continue;
      const field = firstUnknown(index, route, ROUTE_FIELDS);
      if (field) return { messageId: 'unknown', data: { field: `${field} of route ${route.name}` }, related: [route.fullName] };
      if (defect) return { messageId: 'unreadable', data: { field: `${defect} of route ${route.name}` }, related: [route.fullName] };
    }
    return undefined;
  });
}

/** The first firewall rule of the network with a field unknown until apply or unreadable; once per network. */
function firewallsProblem(index: SnapshotIndex, network: string): NotEvaluated | undefined {
  return index.memo('firewallsProblem', network, () => {
    for (const rule of index.firewallsOf(network)) {
      const field = firstUnknown(index, rule, FIREWALL_FIELDS);
      if (field) return { messageId: 'unknown', data: { field: `${field} of firewall ${rule.name}` }, related: [rule.fullName] };
      const defect = firewallDefect(rule);
      if (defect) return { messageId: 'unreadable', data: { field: `${defect} of firewall ${rule.name}` }, related: [rule.fullName] };
    }
    return undefined;
  });
}

/** A node identity in words: `node gke-alpha-...` for an instance, `the nodes of pool default-pool` otherwise. */
export function nodeText(identity: NodeIdentity): string {
  return identity.label.startsWith('pool ') ? `the nodes of ${identity.label}` : `node ${identity.label}`;
}

/** A VIP as messages name it, e.g. `restricted.googleapis.com`. */
export function vipText(vip: Vip): string {
  return vip.host.replace(/\.$/, '');
}

/** The network a DNS rule judges; a Shared VPC host outside the scope is named from its fullName. */
export function subjectNetwork(index: SnapshotIndex, fullName: string): Network {
  return (
    index.network(fullName) ?? {
      kind: 'network',
      name: shortName(fullName),
      fullName,
      project: projectOf(fullName) ?? '',
      origin: { source: 'api' },
      peerings: [],
    }
  );
}

/** What the rules for `googleapis.com`, `gcr.io` and `pkg.dev` each ask of private DNS. */
export interface VipDomainSpec {
  /** The zone the article creates, e.g. `gcr.io.`. */
  domain: string;
  /** Names the nodes ask for; each must resolve, from the cluster's network, to the policy's VIP. */
  names: string[];
  /** The names must reach the VIP through a CNAME to the VIP's own host name (`*.googleapis.com.`). */
  viaVipHost: boolean;
}

/** Message templates shared by dns-googleapis, dns-gcr and dns-pkg-dev. */
export const VIP_DNS_MESSAGES = {
  resolves: 'Network {{subject}} resolves {{names}} privately to the {{vip}} VIP {{range}} through {{zones}}.',
  resolvesPsc:
    'Network {{subject}} resolves {{names}} privately to {{endpoint}} through {{zones}}; its {{bundle}} bundle gives what the {{vip}} VIP gives.',
  noZone: 'Network {{subject}}: no response policy rule or private zone visible to it answers {{name}}, so public DNS would ({{detail}}).',
  leavesPrivate: 'Network {{subject}}: {{name}} follows record {{record}} of {{zone}} to {{target}}, which no private zone of the network answers, so public DNS would.',
  noRecord: 'Network {{subject}}: {{zone}} answers {{name}} with {{answer}}; expected {{expected}}.',
  wrongVip: 'Network {{subject}}: {{name}} resolves to the {{actual}} VIP through record {{record}} of {{zone}}, but the policy expects the {{vip}} VIP ({{vipHost}}).',
  wrongBundle:
    'Network {{subject}}: {{name}} resolves through record {{record}} of {{zone}} to {{endpoint}}, whose {{bundle}} bundle gives what the {{actual}} VIP gives; the policy expects the {{vip}} VIP (a {{expectedBundle}} endpoint).',
  wrongAddresses: 'Network {{subject}}: {{name}} resolves through record {{record}} of {{zone}} to {{addresses}}, not exactly the {{vip}} VIP addresses or a matching PSC endpoint ({{diff}}).',
  notViaVipHost: 'Network {{subject}}: {{name}} reaches the VIP addresses through record {{record}} of {{zone}}, not through a CNAME to {{vipHost}}.',
  cnameLoop: 'Network {{subject}}: resolving {{name}} loops through the CNAMEs {{chain}} of {{zone}}, so it never resolves.',
  forwarded: 'Network {{subject}}: {{name}} is answered by forwarding zone {{zone}} (to {{targets}}); what those servers answer cannot be verified from the snapshot.',
  serverPolicy:
    'Network {{subject}}: DNS server policy {{policy}} forwards every query of the network to the alternative name servers {{servers}}; what they answer for {{name}} cannot be verified from the snapshot.',
  unresolved: 'Network {{subject}}: the answer for {{name}} is not known: {{reason}}.',
  notCovered: 'Network {{subject}} cannot be judged without {{missing}}.',
  notRead: 'Network {{subject}}: the managed zones of project {{project}} could not be read ({{error}}), so the answer for {{domain}} is not known.',
  unknownZone: 'Network {{subject}}: {{field}} of zone {{zone}} is not known until apply.',
} as const;

/** The fields that decide which zone answers a name. */
const ZONE_SELECTION_FIELDS = ['dnsName', 'visibility', 'privateVisibilityNetworks', 'privateVisibilityClusters', 'forwardingTargets', 'peeringTargetNetwork'];

/** The collections the resolution order reads besides zones and record sets. */
const DNS_ORDER_COLLECTIONS: CollectionKind[] = ['responsePolicies', 'dnsPolicies'];

type DnsFinding = Omit<Outcome, 'subject' | 'clusters'>;

function entityText(entity: Entity): string {
  return entity.origin.address ?? entity.fullName;
}

/** What answered a step, for messages: `zone NAME` or `response policy NAME rule R`. */
function sourceText(step: Pick<DnsStep, 'zone' | 'policyRule'>): string {
  return stepSourceText(step, entityText);
}

/** An address in its canonical form, so `2600:2d00:0002:1000::` and `2600:2d00:2:1000::` compare equal. */
function addressKey(address: string): string {
  const text = address.trim();
  if (text.includes('/') || !isCidr(text)) return text;
  const parsed = parseCidr(text);
  return formatAddress(parsed.family, parsed.start);
}

function inRange(address: string, range: string): boolean {
  return isCidr(address) && contains(range, address);
}

function lastRecordStep(answer: DnsAnswer, types: string[]): DnsStep | undefined {
  return [...answer.steps].reverse().find((s) => s.record && types.includes(s.record.type.toUpperCase()));
}

/** What a name resolving as the policy wants went to: the VIP, or a PSC endpoint of the network. */
type Reached = { kind: 'vip' } | { kind: 'psc'; endpoint: PscEndpoint };

interface JudgeContext {
  index: SnapshotIndex;
  network: string;
  endpoints: PscEndpoint[];
  /** Projects whose forwarding rules were not read, with why (an address may be an endpoint there). */
  forwardingUnread?: CoverageEntry;
}

/** Judges one name's answer against the VIP or a matching PSC endpoint; `reached` when it resolves as the policy wants. */
function judgeAnswer(ctx: JudgeContext, answer: DnsAnswer, asked: string, spec: VipDomainSpec, kind: 'restricted' | 'private'): DnsFinding | Reached {
  const { index } = ctx;
  const vip = VIPS[kind];
  const otherKind = kind === 'restricted' ? 'private' : 'restricted';
  const other = VIPS[otherKind];
  const related = [...new Set(answer.steps.map(stepSourceName).filter((n): n is string => n !== undefined))];
  const base = { vip: kind, vipHost: vip.host };
  switch (answer.kind) {
    case 'public': {
      const cname = lastRecordStep(answer, ['CNAME']);
      if (cname?.record) {
        return { status: 'fail', messageId: 'leavesPrivate', related, data: { name: asked, record: recordText(cname.record), zone: sourceText(cname), target: answer.name } };
      }
      const named = index.zonesNamed(spec.domain);
      const detail = named.length === 0
        ? `the snapshot has no zone for ${spec.domain}`
        : named
            .map((z) =>
              z.visibility === 'public'
                ? `zone ${entityText(z)} is public`
                : `zone ${entityText(z)} is visible only to ${listText([...z.privateVisibilityNetworks, ...(z.privateVisibilityClusters ?? [])]) || 'no network'}`,
            )
            .join('; ');
      return { status: 'fail', messageId: 'noZone', related: named.map((z) => z.fullName), data: { name: asked, detail } };
    }
    case 'nxdomain':
    case 'nodata': {
      const expected = spec.viaVipHost && answer.name !== vip.host ? `a CNAME to ${vip.host}` : `A ${vip.ipv4Addresses.join(' ')}`;
      const said = answer.kind === 'nxdomain' ? 'NXDOMAIN' : 'no A record (NODATA)';
      const via = answer.name === asked ? '' : ` (reached from ${asked})`;
      const source = sourceText(answer);
      return { status: 'fail', messageId: 'noRecord', related, data: { name: `${answer.name}${via}`, zone: source, answer: said, expected } };
    }
    case 'loop': {
      const cnames = answer.steps.filter((s) => s.record?.type.toUpperCase() === 'CNAME');
      const chain = [...cnames.map((s) => s.name), answer.name].join(' → ');
      const sources = [...new Set(cnames.map(sourceText))];
      return { status: 'fail', messageId: 'cnameLoop', related, data: { name: asked, chain, zone: listText(sources) } };
    }
    case 'forwarded':
      return { status: 'not-evaluated', messageId: 'forwarded', related: [...related, answer.zone.fullName], data: { name: asked, zone: entityText(answer.zone), targets: listText(answer.targets) } };
    case 'serverPolicy':
      return {
        status: 'not-evaluated',
        messageId: 'serverPolicy',
        related: [...related, answer.policy.fullName],
        data: { name: asked, policy: entityText(answer.policy), servers: listText(answer.servers) || 'no address given' },
      };
    case 'unknown': {
      const zone = answer.zone;
      const readErrors = zone ? index.readErrorsFor(zone.project, 'recordSets', zone.fullName) : [];
      const reason = readErrors.length > 0 ? `${answer.reason} (${readErrorText(readErrors)})` : answer.reason;
      return { status: 'not-evaluated', messageId: 'unresolved', related: zone ? [...related, zone.fullName] : related, readErrors, data: { name: asked, reason } };
    }
    case 'addresses': {
      const a = [...new Set(answer.a.map(addressKey))];
      const aaaa = [...new Set(answer.aaaa.map(addressKey))];
      const final = lastRecordStep(answer, ['A', 'AAAA']) as DnsStep;
      const record = recordText(final.record as RecordSet);
      const zone = sourceText(final);
      const path = pathOfAnswer(answer, ctx.endpoints);
      if (path.kind === 'psc') {
        const { endpoint } = path;
        const related2 = [...related, endpoint.forwardingRule.fullName];
        if (endpoint.bundle === BUNDLE_FOR_VIP[kind]) return { kind: 'psc', endpoint };
        return {
          status: 'fail',
          messageId: 'wrongBundle',
          related: related2,
          data: { ...base, name: asked, record, zone, endpoint: endpointText(endpoint), bundle: endpoint.bundle, actual: otherKind, expectedBundle: BUNDLE_FOR_VIP[kind] },
        };
      }
      const toOther = answer.steps.find((s) => s.record?.type.toUpperCase() === 'CNAME' && s.record.rrdatas.map((d) => fqdn(d)).includes(other.host));
      if (toOther?.record) {
        return { status: 'fail', messageId: 'wrongVip', related, data: { ...base, name: asked, actual: otherKind, record: recordText(toOther.record), zone: sourceText(toOther) } };
      }
      const missing = vip.ipv4Addresses.filter((x) => !a.includes(x));
      const extra = [...a.filter((x) => !vip.ipv4Addresses.includes(x)), ...aaaa.filter((x) => !inRange(x, vip.ipv6Range))];
      if (missing.length > 0 || extra.length > 0) {
        const all = [...a, ...aaaa];
        if (a.length > 0 && a.every((x) => inRange(x, other.ipv4Range)) && aaaa.every((x) => inRange(x, other.ipv6Range))) {
          return { status: 'fail', messageId: 'wrongVip', related, data: { ...base, name: asked, actual: otherKind, record, zone } };
        }
        // An address outside both VIPs could be a PSC endpoint the input did not read.
        const unclassified = all.filter((x) => classifyAddress(x, ctx.endpoints).kind === 'other');
        if (unclassified.length > 0 && ctx.forwardingUnread) {
          const { project, reason } = ctx.forwardingUnread;
          return {
            status: 'not-evaluated',
            messageId: 'unresolved',
            related,
            data: { name: asked, reason: `it resolves to ${listText(unclassified)}, and the forwarding rules of project ${project} were not read (${reason ?? 'not in the input'}), so whether that is a PSC endpoint is not known` },
          };
        }
        const diff = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
        return { status: 'fail', messageId: 'wrongAddresses', related, data: { ...base, name: asked, record, zone, addresses: all.join(', ') || 'no address', diff } };
      }
      const toVip = answer.steps.some((s) => s.record?.type.toUpperCase() === 'CNAME' && s.record.rrdatas.map((d) => fqdn(d)).includes(vip.host));
      if (spec.viaVipHost && !toVip && asked !== vip.host) {
        return { status: 'fail', messageId: 'notViaVipHost', related, data: { ...base, name: asked, record, zone } };
      }
      return { kind: 'vip' };
    }
  }
}

/** A zone whose selection is not known until apply, with the first such field and its place in the snapshot. */
interface UndecidedZone {
  zone: ManagedZone;
  field: string;
  order: number;
}

/**
 * The zones whose selection fields are not all known, found once per evaluation and grouped by the
 * networks they list; those whose network list itself is unknown may concern any network.
 */
function undecidedZones(index: SnapshotIndex): { byNetwork: Map<string, UndecidedZone[]>; anyNetwork: UndecidedZone[] } {
  return index.memo('undecidedZones', '', () => {
    const byNetwork = new Map<string, UndecidedZone[]>();
    const anyNetwork: UndecidedZone[] = [];
    index.snapshot.managedZones.forEach((zone, order) => {
      const field = firstUnknown(index, zone, ZONE_SELECTION_FIELDS);
      if (field === undefined) return;
      const entry = { zone, field, order };
      if (index.isUnknown(zone, 'privateVisibilityNetworks') || index.isUnknown(zone, 'privateVisibilityClusters')) {
        anyNetwork.push(entry);
        return;
      }
      for (const network of new Set(zone.privateVisibilityNetworks)) {
        const list = byNetwork.get(network);
        if (list) list.push(entry);
        else byNetwork.set(network, [entry]);
      }
    });
    return { byNetwork, anyNetwork };
  });
}

/**
 * The first zone of the snapshot that might answer for `domain` on `network` but whose name,
 * visibility or target is not known until apply: the answer cannot be known either.
 */
function undecidedZone(index: SnapshotIndex, network: string, domain: string): UndecidedZone | undefined {
  const { byNetwork, anyNetwork } = undecidedZones(index);
  let first: UndecidedZone | undefined;
  for (const list of [byNetwork.get(network) ?? [], anyNetwork]) {
    for (const entry of list) {
      if (first && first.order < entry.order) break;
      const z = entry.zone;
      if (index.isUnknown(z, 'dnsName') || isSubdomain(z.dnsName, domain) || isSubdomain(domain, z.dnsName)) {
        first = entry;
        break;
      }
    }
  }
  return first;
}

/** Whether the cluster's nodes resolve through cluster-scoped response policies or zones. */
function clusterScopedDns(index: SnapshotIndex, cluster: Cluster): boolean {
  return index.zonesVisibleToCluster(cluster.fullName).length > 0 || index.responsePoliciesBoundTo(cluster.fullName).some((p) => p.gkeClusters.includes(cluster.fullName));
}

/** The cluster's Google API path (src/network/api-path.ts), found once per network unless cluster-scoped DNS sets it apart. */
export function apiPathFor(index: SnapshotIndex, cluster: Cluster): ApiPath {
  const scoped = clusterScopedDns(index, cluster) ? cluster.fullName : undefined;
  return index.memo('api path', `${cluster.network}\n${scoped ?? ''}`, () => apiPathOf(index, cluster.network, scoped));
}

/** Where the cluster's nodes need tcp:443 for Google APIs, found once per network and policy VIP (see apiPathFor). */
const API_DESTINATIONS = { restricted: 'api destinations restricted', private: 'api destinations private' } as const;

export function apiDestinationsFor(index: SnapshotIndex, cluster: Cluster, vip: 'restricted' | 'private'): ApiDestination[] {
  const scoped = clusterScopedDns(index, cluster) ? cluster.fullName : undefined;
  // Most clusters share their network's view: kept by the network's name, no key built per cluster.
  if (scoped === undefined) return index.memo(API_DESTINATIONS[vip], cluster.network, () => apiDestinations(index, cluster.network, vip, undefined));
  return index.memo('api destinations of a cluster', `${cluster.network}\n${vip}\n${scoped}`, () => apiDestinations(index, cluster.network, vip, scoped));
}

/**
 * The clusters whose nodes resolve differently from a plain VM of the network (cluster-scoped
 * response policies or zones); the others share the network's view (`undefined`).
 */
function dnsViews(index: SnapshotIndex, clusters: Cluster[]): (Cluster | undefined)[] {
  const scoped = clusters.filter((c) => clusterScopedDns(index, c));
  return scoped.length === clusters.length ? scoped : [undefined, ...scoped];
}

/**
 * The check of dns-googleapis, dns-gcr and dns-pkg-dev: one outcome per network hosting a
 * cluster, judged by resolving `spec.names` as its nodes would (src/network/dns.ts: cluster-scoped
 * response policies and zones, the server policy, network response policies, then zones). A
 * name may resolve to the policy's VIP or to a PSC endpoint of the network whose bundle matches it
 * (src/network/api-path.ts). A definite failure of any name outweighs another that cannot be judged.
 */
export function checkVipDomain({ index, params, report }: RuleContext, spec: VipDomainSpec): void {
  for (const { network, clusters } of index.networksWithClusters()) {
    const subject = subjectNetwork(index, network);
    const outcome = (finding: DnsFinding): void => report({ ...finding, subject, clusters });

    // Zones bound to the network normally live in its (host) project or in a cluster's project;
    // a zone list cut short there may be missing the very zone that would answer.
    const projects = [...new Set([subject.project, ...clusters.map((c) => c.project)])].filter(Boolean);
    const unread = projects.map((project) => ({ project, errors: index.readErrorsFor(project, 'managedZones') })).find((p) => p.errors.length > 0);
    if (unread) {
      outcome({ status: 'not-evaluated', messageId: 'notRead', readErrors: unread.errors, data: { project: unread.project, error: readErrorText(unread.errors), domain: spec.domain } });
      continue;
    }
    // Zones of a project the input did not read (an export without DNS, a Shared VPC host outside
    // it) may be the ones that answer: their absence proves nothing. Response and server policies
    // come before zones: without them no answer is certain either.
    // Response and server policies come before zones: without them no answer is certain (and the
    // outcome names every collection missing, the zones included).
    if (coverageGaps(index, projects.map((project) => ({ project, collections: DNS_ORDER_COLLECTIONS })))) {
      outcome({ status: 'not-evaluated', ...coverageGaps(index, projects.map((project) => ({ project, collections: ['managedZones', ...DNS_ORDER_COLLECTIONS] })))! });
      continue;
    }

    const judge: JudgeContext = {
      index,
      network,
      endpoints: pscEndpointsOn(index, network),
      forwardingUnread: projects.flatMap((project) => index.notRead(project, ['forwardingRules', 'addresses']))[0],
    };
    const findings: DnsFinding[] = [];
    const reached: Reached[] = [];
    const answers: DnsAnswer[] = [];
    for (const cluster of dnsViews(index, clusters)) {
      for (const name of spec.names.map(fqdn)) {
        const answer = resolve(index, network, name, cluster ? { cluster: cluster.fullName } : {});
        answers.push(answer);
        const asked = cluster ? `${name} (as the nodes of cluster ${cluster.name} resolve it)` : name;
        const judged = judgeAnswer(judge, answer, asked, spec, params.vip);
        if ('status' in judged) findings.push(judged);
        else reached.push(judged);
      }
    }

    // A response-policy rule's local data overrides every zone (REST `ResponsePolicyRule.localData`):
    // zones matter only to answers that reached them or fell through to public DNS.
    const zonesMatter = answers.some((a) => a.kind !== 'serverPolicy' && (a.kind !== 'addresses' || a.steps.some((step) => !step.policyRule)));
    if (zonesMatter) {
      // Zones of a project the input did not read (an export without DNS, a Shared VPC host outside
      // it) may be the ones that answer: their absence proves nothing.
      const gaps = coverageGaps(index, projects.map((project) => ({ project, collections: ['managedZones'] as CollectionKind[] })));
      if (gaps) {
        outcome({ status: 'not-evaluated', ...gaps });
        continue;
      }
      const undecided = undecidedZone(index, network, spec.domain);
      if (undecided) {
        outcome({ status: 'not-evaluated', messageId: 'unknownZone', related: [undecided.zone.fullName], data: { zone: entityText(undecided.zone), field: undecided.field } });
        continue;
      }
    }
    const worst = findings.find((f) => f.status === 'fail') ?? findings[0];
    if (worst) {
      outcome(worst);
      continue;
    }
    const sources = new Map<string, string>();
    for (const step of answers.flatMap((a) => a.steps)) sources.set(stepSourceName(step) ?? '', sourceText(step));
    const names = listText(spec.names.map(fqdn));
    const zones = listText([...sources.values()]);
    const endpoints = [...new Set(reached.flatMap((r) => (r.kind === 'psc' ? [r.endpoint] : [])))];
    const related = [...sources.keys(), ...endpoints.map((e) => e.forwardingRule.fullName)];
    if (endpoints.length > 0 && reached.every((r) => r.kind === 'psc')) {
      outcome({
        status: 'pass',
        messageId: 'resolvesPsc',
        related,
        data: { names, vip: params.vip, endpoint: listText(endpoints.map(endpointText)), bundle: BUNDLE_FOR_VIP[params.vip], zones },
      });
      continue;
    }
    outcome({
      status: 'pass',
      messageId: 'resolves',
      related,
      data: { names, vip: params.vip, range: VIPS[params.vip].ipv4Range, zones: endpoints.length > 0 ? `${zones} (and ${listText(endpoints.map(endpointText))})` : zones },
    });
  }
}

/** A cluster's pod or service range, and where it came from. */
export interface ClusterRange {
  cidr?: string;
  /** `secondary range pods` or `clusterIpv4CidrBlock`, for messages. */
  source?: string;
  /** Set when the policy names a secondary range the node subnet does not have. */
  missingName?: string;
  /** Set when the named secondary range and the cluster's own CIDR block disagree (the block is used). */
  disagreement?: string;
}

/**
 * The pod and service ranges of a VPC-native cluster. The cluster's own CIDR blocks
 * (`clusterIpv4CidrBlock`, `servicesIpv4CidrBlock`) are what GKE reports it uses, so they win when
 * the secondary range the cluster names says otherwise (a range renamed or recreated since) — and
 * the disagreement is said; without a block, the named secondary range of the node subnet.
 */
export function clusterRanges(cluster: Cluster, subnetwork: Subnetwork): { pods: ClusterRange; services: ClusterRange } {
  const policy = cluster.ipAllocationPolicy ?? {};
  const pick = (name: string | undefined, block: string | undefined, blockField: string): ClusterRange => {
    if (name && block && isCidr(block)) {
      const secondary = subnetwork.secondaryIpRanges.find((r) => r.rangeName === name);
      if (secondary && secondary.ipCidrRange.trim() === block.trim()) return { cidr: secondary.ipCidrRange, source: `secondary range ${name}` };
      const said = secondary ? `is ${secondary.ipCidrRange}` : `is not in subnetwork ${subnetwork.name}`;
      return { cidr: block, source: blockField, disagreement: `the secondary range ${name} the cluster names ${said}, but its own ${blockField} is ${block}, which is judged` };
    }
    if (name) {
      const secondary = subnetwork.secondaryIpRanges.find((r) => r.rangeName === name);
      return secondary ? { cidr: secondary.ipCidrRange, source: `secondary range ${name}` } : { missingName: name };
    }
    return block ? { cidr: block, source: blockField } : {};
  };
  return {
    pods: pick(policy.clusterSecondaryRangeName, policy.clusterIpv4CidrBlock, 'clusterIpv4CidrBlock'),
    services: pick(policy.servicesSecondaryRangeName, policy.servicesIpv4CidrBlock, 'servicesIpv4CidrBlock'),
  };
}
