/**
 * What the live collector needs of a project, per service: the API to be enabled and the read
 * permissions its calls check, with the predefined role that holds them.
 * Permissions: cloud.google.com/iam/docs/roles-permissions (compute, container, dns, cloudasset);
 * listAssets with RESOURCE content needs cloudasset.assets.listResource
 * (cloud.google.com/asset-inventory/docs/listing-assets).
 */
export type PreflightService = 'compute' | 'container' | 'dns' | 'asset';

export const SERVICE_APIS: Record<PreflightService, string> = {
  compute: 'compute.googleapis.com',
  container: 'container.googleapis.com',
  dns: 'dns.googleapis.com',
  asset: 'cloudasset.googleapis.com',
};

export const SERVICE_PERMISSIONS: Record<PreflightService, string[]> = {
  compute: ['compute.networks.list', 'compute.subnetworks.list', 'compute.routes.list', 'compute.firewalls.list', 'compute.routers.list', 'compute.instances.list'],
  container: ['container.clusters.list'],
  dns: ['dns.managedZones.list', 'dns.resourceRecordSets.list'],
  asset: ['cloudasset.assets.listResource'],
};

/** The predefined read-only role that grants a permission (SARIF-AND-CI.md, "Read-only roles"). */
export function roleFor(permission: string): string {
  if (permission.startsWith('compute.instances.')) return 'roles/compute.viewer';
  if (permission.startsWith('compute.')) return 'roles/compute.networkViewer';
  if (permission.startsWith('container.')) return 'roles/container.clusterViewer';
  if (permission.startsWith('dns.')) return 'roles/dns.reader';
  if (permission.startsWith('cloudasset.')) return 'roles/cloudasset.viewer';
  return 'a role that grants it';
}
