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
import { registerUserAudioRoutes } from './user-audio.js';
import { voiceMessageView } from './voicemail-views.js';
import { binary, errors, idParams, nameParams, noContent } from '../route-schema.js';

const listQuery = z.object({ all: z.enum(['true', 'false', '1', '0']).optional() }).strict();
const patchMessage = z.object({ read: z.boolean() }).strict();
const patchSmtp = z.object({
  host: z.string().optional(), port: z.union([z.number().int(), z.string()]).optional(),
  security: z.string().optional(), from: z.string().nullable().optional(),
}).strict();
const smtpSettingsView = z.object({
  host: z.string().nullable(), port: z.number().int(), security: z.string(), from: z.string().nullable(),
  effectiveFrom: z.string().describe('from, or voicemail@<server FQDN>'),
}).meta({ id: 'SmtpSettings' });

function smtpView(s: Awaited<ReturnType<typeof getServer>>) {
  return { ...s.smtp, effectiveFrom: s.smtp.from ?? `voicemail@${s.fqdn}` };
}

export function registerVoicemailRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const mailbox = openMailbox(node);
  const server = () => requireServer(node);
  const tags = ['Voice mail'];

  app.get('/api/users/:name/voicemail', {
    schema: { tags, summary: 'A user\'s voice messages (?all=true adds missed calls)', params: nameParams, querystring: listQuery, response: { 200: z.array(voiceMessageView), ...errors(404) } },
  }, async (req) => {
    const user = await getUser(db, req.params.name);
    const all = req.query.all;
    return mailbox.list(user.id, all === 'true' || all === '1' ? 'all' : 'messages');
  });
  app.get('/api/voicemail/:id', { schema: { tags, summary: 'One voice message', params: idParams, response: { 200: voiceMessageView, ...errors(404) } } },
    async (req) => mailbox.get(req.params.id));
  app.get('/api/voicemail/:id/audio', {
    schema: { tags, summary: 'The audio of a voice message', params: idParams, response: { 200: binary('The message as WAV', 'audio/wav'), ...errors(404) } },
  }, async (req, reply) => {
    const { message, wav } = await mailbox.audio(req.params.id);
    return reply.type('audio/wav')
      .header('content-disposition', `attachment; filename="voicemail-${message.id}.wav"`)
      .send(wav);
  });
  app.patch('/api/voicemail/:id', { schema: { tags, summary: 'Mark a voice message read or unread', params: idParams, body: patchMessage, response: { 200: voiceMessageView, ...errors(404) } } },
    async (req) => {
      await mailbox.markRead(req.params.id, req.body.read);
      return mailbox.get(req.params.id);
    });
  app.delete('/api/voicemail/:id', { schema: { tags, summary: 'Delete a voice message', params: idParams, response: { 204: noContent, ...errors(404) } } },
    async (req, reply) => {
      await mailbox.delete(req.params.id, { actor: req.actor });
      return reply.code(204).send();
    });

  const smtp = ['SMTP'];
  app.get('/api/smtp', { schema: { tags: smtp, summary: 'The SMTP server voice mail is sent through', response: { 200: smtpSettingsView, ...errors() } } },
    async () => smtpView(await getServer(db, server())));
  app.patch('/api/smtp', { schema: { tags: smtp, summary: 'Change the SMTP settings', body: patchSmtp, response: { 200: smtpSettingsView, ...errors() } } },
    async (req) => smtpView(await setSmtp(db, req.actor, server(), req.body)));
  app.delete('/api/smtp', { schema: { tags: smtp, summary: 'Forget the SMTP server', response: { 200: smtpSettingsView, ...errors() } } },
    async (req) => smtpView(await clearSmtp(db, req.actor, server())));

  // A user's greeting and recorded name, through the mailbox (the same store the phone uses).
  registerUserAudioRoutes(app, mailbox, { base: '/api/users/:name', params: nameParams, tags, whose: "a user's", who: (req) => (req.params as { name: string }).name });
}
