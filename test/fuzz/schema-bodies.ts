// Request bodies for the admin API target, shaped by the route's JSON schema in the API's own
// OpenAPI document (generated from the zod schemas in src/web/routes): objects with the schema's
// keys, each value of the declared type near its limits or of a wrong type, sometimes an unknown
// key, sometimes nothing. The shape gets a body past the JSON parser and into zod and the handler.
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
}

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), '', ' ', '0', 'null', '../../etc/passwd', '\u0000', '<script>', 'a'.repeat(5000), [], {}, { $ne: 1 }, '__proto__'),
  fc.string({ maxLength: 40 }),
  fc.integer(),
);
const strings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  fc.stringMatching(/^\+?[0-9]{1,16}$/),
  fc.constantFrom('fz', 'fz-dp', 'fzgw', 'alice', 'um.contoso.test', '127.0.134.1', '0.0.0.0', '::1', '1234', '123456', 'Unsecured', 'Secured', 'SIPSecured', 'TLS', 'Dual', 'TCP', 'E.164', 'en-US', 'sip:a@b', 'alice@contoso.test', 'a'.repeat(256)),
  fc.domain(), fc.ipV4(),
);

/** Resolves a local "#/components/schemas/X" reference. */
function resolve(s: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const name = s.$ref?.replace('#/components/schemas/', '');
  return name && components[name] ? components[name] : s;
}

export function bodyFor(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const typed = typedFor(s, components, depth);
  return fc.oneof({ weight: 14, arbitrary: typed }, { weight: 1, arbitrary: junk });
}

function typedFor(s: JsonSchema, components: Record<string, JsonSchema>, depth: number): fc.Arbitrary<unknown> {
  if (depth > 4) return junk;
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => bodyFor(a, components, depth + 1)));
  if (s.allOf?.length) return bodyFor(s.allOf[0]!, components, depth + 1);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...s.enum) }, { weight: 1, arbitrary: strings });
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      const entries = props.map(([k, v]) => fc.option(bodyFor(v, components, depth + 1).map((x) => [k, x] as const), { nil: undefined, freq: required.has(k) ? 12 : 3 }));
      return fc.tuple(fc.tuple(...entries), fc.option(fc.tuple(fc.string({ maxLength: 12 }), junk), { nil: undefined, freq: 6 }))
        .map(([kvs, extra]) => {
          const o: Record<string, unknown> = {};
          for (const kv of kvs) if (kv) o[kv[0]] = kv[1];
          if (extra) o[extra[0]] = extra[1];
          return o;
        });
    }
    case 'array':
      return fc.array(s.items ? bodyFor(s.items, components, depth + 1) : junk, { maxLength: 4 });
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: s.minimum ?? -10, max: Math.min(s.maximum ?? 100_000, Number.MAX_SAFE_INTEGER) }),
        fc.constantFrom(s.minimum ?? 0, (s.minimum ?? 0) - 1, s.maximum ?? 65535, (s.maximum ?? 65535) + 1, 0.5, -0),
      );
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.oneof(strings, fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 64, 300) + 2 }));
    default:
      return junk;
  }
}
