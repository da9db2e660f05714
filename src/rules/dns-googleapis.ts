import type { Rule } from '../engine/types.js';
import { checkVipDomain, VIP_DNS_MESSAGES } from './support.js';
import { dnsZoneFix } from './fix.js';

export const dnsGoogleapis: Rule = {
  meta: {
    id: 'dns-googleapis',
    title: 'Private DNS sends *.googleapis.com to the Google API VIP',
    defaultSeverity: 'high',
    subject: 'network',
    description:
      'From each network that hosts a cluster, Google API names resolve through a private Cloud DNS zone visible to that network: `*.googleapis.com.` is a CNAME to the policy\'s VIP host (`restricted.googleapis.com.` by default, `private.googleapis.com.` when the policy says private), and that host has an A record set with exactly the four VIP addresses. The check resolves `storage.googleapis.com.` as a node would (most specific visible zone, exact record before wildcard, CNAMEs followed), so a more specific zone, an exact record or a forwarding zone that overrides the wildcard is seen.',
    rationale:
      'The article sends every `*.googleapis.com` query to `restricted.googleapis.com` (DNSレコードの作成): without external IPs the nodes reach Google APIs only through the VIP range `199.36.153.4/30`, which the route to the default internet gateway and the egress firewall open. A name that resolves to Google\'s public addresses instead leaves the nodes unable to pull from Cloud Storage or write logs, and the restricted VIP is also what keeps those calls inside the VPC Service Controls perimeter; pointing at `private.googleapis.com` silently gives that up.',
    articleSection: 'DNSレコードの作成',
    remediation: {
      gcloud:
        'gcloud dns managed-zones create googleapis --dns-name googleapis.com. --visibility private \\\n  --networks NETWORK --description "Google APIs through the restricted VIP"\ngcloud dns record-sets create "*.googleapis.com." --zone googleapis --type CNAME --ttl 300 \\\n  --rrdatas restricted.googleapis.com.\ngcloud dns record-sets create restricted.googleapis.com. --zone googleapis --type A --ttl 300 \\\n  --rrdatas 199.36.153.4,199.36.153.5,199.36.153.6,199.36.153.7',
      terraform:
        'resource "google_dns_managed_zone" "googleapis" {\n  name       = "googleapis"\n  dns_name   = "googleapis.com."\n  visibility = "private"\n  private_visibility_config {\n    networks { network_url = google_compute_network.vpc.id }\n  }\n}\n\nresource "google_dns_record_set" "googleapis_cname" {\n  managed_zone = google_dns_managed_zone.googleapis.name\n  name         = "*.googleapis.com."\n  type         = "CNAME"\n  ttl          = 300\n  rrdatas      = ["restricted.googleapis.com."]\n}\n\nresource "google_dns_record_set" "restricted" {\n  managed_zone = google_dns_managed_zone.googleapis.name\n  name         = "restricted.googleapis.com."\n  type         = "A"\n  ttl          = 300\n  rrdatas      = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]\n}',
    },
    messages: { ...VIP_DNS_MESSAGES },
  },
  check(ctx) {
    // The apex `googleapis.com.` is no API endpoint (the article's zone has only its SOA and NS
    // there); a service name under the wildcard is what the nodes actually ask for.
    checkVipDomain(ctx, { domain: 'googleapis.com.', names: ['storage.googleapis.com.'], viaVipHost: true });
  },
  fix(target) {
    const vip = target.params.vip;
    return dnsZoneFix(target, 'googleapis.com.', 'googleapis', `${vip}.googleapis.com.`);
  },
};
