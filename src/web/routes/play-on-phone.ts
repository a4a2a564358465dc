// Play on Phone in the admin API: POST /api/voicemail/:id/play-on-phone { number } queues the call
// (the same checks as `openum voicemail play-on-phone`: outdialing rules, a gateway with outcalls);
// GET /api/play-on-phone/:id follows its progress; DELETE /api/play-on-phone/:id cancels it.
import { z } from 'zod';
import { cancelPlayOnPhone, getPlayOnPhone, requestPlayOnPhone } from '../../org/play-on-phone.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { errors, idParams } from '../route-schema.js';
import { playOnPhoneView } from './voicemail-views.js';

const body = z.object({ number: z.string().min(1, 'number (the phone number to call) is required') }).strict();
const queued = playOnPhoneView.pick({ id: true, state: true });

export function registerPlayOnPhoneRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const tags = ['Play on Phone'];
  const params = idParams;
  app.post('/api/voicemail/:id/play-on-phone', {
    schema: { tags, summary: 'Call a number and play a voice message', params, body, response: { 202: queued, ...errors(403, 404, 409) } },
  }, async (req, reply) => {
    const call = await requestPlayOnPhone(db, req.actor, requireServer(node), req.params.id, req.body.number);
    return reply.code(202).send({ id: call.id, state: call.state });
  });
  app.get('/api/play-on-phone/:id', { schema: { tags, summary: 'The progress of a Play on Phone call', params, response: { 200: playOnPhoneView, ...errors(404) } } },
    async (req) => getPlayOnPhone(db, req.params.id));
  app.delete('/api/play-on-phone/:id', { schema: { tags, summary: 'Cancel a Play on Phone call', params, response: { 202: playOnPhoneView, ...errors(404) } } },
    async (req, reply) => reply.code(202).send(await cancelPlayOnPhone(db, req.actor, req.params.id)));
}
