/**
 * The per-cluster diagram, drawn as inline SVG from the cluster's topology and its checklist:
 * on-prem → VPN / Cloud Router → VPC → node subnet → VIP along the top, the control plane under
 * the VPC (via peering or Private Service Connect). A link the audit found broken is red, dashed
 * and labelled with what breaks it; a link that could not be evaluated is grey and dashed.
 */
import { VIPS } from '../../model/facts.js';
import { shortName } from '../../model/names.js';
import type { ClusterTopology, PolicyParameters } from '../../engine/types.js';
import type { StepOutcome } from './checklist.js';
import { html, type SafeHtml } from './template.js';

type LinkState = 'ok' | 'broken' | 'unknown';

interface Link {
  state: LinkState;
  /** Why it is broken or unknown, or what carries it when fine. */
  label: string[];
}

const BOX_W = 164;
const BOX_H = 72;
const GAP = 46;
const TOP = 16;
const WIDTH = 5 * BOX_W + 4 * GAP + 20;
const HEIGHT = 284;
const CP_Y = 186;

/** Shortens text to fit a box; the full text stays in the box's tooltip. */
function fit(text: string, max = 26): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Splits a label into lines of at most `max` characters, at spaces when it can. */
function wrap(text: string, max = 26): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= max) line = next;
    else {
      if (line) lines.push(line);
      line = word.length > max ? fit(word, max) : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function stateOf(steps: Map<string, StepOutcome>, ids: string[], reasons: Record<string, string>): Link {
  // A waived failure is still a broken link in the network; the waiver only keeps it off the gate.
  const broken = ids
    .filter((id) => steps.get(id)?.state === 'fail' || steps.get(id)?.state === 'waived')
    .map((id) => (steps.get(id)?.state === 'waived' ? `${reasons[id]} (waived)` : reasons[id]));
  if (broken.length) return { state: 'broken', label: broken };
  const unknown = ids.filter((id) => steps.get(id)?.state === 'not-evaluated').map((id) => `${reasons[id]}?`);
  if (unknown.length) return { state: 'unknown', label: ['not evaluated:', ...unknown] };
  return { state: 'ok', label: [] };
}

/** The egress link's label: the firewall, and the layer that decided when a policy did. */
function egressLabel(steps: Map<string, StepOutcome>): string {
  const results = steps.get('egress')?.results ?? [];
  const decided = results.find((r) => (r.status === 'fail' || r.status === 'not-evaluated') && r.decidedBy && r.decidedBy !== 'VPC firewall rules');
  return decided ? `egress firewall: ${decided.decidedBy}` : 'egress firewall';
}

const DNS_DOMAINS: Record<string, string> = { 'dns-googleapis': 'googleapis.com', 'dns-gcr': 'gcr.io', 'dns-pkg-dev': 'pkg.dev' };

/** The domains whose private zone is broken (or, failing that, unknown), for the link's label. */
function dnsDomains(steps: Map<string, StepOutcome>): string {
  const results = steps.get('dns')?.results ?? [];
  const pick = (status: string) => [...new Set(results.filter((r) => r.status === status).map((r) => DNS_DOMAINS[r.ruleId] ?? r.ruleId))];
  const failing = pick('fail');
  return (failing.length ? failing : pick('not-evaluated')).join(', ') || 'Google APIs';
}

function box(x: number, y: number, title: string, lines: string[], flagged: string | undefined, tooltip: string): SafeHtml {
  return html`<g class="box${flagged ? ' flagged' : ''}"><title>${tooltip}</title><rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6"></rect><text x="${x + 8}" y="${y + 18}" class="box-title">${title}</text>${lines.map(
    (l, i) => html`<text x="${x + 8}" y="${y + 34 + i * 14}">${fit(l)}</text>`,
  )}${flagged ? html`<text x="${x + 8}" y="${y + BOX_H + 14}" class="flag">✗ ${fit(flagged, 28)}</text>` : ''}</g>`;
}

function linkLabel(x: number, y: number, lines: string[], anchor: 'middle' | 'end' | 'start', cls: string): SafeHtml {
  const wrapped = lines.flatMap((l) => wrap(l));
  return html`<text class="link-label ${cls}" text-anchor="${anchor}">${wrapped.map(
    (l, i) => html`<tspan x="${x}" y="${y + i * 12}">${l}</tspan>`,
  )}</text>`;
}

function hLink(key: string, fromX: number, link: Link): SafeHtml {
  const y = TOP + BOX_H / 2;
  const x1 = fromX;
  const x2 = fromX + GAP;
  const mid = (x1 + x2) / 2;
  return html`<g class="link ${link.state}"><line x1="${x1}" y1="${y}" x2="${x2 - 4}" y2="${y}" marker-end="url(#${key}-arrow-${link.state})"></line>${
    link.state === 'broken' ? html`<text x="${mid}" y="${y - 6}" text-anchor="middle" class="cross">✗</text>` : ''
  }${link.label.length ? linkLabel(mid, TOP + BOX_H + 30, link.label, 'middle', link.state) : ''}</g>`;
}

function markers(key: string): SafeHtml {
  return html`<defs>${(['ok', 'broken', 'unknown'] as const).map(
    (s) =>
      html`<marker id="${key}-arrow-${s}" class="arrow ${s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"></path></marker>`,
  )}</defs>`;
}

export function clusterDiagram(
  cluster: ClusterTopology,
  steps: Map<string, StepOutcome>,
  params: PolicyParameters,
  /** Unique per diagram in the page: prefixes the SVG element ids. */
  key: string,
): SafeHtml {
  const xs = [0, 1, 2, 3, 4].map((i) => 10 + i * (BOX_W + GAP));
  const vip = VIPS[params.vip];
  const routers = cluster.routers.map(shortName);

  const onPremToRouter: Link =
    routers.length === 0 ? { state: 'broken', label: ['no Cloud Router with BGP peers in the region'] } : { state: 'ok', label: [] };
  const routerToVpc = stateOf(steps, ['router'], { router: 'control-plane range not advertised' });
  const subnetToVip = stateOf(steps, ['private-google-access', 'dns', 'vip-route', 'egress'], {
    'private-google-access': 'no Private Google Access',
    dns: `DNS for ${dnsDomains(steps)}`,
    'vip-route': 'no route to the VIP',
    egress: egressLabel(steps),
  });
  const peering =
    cluster.controlPlaneConnection === 'peering'
      ? stateOf(steps, ['peering'], { peering: 'custom routes not exported' })
      : { state: 'ok' as LinkState, label: [] as string[] };
  const cpLink: Link =
    cluster.controlPlaneConnection === 'unknown'
      ? { state: 'unknown', label: ['connection not known'] }
      : {
          state: peering.state,
          label: [
            cluster.controlPlaneConnection === 'psc' ? 'Private Service Connect' : `peering ${fit(cluster.peeringName ?? '', 30)}`,
            ...peering.label,
          ],
        };

  const failed = (id: string): boolean => steps.get(id)?.state === 'fail' || steps.get(id)?.state === 'waived';
  const flag = (id: string, text: string): string | undefined =>
    failed(id) ? (steps.get(id)?.state === 'waived' ? `${text} (waived)` : text) : undefined;
  const nodesFlag = flag('nodes', 'nodes can reach the internet');
  const cpFlag = flag('control-plane', 'public endpoint') ?? flag('authorized-networks', 'authorized networks');

  const cpX = xs[2];
  const vpcMid = cpX + BOX_W / 2;
  const onPrem = params.onPremRanges.length ? params.onPremRanges : ['(no range in the policy)'];
  const title = `Network path of cluster ${cluster.name}`;

  return html`<svg class="diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}"><title>${title}</title>${markers(key)}${[
    box(xs[0], TOP, 'On-prem', onPrem, undefined, `On-prem ranges: ${onPrem.join(', ')}`),
    box(xs[1], TOP, 'VPN / Cloud Router', routers.length ? routers : ['none'], undefined, `Cloud Routers: ${cluster.routers.join(', ') || 'none'}`),
    box(xs[2], TOP, 'VPC', [shortName(cluster.network), cluster.project], undefined, cluster.network),
    box(
      xs[3],
      TOP,
      'Node subnet',
      [shortName(cluster.subnetwork), cluster.subnetRange ?? 'range unknown', `${cluster.nodeCount} node VM${cluster.nodeCount === 1 ? '' : 's'}`],
      nodesFlag,
      cluster.subnetwork,
    ),
    box(xs[4], TOP, `${params.vip === 'restricted' ? 'Restricted' : 'Private'} VIP`, [vip.host.replace(/\.$/, ''), vip.ipv4Range], undefined, `${vip.host} ${vip.ipv4Range}`),
    hLink(key, xs[0] + BOX_W, onPremToRouter),
    hLink(key, xs[1] + BOX_W, routerToVpc),
    hLink(key, xs[2] + BOX_W, { state: 'ok', label: [] }),
    hLink(key, xs[3] + BOX_W, subnetToVip),
    html`<g class="link ${cpLink.state}"><line x1="${vpcMid}" y1="${TOP + BOX_H}" x2="${vpcMid}" y2="${CP_Y - 4}" marker-end="url(#${key}-arrow-${cpLink.state})"></line>${
      cpLink.state === 'broken' ? html`<text x="${vpcMid - 16}" y="${(TOP + BOX_H + CP_Y) / 2 + 4}" class="cross">✗</text>` : ''
    }${linkLabel(vpcMid + 10, TOP + BOX_H + 26, cpLink.label, 'start', cpLink.state)}</g>`,
    box(
      cpX,
      CP_Y,
      'Control plane',
      [cluster.masterIpv4CidrBlock ?? 'range not set', cluster.privateEndpoint ? `endpoint ${cluster.privateEndpoint}` : 'endpoint unknown'],
      cpFlag,
      `Control plane of ${cluster.fullName}`,
    ),
  ]}</svg>`;
}
