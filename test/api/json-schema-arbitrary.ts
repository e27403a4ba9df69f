import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** Values a hostile or careless client sends, whatever the schema says. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    '',
    ' ',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\u202e',
    '<script>alert(1)</script>',
    "' or 1=1 --",
    '__proto__',
    'constructor',
    '😀'.repeat(50),
    'x'.repeat(10_000),
    -1,
    0,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    3.5,
    true,
    [],
    {},
    { __proto__: { admin: true } },
    '2020-02-30T25:61:00Z',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true }),
);

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
  return (node ?? {}) as Schema;
}

/**
 * Values shaped by a JSON Schema (as @fastify/swagger publishes it from our zod schemas), mixed
 * with boundary and hostile values at every level: most requests get past the outer validation
 * and reach deeper code, and the rest probe the validation itself.
 */
export function fromSchema(schema: Schema | undefined, root: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return hostileValue;
  const s = resolveRef(schema, root);
  const shaped = shapedBy(s, root, depth);
  return fc.oneof({ arbitrary: shaped, weight: 8 }, { arbitrary: hostileValue, weight: 1 });
}

function shapedBy(s: Schema, root: Schema, depth: number): fc.Arbitrary<unknown> {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) {
      return fc.oneof(...options.map((o) => fromSchema(o as Schema, root, depth + 1)));
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return fromSchema(s.allOf[0] as Schema, root, depth + 1);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const type = Array.isArray(s.type) ? (s.type[0] as string) : (s.type as string | undefined);
  switch (type) {
    case 'string': {
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      const max = typeof s.maxLength === 'number' ? Math.min(s.maxLength, 200) : 40;
      const boundary: unknown[] = [];
      if (typeof s.maxLength === 'number')
        boundary.push('a'.repeat(s.maxLength), 'a'.repeat(s.maxLength + 1));
      if (min > 0) boundary.push('a'.repeat(min - 1));
      const formats: Record<string, fc.Arbitrary<string>> = {
        email: fc.emailAddress(),
        uuid: fc.uuid(),
        'date-time': fc
          .date({ noInvalidDate: true, min: new Date('1990-01-01'), max: new Date('2040-01-01') })
          .map((d) => d.toISOString()),
        uri: fc.webUrl(),
      };
      const base =
        typeof s.format === 'string' && formats[s.format]
          ? formats[s.format]!
          : fc.string({ minLength: Math.min(min, max), maxLength: max });
      return boundary.length ? fc.oneof(base, fc.constantFrom(...boundary)) : base;
    }
    case 'integer': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1_000_000;
      const max = typeof s.maximum === 'number' ? s.maximum : 1_000_000_000;
      return fc.oneof(
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }),
        fc.constantFrom(min - 1, max + 1, min, max),
      );
    }
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), fc.constantFrom(0, 0.5, -1, 5, 5.5));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (s.items as Schema | undefined) ?? {};
      const maxItems = typeof s.maxItems === 'number' ? Math.min(s.maxItems, 8) : 5;
      return fc.array(fromSchema(items, root, depth + 1), { maxLength: maxItems });
    }
    case 'object':
    default: {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required as string[] | undefined) ?? []);
      const entries = Object.entries(props);
      if (entries.length === 0)
        return fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 3 });
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of entries) record[k] = fromSchema(v, root, depth + 1);
      const optional = entries.filter(([k]) => !required.has(k)).map(([k]) => k);
      return fc
        .tuple(
          fc.record(record, { requiredKeys: [...required].filter((k) => k in record) }),
          fc.subarray(optional),
        )
        .map(([value, keep]) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(value)) if (required.has(k) || keep.includes(k)) out[k] = v;
          return out;
        });
    }
  }
}
