import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { Outcome, Rule } from '../engine/types.js';
import type { BgpPeer, Cluster, ReadError, Router } from '../model/snapshot.js';
import { projectOf, regionOf } from '../model/names.js';
import { contains, coveredBy, isCidr, parseCidr, type Interval } from '../network/cidr.js';
import { routerServesRegion } from '../network/routes.js';
import { coverageGaps, firstUnknown, listText } from './support.js';
import { nameParts, networkFix } from './fix.js';

/** Groups that make a router advertise the subnets of its own VPC. */
const SUBNET_GROUPS = new Set(['ALL_SUBNETS', 'ALL_VPC_SUBNETS']);

/** What one BGP session announces to on-prem. */
interface Advertisement {
  /** Whose configuration applies: the peer's own CUSTOM one, the router's CUSTOM one, or DEFAULT. */
  mode: 'CUSTOM on the peer' | 'CUSTOM on the router' | 'DEFAULT';
  ranges: string[];
  includesSubnets: boolean;
}

/**
 * A peer's own CUSTOM mode replaces the router's advertisement for that session; any other peer
 * mode inherits the router's. DEFAULT (also an unset mode) announces the subnets only.
 */
function effectiveAdvertisement(router: Router, peer: BgpPeer): Advertisement {
  const custom = (mode: Advertisement['mode'], groups: string[] | undefined, ranges: { range: string }[] | undefined): Advertisement => ({
    mode,
    ranges: (ranges ?? []).map((r) => r.range).filter(isCidr),
    includesSubnets: (groups ?? []).some((g) => SUBNET_GROUPS.has(g)),
  });
  if (peer.advertiseMode === 'CUSTOM') return custom('CUSTOM on the peer', peer.advertisedGroups, peer.advertisedIpRanges);
  if (router.bgp?.advertiseMode === 'CUSTOM') return custom('CUSTOM on the router', router.bgp.advertisedGroups, router.bgp.advertisedIpRanges);
  return { mode: 'DEFAULT', ranges: [], includesSubnets: true };
}

function describeAdvertisement(ad: Advertisement): string {
  if (ad.mode === 'DEFAULT') return 'DEFAULT mode: subnets only';
  const what = [...(ad.includesSubnets ? ['ALL_SUBNETS'] : []), ...ad.ranges];
  return `${ad.mode}: ${what.length ? what.join(', ') : 'nothing'}`;
}

/** Paths of a router that, unknown until apply, leave the advertisement to on-prem unknown. */
function routerUnknown(index: SnapshotIndex, router: Router): string | undefined {
  const paths = ['bgpPeers', 'bgp.advertiseMode', 'bgp.advertisedGroups', 'bgp.advertisedIpRanges'];
  const exact = (router.unknown ?? []).find((p) => paths.some((path) => p === path || path.startsWith(`${p}.`)));
  if (exact) return exact;
  return router.bgpPeers
    .flatMap((_, i) => [`bgpPeers.${i}.advertiseMode`, `bgpPeers.${i}.advertisedGroups`, `bgpPeers.${i}.advertisedIpRanges`, `bgpPeers.${i}.enable`])
    .find((p) => index.isUnknown(router, p));
}

/** A disabled session (`enable: FALSE`) announces nothing and carries no traffic. */
const activePeers = (router: Router): BgpPeer[] => router.bgpPeers.filter((p) => p.enable?.toUpperCase() !== 'FALSE');

interface Target {
  /** The range on-prem must learn: the control-plane /28, or the PSC endpoint address. */
  range: string;
  what: string;
  /**
   * A PSC endpoint sits in a subnet; a peering cluster's control-plane range never does (GKE refuses
   * one that overlaps a subnet), so advertising the subnets cannot cover it.
   */
  inSubnet: boolean;
}

/** The ranges of every subnet of the network (primary and secondary), parsed once per network for all its clusters. */
function advertisableSubnetRanges(index: SnapshotIndex, network: string): Interval[] {
  return index.memo('subnetRanges', network, () =>
    index
      .subnetworksOf(network)
      .flatMap((s) => [s.ipCidrRange, ...s.secondaryIpRanges.map((r) => r.ipCidrRange)])
      .filter(isCidr)
      .map((r) => parseCidr(r)),
  );
}

const NO_RANGES: Interval[] = [];

/** Whether the advertised ranges and subnets together cover `target`; one range covering it is the usual case, told without merging. */
function advertises(target: string, ranges: string[], subnets: Interval[]): boolean {
  const t = parseCidr(target);
  for (const r of ranges) if (contains(r, t)) return true;
  for (const s of subnets) if (contains(s, t)) return true;
  return coveredBy(t, [...ranges, ...subnets]);
}

function readErrorText(errors: ReadError[]): string {
  return errors.map((e) => `${e.collection} of ${e.project}: ${e.status ? `HTTP ${e.status} ` : ''}${e.message}`).join('; ');
}

export const routerAdvertisesControlPlane: Rule = {
  meta: {
    id: 'router-advertises-control-plane',
    title: 'The on-prem Cloud Router advertises the control-plane range',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'Every BGP peer of the Cloud Routers on the cluster\'s network that serve its region (the VPN to on-prem) — the routers of the cluster\'s region when the network\'s `routingConfig.routingMode` is REGIONAL (the default), the routers of every region when it is GLOBAL — advertises the control plane: for a peering-based private cluster, `privateClusterConfig.masterIpv4CidrBlock` is covered by an advertised custom range (`bgp.advertisedIpRanges`, or the peer\'s own when its `advertiseMode` is CUSTOM); for a Private Service Connect cluster, the private endpoint address is covered by an advertised range or sits in a subnet the session advertises (`ALL_SUBNETS`, or DEFAULT mode). Disabled peers are ignored.',
    rationale:
      'The article (クラウドルーターの修正) edits the Cloud Router used for the VPN to on-prem, chooses "create custom routes" and adds the IP range given to the master: the control plane lives in Google\'s peered network, not in a subnet, so the router\'s default advertisement (the subnets) never tells on-prem how to reach it and kubectl from on-prem times out.',
    articleSection: 'クラウドルーターの修正',
    remediation: {
      gcloud:
        '# keep the subnets and add the control-plane range (privateClusterConfig.masterIpv4CidrBlock)\ngcloud compute routers update ROUTER --region REGION --advertisement-mode CUSTOM --set-advertisement-groups ALL_SUBNETS --set-advertisement-ranges 172.16.0.0/28\n# a peer with its own custom advertisement:\ngcloud compute routers update-bgp-peer ROUTER --region REGION --peer-name PEER --advertisement-mode CUSTOM --set-advertisement-groups ALL_SUBNETS --set-advertisement-ranges 172.16.0.0/28',
      terraform:
        'resource "google_compute_router" "onprem_vpn" {\n  name    = "onprem-vpn-router"\n  network = google_compute_network.vpc.id\n  region  = "asia-northeast1"\n  bgp {\n    asn               = 64514\n    advertise_mode    = "CUSTOM"\n    advertised_groups = ["ALL_SUBNETS"]\n    advertised_ip_ranges {\n      range       = google_container_cluster.this.private_cluster_config[0].master_ipv4_cidr_block\n      description = "GKE control plane"\n    }\n  }\n}',
    },
    messages: {
      advertised: 'Cluster {{subject}}: {{target}} is advertised to on-prem by {{peers}}.',
      notAdvertised: 'Cluster {{subject}}: {{target}} is not advertised to on-prem by {{missing}}.',
      noRouter:
        'Cluster {{subject}}: no Cloud Router with an enabled BGP peer on network {{network}} {{where}}, so on-prem does not learn a route to {{target}}.',
      modeNotKnown:
        'Cluster {{subject}}: no Cloud Router with an enabled BGP peer on network {{network}} in region {{region}}; routers in {{others}} would serve it if the network\'s dynamic routing mode is GLOBAL, but {{why}}.',
      noTarget: 'Cluster {{subject}}: {{problem}}, so the range on-prem must reach cannot be checked.',
      noPrivateEndpoint:
        'Cluster {{subject}} has neither a control-plane peering nor a private endpoint address, so there is no private control plane for on-prem to reach (see private-endpoint).',
      notCovered: 'Cluster {{subject}} cannot be judged without {{missing}}.',
      readError: 'Cluster {{subject}}: {{collection}} could not be read ({{error}}), so the advertisement to on-prem cannot be checked.',
      unknown: 'Cluster {{subject}}: {{field}} is not known until apply.',
    },
  },
  check({ index, report }) {
    for (const cluster of index.clusters) {
      const outcome = judge(index, cluster);
      report(outcome);
    }
  },
  fix(target) {
    const range = target.cluster?.masterIpv4CidrBlock ?? 'CONTROL_PLANE_RANGE';
    const router = target.cluster?.routers[0] ? nameParts(target.cluster.routers[0]) : undefined;
    if (target.resource.address || !router) {
      return networkFix(
        target,
        `to the VPN's google_compute_router bgp { advertise_mode = "CUSTOM", advertised_groups = ["ALL_SUBNETS"], advertised_ip_ranges { range = "${range}" } }`,
        (network) => `on the VPN's Cloud Router (${network}): gcloud compute routers update ROUTER --advertisement-mode CUSTOM --set-advertisement-groups ALL_SUBNETS --set-advertisement-ranges ${range}`,
      );
    }
    return `gcloud compute routers update ${router.name} --region ${router.location} --project ${router.project} --advertisement-mode CUSTOM --set-advertisement-groups ALL_SUBNETS --set-advertisement-ranges ${range}`;
  },
};

function judge(index: SnapshotIndex, cluster: Cluster): Outcome {
  const notEvaluated = (messageId: string, data: Record<string, string>, extra: Partial<Outcome> = {}): Outcome => ({
    status: 'not-evaluated',
    subject: cluster,
    messageId,
    data,
    ...extra,
  });
  const peering = Boolean(cluster.privateClusterConfig?.peeringName);
  const unknown = firstUnknown(index, cluster, [
    'network',
    'location',
    'privateClusterConfig.peeringName',
    ...(peering
      ? ['privateClusterConfig.masterIpv4CidrBlock']
      : ['controlPlaneEndpointsConfig.ipEndpointsConfig.privateEndpoint', 'privateClusterConfig.privateEndpoint']),
  ]);
  if (unknown) return notEvaluated('unknown', { field: unknown });

  let target: Target;
  if (peering) {
    const block = cluster.privateClusterConfig?.masterIpv4CidrBlock;
    if (!block || !isCidr(block)) {
      const problem = block ? `privateClusterConfig.masterIpv4CidrBlock ${JSON.stringify(block)} is not a CIDR range` : 'privateClusterConfig.masterIpv4CidrBlock is not in the snapshot';
      return notEvaluated('noTarget', { problem });
    }
    target = { range: block, what: `the control-plane range ${block}`, inSubnet: false };
  } else {
    const endpoint = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig?.privateEndpoint ?? cluster.privateClusterConfig?.privateEndpoint;
    // Unknown-until-apply was ruled out above: without an address there is no private endpoint to reach.
    if (!endpoint) return { status: 'not-applicable', subject: cluster, messageId: 'noPrivateEndpoint' };
    if (!isCidr(endpoint)) return notEvaluated('noTarget', { problem: `the private endpoint ${JSON.stringify(endpoint)} is not an IP address` });
    target = { range: endpoint, what: `the private endpoint ${endpoint}`, inSubnet: true };
  }

  const project = projectOf(cluster.network) ?? cluster.project;
  const routerErrors = index.readErrorsFor(project, 'routers');
  if (routerErrors.length > 0) {
    return notEvaluated('readError', { collection: `the routers of project ${project}`, error: readErrorText(routerErrors) }, { readErrors: routerErrors });
  }

  // Routers (and, for an endpoint in a subnet, the subnets they announce) of a project the input
  // did not read are not evidence that there is none.
  const gaps = coverageGaps(index, [{ project, collections: target.inSubnet ? ['routers', 'subnetworks'] : ['routers'] }]);
  if (gaps) return notEvaluated(gaps.messageId, gaps.data as Record<string, string>);

  const region = regionOf(cluster.location);
  // Under GLOBAL dynamic routing a Cloud Router in any region advertises the whole network's
  // subnets and its custom ranges for every region, and what it learns applies everywhere
  // (cloud.google.com/network-connectivity/docs/router/how-to/configuring-routing-mode).
  const network = index.network(cluster.network);
  const mode = network?.routingMode;
  const routers = index.routersOf(cluster.network).filter((r) => routerServesRegion(r.region, region, mode));
  const elsewhere = index.routersOf(cluster.network).filter((r) => r.region !== region && activePeers(r).length > 0);
  const modeUnsure = !network ? `network ${cluster.network} is not in the snapshot` : index.isUnknown(network, 'routingMode') ? 'routingMode is not known until apply' : undefined;
  if (modeUnsure && elsewhere.length > 0 && !routers.some((r) => activePeers(r).length > 0)) {
    const others = [...new Set(elsewhere.map((r) => r.region))].join(', ');
    return notEvaluated('modeNotKnown', { network: cluster.network, region, others, why: modeUnsure }, { related: elsewhere.map((r) => r.fullName) });
  }
  const subnetRanges = advertisableSubnetRanges(index, cluster.network);
  const subnetErrors = index.readErrorsFor(project, 'subnetworks');

  const missing: string[] = [];
  const advertising: string[] = [];
  const undecided: string[] = [];
  let unknownRouter: string | undefined;
  for (const router of routers) {
    const unknownPath = routerUnknown(index, router);
    if (unknownPath) {
      unknownRouter ??= `${unknownPath} of router ${router.fullName}`;
      continue;
    }
    for (const peer of activePeers(router)) {
      // One router serves every cluster of its network and region: its sessions are read once.
      const ad = index.memoOn(peer, 'advertisement', () => effectiveAdvertisement(router, peer));
      const label = `router ${router.name} peer ${peer.name}`;
      const subnetsCount = ad.includesSubnets && target.inSubnet;
      if (advertises(target.range, ad.ranges, subnetsCount ? subnetRanges : NO_RANGES)) {
        advertising.push(label);
      } else if (subnetsCount && subnetErrors.length > 0) {
        // The subnets it announces were not all read: the endpoint may sit in one of them.
        undecided.push(label);
      } else {
        missing.push(`${label} (${describeAdvertisement(ad)})`);
      }
    }
  }
  const related = routers.map((r) => r.fullName);
  const where = mode === 'GLOBAL' ? 'in any region (the network\'s dynamic routing mode is GLOBAL)' : `in region ${region}`;
  const data = { target: target.what, network: cluster.network, region, where };
  if (missing.length > 0) {
    return { status: 'fail', subject: cluster, messageId: 'notAdvertised', data: { ...data, missing: listText(missing) }, related };
  }
  if (unknownRouter) return notEvaluated('unknown', { field: unknownRouter }, { related });
  if (undecided.length > 0) {
    return notEvaluated('readError', { collection: `the subnetworks of project ${project}`, error: readErrorText(subnetErrors) }, { readErrors: subnetErrors, related });
  }
  if (advertising.length === 0) {
    return { status: 'fail', subject: cluster, messageId: 'noRouter', data, related };
  }
  return { status: 'pass', subject: cluster, messageId: 'advertised', data: { ...data, peers: listText(advertising) }, related };
}
