import type { Rule } from '../engine/types.js';
import { checkVipDomain, VIP_DNS_MESSAGES } from './support.js';
import { dnsZoneFix } from './fix.js';

export const dnsPkgDev: Rule = {
  meta: {
    id: 'dns-pkg-dev',
    title: 'Private DNS sends pkg.dev (Artifact Registry) to the Google API VIP',
    defaultSeverity: 'medium',
    subject: 'network',
    description:
      'From each network that hosts a cluster, `pkg.dev.` and the Artifact Registry hosts under it (checked with `asia-northeast1-docker.pkg.dev.`) resolve through a private Cloud DNS zone visible to that network to exactly the four addresses of the policy\'s VIP: `pkg.dev.` A the VIP addresses and `*.pkg.dev.` CNAME `pkg.dev.`, as a node resolves them (most specific visible zone, exact record before wildcard, CNAMEs followed).',
    rationale:
      'The article routes `gcr.io` to the VIP so nodes can pull images (DNSレコードの作成). Artifact Registry has since replaced Container Registry, and its `*-docker.pkg.dev` hosts need the same treatment: without it the nodes, which have no external IP, resolve them to public addresses they cannot reach and image pulls from Artifact Registry fail.',
    articleSection: 'DNSレコードの作成',
    remediation: {
      gcloud:
        'gcloud dns managed-zones create pkg-dev --dns-name pkg.dev. --visibility private \\\n  --networks NETWORK --description "Artifact Registry through the restricted VIP"\ngcloud dns record-sets create "*.pkg.dev." --zone pkg-dev --type CNAME --ttl 300 --rrdatas pkg.dev.\ngcloud dns record-sets create pkg.dev. --zone pkg-dev --type A --ttl 300 \\\n  --rrdatas 199.36.153.4,199.36.153.5,199.36.153.6,199.36.153.7',
      terraform:
        'resource "google_dns_managed_zone" "pkg_dev" {\n  name       = "pkg-dev"\n  dns_name   = "pkg.dev."\n  visibility = "private"\n  private_visibility_config {\n    networks { network_url = google_compute_network.vpc.id }\n  }\n}\n\nresource "google_dns_record_set" "pkg_dev_cname" {\n  managed_zone = google_dns_managed_zone.pkg_dev.name\n  name         = "*.pkg.dev."\n  type         = "CNAME"\n  ttl          = 300\n  rrdatas      = ["pkg.dev."]\n}\n\nresource "google_dns_record_set" "pkg_dev_a" {\n  managed_zone = google_dns_managed_zone.pkg_dev.name\n  name         = "pkg.dev."\n  type         = "A"\n  ttl          = 300\n  rrdatas      = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]\n}',
    },
    messages: { ...VIP_DNS_MESSAGES },
  },
  check(ctx) {
    checkVipDomain(ctx, { domain: 'pkg.dev.', names: ['pkg.dev.', 'asia-northeast1-docker.pkg.dev.'], viaVipHost: false });
  },
  fix(target) {
    return dnsZoneFix(target, 'pkg.dev.', 'pkg-dev', 'pkg.dev.');
  },
};
