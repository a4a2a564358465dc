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
import { binary, errors, noContent } from '../route-schema.js';
import { UploadedAudio, uploadBody, uploadRoute } from '../uploads.js';

/** Either `data` (the admin API's field) or `audio` (the user API's), base64 WAV. */
const greetingJson = z.union([
  z.object({ data: z.string().min(1, 'data (base64 WAV) is required') }).strict(),
  z.object({ audio: z.string().min(1, 'audio (base64 WAV) is required') }).strict(),
], 'give the WAV bytes (Content-Type: audio/wav) or JSON { audio: base64 }');


const audioSet = z.object({
  user: z.string(), durationMs: z.number(), bytes: z.number().int(), maxDurationMs: z.number().int().describe('The longest allowed'),
}).meta({ id: 'UserAudioSet' });

export interface UserAudioMount {
  /** '/api/users/:name' (admin) or '/api/me' (the signed-in user) */
  base: string;
  /** the zod schema of the base's path parameters, when it has some */
  params?: z.ZodObject;
  tags: string[];
  /** who may call them, when not the default (an administrator): the user API's cookieOnly */
  security?: Array<Record<string, string[]>>;
  /** "a user's" or "your", for the OpenAPI summaries */
  whose: string;
  who: (req: FastifyRequest) => string;
}

export function registerUserAudioRoutes(app: AdminApp, mailbox: MailboxService, mount: UserAudioMount): void {
  const db = mailbox.db;
  const { base, tags, whose, who } = mount;
  // The base's path parameters and who may call, spread into each route's schema.
  const mounted = { ...(mount.params ? { params: mount.params } : {}), ...(mount.security ? { security: mount.security } : {}) };
  // The upload is the WAV file's bytes (Content-Type audio/wav, streamed: uploads.ts) or JSON { audio | data: base64 }.
  const upload = uploadBody(greetingJson);
  for (const [path, kind] of [['greeting', 'greeting'], ['recorded-name', 'name']] as const) {
    const what = kind === 'greeting' ? 'greeting of its own: the system greeting plays' : 'recorded name: the extension is spoken';
    const label = kind === 'greeting' ? 'personal greeting' : 'recorded name';
    app.get(`${base}/${path}`, {
      schema: { tags, summary: `${whose} ${label}`, ...mounted, response: { 200: binary(`The ${label} as WAV`, 'audio/wav'), ...errors(403, 404) } },
    }, async (req, reply) => {
      const user = await getUser(db, who(req));
      const g = await mailbox.userAudio(kind, user.id);
      if (!g) throw new OpenUmError('AUDIO_NOT_FOUND', `${user.name} has no ${what}`);
      return reply.type('audio/wav').send(g.wav);
    });
    app.put(`${base}/${path}`, {
      ...uploadRoute,
      schema: { tags, summary: `Set ${whose} ${label} (PCM WAV, converted)`, ...mounted, body: upload, response: { 200: audioSet, ...errors(403, 404, 413) } },
    }, async (req) => {
      const name = who(req);
      let audio;
      if (req.body instanceof UploadedAudio) audio = req.body.greeting;
      else {
        // A request without a content type is not validated by the per-type schemas: parse it here.
        const json = greetingJson.parse(req.body ?? {});
        audio = toGreetingWav(Buffer.from('data' in json ? json.data : json.audio, 'base64'));
      }
      return { ...(await mailbox.setUserAudio(req.actor, kind, name, audio)), maxDurationMs: kind === 'greeting' ? MAX_GREETING_MS : MAX_RECORDED_NAME_MS };
    });
    app.delete(`${base}/${path}`, { schema: { tags, summary: `Remove ${whose} ${label}`, ...mounted, response: { 204: noContent, ...errors(403, 404) } } },
      async (req, reply) => {
        const name = who(req);
        const removed = await mailbox.clearUserAudio(req.actor, kind, name);
        if (!removed) throw new OpenUmError('AUDIO_NOT_FOUND', `${name} has no ${kind === 'greeting' ? 'greeting of its own' : 'recorded name'} to remove`);
        return reply.code(204).send();
      });
  }
}
