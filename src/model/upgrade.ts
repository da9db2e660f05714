/**
 * Reads snapshots written by older schema versions as the current one, saying honestly what they
 * could not hold: a version 1 snapshot read every v1 collection of its projects (except where it
 * recorded a read error), and none of the collections added since.
 */
import { COLLECTION_KINDS, coverSeenProjects, setCoverage, sortCoverage, V1_COLLECTIONS } from './coverage.js';
import { SNAPSHOT_SCHEMA_VERSION, type Entity, type Snapshot } from './snapshot.js';

const V2_COLLECTIONS = ['firewallPolicies', 'addresses', 'forwardingRules', 'responsePolicies', 'dnsPolicies', 'servicePerimeters', 'policyBasedRoutes'] as const;

/** Upgrades a (schema-valid) version 1 snapshot in place and returns it. */
export function upgradeV1(data: Record<string, unknown>): Snapshot {
  const snapshot = data as unknown as Snapshot;
  snapshot.schemaVersion = SNAPSHOT_SCHEMA_VERSION;
  for (const key of V2_COLLECTIONS) (snapshot as unknown as Record<string, Entity[]>)[key] ??= [];
  snapshot.projects = [];
  snapshot.coverage = [];
  const projects = coverSeenProjects(snapshot, V1_COLLECTIONS);
  const newer = COLLECTION_KINDS.filter((k) => !V1_COLLECTIONS.includes(k));
  for (const project of projects) {
    setCoverage(snapshot, project, newer, 'not-read', 'the snapshot was written by schema version 1, which did not collect it');
  }
  sortCoverage(snapshot.coverage);
  // Keep the key order of a freshly written snapshot: projects and coverage after scope.
  const { schemaVersion, generatedAt, generator, scope, projects: p, coverage, ...rest } = snapshot;
  return { schemaVersion, generatedAt, ...(generator ? { generator } : {}), scope, projects: p, coverage, ...rest } as Snapshot;
}
