// StreamFramer (src/sip/message/framer.ts) cutting a TCP/TLS byte stream, and each framed message
// parsed as the transport does. Allowed: message, keepalive and error events. A crash: push()
// throws, more than maxMessageBytes + 1 bytes are held, framing depends on how the stream was
// cut into chunks (one push and the chunked pushes must give the same events), or a framed
// message crashes the parse target's receive path.
import fc from 'fast-check';
import { StreamFramer, type FramerEvent } from '../../../src/sip/message/framer.js';
import { DEFAULT_LIMITS } from '../../../src/sip/message/types.js';
import { sipCorpus } from '../corpus.js';
import { mutated } from '../mutate.js';
import { sipMessage } from '../sip-grammar.js';
import { check, fromJson, toJson, type FuzzTarget } from '../target.js';
import { receiveSip } from './sip-parse.js';

export interface FramerInput {
  stream: Buffer;
  /** Chunk lengths; the rest of the stream is the last chunk. */
  cuts: number[];
}

const describeEvents = (events: FramerEvent[]) => events.map((e) => (e.type === 'message' ? `m:${e.data.toString('latin1')}` : e.type === 'error' ? `e:${e.status}` : 'k')).join('|');

function frame(stream: Buffer, cuts: number[]): { events: FramerEvent[]; failed: boolean } {
  const framer = new StreamFramer();
  const events: FramerEvent[] = [];
  let off = 0;
  for (const n of [...cuts, stream.length]) {
    if (off >= stream.length || framer.failed) break;
    events.push(...framer.push(stream.subarray(off, off + Math.max(1, n))));
    off += Math.max(1, n);
    check(framer.buffered <= DEFAULT_LIMITS.maxMessageBytes + 1, () => `framer holds ${framer.buffered} bytes`);
  }
  return { events, failed: framer.failed };
}

const piece = fc.oneof(
  { weight: 4, arbitrary: sipMessage },
  { weight: 4, arbitrary: mutated(sipCorpus(), { text: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from('\r\n\r\n'), Buffer.from('\r\n'), Buffer.from('\n\n'), Buffer.from('\r')) },
);

export const sipFramer: FuzzTarget<FramerInput> = {
  name: 'sip-framer',
  describe: 'StreamFramer on 1-4 messages/keepalives back to back, cut into random chunks; framed messages parsed',
  weight: 15,
  hangMs: 1000,
  ext: 'json',
  arbitrary: () => fc.record({
    stream: fc.array(piece, { minLength: 1, maxLength: 4 }).map((ps) => Buffer.concat(ps)),
    cuts: fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 2000 })), { maxLength: 12 }),
  }),
  run: ({ stream, cuts }) => {
    const whole = frame(stream, []);
    const chunked = frame(stream, cuts);
    check(describeEvents(whole.events) === describeEvents(chunked.events), 'chunking changed the framing');
    for (const e of whole.events) if (e.type === 'message') receiveSip(e.data);
  },
  encode: (i) => toJson(i),
  decode: (b) => fromJson<FramerInput>(b),
};
