// The signed-in user's voice messages (issue 9), through the mailbox service the phone and CLI
// use: list, stream (HTTP Range), mark read, delete, and Play on Phone. A message or call of
// another user is 403, an unknown one 404: ids are sequential, so hiding them would gain nothing.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import { cancelPlayOnPhone, getPlayOnPhone, requestPlayOnPhone, type PlayOnPhoneCall } from '../../org/play-on-phone.js';
import type { VoiceMessage } from '../../org/voice-messages.js';
import { openMailbox } from '../../services/mailbox/open-mailbox.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import type { AdminApp } from '../app-type.js';
import { sendAudio } from '../audio-range.js';
import { meOf } from '../auth.js';

const idParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'id must be a whole number').transform(Number) });
const audioQuery = z.object({ download: z.enum(['1', 'true', '0', 'false']).optional() }).strict();
const patchBody = z.object({ read: z.boolean('read must be true or false') }).strict();
const popBody = z.object({ number: z.string('number (the phone number to call) is required').min(1, 'number (the phone number to call) is required') }).strict();

export interface MessageBody {
  id: number;
  caller: string;
  callerName: string;
  receivedAt: string;
  durationSec: number;
  read: boolean;
  kind: 'voicemail' | 'missed';
  hasAudio: boolean;
}

export const messageBody = (m: VoiceMessage): MessageBody => ({
  id: m.id, caller: m.callerId, callerName: m.callerName, receivedAt: new Date(m.receivedAt).toISOString(),
  durationSec: Math.round(m.durationMs / 1000), read: m.read, kind: m.state === 'missed' ? 'missed' : 'voicemail', hasAudio: m.state === 'stored',
});

/** The store's refusals name CLI commands for administrators; a user of this API gets its own words. */
async function inUserWords<T>(work: Promise<T>, id: number, number?: string): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!(e instanceof OpenUmError)) throw e;
    switch (e.code) {
      case 'VOICE_MESSAGE_NOT_FOUND': throw new OpenUmError(e.code, `no voice message has id ${id}; GET /api/me/messages lists yours`, { cause: e });
      case 'PLAY_ON_PHONE_NOT_FOUND': throw new OpenUmError(e.code, `no Play on Phone call has id ${id}`, { cause: e });
      case 'OUTDIAL_NOT_ALLOWED': throw new OpenUmError(e.code, `number: Play on Phone may not call ${number ?? 'this number'} from your dial plan; ask your administrator which numbers it may call`, { cause: e });
      case 'NO_OUTCALL_GATEWAY': throw new OpenUmError(e.code, 'Play on Phone is not available: no gateway of your dial plan places calls; ask your administrator', { cause: e });
      default: throw e;
    }
  }
}

const popBodyOf = (c: PlayOnPhoneCall) => ({ id: c.id, state: c.state, sipStatus: c.sipStatus, reason: c.reason, number: c.number });

export function registerMeMessageRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const mailbox = openMailbox(node);
  const id = (req: { params: unknown }) => idParams.parse(req.params).id;

  /** The message, when it is the signed-in user's (and not deleted by phone meanwhile). */
  async function own(req: FastifyRequest): Promise<VoiceMessage> {
    const user = meOf(req);
    const n = id(req);
    const m = await inUserWords(mailbox.get(n), n);
    if (m.userId !== user.id) throw new OpenUmError('FORBIDDEN', `voice message ${m.id} is not in your mailbox`);
    if (m.deletedAt !== null || m.state === 'recording') throw new OpenUmError('VOICE_MESSAGE_NOT_FOUND', `no voice message has id ${m.id}`);
    return m;
  }
  async function ownCall(req: FastifyRequest): Promise<PlayOnPhoneCall> {
    const n = id(req);
    const call = await inUserWords(getPlayOnPhone(db, n), n);
    if (call.userId !== meOf(req).id) throw new OpenUmError('FORBIDDEN', `Play on Phone call ${call.id} is not yours`);
    return call;
  }

  app.get('/api/me/messages', async (req) => ({ messages: (await mailbox.list(meOf(req).id, 'all')).map(messageBody) }));
  app.get('/api/me/messages/:id/audio', async (req, reply) => {
    const q = audioQuery.parse(req.query ?? {});
    const m = await own(req);
    const { wav } = await mailbox.audio(m.id);
    return sendAudio(req, reply, wav, q.download === '1' || q.download === 'true' ? `voicemail-${m.id}.wav` : undefined);
  });
  app.patch('/api/me/messages/:id', async (req) => {
    const body = patchBody.parse(req.body ?? {});
    const m = await own(req);
    await mailbox.markRead(m.id, body.read);
    return messageBody(await mailbox.get(m.id));
  });
  app.delete('/api/me/messages/:id', async (req, reply) => {
    const m = await own(req);
    await mailbox.delete(m.id, { actor: req.actor });
    return reply.code(204).send();
  });

  app.post('/api/me/messages/:id/play-on-phone', async (req, reply) => {
    const { number } = popBody.parse(req.body ?? {});
    const m = await own(req);
    const call = await inUserWords(requestPlayOnPhone(db, req.actor, requireServer(node), m.id, number), m.id, number);
    return reply.code(202).send({ id: call.id });
  });
  app.get('/api/me/play-on-phone/:id', async (req) => popBodyOf(await ownCall(req)));
  app.delete('/api/me/play-on-phone/:id', async (req, reply) => {
    const call = await ownCall(req);
    return reply.code(202).send(popBodyOf(await cancelPlayOnPhone(db, req.actor, call.id)));
  });
}
