// /api/users/:name/voicemail, /api/voicemail/:id[/audio], /api/smtp, /api/users/:name/greeting
// and …/recorded-name: the same rules as `openum voicemail …`, `openum smtp …` and
// `openum user greeting|recorded-name …`. Message operations go through the mailbox service.
import { z } from 'zod';
import { getServer } from '../../org/server-settings.js';
import { clearSmtp, setSmtp } from '../../org/smtp-settings.js';
import { getUser } from '../../org/users.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { openMailbox } from '../../services/mailbox/open-mailbox.js';
import type { AdminApp } from '../app-type.js';
import { registerUserAudioRoutes, registerWavBodies } from './user-audio.js';

const idParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'id must be a whole number').transform(Number) });
const nameParams = z.object({ name: z.string() });
const listQuery = z.object({ all: z.enum(['true', 'false', '1', '0']).optional() }).strict();
const patchMessage = z.object({ read: z.boolean() }).strict();
const patchSmtp = z.object({
  host: z.string().optional(), port: z.union([z.number().int(), z.string()]).optional(),
  security: z.string().optional(), from: z.string().nullable().optional(),
}).strict();

function smtpView(s: Awaited<ReturnType<typeof getServer>>) {
  return { ...s.smtp, effectiveFrom: s.smtp.from ?? `voicemail@${s.fqdn}` };
}

export function registerVoicemailRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const mailbox = openMailbox(node);
  const server = () => requireServer(node);
  const id = (req: { params: unknown }) => idParams.parse(req.params).id;

  // Raw WAV bodies for PUT …/greeting and …/recorded-name (JSON with base64 works too).
  registerWavBodies(app);

  app.get('/api/users/:name/voicemail', async (req) => {
    const user = await getUser(db, nameParams.parse(req.params).name);
    const all = listQuery.parse(req.query ?? {}).all;
    return mailbox.list(user.id, all === 'true' || all === '1' ? 'all' : 'messages');
  });
  app.get('/api/voicemail/:id', async (req) => mailbox.get(id(req)));
  app.get('/api/voicemail/:id/audio', async (req, reply) => {
    const { message, wav } = await mailbox.audio(id(req));
    return reply.type('audio/wav')
      .header('content-disposition', `attachment; filename="voicemail-${message.id}.wav"`)
      .send(wav);
  });
  app.patch('/api/voicemail/:id', async (req) => {
    const n = id(req);
    const body = patchMessage.parse(req.body ?? {});
    await mailbox.markRead(n, body.read);
    return mailbox.get(n);
  });
  app.delete('/api/voicemail/:id', async (req, reply) => {
    await mailbox.delete(id(req), { actor: req.actor });
    return reply.code(204).send();
  });

  app.get('/api/smtp', async () => smtpView(await getServer(db, server())));
  app.patch('/api/smtp', async (req) => smtpView(await setSmtp(db, req.actor, server(), patchSmtp.parse(req.body ?? {}))));
  app.delete('/api/smtp', async (req) => smtpView(await clearSmtp(db, req.actor, server())));

  // A user's greeting and recorded name, through the mailbox (the same store the phone uses).
  registerUserAudioRoutes(app, mailbox, '/api/users/:name', (req) => nameParams.parse(req.params).name);
}
