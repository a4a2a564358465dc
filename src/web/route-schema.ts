// How every /api route declares itself, so that validation and the OpenAPI document
// (/api/openapi.json) come from the same zod schemas:
//
//   app.get('/api/dialplans/:name', {
//     schema: {
//       tags: ['Dial plans'], summary: 'One dial plan',
//       params: nameParams,                       // zod: validated, typed (req.params.name)
//       response: { 200: dialPlanView, ...errors(404) },  // routes/organisation-views.ts
//     },
//   }, async (req) => getDialPlan(db, req.params.name));
//
// - params/querystring/body are zod schemas; fastify validates them (fastify-type-provider-zod)
//   and a refusal is `400 { error: 'BAD_ARGUMENT', message: '<field>: <problem>' }`
//   (error-handler.ts). Do not call `.parse()` in the handler: req.body is already parsed.
// - response: the success body (a zod schema listing every field, checked against the interface
//   it documents with Same<…>; anyObject/anyList only where the fields are not spelled out) and
//   `...errors(…)`: 400, 401, 403, 500 and 503 always, plus the statuses the route can answer (403,
//   404, 409, 413, 416, 429; 507 is added to every change by withChangeErrors). Each is `{ error: <codes of that status>, message }` (component Error<status>).
// - A body-less success (204): `204: noContent`. Bytes: `200: binary('what', 'audio/wav')`.
// - A new code: a line in src/errors.ts (and docs/errors.md); a status not in ErrorStatus: add it.
// - A route anyone may call: `security: []` (auth.ts lets it through without a token or cookie;
//   it is the only way a route becomes public). A route of the signed-in user (/api/me…):
//   `security: cookieOnly` (the session cookie of a user sign-in; a bearer token is refused).
// Response bodies are encoded through their schema when sent: a z.object success schema must
// list every field (one not listed is dropped; a wrong type is a 500), else use anyObject/anyList.
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';

/** Statuses a route may add to the ones every route has (400, 401, 403, 500, 503). */
export type ErrorStatus = 403 | 404 | 409 | 413 | 416 | 429 | 507;
type AnyStatus = 400 | 401 | 500 | 503 | ErrorStatus;

const ALL_CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
/** `{ error, message }` with any code; errorBody(status) narrows the codes to one status. */
export const anyErrorBody = z.object({ error: z.enum(ALL_CODES), message: z.string() });
export type ErrorSchema = typeof anyErrorBody;

/** The error codes answered with an HTTP status (from src/errors.ts). */
export function codesOf(status: number): ErrorCode[] {
  return ALL_CODES.filter((c) => ERROR_CODES[c].http === status);
}

const bodies = new Map<number, ErrorSchema>();
/** `{ error, message }` with the codes of one status; a component `Error<status>` of the document. */
export function errorBody(status: AnyStatus): ErrorSchema {
  let s = bodies.get(status);
  if (!s) {
    const codes = codesOf(status) as [ErrorCode, ...ErrorCode[]];
    if (codes.length === 0) throw new Error(`no error code in src/errors.ts is answered with HTTP ${status}: add it there first`);
    s = z.object({
      error: z.enum(codes).describe('The error code (docs/errors.md)'),
      message: z.string().describe('What went wrong and what to do, in the words of this API'),
    }).meta({ id: `Error${status}`, description: `An error answered with HTTP ${status}` }) as unknown as ErrorSchema;
    bodies.set(status, s);
  }
  return s;
}

const MEANING: Record<AnyStatus, string> = {
  400: 'The request is malformed or breaks a rule (a validation refusal names the field: "<field>: <problem>")',
  401: 'No valid credentials', 403: 'Not allowed', 404: 'Not found', 409: 'Refused by the current state',
  413: 'The upload is over its size limit', 416: 'The Range header does not fit the audio (Content-Range: bytes */<size> gives its size)',
  429: 'Too many attempts: wait (Retry-After gives the seconds)',
  500: 'Internal error (the server log has the details)', 503: 'The store is unavailable, or the server is busy (Retry-After gives the seconds)',
  507: 'The disk of the data directory is full: the change was not stored',
};
type ErrorResponse = { description: string; content: { 'application/json': { schema: ErrorSchema } } };
// 403 on every route: a user's session on an admin route (FORBIDDEN), a change with the cookie
// but without the session's CSRF token (CSRF_TOKEN_INVALID).
type Common = { 400: ErrorResponse; 401: ErrorResponse; 403: ErrorResponse; 500: ErrorResponse; 503: ErrorResponse };
/** The error responses of a route: the common ones and `extra`. */
export function errors<S extends ErrorStatus[]>(...extra: S): Common & { [K in S[number]]: ErrorResponse } {
  const out: Record<number, ErrorResponse> = {};
  for (const s of [...new Set([400, 401, 403, 500, 503, ...extra])] as AnyStatus[]) {
    out[s] = { description: MEANING[s], content: { 'application/json': { schema: errorBody(s) } } };
  }
  return out as Common & { [K in S[number]]: ErrorResponse };
}

/** Headers a status always carries, for the OpenAPI document (openapi.ts adds them). */
export const ERROR_HEADERS: Partial<Record<number, Record<string, { type: 'string' | 'integer'; description: string }>>> = {
  401: { 'WWW-Authenticate': { type: 'string', description: 'The challenge (RFC 9110 §11.6.1): `Bearer realm="openum"` (RFC 6750 §3; with `error="invalid_token"` when the token sent is wrong), or `Cookie realm="openum", form-action="/api/session", cookie-name="openum_session"` on the routes of a signed-in session' } },
  429: { 'Retry-After': { type: 'integer', description: 'Seconds to wait' } },
  503: { 'Retry-After': { type: 'integer', description: 'Seconds to wait, when the server is busy (BUSY)' } },
};

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Adds 507 (DISK_FULL) to the responses of every /api change: any of them may find the disk full
 * (reads answer on a full disk: their bookkeeping writes are best-effort). Called on each route
 * as it is added, before the document collects it.
 */
export function withChangeErrors(route: { method: string | string[]; url: string; schema?: { response?: Record<string, unknown> } }): void {
  const response = route.schema?.response;
  if (!response || !route.url.startsWith('/api/') || ![route.method].flat().some((m) => CHANGES.has(m))) return;
  if (!(507 in response)) response[507] = errors(507)[507];
}

/** A JSON object whose fields the document does not spell out (yet). */
export const anyObject = z.unknown().meta({ type: 'object', additionalProperties: true, description: 'The object (its fields are not listed here yet)' });
/** A JSON array of such objects. */
export const anyList = z.array(anyObject).describe('The list');
/** No body (204). */
export const noContent = z.undefined().describe('No content');

/** Bytes in the given media types (a response's `content`, or a body's `content` for uploads). */
const bytes = z.custom<Buffer>((v) => Buffer.isBuffer(v), 'the body must be the file\'s bytes')
  .meta({ type: 'string', format: 'binary' });
export function binary(description: string, ...types: string[]) {
  return { description, content: Object.fromEntries(types.map((t) => [t, { schema: bytes }])) };
}

/**
 * True when a schema's output is exactly an interface: `const ok: Same<z.output<typeof view>, View> = true`
 * fails to compile when either gains a field the other lacks, so the document cannot drift.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Who may call a route: only a signed-in session (the cookie), not an administrator token. */
export const cookieOnly: Array<Record<string, string[]>> = [{ cookieAuth: [] }];

/** Path parameters used by many routes. */
export const nameParams = z.object({ name: z.string() });
export const idParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'id must be a whole number').transform(Number) });
