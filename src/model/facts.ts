/** Fixed facts of Google Cloud the rules rely on (RULES.md, "Facts"). */

export interface Vip {
  /** `restricted.googleapis.com.` */
  host: string;
  ipv4Range: string;
  ipv4Addresses: string[];
  ipv6Range: string;
}

export const VIPS: Record<'restricted' | 'private', Vip> = {
  restricted: {
    host: 'restricted.googleapis.com.',
    ipv4Range: '199.36.153.4/30',
    ipv4Addresses: ['199.36.153.4', '199.36.153.5', '199.36.153.6', '199.36.153.7'],
    ipv6Range: '2600:2d00:2:1000::/64',
  },
  private: {
    host: 'private.googleapis.com.',
    ipv4Range: '199.36.153.8/30',
    ipv4Addresses: ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'],
    ipv6Range: '2600:2d00:2:2000::/64',
  },
};

/**
 * Where Google Cloud health-check probes come from (https://cloud.google.com/load-balancing/docs/firewall-rules,
 * https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges): health checks of
 * backend-service-based load balancers (Ingress, internal and backend-service external passthrough
 * LoadBalancer Services, container-native NEGs) probe from HEALTH_CHECK_RANGES; the legacy health
 * checks of target-pool-based external passthrough Network Load Balancers (older LoadBalancer
 * Services) from 35.191.0.0/16 and LEGACY_HEALTH_CHECK_RANGES.
 */
export const HEALTH_CHECK_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];
export const LEGACY_HEALTH_CHECK_RANGES = ['209.85.152.0/22', '209.85.204.0/22'];

export const DEFAULT_INTERNET_GATEWAY = 'default-internet-gateway';
