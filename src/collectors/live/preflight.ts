/**
 * The preflight of an audit (`doctor`, and cheaply at the start of `audit`): per project of the
 * scope, which of the APIs the collector reads are enabled (Service Usage) and which of its read
 * permissions the caller lacks (Resource Manager testIamPermissions), so a 403 is explained before
 * the audit instead of repeated through it. Read-only: services.list and testIamPermissions.
 */
import { DEFAULT_MAX_RESPONSE_BYTES } from './transport.js';
import { anonymousAuth, authenticatedAuth, gaxOptionsFor, isLoopback, resolvedGoogleAuth } from './clients.js';
import { roleFor, SERVICE_APIS, SERVICE_PERMISSIONS, type PreflightService } from './preflight-facts.js';
import { assetParent, PROJECT_ASSET_TYPE, type LiveScope } from './scope.js';
import { plainData } from './struct.js';

export const PREFLIGHT_SERVICES = ['serviceusage', 'resourcemanager'] as const;
/** The asset endpoint lists an organization's or folder's projects. */
type ReadinessEndpoint = (typeof PREFLIGHT_SERVICES)[number] | 'asset';
export type PreflightEndpoint = (typeof PREFLIGHT_SERVICES)[number];

export interface ProjectReadiness {
  project: string;
  /** APIs the collector needs that are enabled / disabled; undefined when services could not be listed. */
  enabled?: string[];
  disabled?: string[];
  /** Why the services could not be listed. */
  servicesError?: string;
  /** Read permissions the caller lacks, with the role that grants each; undefined when unknown. */
  missing?: { permission: string; role: string }[];
  permissionsError?: string;
}

export interface Readiness {
  /** `organizations/O` or `folders/F`, with the permissions missing there (asset reads). */
  node?: { name: string; missing?: { permission: string; role: string }[]; error?: string };
  projects: ProjectReadiness[];
}

export interface PreflightOptions {
  scope: LiveScope;
  endpoints: Partial<Record<ReadinessEndpoint, URL>>;
  timeoutMs: number;
}

function errorText(e: unknown): string {
  const err = e as { code?: number; message?: string; reason?: string };
  const first = (err.message ?? String(e)).split('\n')[0].replace(/^\d+ [A-Z_]+: /, '');
  return `${err.reason ? `${err.reason}: ` : ''}${first}`;
}

function missingOf(asked: string[], granted: readonly string[] | null | undefined): { permission: string; role: string }[] {
  const have = new Set(granted ?? []);
  return asked.filter((p) => !have.has(p)).map((permission) => ({ permission, role: roleFor(permission) }));
}

/** Services the scope's collection uses: per project compute, container and dns; through assets, asset and dns. */
export function servicesFor(scope: LiveScope): PreflightService[] {
  return scope.kind === 'projects' ? ['compute', 'container', 'dns'] : ['asset', 'dns'];
}

/** The projects of the scope: as given, or under the organization or folder through Cloud Asset Inventory. */
async function scopeProjects(options: PreflightOptions, auth: ReturnType<typeof gaxOptionsFor>): Promise<string[]> {
  const scope = options.scope;
  if (scope.kind === 'projects') return scope.projects;
  const { v1 } = await import('@google-cloud/asset');
  const client = new v1.AssetServiceClient(auth as never);
  try {
    const [assets] = await client.listAssets(
      { parent: assetParent(scope), assetTypes: [PROJECT_ASSET_TYPE], contentType: 'RESOURCE' },
      { timeout: options.timeoutMs, autoPaginate: true } as never,
    );
    return assets.map((a) => plainData(a.resource?.data)?.projectId).filter((id): id is string => typeof id === 'string').sort();
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function checkReadiness(options: PreflightOptions): Promise<Readiness> {
  const { endpoints, timeoutMs, scope } = options;
  const limits = { timeoutMs, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES };
  const anonymous = anonymousAuth(limits);
  const used: ReadinessEndpoint[] = scope.kind === 'projects' ? [...PREFLIGHT_SERVICES] : [...PREFLIGHT_SERVICES, 'asset'];
  const needsCredentials = used.some((s) => !endpoints[s] || !isLoopback(endpoints[s]!.hostname));
  // Credentials first, before the client modules load: none ends the run at once (exit 2).
  const authenticated = needsCredentials ? authenticatedAuth(await resolvedGoogleAuth(), limits) : undefined;
  const [{ ServiceUsageClient }, resourceManager] = await Promise.all([import('@google-cloud/service-usage'), import('@google-cloud/resource-manager')]);
  const usage = new ServiceUsageClient(gaxOptionsFor(endpoints.serviceusage, anonymous, authenticated) as never);
  const rmOptions = gaxOptionsFor(endpoints.resourcemanager, anonymous, authenticated) as never;
  const projectsClient = new resourceManager.ProjectsClient(rmOptions);
  const services = servicesFor(scope);
  const permissions = services.filter((s) => s !== 'asset').flatMap((s) => SERVICE_PERMISSIONS[s]);
  // One attempt each: doctor explains failures, it does not wait them out.
  const call = { timeout: timeoutMs, maxRetries: 0 } as never;
  try {
    const readiness: Readiness = { projects: [] };
    const projects = await scopeProjects(options, gaxOptionsFor(endpoints.asset, anonymous, authenticated));
    if (scope.kind !== 'projects') {
      const name = `${scope.kind === 'organization' ? 'organizations' : 'folders'}/${scope.id}`;
      const client = scope.kind === 'organization' ? new resourceManager.OrganizationsClient(rmOptions) : new resourceManager.FoldersClient(rmOptions);
      const asked = [...SERVICE_PERMISSIONS.asset];
      try {
        const [answer] = await client.testIamPermissions({ resource: name, permissions: asked }, call);
        readiness.node = { name, missing: missingOf(asked, answer.permissions) };
      } catch (e) {
        readiness.node = { name, error: errorText(e) };
      } finally {
        await client.close().catch(() => undefined);
      }
    }
    readiness.projects = await Promise.all(
      projects.map(async (project): Promise<ProjectReadiness> => {
        const out: ProjectReadiness = { project };
        // Asset reads count against the caller's quota project, not each project: per project, only the rest.
        const apis = services.filter((s) => s !== 'asset').map((s) => SERVICE_APIS[s]);
        await Promise.all([
          (async () => {
            try {
              const [list] = await usage.listServices({ parent: `projects/${project}`, filter: 'state:ENABLED' }, { ...(call as object), autoPaginate: true } as never);
              const on = new Set(list.map((s) => s.config?.name ?? s.name?.split('/').pop() ?? ''));
              out.enabled = apis.filter((a) => on.has(a));
              out.disabled = apis.filter((a) => !on.has(a));
            } catch (e) {
              out.servicesError = errorText(e);
            }
          })(),
          (async () => {
            try {
              const [answer] = await projectsClient.testIamPermissions({ resource: `projects/${project}`, permissions }, call);
              out.missing = missingOf(permissions, answer.permissions);
            } catch (e) {
              out.permissionsError = errorText(e);
            }
          })(),
        ]);
        return out;
      }),
    );
    return readiness;
  } finally {
    await Promise.all([usage.close(), projectsClient.close()].map((p) => p.catch(() => undefined)));
  }
}

/** Whether anything the readiness found would leave part of the audit unread. */
export function readinessProblems(r: Readiness): number {
  let n = r.node?.missing?.length || r.node?.error ? 1 : 0;
  for (const p of r.projects) if (p.disabled?.length || p.missing?.length || p.servicesError || p.permissionsError) n++;
  return n;
}

/** One line per project (and the folder or organization): what is enabled, what is missing, how to fix it. */
export function readinessLines(r: Readiness): string[] {
  const lines: string[] = [];
  if (r.node) {
    const n = r.node;
    lines.push(
      n.error
        ? `${n.name}: could not test permissions (${n.error})`
        : n.missing?.length
          ? `${n.name}: missing ${n.missing.map((m) => `${m.permission} (${m.role})`).join(', ')}`
          : `${n.name}: asset read permission ok`,
    );
  }
  for (const p of r.projects) {
    const parts: string[] = [];
    if (p.servicesError) parts.push(`services could not be listed (${p.servicesError})`);
    else if (p.disabled?.length) parts.push(`API disabled: ${p.disabled.join(', ')} (gcloud services enable ${p.disabled.join(' ')} --project ${p.project})`);
    else parts.push(`APIs enabled: ${(p.enabled ?? []).join(', ')}`);
    if (p.permissionsError) parts.push(`permissions could not be tested (${p.permissionsError})`);
    else if (p.missing?.length) {
      const roles = [...new Set(p.missing.map((m) => m.role))];
      parts.push(`missing ${p.missing.map((m) => m.permission).join(', ')} (grant ${roles.join(', ')})`);
    } else parts.push('read permissions ok');
    lines.push(`project ${p.project}: ${parts.join('; ')}`);
  }
  return lines;
}
