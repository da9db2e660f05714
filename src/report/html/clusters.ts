/** One card per cluster: the article's path as a checklist, then the diagram drawn from it. */
import type { AuditReport, ClusterTopology, Result } from '../../engine/types.js';
import { shortName } from '../../model/names.js';
import {
  clusterSteps,
  displayStatus,
  PATH_STEPS,
  SIDE_STEPS,
  STATE_LABEL,
  STATE_MARK,
  type StepOutcome,
} from './checklist.js';
import { clusterDiagram } from './diagram.js';
import { html, type SafeHtml } from './template.js';

/** How many findings a step links to before it says "and N more". */
const LINKS_PER_STEP = 4;

export type AnchorOf = (r: Result) => string;

const STATUS_ORDER = { fail: 0, waived: 1, 'not-evaluated': 2, pass: 3, 'not-applicable': 4 } as const;

function stepItem(o: StepOutcome, n: number | undefined, anchorOf: AnchorOf): SafeHtml {
  const sorted = [...o.results].sort((a, b) => STATUS_ORDER[displayStatus(a)] - STATUS_ORDER[displayStatus(b)]);
  const shown = sorted.slice(0, LINKS_PER_STEP);
  const rest = sorted.length - shown.length;
  const rulesRun = new Set(o.results.map((r) => r.ruleId));
  const silent = o.step.rules.filter((id) => !rulesRun.has(id));
  return html`<li class="s-${o.state}" data-step="${o.step.id}" data-state="${o.state}"><span class="step-no">${n !== undefined ? `${n}. ` : ''}</span><span class="step-label">${o.step.label}</span>${
    o.step.detail ? html`<span class="step-detail">${o.step.detail}</span>` : ''
  }<span class="step-state">${STATE_MARK[o.state]} ${STATE_LABEL[o.state]}</span><ul>${shown.map(
    (r) =>
      html`<li><a href="#${anchorOf(r)}">${STATE_MARK[displayStatus(r)]} ${r.ruleId}${r.resource.kind === 'instance' ? html` (${r.resource.name})` : ''}</a>${
        r.decidedBy ? html`<span class="step-detail">decided by ${r.decidedBy}</span>` : ''
      }</li>`,
  )}${rest > 0 ? html`<li><a href="#${anchorOf(sorted[LINKS_PER_STEP])}">and ${rest} more</a></li>` : ''}${silent.map(
    (id) => html`<li class="muted">· ${id}: no result</li>`,
  )}</ul></li>`;
}

function clusterCard(report: AuditReport, cluster: ClusterTopology, index: number, results: Result[], anchorOf: AnchorOf): SafeHtml {
  const path = clusterSteps(PATH_STEPS, results);
  const side = clusterSteps(SIDE_STEPS, results);
  const byId = new Map([...path, ...side].map((o) => [o.step.id, o]));
  const connection =
    cluster.controlPlaneConnection === 'peering'
      ? `peering ${cluster.peeringName ?? ''}`
      : cluster.controlPlaneConnection === 'psc'
        ? 'Private Service Connect'
        : 'unknown';
  return html`<section class="cluster card" id="cluster-${index}" data-cluster="${cluster.fullName}">
<div class="cluster-head"><h3>Cluster ${cluster.name}</h3><span class="muted">project <code>${cluster.project}</code></span><span class="muted">location <code>${cluster.location}</code></span><span class="muted">network <code>${shortName(cluster.network)}</code></span><span class="muted">control plane via ${connection}</span></div>
<div class="muted small wrap mono">${cluster.address ?? cluster.fullName}</div>
<ol class="checklist" aria-label="Article path">${path.map((o, i) => stepItem(o, i + 1, anchorOf))}</ol>
<ol class="checklist side" aria-label="Also checked">${side.map((o) => stepItem(o, undefined, anchorOf))}</ol>
${clusterDiagram(cluster, byId, report.run.policy.parameters, `c${index}`)}
</section>`;
}

export function clustersSection(report: AuditReport, byCluster: Map<string, Result[]>, anchorOf: AnchorOf): SafeHtml {
  return html`<section id="clusters"><h2>Clusters (${report.clusters.length})</h2>${
    report.clusters.length === 0
      ? html`<p class="empty">The snapshot holds no GKE cluster.</p>`
      : report.clusters.map((c, i) => clusterCard(report, c, i, byCluster.get(c.fullName) ?? [], anchorOf))
  }</section>`;
}
