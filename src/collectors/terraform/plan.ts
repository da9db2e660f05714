/**
 * The JSON that `terraform show -json PLANFILE` prints (format_version 0.1 from Terraform 0.12–0.14,
 * 0.2 from 0.15–1.0, 1.x since 1.1; the parts read here are the same in all three, 0.1 only lacking
 * the sensitivity maps, which are then empty): the parts this tool
 * reads, and the checks that turn anything else (a state file, another format, a truncated file)
 * into one clear InputError before any snapshot is built.
 */
import { InputError } from '../../errors.js';
import { readJsonFile } from '../../model/load.js';

/** `{ "constant_value": … }` or `{ "references": ["google_compute_network.vpc.id", …] }`. */
export interface Expression {
  constant_value?: unknown;
  references?: string[];
}

/** Nested blocks appear as arrays of expression objects; attributes as Expressions. */
export type Expressions = Record<string, unknown>;

export interface ConfigResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  expressions?: Expressions;
}

export interface ModuleCall {
  source?: string;
  expressions?: Record<string, Expression>;
  module?: ConfigModule;
}

export interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, ModuleCall>;
  outputs?: Record<string, { expression?: Expression }>;
}

export interface PlannedResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  values?: Record<string, unknown>;
  sensitive_values?: unknown;
}

export interface PlannedModule {
  address?: string;
  resources?: PlannedResource[];
  child_modules?: PlannedModule[];
}

export type Action = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

export interface ResourceChange {
  address: string;
  module_address?: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  change: {
    actions: Action[];
    before?: Record<string, unknown> | null;
    after?: Record<string, unknown> | null;
    after_unknown?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
  };
}

export interface PlanJson {
  format_version: string;
  terraform_version?: string;
  planned_values: { root_module: PlannedModule };
  resource_changes: ResourceChange[];
  configuration?: { root_module?: ConfigModule };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkModule(file: string, module: unknown, where: string): void {
  if (!isObject(module)) throw new InputError(file, 'is not a Terraform plan: a module of planned_values is not an object', where);
  const resources = module.resources ?? [];
  if (!Array.isArray(resources)) throw new InputError(file, 'is not a Terraform plan: resources is not a list', `${where}.resources`);
  resources.forEach((r, i) => {
    const at = `${where}.resources[${i}]`;
    if (!isObject(r)) throw new InputError(file, 'is not a Terraform plan: a planned resource is not an object', at);
    for (const key of ['address', 'type', 'name'] as const) {
      if (typeof r[key] !== 'string') throw new InputError(file, `is not a Terraform plan: a planned resource has no ${key}`, `${at}.${key}`);
    }
    if (r.values !== undefined && !isObject(r.values)) throw new InputError(file, 'is not a Terraform plan: values is not an object', `${at}.values`);
  });
  const children = module.child_modules ?? [];
  if (!Array.isArray(children)) throw new InputError(file, 'is not a Terraform plan: child_modules is not a list', `${where}.child_modules`);
  children.forEach((c, i) => checkModule(file, c, `${where}.child_modules[${i}]`));
}

/** Accepts what `terraform show -json` prints for a saved plan, and nothing else. */
export function validatePlan(data: unknown, file: string): PlanJson {
  if (!isObject(data)) throw new InputError(file, 'is not a Terraform plan (expected the JSON object printed by `terraform show -json PLANFILE`)', '$');
  const version = data.format_version;
  if (typeof version !== 'string') {
    throw new InputError(file, 'is not a Terraform plan: it has no format_version (expected the output of `terraform show -json PLANFILE`)', '$');
  }
  if (!/^(0\.[12]|1\.\d+)$/.test(version)) {
    throw new InputError(file, `unsupported plan format_version "${version}" (this version reads 0.1, 0.2 and 1.x)`, '$.format_version');
  }
  if (data.planned_values === undefined) {
    const what = data.values !== undefined ? 'a Terraform state (`terraform show -json` without a plan file)' : 'not a Terraform plan';
    throw new InputError(file, `is ${what}: it has no planned_values; run \`terraform plan -out tfplan && terraform show -json tfplan\``, '$');
  }
  if (!isObject(data.planned_values)) throw new InputError(file, 'is not a Terraform plan: planned_values is not an object', '$.planned_values');
  const root = data.planned_values.root_module ?? {};
  checkModule(file, root, '$.planned_values.root_module');
  const changes = data.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new InputError(file, 'is not a Terraform plan: resource_changes is not a list', '$.resource_changes');
  changes.forEach((c, i) => {
    const at = `$.resource_changes[${i}]`;
    if (!isObject(c) || typeof c.address !== 'string') throw new InputError(file, 'is not a Terraform plan: a resource change has no address', at);
    const change = c.change;
    if (!isObject(change) || !Array.isArray(change.actions) || !change.actions.every((a) => typeof a === 'string')) {
      throw new InputError(file, 'is not a Terraform plan: a resource change has no list of actions', `${at}.change.actions`);
    }
  });
  if (data.configuration !== undefined && !isObject(data.configuration)) {
    throw new InputError(file, 'is not a Terraform plan: configuration is not an object', '$.configuration');
  }
  return {
    format_version: version,
    terraform_version: typeof data.terraform_version === 'string' ? data.terraform_version : undefined,
    planned_values: { root_module: root as PlannedModule },
    resource_changes: changes as ResourceChange[],
    configuration: data.configuration as PlanJson['configuration'],
  };
}

export function readPlanFile(file: string): PlanJson {
  return validatePlan(readJsonFile(file, 'plan'), file);
}

/** Every managed resource instance the plan leaves in place or creates, with its module instance address. */
export function plannedResources(plan: PlanJson): { resource: PlannedResource; moduleAddress: string }[] {
  const out: { resource: PlannedResource; moduleAddress: string }[] = [];
  const walk = (module: PlannedModule, moduleAddress: string): void => {
    for (const resource of module.resources ?? []) {
      if (resource.mode === 'managed' || resource.mode === undefined) out.push({ resource, moduleAddress });
    }
    for (const child of module.child_modules ?? []) walk(child, child.address ?? moduleAddress);
  };
  walk(plan.planned_values.root_module, '');
  return out;
}

/** Deleted, not replaced: `delete` without `create` (a `forget` leaves the real resource alone). */
export function isDeletion(change: ResourceChange): boolean {
  const actions = change.change.actions;
  return actions.includes('delete') && !actions.includes('create');
}
