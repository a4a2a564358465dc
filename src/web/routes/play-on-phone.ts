// Play on Phone in the admin API: POST /api/voicemail/:id/play-on-phone { number } queues the call
// (the same checks as `openum voicemail play-on-phone`: outdialing rules, a gateway with outcalls);
// GET /api/play-on-phone/:id follows its progress; DELETE /api/play-on-phone/:id cancels it.
import { z } from 'zod';
import { cancelPlayOnPhone, getPlayOnPhone, requestPlayOnPhone } from '../../org/play-on-phone.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';

const idParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'id must be a whole number').transform(Number) });
const body = z.object({ number: z.string().min(1, 'number (the phone number to call) is required') }).strict();

export function registerPlayOnPhoneRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const id = (req: { params: unknown }) => idParams.parse(req.params).id;
  app.post('/api/voicemail/:id/play-on-phone', async (req, reply) => {
    const { number } = body.parse(req.body ?? {});
    const call = await requestPlayOnPhone(db, req.actor, requireServer(node), id(req), number);
    return reply.code(202).send({ id: call.id, state: call.state });
  });
  app.get('/api/play-on-phone/:id', async (req) => getPlayOnPhone(db, id(req)));
  app.delete('/api/play-on-phone/:id', async (req, reply) => reply.code(202).send(await cancelPlayOnPhone(db, req.actor, id(req))));
}
