// Audio uploads (greetings, recorded names, auto attendant greetings): the WAV bytes are converted
// as they arrive, on a worker thread (GreetingThread), never held whole; at most UPLOAD_LIMITS.inFlight uploads per
// process at once, and the size limit counted while streaming.
//
// - More uploads than inFlight: 503 BUSY with Retry-After at once, not a queue. A queue would
//   hold each waiting client's connection (and the kernel's buffers of its body) for as long as
//   the uploads ahead take, unbounded in the count of clients; a refusal costs nothing, and the
//   admin center uploads one file at a time. The slot is taken before the body is read (after
//   authentication) and given back when the response is sent or the connection closes.
// - Size: a Content-Length over the limit is refused before reading (413 TOO_LARGE); a chunked
//   body is counted as it streams and refused when it passes the limit.
// - JSON with base64 (the older form) is parsed whole by fastify, so it has the smaller
//   jsonBytes limit; larger files go as WAV bytes (Content-Type: audio/wav).
// - WAV bytes sent to any other route are refused at once (400), not read.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { OpenUmError } from '../errors.js';
import type { Greeting } from '../org/user-greetings.js';
import { countUploadRefusal, setUploadsInFlight } from '../services/ops/admin-metrics.js';
import { GreetingThread } from '../services/voicemail/greeting-thread.js';
import type { AdminApp } from './app-type.js';

export const UPLOAD_LIMITS = { inFlight: 2, wavBytes: 100 * 1024 * 1024, jsonBytes: 16 * 1024 * 1024, retryAfterSeconds: 5 };

/** The media types taken as WAV bytes. */
export const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'application/octet-stream'];

/** An upload's WAV bytes, converted while they streamed in: the request's body on an upload route. */
export class UploadedAudio {
  constructor(readonly greeting: Greeting, readonly bytes: number) {}
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An audio upload route (uploadRoute): WAV bytes are streamed to it, one of a bounded few at once. */
    audioUpload?: boolean;
  }
}

/** The body of an upload route: JSON (its own schema) or the WAV bytes, streamed (UploadedAudio). */
export function uploadBody(json: z.ZodType): { content: Record<string, { schema: z.ZodType }> } {
  const wav = z.custom<UploadedAudio>((v) => v instanceof UploadedAudio, 'the body must be the WAV file\'s bytes')
    .meta({ type: 'string', format: 'binary', description: `A PCM WAV file, at most ${UPLOAD_LIMITS.wavBytes / (1024 * 1024)} MB, converted as it streams in` });
  return { content: { 'application/json': { schema: json }, ...Object.fromEntries(WAV_TYPES.map((t) => [t, { schema: wav }])) } };
}

let inFlight = 0;

const tooLarge = (what: string, limit: number) => {
  countUploadRefusal('too_large');
  return new OpenUmError('TOO_LARGE', `${what} is over ${limit / (1024 * 1024)} MB`, {
    api: ': send a shorter recording (at most 5 minutes; 8 kHz mono 16-bit is 4.8 MB), as WAV bytes with Content-Type: audio/wav',
  });
};

/** Takes an upload slot before the body is read; 503 BUSY when all are taken. */
async function takeSlot(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (inFlight >= UPLOAD_LIMITS.inFlight) {
    countUploadRefusal('busy');
    // The body is not read: the connection closes after the answer, so a refused upload costs
    // the main thread no TLS decryption. A client still sending a large body may see the
    // connection reset before it reads the 503; either way it retries later.
    reply.header('retry-after', String(UPLOAD_LIMITS.retryAfterSeconds)).header('connection', 'close');
    throw new OpenUmError('BUSY', `${UPLOAD_LIMITS.inFlight} uploads are in flight, as many as the server takes at once; retry in ${UPLOAD_LIMITS.retryAfterSeconds} s`);
  }
  // A connection already gone would never send 'close' again: nothing to hold for it.
  if (request.raw.socket?.destroyed) throw new OpenUmError('BAD_ARGUMENT', 'the connection closed before the upload');
  setUploadsInFlight(++inFlight);
  // 'close' comes once, when the response is sent or the connection is gone, whichever way it ends.
  reply.raw.once('close', () => setUploadsInFlight(--inFlight));
}

/** Route options of an audio upload: the slot, the JSON limit, the streamed WAV parser's mark. */
export const uploadRoute = {
  bodyLimit: UPLOAD_LIMITS.jsonBytes,
  config: { audioUpload: true },
  onRequest: takeSlot,
};

/** How many uploads are in flight now (for tests and the status). */
export const uploadsInFlight = (): number => inFlight;

async function streamWav(request: FastifyRequest, payload: Readable): Promise<UploadedAudio> {
  if (!request.routeOptions.config.audioUpload) {
    throw new OpenUmError('BAD_ARGUMENT', `${request.headers['content-type']} is taken only by the audio upload routes; send JSON (Content-Type: application/json)`);
  }
  const length = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
  if (length !== undefined && length > UPLOAD_LIMITS.wavBytes) throw tooLarge(`the upload (Content-Length ${length})`, UPLOAD_LIMITS.wavBytes);
  // Converted on a worker thread as the bytes arrive: the main event loop (SIP roles) only reads.
  const conversion = new GreetingThread(Number.isSafeInteger(length) ? length : undefined);
  let bytes = 0;
  try {
    for await (const chunk of payload as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > UPLOAD_LIMITS.wavBytes) throw tooLarge('the upload', UPLOAD_LIMITS.wavBytes);
      await conversion.push(chunk);
    }
    return new UploadedAudio(await conversion.end(), bytes);
  } catch (e) {
    conversion.abort();
    throw e;
  }
}

/** WAV request bodies, streamed (once per app). */
export function registerAudioUploads(app: AdminApp): void {
  app.addContentTypeParser(WAV_TYPES, streamWav);
}
