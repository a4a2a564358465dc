// The OpenAPI 3 document of the API, generated from the zod schemas the routes validate with
// (route-schema.ts), served to anyone at GET /api/openapi.json. @fastify/swagger collects the
// routes as they are added, so this is registered before them.
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import type { SwaggerTransform } from '@fastify/swagger';
import type { SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminApp } from './app-type.js';
import { anyObject, ERROR_HEADERS, errors } from './route-schema.js';

export const OPENAPI_PATH = '/api/openapi.json';

/** The package's version (package.json is 2 levels up from src/web, 3 from dist/src/web). */
function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const p = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (p.name === 'openum' && p.version) return p.version;
    } catch { /* not there: try the next */ }
  }
  return '0.0.0';
}

type ContentMap = { content: Record<string, { schema: z.ZodType }> };
const isContentMap = (v: unknown): v is ContentMap =>
  typeof v === 'object' && v !== null && !(v instanceof z.ZodType) && typeof (v as ContentMap).content === 'object';

type Transformed = ReturnType<SwaggerTransform>;
/** The headers an error status always carries (WWW-Authenticate on 401, Retry-After …) added to its response. */
function withErrorHeaders(out: Transformed): Transformed {
  const response = (out as { schema?: { response?: Record<string, Record<string, unknown>> } }).schema?.response;
  for (const [status, headers] of Object.entries(ERROR_HEADERS)) {
    const r = response?.[status];
    if (r && headers) r.headers = headers;
  }
  return out;
}

/** Routes to the document; a request body given per media type (JSON or a WAV file's bytes) converted type by type. */
const transform: SwaggerTransform = (doc) => withErrorHeaders(bodyTransform(doc));
const bodyTransform: SwaggerTransform = (doc) => {
  // The document is the API's: the web app's pages and files (served beside it) are not in it.
  if (!doc.url.startsWith('/api/')) return { schema: { hide: true }, url: doc.url };
  const body = (doc.schema as { body?: unknown } | undefined)?.body;
  if (!isContentMap(body)) return jsonSchemaTransform(doc);
  const { body: _, ...rest } = doc.schema as Record<string, unknown>;
  const out = jsonSchemaTransform({ ...doc, schema: rest } as Parameters<SwaggerTransform>[0]) as { schema: Record<string, unknown>; url: string };
  const content: Record<string, { schema: unknown }> = {};
  for (const [type, { schema }] of Object.entries(body.content)) {
    const { $schema: _s, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    content[type] = { schema: json };
  }
  return { ...out, schema: { ...out.schema, body: { content } } };
};

/** The components, less the input twins of output-only schemas (Error400Input…) nothing refers to. */
const transformObject: SwaggerTransformObject = (doc) => {
  const out = jsonSchemaTransformObject(doc) as { components?: { schemas?: Record<string, unknown> } };
  const schemas = out.components?.schemas;
  if (schemas) {
    const text = JSON.stringify(out);
    for (const name of Object.keys(schemas)) {
      if (name.endsWith('Input') && !text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
    }
  }
  return out as ReturnType<SwaggerTransformObject>;
};

export async function registerOpenApi(app: AdminApp): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'OpenUM API',
        version: packageVersion(),
        description: 'The OpenUM admin and user APIs. Every error is `{ error, message }`: `error` is a code from docs/errors.md, '
          + '`message` says what went wrong in the words of this API (fields and routes).',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An administrator token (`openum token new`): `Authorization: Bearer oum_…`' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'openum_session', description: 'A signed-in session' },
        },
      },
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    },
    transform,
    transformObject,
  });
  // A request without a body is validated as {}, so that the refusal names the missing field.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
  app.get(OPENAPI_PATH, {
    schema: {
      tags: ['Documents'], summary: 'This OpenAPI document', security: [],
      response: { 200: anyObject, ...errors() },
    },
  }, async () => app.swagger());
}
