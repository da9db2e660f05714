/**
 * What the emulator serves: a Snapshot plus the resource hierarchy around it (organization, folders,
 * projects with their numbers) and which services each project refuses. Read from a snapshot file
 * alone, or from a layout file that names its snapshots (examples/org/org.json).
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../schemas.js';
import { InputError, readInputText } from '../errors.js';
import { loadSnapshot, parseJsonText } from '../model/load.js';
import { emptySnapshot, ENTITY_LISTS, type Entity, type Snapshot } from '../model/snapshot.js';
import { numericId } from './wire.js';

export const SERVICES = ['compute', 'container', 'dns', 'asset'] as const;
export type Service = (typeof SERVICES)[number];

/** How a project refuses a service: 403 (API disabled, permission denied) or 404. */
export interface Refusal {
  status: 403 | 404;
  /** ErrorInfo reason, e.g. `SERVICE_DISABLED` or `IAM_PERMISSION_DENIED`. */
  reason: string;
}

export interface WorldProject {
  id: string;
  number: string;
  /** `folders/F` or `organizations/O`; absent for a project outside any organization. */
  parent?: string;
  /** Per service, or `*` for every service of the project. */
  refuses?: Partial<Record<Service | '*', Refusal>>;
  /** IAM permissions the caller lacks on this project (testIamPermissions leaves them out). */
  missingPermissions?: string[];
}

export interface WorldFolder {
  id: string;
  displayName?: string;
  parent: string;
}

export interface World {
  organization?: { id: string; displayName?: string };
  folders: WorldFolder[];
  projects: WorldProject[];
  snapshot: Snapshot;
}


export function entitiesOf(snapshot: Snapshot): Entity[] {
  return ENTITY_LISTS.flatMap((k) => snapshot[k] as Entity[]);
}

/** Every project a snapshot mentions, in a stable order. */
function projectsOf(snapshot: Snapshot): string[] {
  const ids = new Set(snapshot.scope.projects);
  // Perimeters (`accessPolicies/N`) and hierarchical firewall policies (`organizations/N`, `folders/N`) belong to no project.
  for (const e of entitiesOf(snapshot)) if (!e.project.includes('/')) ids.add(e.project);
  return [...ids].sort();
}

/**
 * A world from a snapshot alone: every project it mentions, outside any organization — unless the
 * snapshot holds service perimeters: an access policy belongs to an organization, so its projects
 * are then served inside one (a made-up organization, stable for the snapshot's perimeters).
 */
export function worldFromSnapshot(snapshot: Snapshot, layout?: Omit<World, 'snapshot'>): World {
  const known = new Map((layout?.projects ?? []).map((p) => [p.id, p]));
  const projects = [...(layout?.projects ?? [])];
  const organization =
    layout?.organization ??
    (layout === undefined && snapshot.servicePerimeters.length > 0
      ? { id: numericId(`organization/${snapshot.servicePerimeters.map((p) => p.project).sort().join(',')}`).slice(0, 12) }
      : undefined);
  // A project's number as the snapshot records it (perimeters name projects by number), else a made-up one.
  const numbers = new Map(snapshot.projects.filter((p) => p.projectNumber).map((p) => [p.projectId, p.projectNumber!]));
  for (const id of projectsOf(snapshot)) {
    if (!known.has(id)) {
      projects.push({ id, number: numbers.get(id) ?? numericId(`project/${id}`).slice(0, 12), parent: organization ? `organizations/${organization.id}` : undefined });
    }
  }
  return { organization, folders: layout?.folders ?? [], projects, snapshot };
}

/** Concatenates snapshots (the layout may split an organization over several files). */
export function mergeSnapshots(snapshots: Snapshot[]): Snapshot {
  const merged = emptySnapshot({ kind: 'fixture', projects: [] });
  for (const s of snapshots) {
    for (const k of ENTITY_LISTS) (merged[k] as Entity[]).push(...(s[k] as Entity[]));
    merged.scope.projects.push(...s.scope.projects);
    merged.projects.push(...s.projects);
  }
  return merged;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseLayout(data: Record<string, unknown>, file: string): Omit<World, 'snapshot'> & { snapshots: string[] } {
  const fail = (where: string, msg: string): never => {
    throw new InputError(file, msg, where);
  };
  const str = (v: unknown, where: string): string => (typeof v === 'string' && v !== '' ? v : fail(where, 'must be a non-empty string'));
  let organization: World['organization'];
  if (data.organization !== undefined) {
    if (!isObject(data.organization)) fail('$.organization', 'must be an object with an id');
    const o = data.organization as Record<string, unknown>;
    organization = { id: str(o.id, '$.organization.id'), displayName: typeof o.displayName === 'string' ? o.displayName : undefined };
  }
  const list = (key: string): Record<string, unknown>[] => {
    const v = data[key] ?? [];
    if (!Array.isArray(v)) fail(`$.${key}`, 'must be an array');
    (v as unknown[]).forEach((x, i) => isObject(x) || fail(`$.${key}[${i}]`, 'must be an object'));
    return v as Record<string, unknown>[];
  };
  const folders = list('folders').map((f, i) => ({
    id: str(f.id, `$.folders[${i}].id`),
    displayName: typeof f.displayName === 'string' ? f.displayName : undefined,
    parent: str(f.parent, `$.folders[${i}].parent`),
  }));
  const parents = new Set([...(organization ? [`organizations/${organization.id}`] : []), ...folders.map((f) => `folders/${f.id}`)]);
  folders.forEach((f, i) => parents.has(f.parent) || fail(`$.folders[${i}].parent`, `unknown parent "${f.parent}"`));
  const projects = list('projects').map((p, i): WorldProject => {
    const where = `$.projects[${i}]`;
    const project: WorldProject = { id: str(p.id, `${where}.id`), number: str(p.number, `${where}.number`) };
    if (!/^\d+$/.test(project.number)) fail(`${where}.number`, 'must be a project number (digits)');
    if (p.parent !== undefined) {
      project.parent = str(p.parent, `${where}.parent`);
      if (!parents.has(project.parent)) fail(`${where}.parent`, `unknown parent "${project.parent}"`);
    }
    if (p.refuses !== undefined) {
      if (!isObject(p.refuses)) fail(`${where}.refuses`, 'must be an object keyed by service');
      project.refuses = {};
      for (const [service, r] of Object.entries(p.refuses as Record<string, unknown>)) {
        const at = `${where}.refuses.${service}`;
        if (service !== '*' && !(SERVICES as readonly string[]).includes(service)) fail(at, `unknown service (one of ${SERVICES.join(', ')}, *)`);
        if (!isObject(r) || (r.status !== 403 && r.status !== 404)) fail(at, 'must be { "status": 403 | 404, "reason": "..." }');
        const refusal = r as Record<string, unknown>;
        project.refuses[service as Service] = { status: refusal.status as 403 | 404, reason: str(refusal.reason, `${at}.reason`) };
      }
    }
    return project;
  });
  if (!Array.isArray(data.snapshots)) fail('$.snapshots', 'must list the snapshot files (relative to the layout file)');
  const snapshots = (data.snapshots as unknown[]).map((s, i) => str(s, `$.snapshots[${i}]`));
  if (snapshots.length === 0) fail('$.snapshots', 'must list at least one snapshot file');
  return { organization, folders, projects, snapshots };
}

/**
 * Reads `--data`: a snapshot file, or a layout file (it has `snapshots`) that places the projects
 * of its snapshots in an organization and folders.
 */
export function loadWorld(file: string): World {
  const data = parseJsonText(readInputText(file, 'emulator data'), file, 'emulator data');
  if (!isObject(data) || !('snapshots' in data)) return worldFromSnapshot(loadSnapshot(file));
  const layout = parseLayout(data, file);
  const snapshot = mergeSnapshots(layout.snapshots.map((s) => loadSnapshot(path.resolve(path.dirname(file), s))));
  return worldFromSnapshot(snapshot, layout);
}

/** The bundled demo organization (examples/org), found next to src/ or dist/. */
export function bundledOrgFile(): string {
  return path.join(PACKAGE_ROOT, 'examples/org/org.json');
}
