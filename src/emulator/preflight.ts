/**
 * What `doctor` asks before an audit, as the emulator answers it: the services a project has
 * enabled (Service Usage `services.list`) and which of the asked permissions the caller holds
 * (Resource Manager `testIamPermissions`). A project that refuses a service as SERVICE_DISABLED has
 * it disabled; one that refuses it otherwise lacks that service's read permissions.
 */
import { SERVICE_APIS, SERVICE_PERMISSIONS } from '../collectors/live/preflight-facts.js';
import type { Json } from './wire.js';
import { SERVICES, type WorldProject } from './world.js';

/** Service Usage's `Service` JSON for every API the project has enabled. */
export function enabledServicesJson(project: WorldProject, filter: string | null): Json[] {
  const enabled = SERVICES.filter((s) => project.refuses?.[s]?.reason !== 'SERVICE_DISABLED' && project.refuses?.['*']?.reason !== 'SERVICE_DISABLED');
  const apis = [...enabled.map((s) => SERVICE_APIS[s]), 'serviceusage.googleapis.com', 'cloudresourcemanager.googleapis.com'].sort();
  const all = apis.map((api) => ({
    name: `projects/${project.number}/services/${api}`,
    parent: `projects/${project.number}`,
    config: { name: api },
    state: 'ENABLED',
  }));
  // Only `state:ENABLED` (and no filter) are asked by the tool; anything else lists nothing disabled either.
  return filter === null || /state:\s*ENABLED/i.test(filter) ? all : [];
}

/** The asked permissions the caller holds on the project (all of them on a folder or organization). */
export function grantedPermissions(asked: string[], project: WorldProject | undefined): string[] {
  if (!project) return asked;
  const missing = new Set(project.missingPermissions ?? []);
  for (const s of SERVICES) {
    const refusal = project.refuses?.[s] ?? project.refuses?.['*'];
    if (refusal && refusal.reason !== 'SERVICE_DISABLED') for (const p of SERVICE_PERMISSIONS[s]) missing.add(p);
  }
  return asked.filter((p) => !missing.has(p));
}
