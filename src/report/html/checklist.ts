/**
 * The article's path as a checklist: which rules decide each step, and how the results of those
 * rules for one cluster add up to one state. Shared by the checklist and the diagram so the two
 * can never disagree.
 */
import type { Result } from '../../engine/types.js';

export interface Step {
  id: string;
  label: string;
  /** Shown under the label: what the step covers. */
  detail?: string;
  rules: readonly string[];
}

/** In the order a reader follows the article, left to right. */
export const PATH_STEPS: readonly Step[] = [
  { id: 'nodes', label: 'Nodes private', detail: 'internal IPs only', rules: ['private-nodes', 'node-external-ip'] },
  { id: 'control-plane', label: 'Control plane private', detail: 'no public endpoint', rules: ['private-endpoint', 'dns-endpoint-external'] },
  { id: 'authorized-networks', label: 'Authorized networks', detail: 'on-prem range only', rules: ['authorized-networks'] },
  { id: 'private-google-access', label: 'Private Google Access', detail: 'on the node subnet', rules: ['private-google-access'] },
  { id: 'dns', label: 'DNS', detail: 'googleapis.com, gcr.io, pkg.dev', rules: ['dns-googleapis', 'dns-gcr', 'dns-pkg-dev'] },
  { id: 'vip-route', label: 'VIP route', detail: 'to default-internet-gateway', rules: ['vip-route'] },
  { id: 'egress', label: 'Egress', detail: 'VIP allowed, internet only through the proxy', rules: ['vip-egress-firewall', 'egress-default-deny', 'internet-egress'] },
  { id: 'peering', label: 'Peering route export', detail: 'custom routes to the control plane', rules: ['peering-export-custom-routes'] },
  { id: 'router', label: 'Router advertisement', detail: 'control-plane range to on-prem', rules: ['router-advertises-control-plane'] },
];

/** Checked as well, but not on the path itself. */
export const SIDE_STEPS: readonly Step[] = [
  { id: 'vpc-native', label: 'VPC-native', detail: 'alias IP ranges', rules: ['vpc-native'] },
  { id: 'health-checks', label: 'Health-check ingress', detail: 'load-balancer probes', rules: ['health-check-ingress'] },
  { id: 'vpc-sc', label: 'VPC Service Controls', detail: 'enforced perimeter', rules: ['vpc-sc-perimeter'] },
];

/** A result as a reader sees it: a waived failure is neither red nor green. */
export type DisplayStatus = 'fail' | 'waived' | 'not-evaluated' | 'pass' | 'not-applicable';

export function displayStatus(r: Result): DisplayStatus {
  return r.waiver ? 'waived' : r.status;
}

/** `not-run`: no rule of the step produced a result for the cluster (rules off, or nothing to check). */
export type StepState = DisplayStatus | 'not-run';

// Worst first: one failing rule makes the step red, and a step with anything not evaluated is
// never shown as passed.
const PRECEDENCE: readonly DisplayStatus[] = ['fail', 'waived', 'not-evaluated', 'pass', 'not-applicable'];

export function stepState(results: readonly Result[]): StepState {
  let best = PRECEDENCE.length;
  for (const r of results) best = Math.min(best, PRECEDENCE.indexOf(displayStatus(r)));
  return best < PRECEDENCE.length ? PRECEDENCE[best] : 'not-run';
}

export interface StepOutcome {
  step: Step;
  state: StepState;
  results: Result[];
}

/** The steps of one cluster, from that cluster's results. */
export function clusterSteps(steps: readonly Step[], results: readonly Result[]): StepOutcome[] {
  return steps.map((step) => {
    const own = results.filter((r) => step.rules.includes(r.ruleId));
    return { step, state: stepState(own), results: own };
  });
}

/** Results grouped by the cluster they concern (a network-wide result counts for each of its clusters). */
export function resultsByCluster(results: readonly Result[]): Map<string, Result[]> {
  const map = new Map<string, Result[]>();
  for (const r of results) {
    for (const c of new Set(r.clusters)) {
      const list = map.get(c);
      if (list) list.push(r);
      else map.set(c, [r]);
    }
  }
  return map;
}

export const STATE_LABEL: Record<StepState, string> = {
  fail: 'fail',
  waived: 'waived',
  'not-evaluated': 'not evaluated',
  pass: 'pass',
  'not-applicable': 'n/a',
  'not-run': 'not checked',
};

/** A mark besides the colour, so the state reads in greyscale print and for colour-blind readers. */
export const STATE_MARK: Record<StepState, string> = {
  fail: '✗',
  waived: '!',
  'not-evaluated': '?',
  pass: '✓',
  'not-applicable': '–',
  'not-run': '·',
};
