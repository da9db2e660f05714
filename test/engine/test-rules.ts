/** Tiny rules for engine tests: their outcomes are whatever the test says, so only the engine is under test. */
import type { Rule, Severity, Status } from '../../src/engine/types.js';
import type { Cluster, Snapshot } from '../../src/model/snapshot.js';
import { partialSnapshot } from '../helpers/fixtures.js';

export const clusterName = (name: string): string => `//container.googleapis.com/projects/p/locations/asia-northeast1/clusters/${name}`;

export function cluster(name: string, origin: Cluster['origin'] = { source: 'fixture' }): Cluster {
  return {
    kind: 'cluster',
    name,
    fullName: clusterName(name),
    project: 'p',
    origin,
    location: 'asia-northeast1',
    network: '//compute.googleapis.com/projects/p/global/networks/vpc',
    subnetwork: '//compute.googleapis.com/projects/p/regions/asia-northeast1/subnetworks/nodes',
    nodePools: [],
  };
}

export function snapshotOf(...clusters: Cluster[]): Snapshot {
  return partialSnapshot({ clusters });
}

/** A cluster rule whose status for each cluster is `statuses[cluster.name]` (pass when absent). */
export function scriptedRule(id: string, defaultSeverity: Severity, statuses: Record<string, Status>): Rule {
  return {
    meta: {
      id,
      title: `Scripted ${id}`,
      defaultSeverity,
      subject: 'cluster',
      description: 'test rule',
      rationale: 'test rule',
      articleSection: 'newer GKE',
      remediation: { gcloud: 'true', terraform: '# none' },
      messages: { result: 'Cluster {{subject}} is {{status}} ({{detail}}).', unused: 'never {{x}}' },
    },
    check({ index, report }) {
      for (const c of index.clusters) {
        const status = statuses[c.name] ?? 'pass';
        report({ status, subject: c, messageId: 'result', data: { status, detail: 'scripted' } });
      }
    },
  };
}
