// parseMessage (src/sip/message) with what the transaction layer does next. Allowed: a message,
// or SipParseError. A crash: any other exception, a 400 that cannot be built or serialized, an
// accepted message whose top Via or CSeq then throws something other than SipParseError, an
// accepted request that buildResponse cannot answer, or an accepted message that does not survive
// serialize → parse unchanged (test/sip/message/fuzz.test.ts states the same round trip).
import fc from 'fast-check';
import { buildErrorResponse, buildResponse } from '../../../src/sip/message/build.js';
import { SipParseError } from '../../../src/sip/message/errors.js';
import { getHeader, parseCSeq, parseVia } from '../../../src/sip/message/headers.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { serializeMessage } from '../../../src/sip/message/serialize.js';
import { DEFAULT_LIMITS, type SipMessage } from '../../../src/sip/message/types.js';
import { sipCorpus } from '../corpus.js';
import { mutated } from '../mutate.js';
import { sipMessage } from '../sip-grammar.js';
import { check, type FuzzTarget } from '../target.js';

/** Runs f; a SipParseError is an allowed outcome (undefined), anything else propagates. */
export function allowingParseError<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof SipParseError) return undefined;
    throw e;
  }
}

const model = (m: SipMessage) => JSON.stringify({
  ...m,
  headers: m.headers.filter((h) => h.name !== 'Content-Length'),
  body: m.body.toString('latin1'),
});

/** The receive path of one datagram or framed message. */
export function receiveSip(data: Buffer): void {
  let msg: SipMessage;
  try {
    msg = parseMessage(data);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    check(!/[\r\n]/.test(e.reason), 'a reason phrase with a line break');
    const reply = buildErrorResponse(e, 'fuzz');
    if (reply) serializeMessage(reply);
    return;
  }
  const bytes = serializeMessage(msg);
  // Long names and CRLFs can make a message that was just under maxMessageBytes go over it.
  if (bytes.length <= DEFAULT_LIMITS.maxMessageBytes) {
    check(model(parseMessage(bytes)) === model(msg), 'serialize → parse changed the message');
  }
  allowingParseError(() => parseVia(getHeader(msg, 'Via') ?? ''));
  allowingParseError(() => parseCSeq(getHeader(msg, 'CSeq') ?? ''));
  if (msg.kind === 'request') serializeMessage(buildResponse(msg, 503, undefined, { toTag: 'fuzz' }));
}

export const sipParse: FuzzTarget<Buffer> = {
  name: 'sip-parse',
  describe: 'parseMessage on grammar-built and mutated messages (+ 400 building, round trip, Via/CSeq views)',
  weight: 25,
  hangMs: 1000,
  ext: 'bin',
  arbitrary: () => fc.oneof(sipMessage, mutated(sipCorpus(), { text: true })),
  run: receiveSip,
  encode: (b) => b,
  decode: (b) => b,
};
