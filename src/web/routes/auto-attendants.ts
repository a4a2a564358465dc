// /api/autoattendants: UM auto attendants, with the same rules and messages as
// `openum autoattendant …`. Greetings are uploaded as WAV bytes (Content-Type: audio/wav,
// streamed: uploads.ts) or base64 WAV in JSON ({ data }); key announcements as { data } in the
// key's JSON. All are converted like user greetings.
import { z } from 'zod';
import { clearKey, parseHours, removeHoliday, setAutoAttendantGreeting, setHoliday, setKey } from '../../org/auto-attendant-parts.js';
import {
  createAutoAttendant, getAutoAttendant, listAutoAttendants, removeAutoAttendant, setAutoAttendant,
} from '../../org/auto-attendants.js';
import { NAME_LOOKUPS, type AutoAttendant } from '../../org/auto-attendant-types.js';
import { LANGUAGES } from '../../org/organisation-types.js';
import type { OpenNode } from '../../services/node.js';
import { toGreetingWav } from '../../services/voicemail/greeting-audio.js';
import type { AdminApp } from '../app-type.js';
import { errors, nameParams, noContent, type Same } from '../route-schema.js';
import { UploadedAudio, uploadBody, uploadRoute } from '../uploads.js';

const bool = z.union([z.boolean(), z.string()]);
const fields = {
  numbers: z.array(z.string()).optional(), enabled: bool.optional(), timeZone: z.string().optional(),
  businessHours: z.union([z.string(), z.array(z.string())]).optional(),
  operatorExtension: z.union([z.string(), z.number().int()]).nullable().optional(), dialByExtension: bool.optional(),
  dialByName: z.string().optional(), language: z.string().nullable().optional(),
};
const newBody = z.object({ name: z.string().min(1, 'name is required'), dialPlan: z.string().min(1, 'dialPlan is required'), ...fields }).strict();
const patchBody = z.object({ name: z.string().optional(), ...fields }).strict();
const listQuery = z.object({ dialPlan: z.string().optional() }).strict();
const keyParams = z.object({ name: z.string(), hours: z.string(), key: z.string() });
const keyBody = z.object({
  action: z.string().min(1, 'action is required (transfer, autoattendant, announcement or voicemail)'),
  target: z.union([z.string(), z.number().int().transform(String)]).optional(),
  data: z.string().min(1).optional(),
}).strict();
const greetingParams = z.object({ name: z.string(), hours: z.string() });
const holidayParams = z.object({ name: z.string(), holiday: z.string() });
const greetingBody = z.object({ data: z.string().min(1, 'data (base64 WAV) is required') }).strict();
const holidayBody = z.object({ startDate: z.string().min(1, 'startDate is required'), endDate: z.string().optional() }).strict();

// What the routes answer, field by field (`same` fails to compile if AutoAttendant changes).
const custom = z.enum(['custom', 'system']);
const keyMapping = z.discriminatedUnion('action', [
  z.object({ key: z.string(), action: z.literal('transfer'), extension: z.string() }),
  z.object({ key: z.string(), action: z.literal('autoattendant'), autoAttendantId: z.number().int(), autoAttendant: z.string() }),
  z.object({ key: z.string(), action: z.literal('announcement') }),
  z.object({ key: z.string(), action: z.literal('voicemail'), userId: z.number().int(), user: z.string() }),
]);
const autoAttendantView = z.object({
  id: z.number().int(), name: z.string(), dialPlanId: z.number().int(), dialPlanName: z.string(), enabled: z.boolean(),
  numbers: z.array(z.string()).describe('Pilot numbers'), timeZone: z.string(),
  businessHours: z.array(z.string()).describe("'Mon.08:00-Mon.18:00' …, or ['always'] / ['none']"),
  holidays: z.array(z.object({ id: z.number().int(), name: z.string(), startDate: z.string(), endDate: z.string(), greeting: custom })),
  greetings: z.object({ businessHours: custom, afterHours: custom }), operatorExtension: z.string().nullable(),
  dialByExtension: z.boolean(), dialByName: z.enum(NAME_LOOKUPS), language: z.enum(LANGUAGES).nullable().describe("null: the dial plan's language"),
  keys: z.object({ business: z.array(keyMapping), after: z.array(keyMapping) }), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'AutoAttendant' });
const same: Same<z.output<typeof autoAttendantView>, AutoAttendant> = true;
void same;

const wav = (data: string) => toGreetingWav(Buffer.from(data, 'base64'));
/** A greeting route's body: the streamed WAV bytes, or { data } (validated here when it came without a content type). */
const greetingOf = (body: unknown) => (body instanceof UploadedAudio ? body.greeting : wav(greetingBody.parse(body ?? {}).data));
const greetingUpload = uploadBody(greetingBody);

export function registerAutoAttendantRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const tags = ['Auto attendants'];
  const one = { 200: autoAttendantView, ...errors(404) };
  const change = { 200: autoAttendantView, ...errors(404, 409) };

  app.get('/api/autoattendants', { schema: { tags, summary: 'List the UM auto attendants', querystring: listQuery, response: { 200: z.array(autoAttendantView), ...errors() } } },
    async (req) => listAutoAttendants(db, req.query));
  app.post('/api/autoattendants', { schema: { tags, summary: 'Create a UM auto attendant', body: newBody, response: { 201: autoAttendantView, ...errors(404, 409) } } },
    async (req, reply) => {
      const { name: n, ...body } = req.body;
      return reply.code(201).send(await createAutoAttendant(db, req.actor, n, body));
    });
  app.get('/api/autoattendants/:name', { schema: { tags, summary: 'One UM auto attendant', params: nameParams, response: one } },
    async (req) => getAutoAttendant(db, req.params.name));
  app.patch('/api/autoattendants/:name', { schema: { tags, summary: 'Change a UM auto attendant', params: nameParams, body: patchBody, response: change } },
    async (req) => setAutoAttendant(db, req.actor, req.params.name, req.body));
  app.delete('/api/autoattendants/:name', { schema: { tags, summary: 'Remove a UM auto attendant', params: nameParams, response: { 204: noContent, ...errors(404, 409) } } },
    async (req, reply) => {
      await removeAutoAttendant(db, req.actor, req.params.name);
      return reply.code(204).send();
    });

  // Keys: PUT /api/autoattendants/:name/keys/business/3 { action, target | data }
  app.put('/api/autoattendants/:name/keys/:hours/:key', {
    schema: { tags, summary: 'Set a menu key (1-9) for business or after hours', params: keyParams, body: keyBody, response: change },
  }, async (req) => {
    const { params: p, body: b } = req;
    return setKey(db, req.actor, p.name, p.hours, p.key, { action: b.action, target: b.target, audio: b.data === undefined ? undefined : wav(b.data) });
  });
  app.delete('/api/autoattendants/:name/keys/:hours/:key', { schema: { tags, summary: 'Clear a menu key', params: keyParams, response: change } },
    async (req) => clearKey(db, req.actor, req.params.name, req.params.hours, req.params.key));

  // Greetings: /api/autoattendants/:name/greetings/business|after, /holidays/:holiday/greeting
  app.put('/api/autoattendants/:name/greetings/:hours', {
    ...uploadRoute,
    schema: { tags, summary: 'Set the business or after hours greeting (WAV bytes, or base64 WAV)', params: greetingParams, body: greetingUpload, response: { ...change, ...errors(404, 409, 413) } },
  }, async (req) => {
    const hours = parseHours(req.params.hours);
    return setAutoAttendantGreeting(db, req.actor, req.params.name, { hours }, greetingOf(req.body));
  });
  app.delete('/api/autoattendants/:name/greetings/:hours', { schema: { tags, summary: 'Remove a greeting', params: greetingParams, response: change } },
    async (req) => setAutoAttendantGreeting(db, req.actor, req.params.name, { hours: parseHours(req.params.hours) }, undefined));

  app.put('/api/autoattendants/:name/holidays/:holiday', { schema: { tags, summary: 'Add or change a holiday', params: holidayParams, body: holidayBody, response: change } },
    async (req) => setHoliday(db, req.actor, req.params.name, req.params.holiday, req.body.startDate, req.body.endDate));
  app.delete('/api/autoattendants/:name/holidays/:holiday', { schema: { tags, summary: 'Remove a holiday', params: holidayParams, response: change } },
    async (req) => removeHoliday(db, req.actor, req.params.name, req.params.holiday));
  app.put('/api/autoattendants/:name/holidays/:holiday/greeting', {
    ...uploadRoute,
    schema: { tags, summary: 'Set a holiday\'s greeting (WAV bytes, or base64 WAV)', params: holidayParams, body: greetingUpload, response: { ...change, ...errors(404, 409, 413) } },
  }, async (req) => setAutoAttendantGreeting(db, req.actor, req.params.name, { holiday: req.params.holiday }, greetingOf(req.body)));
  app.delete('/api/autoattendants/:name/holidays/:holiday/greeting', { schema: { tags, summary: 'Remove a holiday\'s greeting', params: holidayParams, response: change } },
    async (req) => setAutoAttendantGreeting(db, req.actor, req.params.name, { holiday: req.params.holiday }, undefined));
}
