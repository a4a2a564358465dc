// /api/users/:name/voicemail, /api/voicemail/:id[/audio], /api/smtp, /api/users/:name/greeting
// and …/recorded-name: the same rules as `openum voicemail …`, `openum smtp …` and
// `openum user greeting|recorded-name …`. Message operations go through the mailbox service.
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import { getServer } from '../../org/server-settings.js';
import { clearSmtp, setSmtp } from '../../org/smtp-settings.js';
import { MAX_GREETING_MS, MAX_RECORDED_NAME_MS } from '../../org/user-greetings.js';
import { getUser } from '../../org/users.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { toGreetingWav } from '../../services/voicemail/greeting-audio.js';
import { openMailbox } from '../../services/mailbox/open-mailbox.js';
import type { AdminApp } from '../app-type.js';
import { voiceMessageView } from './voicemail-views.js';
import { binary, errors, idParams, nameParams, noContent } from '../route-schema.js';

const listQuery = z.object({ all: z.enum(['true', 'false', '1', '0']).optional() }).strict();
const patchMessage = z.object({ read: z.boolean() }).strict();
const patchSmtp = z.object({
  host: z.string().optional(), port: z.union([z.number().int(), z.string()]).optional(),
  security: z.string().optional(), from: z.string().nullable().optional(),
}).strict();
const greetingJson = z.object({ data: z.string().min(1, 'data (base64 WAV) is required') }).strict();

const smtpSettingsView = z.object({
  host: z.string().nullable(), port: z.number().int(), security: z.string(), from: z.string().nullable(),
  effectiveFrom: z.string().describe('from, or voicemail@<server FQDN>'),
}).meta({ id: 'SmtpSettings' });

const audioSet = z.object({
  user: z.string(), durationMs: z.number(), bytes: z.number().int(), maxDurationMs: z.number().int().describe('The longest allowed'),
});

/** A greeting of 5 minutes at 48 kHz stereo 24-bit is ~86 MB of WAV: bounded well below memory. */
const GREETING_BODY_LIMIT = 100 * 1024 * 1024;
const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'application/octet-stream'];

function smtpView(s: Awaited<ReturnType<typeof getServer>>) {
  return { ...s.smtp, effectiveFrom: s.smtp.from ?? `voicemail@${s.fqdn}` };
}

export function registerVoicemailRoutes(app: AdminApp, node: OpenNode): void {
  const db = node.store.db;
  const mailbox = openMailbox(node);
  const server = () => requireServer(node);
  const tags = ['Voice mail'];

  // Raw WAV bodies for PUT /api/users/:name/greeting (JSON with base64 works too).
  app.addContentTypeParser(WAV_TYPES, { parseAs: 'buffer', bodyLimit: GREETING_BODY_LIMIT }, (_req, body, done) => done(null, body));

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
  // The upload is the WAV file's bytes (Content-Type audio/wav) or JSON { data: base64 }.
  const upload = { content: { 'application/json': { schema: greetingJson }, ...binary('', ...WAV_TYPES).content } };
  for (const [path, kind] of [['greeting', 'greeting'], ['recorded-name', 'name']] as const) {
    const what = kind === 'greeting' ? 'greeting of its own: the system greeting plays' : 'recorded name: the extension is spoken';
    const label = kind === 'greeting' ? 'personal greeting' : 'recorded name';
    app.get(`/api/users/:name/${path}`, {
      schema: { tags, summary: `A user's ${label}`, params: nameParams, response: { 200: binary(`The ${label} as WAV`, 'audio/wav'), ...errors(404) } },
    }, async (req, reply) => {
      const user = await getUser(db, req.params.name);
      const g = await mailbox.userAudio(kind, user.id);
      if (!g) throw new OpenUmError('AUDIO_NOT_FOUND', `${user.name} has no ${what}`);
      return reply.type('audio/wav').send(g.wav);
    });
    app.put(`/api/users/:name/${path}`, {
      bodyLimit: GREETING_BODY_LIMIT,
      schema: { tags, summary: `Set a user's ${label} (PCM WAV, converted)`, params: nameParams, body: upload, response: { 200: audioSet, ...errors(404) } },
    }, async (req) => {
      const name = req.params.name;
      // A request without a content type is not validated by the per-type schemas: parse it here.
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from(greetingJson.parse(req.body ?? {}).data, 'base64');
      const audio = toGreetingWav(raw);
      return { ...(await mailbox.setUserAudio(req.actor, kind, name, audio)), maxDurationMs: kind === 'greeting' ? MAX_GREETING_MS : MAX_RECORDED_NAME_MS };
    });
    app.delete(`/api/users/:name/${path}`, { schema: { tags, summary: `Remove a user's ${label}`, params: nameParams, response: { 204: noContent, ...errors(404) } } },
      async (req, reply) => {
        const name = req.params.name;
        const removed = await mailbox.clearUserAudio(req.actor, kind, name);
        if (!removed) throw new OpenUmError('AUDIO_NOT_FOUND', `${name} has no ${kind === 'greeting' ? 'greeting of its own' : 'recorded name'} to remove`);
        return reply.code(204).send();
      });
  }
}
