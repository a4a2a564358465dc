// Answers audio with HTTP range requests (RFC 9110 §14), so a browser's <audio> can seek: one
// byte range → 206 with Content-Range; a range outside the audio or malformed → 416 with
// Content-Range: bytes */size; several ranges → the whole audio (§14.2 lets a server ignore Range).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpenUmError } from '../errors.js';

/** The first and last byte of a single `bytes=` range; 'all' to send everything. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'all' {
  if (header === undefined) return 'all';
  const spec = header.trim();
  if (/^bytes=.*,/.test(spec)) return 'all';
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(spec);
  if (!m || (m[1] === '' && m[2] === '')) throw rangeError(header, size);
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw rangeError(header, size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) throw rangeError(header, size);
  return { start, end };
}

function rangeError(header: string, size: number): OpenUmError {
  const e = new OpenUmError('RANGE_NOT_SATISFIABLE', `Range "${header.slice(0, 60)}" does not fit the audio of ${size} bytes`);
  (e as OpenUmError & { size?: number }).size = size;
  return e;
}

/** Sends `wav` whole or the range asked for; `download` names the file as an attachment. */
export function sendAudio(req: FastifyRequest, reply: FastifyReply, wav: Buffer, download?: string): FastifyReply {
  reply.header('accept-ranges', 'bytes').type('audio/wav');
  if (download !== undefined) reply.header('content-disposition', `attachment; filename="${download}"`);
  let range: ReturnType<typeof parseRange>;
  try {
    range = parseRange(req.headers.range, wav.length);
  } catch (e) {
    reply.header('content-range', `bytes */${wav.length}`);
    throw e;
  }
  if (range === 'all') return reply.send(wav);
  return reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${wav.length}`)
    .send(wav.subarray(range.start, range.end + 1));
}
