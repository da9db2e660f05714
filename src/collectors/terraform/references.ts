/**
 * Links between resources created in the same plan are unknown in `planned_values` (a new
 * network's id does not exist yet). The plan's `configuration` still says which resource an
 * attribute points at: `"network": {"references": ["google_compute_network.vpc.id", …]}`. This
 * follows those references through `var.` inputs of module calls and `module.X.output`s, across
 * any depth of modules and through `count` / `for_each` instances.
 */
import type { ConfigModule, Expression, ModuleCall } from './plan.js';
import type { Path } from './values.js';

export type Step = { name: string } | { index: string | number };

/** `module.net["a"].google_compute_network.vpc[0].id` → name and index steps. */
export function parseTraversal(text: string): Step[] {
  const steps: Step[] = [];
  const re = /\s*(?:\.?([A-Za-z_][\w-]*)|\[\s*(?:"((?:[^"\\]|\\.)*)"|(\d+))\s*\]|\[\s*\*\s*\])/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    if (m[1] !== undefined) steps.push({ name: m[1] });
    else if (m[2] !== undefined) steps.push({ index: JSON.parse(`"${m[2]}"`) as string });
    else if (m[3] !== undefined) steps.push({ index: Number(m[3]) });
    else return steps; // a splat: the remaining steps are not a single instance
  }
  return steps;
}

const isName = (s: Step | undefined): s is { name: string } => !!s && 'name' in s;
const isIndex = (s: Step | undefined): s is { index: string | number } => !!s && 'index' in s;

/** `module.net["a"].module.sub` → `[{name:'net', key:'a'}, {name:'sub'}]`. */
export function parseModuleAddress(address: string): { name: string; key?: string | number }[] {
  const steps = parseTraversal(address);
  const out: { name: string; key?: string | number }[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (isName(s) && s.name === 'module' && isName(steps[i + 1])) {
      const call = { name: (steps[i + 1] as { name: string }).name } as { name: string; key?: string | number };
      const next = steps[i + 2];
      if (isIndex(next)) {
        call.key = next.index;
        i += 2;
      } else i += 1;
      out.push(call);
    }
  }
  return out;
}

export const indexText = (key: string | number): string => (typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`);

/** A module instance in the configuration tree. */
export interface ModuleScope {
  /** The instance address (`''` for the root, `module.net["a"]`). */
  address: string;
  /** Module call names from the root (`['net']`), the key to the module's source directory. */
  configPath: string[];
  config: ConfigModule;
  parent?: ModuleScope;
  call?: ModuleCall;
  /** This instance's `count.index` / `each.key`. */
  key?: string | number;
}

/** A resource instance an expression points at, with the attribute after it (`['id']`). */
export interface Target {
  address: string;
  attribute: string[];
}

interface InstanceInfo {
  address: string;
  moduleAddress: string;
  type: string;
  name: string;
  index?: string | number;
}

const MAX_DEPTH = 32;

export class ReferenceResolver {
  private readonly instancesByResource = new Map<string, InstanceInfo[]>();
  private readonly moduleInstances = new Map<string, string[]>();

  constructor(
    private readonly root: ConfigModule,
    instances: InstanceInfo[],
    moduleAddresses: string[],
  ) {
    for (const inst of instances) {
      const key = `${inst.moduleAddress}|${inst.type}.${inst.name}`;
      const list = this.instancesByResource.get(key);
      if (list) list.push(inst);
      else this.instancesByResource.set(key, [inst]);
    }
    for (const address of moduleAddresses) {
      const calls = parseModuleAddress(address);
      if (calls.length === 0) continue;
      const last = calls[calls.length - 1];
      const parent = moduleAddressOf(calls.slice(0, -1));
      const key = `${parent}|${last.name}`;
      const list = this.moduleInstances.get(key) ?? [];
      if (!list.includes(address)) list.push(address);
      this.moduleInstances.set(key, list);
    }
  }

  /** The scope of a module instance address, or undefined when the configuration lacks it. */
  scope(moduleAddress: string): ModuleScope | undefined {
    let scope: ModuleScope = { address: '', configPath: [], config: this.root };
    for (const call of parseModuleAddress(moduleAddress)) {
      const mc = scope.config.module_calls?.[call.name];
      if (!mc?.module) return undefined;
      scope = {
        address: `${scope.address ? `${scope.address}.` : ''}module.${call.name}${call.key !== undefined ? indexText(call.key) : ''}`,
        configPath: [...scope.configPath, call.name],
        config: mc.module,
        parent: scope,
        call: mc,
        key: call.key,
      };
    }
    return scope;
  }

  /**
   * The single resource instance the expression refers to, or undefined when it refers to none,
   * to several, or to something the plan does not describe (locals, data sources).
   */
  resolve(expr: Expression | undefined, scope: ModuleScope, eachKey?: string | number, depth = 0): Target | undefined {
    if (!expr?.references?.length || depth > MAX_DEPTH) return undefined;
    const found = new Map<string, Target>();
    for (const ref of expr.references) {
      if (/^(each|count|path|terraform|self)\./.test(ref)) continue;
      const target = this.resolveRef(ref, scope, eachKey, depth);
      if (!target) continue;
      const seen = found.get(target.address);
      if (!seen || target.attribute.length > seen.attribute.length) found.set(target.address, target);
    }
    return found.size === 1 ? [...found.values()][0] : undefined;
  }

  private resolveRef(ref: string, scope: ModuleScope, eachKey: string | number | undefined, depth: number): Target | undefined {
    const steps = parseTraversal(ref);
    const [first, second] = steps;
    if (!isName(first) || !isName(second)) return undefined;
    switch (first.name) {
      case 'var': {
        if (!scope.parent || !scope.call) return undefined;
        return this.resolve(scope.call.expressions?.[second.name], scope.parent, scope.key, depth + 1);
      }
      case 'module': {
        const mc = scope.config.module_calls?.[second.name];
        if (!mc?.module) return undefined;
        let i = 2;
        let key: string | number | undefined;
        if (isIndex(steps[i])) key = (steps[i++] as { index: string | number }).index;
        const output = steps[i];
        if (!isName(output)) return undefined;
        const instances = this.moduleInstances.get(`${scope.address}|${second.name}`) ?? [];
        const prefix = `${scope.address ? `${scope.address}.` : ''}module.${second.name}`;
        let address: string | undefined;
        if (key !== undefined) address = `${prefix}${indexText(key)}`;
        else if (instances.length === 1) address = instances[0];
        else if (eachKey !== undefined && instances.includes(`${prefix}${indexText(eachKey)}`)) address = `${prefix}${indexText(eachKey)}`;
        else if (instances.length === 0) address = prefix;
        if (!address) return undefined;
        const child = this.scope(address);
        if (!child) return undefined;
        return this.resolve(mc.module.outputs?.[output.name]?.expression, child, undefined, depth + 1);
      }
      case 'data':
      case 'local':
      case 'each':
      case 'count':
        return undefined;
      default: {
        const candidates = this.instancesByResource.get(`${scope.address}|${first.name}.${second.name}`) ?? [];
        let i = 2;
        let chosen: InstanceInfo | undefined;
        if (isIndex(steps[i])) {
          const key = (steps[i++] as { index: string | number }).index;
          chosen = candidates.find((c) => c.index === key);
        } else if (candidates.length === 1 && candidates[0].index === undefined) {
          chosen = candidates[0];
        } else if (eachKey !== undefined && ref === `${first.name}.${second.name}`) {
          // `google_compute_network.vpc[each.key]`: Terraform lists the resource and `each.key` apart.
          chosen = candidates.find((c) => c.index === eachKey);
        }
        if (!chosen) return undefined;
        const attribute = steps.slice(i).filter(isName).map((s) => s.name);
        return { address: chosen.address, attribute };
      }
    }
  }
}

function moduleAddressOf(calls: { name: string; key?: string | number }[]): string {
  return calls.map((c) => `module.${c.name}${c.key !== undefined ? indexText(c.key) : ''}`).join('.');
}

/** The expression at `path` inside a resource's expressions (nested blocks are arrays). */
export function expressionAt(expressions: Record<string, unknown> | undefined, path: Path): Expression | undefined {
  let node: unknown = expressions;
  for (const key of path) {
    if (Array.isArray(node)) node = typeof key === 'number' ? node[key] : undefined;
    else if (node && typeof node === 'object') node = (node as Record<string, unknown>)[String(key)];
    else return undefined;
  }
  return node && typeof node === 'object' && !Array.isArray(node) ? (node as Expression) : undefined;
}
