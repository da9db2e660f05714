/**
 * Reading one resource's planned values next to its `after_unknown` and `after_sensitive` trees.
 * A value that is unknown until apply, or marked sensitive, is never returned: the reader records
 * the model path it would have filled instead, so the rule that needs it says "not evaluated".
 * Sensitive values are withheld the same way, which is what keeps them out of every report.
 */

export type Path = (string | number)[];

function child(tree: unknown, key: string | number): unknown {
  if (Array.isArray(tree)) return typeof key === 'number' ? tree[key] : undefined;
  if (tree && typeof tree === 'object') return (tree as Record<string, unknown>)[String(key)];
  return undefined;
}

/** True when the flag tree marks `path` itself or any enclosing value. */
function flagged(tree: unknown, path: Path): boolean {
  let node = tree;
  for (const key of path) {
    if (node === true) return true;
    node = child(node, key);
    if (node === undefined) return false;
  }
  return node === true;
}

/** True when the flag tree marks anything at or below `path`. */
function flaggedWithin(tree: unknown, path: Path): boolean {
  if (flagged(tree, path)) return true;
  let node = tree;
  for (const key of path) {
    node = child(node, key);
    if (node === undefined) return false;
  }
  const search = (n: unknown): boolean =>
    n === true || (Array.isArray(n) ? n.some(search) : !!n && typeof n === 'object' && Object.values(n).some(search));
  return search(node);
}

export class PlanValues {
  /** Model paths whose value could not be read (unknown until apply, or sensitive). */
  readonly unknown = new Set<string>();

  constructor(
    private readonly values: Record<string, unknown>,
    private readonly unknownTree: unknown,
    private readonly sensitiveTree: unknown,
    /**
     * Whether the configuration sets the attribute at `path`. An attribute it leaves unset is
     * only "unknown" because the provider marks it computed; after apply it holds the API's
     * default, as a live read of the same resource would show, so it is not recorded as unknown.
     */
    private readonly configured: (path: Path) => boolean = () => true,
  ) {}

  /** True when the value at `path` (or part of it) is only known after apply. */
  isUnknown(path: Path): boolean {
    return flaggedWithin(this.unknownTree, path);
  }

  /** Sensitive values are withheld and always recorded; unknown ones when the configuration sets them. */
  private withheld(path: Path, model: string | undefined, unknown: boolean, sensitive = flaggedWithin(this.sensitiveTree, path), block = false): boolean {
    if (sensitive) {
      if (model) this.unknown.add(model);
      return true;
    }
    if (unknown) {
      if (model && (block || this.configured(path))) this.unknown.add(model);
      return true;
    }
    return false;
  }

  /** The raw value, or undefined when unknown/sensitive (recording `model` then) or absent. */
  raw(path: Path, model?: string): unknown {
    if (this.withheld(path, model, flaggedWithin(this.unknownTree, path))) return undefined;
    let node: unknown = this.values;
    for (const key of path) {
      node = child(node, key);
      if (node === undefined || node === null) return undefined;
    }
    return node;
  }

  str(path: Path, model?: string): string | undefined {
    const v = this.raw(path, model);
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  bool(path: Path, model?: string): boolean | undefined {
    const v = this.raw(path, model);
    return typeof v === 'boolean' ? v : undefined;
  }

  num(path: Path, model?: string): number | undefined {
    const v = this.raw(path, model);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) return Number(v);
    return undefined;
  }

  strings(path: Path, model?: string): string[] {
    const v = this.raw(path, model);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  }

  /**
   * How many nested blocks there are (`private_cluster_config: [{…}]`); 0 when absent. When the
   * list itself is unknown, records `model` and returns 0.
   */
  blocks(path: Path, model?: string, options: { computed?: boolean } = {}): number {
    // Only the list itself counts here: a sensitive attribute inside a block hides that attribute, not the block.
    // A block list the provider never computes (`computed: false`, as a firewall's allow and deny)
    // is unknown only because the configuration builds it at apply (a `dynamic` block, which
    // `terraform show -json` leaves out of the expressions): always recorded.
    if (this.withheld(path, model, flagged(this.unknownTree, path), flagged(this.sensitiveTree, path), options.computed === false)) return 0;
    let node: unknown = this.values;
    for (const key of path) {
      node = child(node, key);
      if (node === undefined || node === null) return 0;
    }
    return Array.isArray(node) ? node.length : 0;
  }

  /** String-valued map entries (labels); sensitive or unknown entries are left out. */
  stringMap(path: Path, model?: string): Record<string, string> {
    const v = this.raw(path, model);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  /** One entry of a map attribute, read on its own so the rest of the map (instance metadata) is never touched. */
  mapEntry(path: Path, key: string, model?: string): string | undefined {
    return this.str([...path, key], model);
  }
}
