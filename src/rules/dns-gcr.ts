import type { Rule } from '../engine/types.js';
import { checkVipDomain, VIP_DNS_MESSAGES } from './support.js';
import { dnsZoneFix } from './fix.js';

export const dnsGcr: Rule = {
  meta: {
    id: 'dns-gcr',
    title: 'Private DNS sends gcr.io to the Google API VIP',
    defaultSeverity: 'high',
    subject: 'network',
    description:
      'From each network that hosts a cluster, `gcr.io.` and its regional hosts (checked with `asia.gcr.io.`) resolve through a private Cloud DNS zone visible to that network to exactly the four addresses of the policy\'s VIP: `gcr.io.` A the VIP addresses and `*.gcr.io.` CNAME `gcr.io.`, as a node resolves them (most specific visible zone, exact record before wildcard, CNAMEs followed).',
    rationale:
      'The article notes that to pull container images from GCR the `gcr.io` queries must go to the same VIP range as the Google APIs (DNSレコードの作成). Without it the nodes, which have no external IP, resolve the registry to public addresses they cannot reach and every image pull fails; resolving to the other VIP bypasses the VPC Service Controls perimeter the restricted VIP enforces.',
    articleSection: 'DNSレコードの作成',
    remediation: {
      gcloud:
        'gcloud dns managed-zones create gcr-io --dns-name gcr.io. --visibility private \\\n  --networks NETWORK --description "Container Registry through the restricted VIP"\ngcloud dns record-sets create "*.gcr.io." --zone gcr-io --type CNAME --ttl 300 --rrdatas gcr.io.\ngcloud dns record-sets create gcr.io. --zone gcr-io --type A --ttl 300 \\\n  --rrdatas 199.36.153.4,199.36.153.5,199.36.153.6,199.36.153.7',
      terraform:
        'resource "google_dns_managed_zone" "gcr" {\n  name       = "gcr-io"\n  dns_name   = "gcr.io."\n  visibility = "private"\n  private_visibility_config {\n    networks { network_url = google_compute_network.vpc.id }\n  }\n}\n\nresource "google_dns_record_set" "gcr_cname" {\n  managed_zone = google_dns_managed_zone.gcr.name\n  name         = "*.gcr.io."\n  type         = "CNAME"\n  ttl          = 300\n  rrdatas      = ["gcr.io."]\n}\n\nresource "google_dns_record_set" "gcr_a" {\n  managed_zone = google_dns_managed_zone.gcr.name\n  name         = "gcr.io."\n  type         = "A"\n  ttl          = 300\n  rrdatas      = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]\n}',
    },
    messages: { ...VIP_DNS_MESSAGES },
  },
  check(ctx) {
    checkVipDomain(ctx, { domain: 'gcr.io.', names: ['gcr.io.', 'asia.gcr.io.'], viaVipHost: false });
  },
  fix(target) {
    return dnsZoneFix(target, 'gcr.io.', 'gcr-io', 'gcr.io.');
  },
};
