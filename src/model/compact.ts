/** Drops the members whose value is undefined (in place), so snapshots and wire JSON stay small and schema-valid. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
