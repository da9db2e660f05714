/**
 * VPC Service Controls: which enforced service perimeter holds a project, and what it restricts.
 *
 * A perimeter's `status` is its enforced configuration; `spec` is a dry-run configuration (with
 * `useExplicitDryRunSpec`), which only logs what it would deny. Resources are listed as
 * `projects/NUMBER` (Access Context Manager REST `ServicePerimeterConfig.resources`), so a
 * project is matched by its number. A project belongs to at most one regular perimeter; bridge
 * perimeters restrict no service (cloud.google.com/vpc-service-controls/docs/overview,
 * cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.servicePerimeters).
 *
 * Pure: it reads perimeters and knows nothing of rules.
 */
import type { ServicePerimeter } from '../model/snapshot.js';

/** The services the nodes use that the restricted VIP only protects inside a perimeter. */
export const PERIMETER_SERVICES = [
  'container.googleapis.com',
  'storage.googleapis.com',
  'artifactregistry.googleapis.com',
  'containerregistry.googleapis.com',
] as const;

export type PerimeterStanding =
  /** An enforced regular perimeter lists the project and restricts every service asked. */
  | { kind: 'enforced'; perimeter: ServicePerimeter }
  /** An enforced regular perimeter lists the project but leaves some services unrestricted. */
  | { kind: 'missingServices'; perimeter: ServicePerimeter; missing: string[] }
  /** No enforced perimeter lists the project; `dryRun` perimeters list it in their dry-run spec. */
  | { kind: 'none'; dryRun: ServicePerimeter[] };

const isRegular = (p: ServicePerimeter): boolean => p.perimeterType === undefined || p.perimeterType === 'PERIMETER_TYPE_REGULAR';

/** Where project `projectNumber` stands among `perimeters`, for `services`. */
export function perimeterStanding(perimeters: ServicePerimeter[], projectNumber: string, services: readonly string[] = PERIMETER_SERVICES): PerimeterStanding {
  const resource = `projects/${projectNumber}`;
  const enforced = perimeters.filter((p) => isRegular(p) && (p.status?.resources ?? []).includes(resource));
  if (enforced.length > 0) {
    // A project can be in only one regular perimeter; with bad data, the one restricting most decides.
    const judged = enforced
      .map((perimeter) => {
        const restricted = new Set(perimeter.status!.restrictedServices);
        return { perimeter, missing: restricted.has('*') ? [] : services.filter((s) => !restricted.has(s)) };
      })
      .sort((a, b) => a.missing.length - b.missing.length)[0];
    return judged.missing.length === 0 ? { kind: 'enforced', perimeter: judged.perimeter } : { kind: 'missingServices', ...judged };
  }
  return { kind: 'none', dryRun: perimeters.filter((p) => isRegular(p) && (p.spec?.resources ?? []).includes(resource)) };
}
