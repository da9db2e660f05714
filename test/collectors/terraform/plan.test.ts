import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadPlanSnapshot, planSnapshot } from '../../../src/collectors/overlay.js';
import { planDelta, pendingPeeringName } from '../../../src/collectors/terraform/collect.js';
import { readPlanFile, validatePlan } from '../../../src/collectors/terraform/plan.js';
import { validateSnapshot } from '../../../src/model/load.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { compliantSnapshot, REPO_ROOT } from '../../helpers/fixtures.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/terraform');
const P = 'acme-prod-platform';
const NETWORK = `//compute.googleapis.com/projects/${P}/global/networks/vpc-private`;
const SUBNET = `//compute.googleapis.com/projects/${P}/regions/asia-northeast1/subnetworks/gke-nodes`;

const plan = (dir: string): Snapshot => loadPlanSnapshot(path.join(FIXTURES, dir, 'plan.json'));

/** The 1-based line of `resource "TYPE" "NAME"` in a fixture file, found independently of the scanner. */
function lineOf(file: string, type: string, name: string): number {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  return lines.findIndex((l) => l.startsWith(`resource "${type}" "${name}"`)) + 1;
}

/** A minimal plan document around the given resources (all in the root module). */
function miniPlan(resources: { type: string; name: string; values: Record<string, unknown>; unknown?: Record<string, unknown>; sensitive?: Record<string, unknown>; expressions?: Record<string, unknown> }[]) {
  return validatePlan(
    {
      format_version: '1.2',
      planned_values: {
        root_module: { resources: resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: 'managed', type: r.type, name: r.name, values: r.values, sensitive_values: r.sensitive ?? {} })) },
      },
      resource_changes: resources.map((r) => ({
        address: `${r.type}.${r.name}`, mode: 'managed', type: r.type, name: r.name,
        change: { actions: ['create'], before: null, after: r.values, after_unknown: r.unknown ?? {}, after_sensitive: r.sensitive ?? {} },
      })),
      configuration: {
        root_module: {
          resources: resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: 'managed', type: r.type, name: r.name, expressions: r.expressions ?? {} })),
        },
      },
    },
    'mini.json',
  );
}

describe('terraform plan collector: the full setup in a root module', () => {
  const snapshot = plan('full-root');
  const live = compliantSnapshot();

  it('builds a schema-valid snapshot with the same resources, by full name, as the live example', () => {
    expect(() => validateSnapshot(JSON.parse(JSON.stringify(snapshot)), 'plan')).not.toThrow();
    // GKE creates its own firewall rules (gke-*-master); Terraform does not describe them.
    const managed = (names: string[]) => names.filter((n) => !/\/firewalls\/gke-/.test(n)).sort();
    for (const collection of ['networks', 'subnetworks', 'firewalls', 'routers', 'managedZones', 'clusters'] as const) {
      expect(snapshot[collection].map((e) => e.fullName).sort(), collection).toEqual(managed(live[collection].map((e) => e.fullName)));
    }
    expect(snapshot.routes.map((r) => r.fullName)).toEqual([live.routes[0].fullName]);
    expect(snapshot.scope).toMatchObject({ kind: 'plan', projects: [P] });
  });

  it('resolves links that are unknown until apply through the configuration references', () => {
    const [alpha, beta] = snapshot.clusters;
    expect(alpha.network).toBe(NETWORK);
    expect(alpha.subnetwork).toBe(SUBNET);
    expect(beta.subnetwork).toBe(SUBNET);
    expect(snapshot.subnetworks[0].network).toBe(NETWORK);
    expect(snapshot.firewalls.every((f) => f.network === NETWORK)).toBe(true);
    expect(snapshot.managedZones.every((z) => z.privateVisibilityNetworks.join() === NETWORK)).toBe(true);
    expect(snapshot.clusters.flatMap((c) => c.unknown ?? [])).not.toContain('network');
  });

  it('attaches node pools, BGP peers, router interfaces and record sets to their parents', () => {
    const alpha = snapshot.clusters.find((c) => c.name === 'alpha')!;
    expect(alpha.nodePools).toEqual([{ name: 'default-pool', tags: [], serviceAccount: `gke-nodes@${P}.iam.gserviceaccount.com` }]);
    expect(snapshot.clusters.find((c) => c.name === 'beta')!.nodePools[0]).toMatchObject({ name: 'pool-1', enablePrivateNodes: true });
    const router = snapshot.routers[0];
    expect(router.bgpPeers).toEqual([{ name: 'onprem-peer-0', interfaceName: 'if-tunnel-0', peerIpAddress: '169.254.0.2', peerAsn: 65001, advertiseMode: 'DEFAULT' }]);
    expect(router.interfaces.map((i) => i.name)).toEqual(['if-tunnel-0']);
    expect(router.bgp).toMatchObject({ advertiseMode: 'CUSTOM', advertisedIpRanges: [{ range: '172.16.0.0/28' }, { range: '199.36.153.4/30' }] });
    const googleapis = snapshot.managedZones.find((z) => z.name === 'googleapis')!;
    expect(googleapis.recordSets?.map((r) => `${r.name} ${r.type} ${r.rrdatas.join(' ')}`)).toEqual([
      '*.googleapis.com. CNAME restricted.googleapis.com.',
      'restricted.googleapis.com. A 199.36.153.4 199.36.153.5 199.36.153.6 199.36.153.7',
    ]);
  });

  it('links the routes config to the peering GKE will create for the new peering-based cluster', () => {
    const alpha = snapshot.clusters.find((c) => c.name === 'alpha')!;
    const name = pendingPeeringName('google_container_cluster.alpha');
    expect(alpha.privateClusterConfig?.peeringName).toBe(name);
    expect(snapshot.networks[0].peerings).toMatchObject([{ name, exportCustomRoutes: true, importCustomRoutes: false }]);
    // The PSC cluster gets no peering; its endpoint address is chosen at apply.
    const beta = snapshot.clusters.find((c) => c.name === 'beta')!;
    expect(beta.privateClusterConfig?.peeringName).toBeUndefined();
    expect(beta.unknown).toContain('privateClusterConfig.privateEndpoint');
  });

  it('reads computed attributes the configuration leaves unset as the API default, not as unknown', () => {
    const alpha = snapshot.clusters.find((c) => c.name === 'alpha')!;
    // endpoint, cluster_ipv4_cidr_block, control_plane_endpoints_config are computed and unset.
    expect(alpha.unknown ?? []).toEqual([]);
    expect(alpha.controlPlaneEndpointsConfig).toBeUndefined();
    expect(snapshot.routes[0].unknown).toBeUndefined();
  });

  it('names each entity by its Terraform address and locates its block in the .tf file', () => {
    const route = snapshot.routes[0];
    expect(route.origin).toEqual({
      source: 'terraform',
      address: 'google_compute_route.restricted_googleapis',
      file: 'test/fixtures/terraform/full-root/main.tf',
      line: lineOf('test/fixtures/terraform/full-root/main.tf', 'google_compute_route', 'restricted_googleapis'),
    });
    const record = snapshot.managedZones.find((z) => z.name === 'gcr-io')!.recordSets![1];
    expect(record.origin).toMatchObject({ address: 'google_dns_record_set.gcr_a', line: lineOf('test/fixtures/terraform/full-root/main.tf', 'google_dns_record_set', 'gcr_a') });
  });
});

describe('terraform plan collector: modules and for_each', () => {
  const snapshot = plan('modules');

  it('follows module outputs and inputs across modules called with for_each', () => {
    expect(snapshot.clusters.map((c) => c.origin.address)).toEqual([
      'module.cluster["alpha"].google_container_cluster.this',
      'module.cluster["gamma"].google_container_cluster.this',
    ]);
    for (const cluster of snapshot.clusters) {
      expect(cluster.network).toBe(NETWORK);
      expect(cluster.subnetwork).toBe(SUBNET);
      expect(cluster.nodePools.map((p) => p.name)).toEqual(['default-pool']);
    }
    expect(snapshot.clusters.map((c) => c.privateClusterConfig?.masterIpv4CidrBlock)).toEqual(['172.16.0.0/28', '172.16.0.16/28']);
    // Each instance's routes config is linked to that instance's cluster.
    expect(snapshot.networks[0].peerings.map((p) => p.name)).toEqual([
      pendingPeeringName('module.cluster["alpha"].google_container_cluster.this'),
      pendingPeeringName('module.cluster["gamma"].google_container_cluster.this'),
    ]);
  });

  it('keys for_each instances and locates blocks in the module source directories', () => {
    const zone = snapshot.managedZones.find((z) => z.name === 'gcr-io')!;
    expect(zone.origin.address).toBe('module.network.google_dns_managed_zone.private["gcr-io"]');
    expect(zone.origin.file).toBe('test/fixtures/terraform/modules/modules/network/main.tf');
    expect(zone.origin.line).toBe(lineOf('test/fixtures/terraform/modules/modules/network/main.tf', 'google_dns_managed_zone', 'private'));
    expect(zone.privateVisibilityNetworks).toEqual([NETWORK]);
    expect(zone.recordSets).toHaveLength(2);
    expect(snapshot.clusters[0].origin.file).toBe('test/fixtures/terraform/modules/modules/cluster/main.tf');
  });
});

describe('terraform plan collector: unknown values, secrets, attribute forms', () => {
  it('records values unknown until apply instead of guessing them', () => {
    const snapshot = plan('unknowns');
    expect(snapshot.routes[0].unknown).toEqual(['destRange']);
    expect(snapshot.clusters.find((c) => c.name === 'alpha')!.unknown).toEqual(['privateClusterConfig.enablePrivateEndpoint']);
    expect(snapshot.clusters.find((c) => c.name === 'alpha')!.privateClusterConfig?.enablePrivateEndpoint).toBeUndefined();
  });

  it('marks a link it cannot resolve (a local value) unknown', () => {
    const snapshot = planSnapshot(
      planDelta(
        miniPlan([
          {
            type: 'google_compute_route', name: 'vip',
            values: { name: 'vip', project: 'p', dest_range: '199.36.153.4/30', next_hop_gateway: 'default-internet-gateway', priority: 1000 },
            unknown: { network: true, id: true },
            expressions: { network: { references: ['local.network_id'] }, dest_range: { constant_value: '199.36.153.4/30' } },
          },
        ]),
        'mini.json',
      ),
    );
    expect(snapshot.routes[0].unknown).toEqual(['network']);
    expect(snapshot.routes[0].network).toBe('');
  });

  it('understands every form of next_hop_gateway Terraform accepts', () => {
    const forms = ['default-internet-gateway', 'projects/p/global/gateways/default-internet-gateway', 'https://www.googleapis.com/compute/v1/projects/p/global/gateways/default-internet-gateway'];
    const snapshot = planSnapshot(
      planDelta(
        miniPlan(forms.map((gw, i) => ({ type: 'google_compute_route', name: `r${i}`, values: { name: `r${i}`, project: 'p', network: 'vpc', dest_range: '199.36.153.4/30', next_hop_gateway: gw } }))),
        'mini.json',
      ),
    );
    expect(snapshot.routes.map((r) => r.nextHopGateway)).toEqual(['default-internet-gateway', 'default-internet-gateway', 'default-internet-gateway']);
    expect(snapshot.routes.map((r) => r.network)).toEqual(forms.map(() => '//compute.googleapis.com/projects/p/global/networks/vpc'));
  });

  it('never copies a sensitive value, and withholds one a rule would read', () => {
    const gamma = plan('add-cluster');
    expect(JSON.stringify(gamma)).not.toContain('LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg==');
    const snapshot = planSnapshot(
      planDelta(
        miniPlan([
          { type: 'google_dns_managed_zone', name: 'z', values: { name: 'z', project: 'p', dns_name: 'googleapis.com.', visibility: 'private' } },
          {
            type: 'google_dns_record_set', name: 'a',
            values: { name: 'restricted.googleapis.com.', project: 'p', managed_zone: 'z', type: 'A', rrdatas: ['199.36.153.4'] },
            sensitive: { rrdatas: true },
          },
        ]),
        'mini.json',
      ),
    );
    expect(JSON.stringify(snapshot)).not.toContain('199.36.153.4');
    expect(snapshot.managedZones[0].unknown).toEqual(['recordSets']);
  });

  it('marks the whole collection unknown when a part cannot be attached to a parent', () => {
    const snapshot = planSnapshot(
      planDelta(
        miniPlan([
          { type: 'google_dns_managed_zone', name: 'z', values: { name: 'z', project: 'p', dns_name: 'gcr.io.', visibility: 'private' } },
          {
            type: 'google_dns_record_set', name: 'a', values: { name: 'gcr.io.', project: 'p', type: 'A', rrdatas: ['199.36.153.4'] },
            unknown: { managed_zone: true }, expressions: { managed_zone: { references: ['data.google_dns_managed_zone.z.name'] } },
          },
        ]),
        'mini.json',
      ),
    );
    expect(snapshot.managedZones[0].unknown).toEqual(['recordSets']);
  });
});

describe('terraform plan collector: deletes', () => {
  it('leaves out resources the plan deletes', () => {
    const snapshot = plan('delete-vip-route');
    expect(snapshot.routes).toEqual([]);
    expect(snapshot.firewalls).toHaveLength(6);
    expect(snapshot.clusters.find((c) => c.name === 'alpha')!.privateClusterConfig?.peeringName).toBe('gke-n3f2a1b9c4d5e6f7a8b9-1a2b-3c4d-peer');
  });
});

describe('terraform plan collector: bad input is one clear error', () => {
  const errorOf = (fn: () => unknown): InputError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error('expected an InputError');
  };

  it('rejects malformed JSON with its line and column', () => {
    const e = errorOf(() => readPlanFile(path.join(FIXTURES, 'bad/malformed.json')));
    expect(e.toLine()).toMatch(/malformed\.json: line 4, column \d+: the plan is not valid JSON/);
  });

  it('rejects a truncated plan', () => {
    const e = errorOf(() => readPlanFile(path.join(FIXTURES, 'bad/truncated.json')));
    expect(e.toLine()).toMatch(/truncated\.json: line \d+(, column \d+)?: the plan is not valid JSON/);
  });

  it('rejects another format version', () => {
    const e = errorOf(() => readPlanFile(path.join(FIXTURES, 'bad/format-2.json')));
    expect(e.toLine()).toBe(`${path.join(FIXTURES, 'bad/format-2.json')}: $.format_version: unsupported plan format_version "2.0" (this version reads 0.1, 0.2 and 1.x)`);
  });

  it('rejects a state file and JSON that is no plan at all', () => {
    expect(errorOf(() => readPlanFile(path.join(FIXTURES, 'bad/state.json'))).message).toContain('Terraform state');
    expect(errorOf(() => validatePlan([1, 2], 'x.json')).message).toContain('is not a Terraform plan');
    expect(errorOf(() => validatePlan({ format_version: '1.2', planned_values: { root_module: { resources: [{ address: 'a' }] } } }, 'x.json')).where).toBe(
      '$.planned_values.root_module.resources[0].type',
    );
  });

});
