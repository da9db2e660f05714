/**
 * Cloud Asset Inventory gives `resource.data` as a protobuf Struct once the gax client has decoded
 * it (`{fields: {k: {stringValue: ...}}}`); the REST normalizers want the plain JSON it stands for.
 */
type Value = {
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: Struct;
  listValue?: { values?: Value[] };
  kind?: string;
};
export type Struct = { fields?: Record<string, Value> };

function valueToJson(v: Value): unknown {
  switch (v.kind) {
    case 'stringValue': return v.stringValue;
    case 'structValue': return structToJson(v.structValue ?? {});
    case 'listValue': return listToJson(v.listValue?.values);
    case 'boolValue': return v.boolValue;
    case 'numberValue': return v.numberValue;
    case 'nullValue': return null;
  }
  // Without the `kind` discriminator, the one member that is set.
  if (v.structValue) return structToJson(v.structValue);
  if (v.listValue) return listToJson(v.listValue.values);
  if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v.numberValue !== undefined && v.numberValue !== null) return v.numberValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
  return null;
}

function listToJson(values: Value[] | undefined): unknown[] {
  if (!values) return [];
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = valueToJson(values[i]);
  return out;
}

// Tens of thousands of assets per organization page run: plain loops, no entry arrays.
export function structToJson(s: Struct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = s.fields;
  if (!fields) return out;
  for (const k in fields) {
    if (Object.prototype.hasOwnProperty.call(fields, k)) out[k] = valueToJson(fields[k]);
  }
  return out;
}

/** A Struct, or JSON already (some transports return it plain): always plain JSON. */
export function plainData(data: unknown): Record<string, unknown> | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const maybe = data as Struct;
  return maybe.fields && typeof maybe.fields === 'object' ? structToJson(maybe) : (data as Record<string, unknown>);
}
