/** The rule registry: every rule of the catalogue, in the order of the article's path. */
import type { Rule } from '../engine/types.js';
import { privateNodes } from './private-nodes.js';
import { nodeExternalIp } from './node-external-ip.js';
import { privateEndpoint } from './private-endpoint.js';
import { dnsEndpointExternal } from './dns-endpoint-external.js';
import { authorizedNetworks } from './authorized-networks.js';
import { vpcNative } from './vpc-native.js';
import { privateGoogleAccess } from './private-google-access.js';
import { dnsGoogleapis } from './dns-googleapis.js';
import { dnsGcr } from './dns-gcr.js';
import { dnsPkgDev } from './dns-pkg-dev.js';
import { vipRoute } from './vip-route.js';
import { vipEgressFirewall } from './vip-egress-firewall.js';
import { egressDefaultDeny } from './egress-default-deny.js';
import { peeringExportCustomRoutes } from './peering-export-custom-routes.js';
import { routerAdvertisesControlPlane } from './router-advertises-control-plane.js';
import { healthCheckIngress } from './health-check-ingress.js';
import { vpcScPerimeter } from './vpc-sc-perimeter.js';
import { internetEgressRule } from './internet-egress.js';

export const RULES: readonly Rule[] = [
  privateNodes,
  nodeExternalIp,
  privateEndpoint,
  dnsEndpointExternal,
  authorizedNetworks,
  vpcNative,
  privateGoogleAccess,
  dnsGoogleapis,
  dnsGcr,
  dnsPkgDev,
  vipRoute,
  vipEgressFirewall,
  egressDefaultDeny,
  vpcScPerimeter,
  peeringExportCustomRoutes,
  routerAdvertisesControlPlane,
  healthCheckIngress,
  internetEgressRule,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
