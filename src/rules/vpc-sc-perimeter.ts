import type { Outcome, Rule } from '../engine/types.js';
import { COLLECTION_LABELS } from '../model/coverage.js';
import { projectOf } from '../model/names.js';
import type { ServicePerimeter } from '../model/snapshot.js';
import { PERIMETER_SERVICES, perimeterStanding } from '../network/perimeters.js';
import { listText } from './support.js';
import { terraformPlace } from './fix.js';

type Finding = Pick<Outcome, 'status' | 'messageId' | 'data' | 'related'>;

/** The fields of a perimeter that decide whether it holds a project, when a plan leaves them unknown. */
const PERIMETER_FIELDS = ['status.resources', 'status.restrictedServices', 'perimeterType', 'status'];

function perimeterText(p: ServicePerimeter): string {
  return p.origin.address ?? (p.title ? `${p.name} (${p.title})` : p.name);
}

export const vpcScPerimeter: Rule = {
  meta: {
    id: 'vpc-sc-perimeter',
    title: 'The restricted VIP only protects data inside a VPC Service Controls perimeter',
    defaultSeverity: 'high',
    subject: 'cluster',
    description:
      'When the policy\'s `vip` is `restricted`: the cluster\'s project, and its Shared VPC host project when the network lives there, are listed (as `projects/NUMBER`) in the `status.resources` of an enforced regular service perimeter whose `status.restrictedServices` include `container.googleapis.com`, `storage.googleapis.com`, `artifactregistry.googleapis.com` and `containerregistry.googleapis.com`. A perimeter that lists the project only in its dry-run `spec` does not count. Not applicable under `vip: private`; not evaluated when the perimeters or the project number were not read.',
    rationale:
      'The article sends Google API traffic to `restricted.googleapis.com` (DNSレコードの作成, 限定公開のGoogleアクセスの設定), whose point is VPC Service Controls: the restricted VIP only serves the APIs VPC Service Controls supports, and data is protected only for projects inside a service perimeter that restricts those APIs (cloud.google.com/vpc-service-controls/docs/private-connectivity). Without an enforced perimeter around the cluster\'s project and its host, a node (or a stolen node credential) can still copy data to a bucket or registry in any other project; a dry-run perimeter only logs it.',
    articleSection: '限定公開のGoogleアクセスの設定',
    remediation: {
      gcloud:
        'gcloud access-context-manager perimeters update PERIMETER --policy POLICY_ID \\\n  --add-resources projects/PROJECT_NUMBER,projects/HOST_PROJECT_NUMBER \\\n  --add-restricted-services container.googleapis.com,storage.googleapis.com,artifactregistry.googleapis.com,containerregistry.googleapis.com\n# a perimeter created with --perimeter-type regular; a dry-run spec is enforced with:\n# gcloud access-context-manager perimeters dry-run enforce PERIMETER --policy POLICY_ID',
      terraform:
        'resource "google_access_context_manager_service_perimeter" "gke" {\n  parent = "accessPolicies/${var.access_policy}"\n  name   = "accessPolicies/${var.access_policy}/servicePerimeters/gke"\n  title  = "gke"\n  status {\n    resources = ["projects/${var.project_number}", "projects/${var.host_project_number}"]\n    restricted_services = [\n      "container.googleapis.com",\n      "storage.googleapis.com",\n      "artifactregistry.googleapis.com",\n      "containerregistry.googleapis.com",\n    ]\n  }\n}',
    },
    messages: {
      enforced: 'Cluster {{subject}}: {{projects}} {{are}} in enforced perimeter {{perimeter}}, which restricts {{services}}.',
      noPerimeter:
        'Cluster {{subject}}: project {{project}} (projects/{{number}}) is in no enforced service perimeter{{dryRun}}, so the restricted VIP protects nothing: its data can still be copied out through Google APIs.',
      missingServices: 'Cluster {{subject}}: project {{project}} is in enforced perimeter {{perimeter}}, whose restricted services lack {{missing}}.',
      notRead: 'Cluster {{subject}}: the {{collection}} that could hold project {{project}} were not read ({{reason}}).',
      noProjectNumber: 'Cluster {{subject}}: the project number of {{project}} is not known, and perimeters list projects by number.',
      unknown: 'Cluster {{subject}}: {{field}} of perimeter {{perimeter}} is not known until apply.',
      privateVip: 'Cluster {{subject}}: the policy uses the private VIP, whose protection does not rest on a service perimeter.',
    },
  },
  check({ index, params, report }) {
    for (const cluster of index.clusters) {
      if (params.vip !== 'restricted') {
        report({ status: 'not-applicable', subject: cluster, messageId: 'privateVip' });
        continue;
      }
      // The host: the project the network lives in, or the one the project record names.
      const recordedHost = index.project(cluster.project)?.sharedVpcHost;
      const host = projectOf(cluster.network) ?? recordedHost;
      const projects = [...new Set([cluster.project, ...(host ? [host] : []), ...(recordedHost ? [recordedHost] : [])])];
      const findings: Finding[] = [];
      const holding = new Map<string, ServicePerimeter>();
      for (const project of projects) {
        const missing = index.notRead(project, ['servicePerimeters'])[0];
        if (missing) {
          findings.push({ status: 'not-evaluated', messageId: 'notRead', data: { collection: COLLECTION_LABELS.servicePerimeters, project, reason: missing.reason ?? 'not in the input' } });
          continue;
        }
        const number = index.project(project)?.projectNumber;
        if (!number) {
          findings.push({ status: 'not-evaluated', messageId: 'noProjectNumber', data: { project } });
          continue;
        }
        const undecided = index.snapshot.servicePerimeters
          .map((perimeter) => ({ perimeter, field: PERIMETER_FIELDS.find((f) => index.isUnknown(perimeter, f)) }))
          .find((u) => u.field !== undefined);
        if (undecided) {
          findings.push({ status: 'not-evaluated', messageId: 'unknown', data: { field: undecided.field!, perimeter: perimeterText(undecided.perimeter) }, related: [undecided.perimeter.fullName] });
          continue;
        }
        const standing = perimeterStanding(index.snapshot.servicePerimeters, number);
        if (standing.kind === 'enforced') {
          holding.set(project, standing.perimeter);
        } else if (standing.kind === 'missingServices') {
          findings.push({ status: 'fail', messageId: 'missingServices', data: { project, perimeter: perimeterText(standing.perimeter), missing: listText(standing.missing) }, related: [standing.perimeter.fullName] });
        } else {
          const dryRun = standing.dryRun.length > 0
            ? ` (dry-run perimeter ${listText(standing.dryRun.map(perimeterText))} lists it in its spec only, which logs violations and blocks nothing)`
            : '';
          findings.push({ status: 'fail', messageId: 'noPerimeter', data: { project, number, dryRun }, related: standing.dryRun.map((p) => p.fullName) });
        }
      }
      const worst = findings.find((f) => f.status === 'fail') ?? findings[0];
      if (worst) {
        report({ ...worst, subject: cluster });
        continue;
      }
      const perimeters = [...new Set(holding.values())];
      report({
        status: 'pass',
        subject: cluster,
        messageId: 'enforced',
        data: {
          projects: listText(projects.map((p) => `project ${p}`)),
          are: projects.length > 1 ? 'are' : 'is',
          perimeter: listText(perimeters.map(perimeterText)),
          services: listText([...PERIMETER_SERVICES]),
        },
        related: perimeters.map((p) => p.fullName),
      });
    }
  },
  fix(target) {
    const services = PERIMETER_SERVICES.join(',');
    const place = terraformPlace(target.resource);
    const project = target.resource.project;
    if (place) {
      return `next to ${place} add a google_access_context_manager_service_perimeter_resource putting project ${project} (by its number) in an enforced perimeter whose status restricted_services include ${services}`;
    }
    return `gcloud access-context-manager perimeters update PERIMETER --policy ACCESS_POLICY --add-resources projects/$(gcloud projects describe ${project} --format=value\\(projectNumber\\)) --add-restricted-services ${services}`;
  },
};
