/**
 * Where a SARIF result points. GitHub code scanning refuses a result without a physical location
 * whose uri is relative, so a cloud resource gets a stable, repo-relative pseudo path built from its
 * full resource name; a Terraform resource points at its `.tf` block when the input knew it.
 */
import type { ResourceRef } from '../../engine/types.js';

/** The services whose collection paths are unique on their own, so the host can be left out. */
const KNOWN_HOSTS = new Set(['compute.googleapis.com', 'container.googleapis.com', 'dns.googleapis.com']);

/** Characters no segment ever needs encoded (RFC 3986 unreserved): most names are only these. */
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

function encodeSegment(s: string): string {
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Percent-encodes each segment so the result is a valid, unambiguous uri-reference. */
function encodeSegments(segments: string[]): string {
  let out = '';
  for (const s of segments) {
    if (s === '') continue;
    out = out === '' ? encodeSegment(s) : `${out}/${encodeSegment(s)}`;
  }
  return out;
}

/**
 * `//container.googleapis.com/projects/P/locations/L/clusters/C` → `gcp/projects/P/locations/L/clusters/C`;
 * `tf://module.net.google_compute_route.vip` → `terraform/module.net.google_compute_route.vip`.
 * The same resource always gets the same path, whatever run produced it.
 */
export function resourcePath(fullName: string): string {
  const cloud = /^\/\/([^/]+)\/(.*)$/.exec(fullName);
  if (cloud) {
    const [, host, rest] = cloud;
    return `gcp/${encodeSegments([...(KNOWN_HOSTS.has(host) ? [] : [host]), ...rest.split('/')])}`;
  }
  const tf = /^tf:\/\/(.*)$/.exec(fullName);
  if (tf) return `terraform/${encodeSegments([tf[1]])}`;
  return `resource/${encodeSegments(fullName.split('/'))}`;
}

/** A `.tf` path usable as a relative uri, or undefined when it is absolute or leaves the working tree. */
export function relativeFileUri(file: string): string | undefined {
  const forward = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (forward === '' || forward.startsWith('/') || /^[A-Za-z]:/.test(forward) || /^[a-z][a-z0-9+.-]*:/i.test(forward)) return undefined;
  const segments = forward.split('/');
  if (segments.some((s) => s === '..')) return undefined;
  return encodeSegments(segments);
}

export interface PhysicalTarget {
  uri: string;
  startLine: number;
}

/** The file and line of the resource's Terraform block when known, else its derived path at line 1. */
export function physicalTarget(ref: ResourceRef, sourcePath?: (file: string) => string | undefined): PhysicalTarget {
  const mapped = ref.file ? (sourcePath?.(ref.file) ?? ref.file) : undefined;
  const file = mapped ? relativeFileUri(mapped) : undefined;
  if (file) return { uri: file, startLine: ref.line && ref.line > 0 ? ref.line : 1 };
  if (ref.address) return { uri: `terraform/${encodeSegments([ref.address])}`, startLine: 1 };
  return { uri: resourcePath(ref.fullName), startLine: 1 };
}
