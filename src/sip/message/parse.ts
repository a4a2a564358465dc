// parseMessage: bytes of one SIP message (a datagram, or a frame cut by StreamFramer) → model.
// RFC 3261 §7 (format), §8.2.2 / §16.3 (request validation), §18.3 (framing by Content-Length).
import { SipParseError, badRequest } from './errors.js';
import { readHead, skipLeadingCrlf } from './head.js';
import { partialFrom, salvagePartial } from './partial.js';
import { parseStartLine } from './start-line.js';
import { DEFAULT_LIMITS } from './types.js';
import { validateHeaders } from './validate.js';
import type { ParseLimits, SipMessage } from './types.js';

/**
 * Parses one message. The body is a view into `data` (no copy).
 *
 * Body length (§18.3): with Content-Length the body is that many bytes and any excess is
 * discarded; a Content-Length larger than what arrived is an error. Without Content-Length (only
 * legal on datagrams) the body is the rest of the data.
 *
 * @throws SipParseError whose `status`/`reason` is the response to send and whose `partial`
 *   carries the headers a 400 needs when they could be read (see buildErrorResponse).
 */
export function parseMessage(data: Buffer, limits: ParseLimits = DEFAULT_LIMITS): SipMessage {
  const start = skipLeadingCrlf(data);
  if (start === data.length) throw badRequest('Empty message');
  if (data.length > limits.maxMessageBytes) {
    throw withSalvage(new SipParseError(413, 'Request Entity Too Large'), data, limits);
  }
  let head;
  let line;
  try {
    head = readHead(data, start, limits);
    line = parseStartLine(head.startLine);
  } catch (e) {
    throw e instanceof SipParseError ? withSalvage(e, data, limits) : e;
  }
  let contentLength: number | undefined;
  try {
    contentLength = validateHeaders(head.headers, line.kind === 'request' ? line.method : undefined);
    if (contentLength !== undefined && contentLength > data.length - head.bodyStart) {
      throw badRequest('Content-Length larger than body');
    }
  } catch (e) {
    if (e instanceof SipParseError && line.kind === 'request') e.partial = partialFrom(head.headers, line.method);
    throw e;
  }
  const bodyEnd = contentLength === undefined ? data.length : head.bodyStart + contentLength;
  const body = data.subarray(head.bodyStart, bodyEnd);
  if (line.kind === 'request') {
    return { kind: 'request', method: line.method, uri: line.uri, headers: head.headers, body };
  }
  return { kind: 'response', status: line.status, reason: line.reason, headers: head.headers, body };
}

function withSalvage(e: SipParseError, data: Buffer, limits: ParseLimits): SipParseError {
  const partial = salvagePartial(data, limits);
  if (partial) e.partial = partial;
  return e;
}
