/** Small helpers every rule shares; the network reasoning itself lives in src/network/. */
import type { Entity } from '../model/snapshot.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';

/** The first of `paths` whose value is unknown until apply (Terraform plans), if any. */
export function firstUnknown(index: SnapshotIndex, entity: Entity, paths: string[]): string | undefined {
  return paths.find((p) => index.isUnknown(entity, p));
}

/** `a, b and c` for messages. */
export function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
