// /api/users/:name/voicemail, /api/voicemail/:id[/audio], /api/smtp, /api/users/:name/greeting:
// the same rules as `openum voicemail …`, `openum smtp …` and `openum user greeting …`.
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import { getServer } from '../../org/server-settings.js';
import { clearSmtp, setSmtp } from '../../org/smtp-settings.js';
import { clearGreeting, getGreeting, MAX_GREETING_MS, setGreeting } from '../../org/user-greetings.js';
import { getUser } from '../../org/users.js';
import { deleteMessage, getMessage, listMessages, markRead } from '../../org/voice-messages.js';
import { removeAudio } from '../../org/voicemail-files.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { toGreetingWav } from '../../services/voicemail/greeting-audio.js';
import { readMessageAudio } from '../../services/voicemail/message-audio.js';
import type { AdminApp } from '../app-type.js';

const idParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'id must be a whole number').transform(Number) });
const nameParams = z.object({ name: z.string() });
const listQuery = z.object({ all: z.enum(['true', 'false', '1', '0']).optional() }).strict();
const patchMessage = z.object({ read: z.boolean() }).strict();
const patchSmtp = z.object({
  host: z.string().optional(), port: z.union([z.number().int(), z.string()]).optional(),
  security: z.string().optional(), from: z.string().nullable().optional(),
}).strict();
const greetingJson = z.object({ data: z.string().min(1, 'data (base64 WAV) is required') }).strict();

/** A greeting of 5 minutes at 48 kHz stereo 24-bit is ~86 MB of WAV: bounded well below memory. */
const GREETING_BODY_LIMIT = 100 * 1024 * 1024;
const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'application/octet-stream'];

function smtpView(s: Awaited<ReturnType<typeof getServer>>) {
  return { ...s.smtp, effectiveFrom: s.smtp.from ?? `voicemail@${s.fqdn}` };
}

export function registerVoicemailRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const server = () => requireServer(node);
  const id = (req: { params: unknown }) => idParams.parse(req.params).id;

  // Raw WAV bodies for PUT /api/users/:name/greeting (JSON with base64 works too).
  app.addContentTypeParser(WAV_TYPES, { parseAs: 'buffer', bodyLimit: GREETING_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.get('/api/users/:name/voicemail', async (req) => {
    const user = await getUser(db, nameParams.parse(req.params).name);
    const all = listQuery.parse(req.query ?? {}).all;
    return listMessages(db, user.id, { messagesOnly: !(all === 'true' || all === '1') });
  });
  app.get('/api/voicemail/:id', async (req) => getMessage(db, id(req)));
  app.get('/api/voicemail/:id/audio', async (req, reply) => {
    const { message, wav } = await readMessageAudio(db, node.dataDir, id(req));
    return reply.type('audio/wav')
      .header('content-disposition', `attachment; filename="voicemail-${message.id}.wav"`)
      .send(wav);
  });
  app.patch('/api/voicemail/:id', async (req) => {
    const n = id(req);
    const body = patchMessage.parse(req.body ?? {});
    await markRead(db, n, body.read);
    return getMessage(db, n);
  });
  app.delete('/api/voicemail/:id', async (req, reply) => {
    const m = await deleteMessage(db, req.actor, id(req));
    await removeAudio(node.dataDir, m.audioPath).catch(() => undefined);
    return reply.code(204).send();
  });

  app.get('/api/smtp', async () => smtpView(await getServer(db, server())));
  app.patch('/api/smtp', async (req) => smtpView(await setSmtp(db, req.actor, server(), patchSmtp.parse(req.body ?? {}))));
  app.delete('/api/smtp', async (req) => smtpView(await clearSmtp(db, req.actor, server())));

  app.get('/api/users/:name/greeting', async (req, reply) => {
    const user = await getUser(db, nameParams.parse(req.params).name);
    const g = await getGreeting(db, user.id);
    if (!g) throw new OpenUmError('AUDIO_NOT_FOUND', `${user.name} has no greeting of its own: the system greeting plays`);
    return reply.type('audio/wav').send(g.wav);
  });
  app.put('/api/users/:name/greeting', { bodyLimit: GREETING_BODY_LIMIT }, async (req) => {
    const name = nameParams.parse(req.params).name;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from(greetingJson.parse(req.body ?? {}).data, 'base64');
    const greeting = toGreetingWav(raw);
    return { ...(await setGreeting(db, req.actor, name, greeting)), maxDurationMs: MAX_GREETING_MS };
  });
  app.delete('/api/users/:name/greeting', async (req, reply) => {
    const name = nameParams.parse(req.params).name;
    const removed = await clearGreeting(db, req.actor, name);
    if (!removed) throw new OpenUmError('AUDIO_NOT_FOUND', `${name} has no greeting of its own to remove`);
    return reply.code(204).send();
  });
}
