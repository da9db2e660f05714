import { describe, expect, it } from 'vitest';
import { plainData, structToJson } from '../../../src/collectors/live/struct.js';

describe('structToJson', () => {
  it('turns a decoded Struct back into the JSON it stands for, nested lists and structs included', () => {
    const struct = {
      fields: {
        name: { kind: 'stringValue', stringValue: 'gke-net' },
        mtu: { kind: 'numberValue', numberValue: 1460 },
        autoCreateSubnetworks: { kind: 'boolValue', boolValue: false },
        description: { kind: 'nullValue', nullValue: 'NULL_VALUE' },
        routingConfig: { kind: 'structValue', structValue: { fields: { routingMode: { kind: 'stringValue', stringValue: 'GLOBAL' } } } },
        subnetworks: {
          kind: 'listValue',
          listValue: { values: [{ kind: 'stringValue', stringValue: 'a' }, { kind: 'listValue', listValue: { values: [] } }, { kind: 'structValue', structValue: {} }] },
        },
      },
    };
    expect(structToJson(struct)).toEqual({
      name: 'gke-net',
      mtu: 1460,
      autoCreateSubnetworks: false,
      description: null,
      routingConfig: { routingMode: 'GLOBAL' },
      subnetworks: ['a', [], {}],
    });
  });

  it('reads values without the kind discriminator by the member that is set', () => {
    const struct = { fields: { a: { stringValue: 'x' }, b: { numberValue: 0 }, c: { boolValue: true }, d: { listValue: {} }, e: {} } };
    expect(structToJson(struct)).toEqual({ a: 'x', b: 0, c: true, d: [], e: null });
  });

  it('keeps only the Struct\'s own fields', () => {
    const fields = Object.create({ inherited: { kind: 'stringValue', stringValue: 'no' } }) as Record<string, unknown>;
    fields.own = { kind: 'stringValue', stringValue: 'yes' };
    expect(structToJson({ fields } as never)).toEqual({ own: 'yes' });
  });
});

describe('plainData', () => {
  it('converts a Struct, passes plain JSON through, and has nothing for a non-object', () => {
    expect(plainData({ fields: { a: { kind: 'boolValue', boolValue: true } } })).toEqual({ a: true });
    expect(plainData({ name: 'plain' })).toEqual({ name: 'plain' });
    expect(plainData(undefined)).toBeUndefined();
    expect(plainData('text')).toBeUndefined();
  });
});
