// /api/autoattendants: UM auto attendants, with the same rules and messages as
// `openum autoattendant …`. Greetings and announcements are uploaded as base64 WAV in JSON
// ({ data }), converted like user greetings.
import { z } from 'zod';
import { clearKey, parseHours, removeHoliday, setAutoAttendantGreeting, setHoliday, setKey } from '../../org/auto-attendant-parts.js';
import {
  createAutoAttendant, getAutoAttendant, listAutoAttendants, removeAutoAttendant, setAutoAttendant,
} from '../../org/auto-attendants.js';
import type { OpenNode } from '../../services/node.js';
import { toGreetingWav } from '../../services/voicemail/greeting-audio.js';
import type { AdminApp } from '../app-type.js';

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
const nameParams = z.object({ name: z.string() });
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

const wav = (data: string) => toGreetingWav(Buffer.from(data, 'base64'));

export function registerAutoAttendantRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const name = (req: { params: unknown }) => nameParams.parse(req.params).name;

  app.get('/api/autoattendants', async (req) => listAutoAttendants(db, listQuery.parse(req.query ?? {})));
  app.post('/api/autoattendants', async (req, reply) => {
    const { name: n, ...body } = newBody.parse(req.body ?? {});
    return reply.code(201).send(await createAutoAttendant(db, req.actor, n, body));
  });
  app.get('/api/autoattendants/:name', async (req) => getAutoAttendant(db, name(req)));
  app.patch('/api/autoattendants/:name', async (req) => setAutoAttendant(db, req.actor, name(req), patchBody.parse(req.body ?? {})));
  app.delete('/api/autoattendants/:name', async (req, reply) => {
    await removeAutoAttendant(db, req.actor, name(req));
    return reply.code(204).send();
  });

  // Keys: PUT /api/autoattendants/:name/keys/business/3 { action, target | data }
  app.put('/api/autoattendants/:name/keys/:hours/:key', async (req) => {
    const p = keyParams.parse(req.params);
    const b = keyBody.parse(req.body ?? {});
    return setKey(db, req.actor, p.name, p.hours, p.key, { action: b.action, target: b.target, audio: b.data === undefined ? undefined : wav(b.data) });
  });
  app.delete('/api/autoattendants/:name/keys/:hours/:key', async (req) => {
    const p = keyParams.parse(req.params);
    return clearKey(db, req.actor, p.name, p.hours, p.key);
  });

  // Greetings: /api/autoattendants/:name/greetings/business|after, /holidays/:holiday/greeting
  app.put('/api/autoattendants/:name/greetings/:hours', async (req) => {
    const p = greetingParams.parse(req.params);
    const hours = parseHours(p.hours);
    return setAutoAttendantGreeting(db, req.actor, p.name, { hours }, wav(greetingBody.parse(req.body ?? {}).data));
  });
  app.delete('/api/autoattendants/:name/greetings/:hours', async (req) => {
    const p = greetingParams.parse(req.params);
    return setAutoAttendantGreeting(db, req.actor, p.name, { hours: parseHours(p.hours) }, undefined);
  });

  app.put('/api/autoattendants/:name/holidays/:holiday', async (req) => {
    const p = holidayParams.parse(req.params);
    const b = holidayBody.parse(req.body ?? {});
    return setHoliday(db, req.actor, p.name, p.holiday, b.startDate, b.endDate);
  });
  app.delete('/api/autoattendants/:name/holidays/:holiday', async (req) => {
    const p = holidayParams.parse(req.params);
    return removeHoliday(db, req.actor, p.name, p.holiday);
  });
  app.put('/api/autoattendants/:name/holidays/:holiday/greeting', async (req) => {
    const p = holidayParams.parse(req.params);
    return setAutoAttendantGreeting(db, req.actor, p.name, { holiday: p.holiday }, wav(greetingBody.parse(req.body ?? {}).data));
  });
  app.delete('/api/autoattendants/:name/holidays/:holiday/greeting', async (req) => {
    const p = holidayParams.parse(req.params);
    return setAutoAttendantGreeting(db, req.actor, p.name, { holiday: p.holiday }, undefined);
  });
}
