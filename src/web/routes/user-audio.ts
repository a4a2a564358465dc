// A user's greeting and recorded name over HTTP: GET (audio/wav), PUT (WAV bytes, or JSON with
// base64), DELETE, through the mailbox service. The admin API mounts them under
// /api/users/:name, the user API under /api/me; only who the user is differs.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import { MAX_GREETING_MS, MAX_RECORDED_NAME_MS } from '../../org/user-greetings.js';
import { getUser } from '../../org/users.js';
import type { MailboxService } from '../../services/mailbox/mailbox-service.js';
import { toGreetingWav } from '../../services/voicemail/greeting-audio.js';
import type { AdminApp } from '../app-type.js';

/** Either `data` (the admin API's field) or `audio` (the user API's), base64 WAV. */
const greetingJson = z.union([
  z.object({ data: z.string().min(1, 'data (base64 WAV) is required') }).strict(),
  z.object({ audio: z.string().min(1, 'audio (base64 WAV) is required') }).strict(),
], 'give the WAV bytes (Content-Type: audio/wav) or JSON { audio: base64 }');

/** A greeting of 5 minutes at 48 kHz stereo 24-bit is ~86 MB of WAV: bounded well below memory. */
export const GREETING_BODY_LIMIT = 100 * 1024 * 1024;
const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'application/octet-stream'];

/** Raw WAV request bodies (once per app). */
export function registerWavBodies(app: AdminApp): void {
  app.addContentTypeParser(WAV_TYPES, { parseAs: 'buffer', bodyLimit: GREETING_BODY_LIMIT }, (_req, body, done) => done(null, body));
}

export function registerUserAudioRoutes(app: AdminApp, mailbox: MailboxService, base: string, who: (req: FastifyRequest) => string): void {
  const db = mailbox.db;
  for (const [path, kind] of [['greeting', 'greeting'], ['recorded-name', 'name']] as const) {
    const what = kind === 'greeting' ? 'greeting of its own: the system greeting plays' : 'recorded name: the extension is spoken';
    app.get(`${base}/${path}`, async (req, reply) => {
      const user = await getUser(db, who(req));
      const g = await mailbox.userAudio(kind, user.id);
      if (!g) throw new OpenUmError('AUDIO_NOT_FOUND', `${user.name} has no ${what}`);
      return reply.type('audio/wav').send(g.wav);
    });
    app.put(`${base}/${path}`, { bodyLimit: GREETING_BODY_LIMIT }, async (req) => {
      const name = who(req);
      let raw: Buffer;
      if (Buffer.isBuffer(req.body)) raw = req.body;
      else {
        const json = greetingJson.parse(req.body ?? {});
        raw = Buffer.from('data' in json ? json.data : json.audio, 'base64');
      }
      const audio = toGreetingWav(raw);
      return { ...(await mailbox.setUserAudio(req.actor, kind, name, audio)), maxDurationMs: kind === 'greeting' ? MAX_GREETING_MS : MAX_RECORDED_NAME_MS };
    });
    app.delete(`${base}/${path}`, async (req, reply) => {
      const name = who(req);
      const removed = await mailbox.clearUserAudio(req.actor, kind, name);
      if (!removed) throw new OpenUmError('AUDIO_NOT_FOUND', `${name} has no ${kind === 'greeting' ? 'greeting of its own' : 'recorded name'} to remove`);
      return reply.code(204).send();
    });
  }
}
