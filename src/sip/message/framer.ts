// Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3: on a stream the message ends
// Content-Length bytes after the blank line, so Content-Length MUST be present). Between
// messages, CRLFs are skipped (§7.5) and a CRLFCRLF is a keepalive ping (RFC 5626 §3.5.1) that
// the transport answers with one CRLF.
//
// Cost: every byte is scanned once (the blank-line search resumes where it stopped); a chunk is
// framed in place when no earlier bytes are pending, and only the tail of an incomplete message is
// copied aside, never more than maxMessageBytes + 1 bytes.
import { salvagePartial } from './partial.js';
import { DEFAULT_LIMITS } from './types.js';
import type { PartialRequest } from './errors.js';
import type { ParseLimits } from './types.js';

export type FramerEvent =
  | { type: 'message'; data: Buffer }
  | { type: 'keepalive' }
  /** The stream cannot be framed any more: answer (when `partial` allows) and close it. */
  | { type: 'error'; status: number; reason: string; data: Buffer; partial?: PartialRequest };

type State = 'idle' | 'head' | 'body' | 'failed';

// RFC 3261 §21.5.14: the message is longer than we accept. Answered before the connection closes,
// so the peer learns why rather than seeing a reset.
const TOO_LARGE = 'Message Too Large';
const CR = 0x0d;
const LF = 0x0a;
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)/gim;

export class StreamFramer {
  private readonly limits: ParseLimits;
  private state: State = 'idle';
  /** Bytes of CR LF CR LF matched while idle. */
  private crlf = 0;
  /** head: where the blank-line search resumes, relative to the message start. */
  private scanRel = 0;
  /** body: length of the whole message. */
  private total = 0;
  /** Pending bytes of an incomplete message: store[0, len). */
  private store: Buffer = Buffer.alloc(0);
  private len = 0;

  constructor(limits: ParseLimits = DEFAULT_LIMITS) {
    this.limits = limits;
  }

  /** True once an error event was given: the connection should be closed. */
  get failed(): boolean {
    return this.state === 'failed';
  }

  /** Bytes held for an incomplete message. */
  get buffered(): number {
    return this.len;
  }

  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    let off = 0;
    while (off < chunk.length && !this.failed) {
      if (this.len > 0) {
        // Top up the pending message, never beyond maxMessageBytes + 1 (one byte over the limit
        // is enough to know a header section is too long).
        const k = Math.min(chunk.length - off, this.limits.maxMessageBytes + 1 - this.len);
        this.append(chunk, off, off + k);
        off += k;
        const view = this.store.subarray(0, this.len);
        const used = this.run(view, 0, events, true);
        if (used === 0 || this.failed) break; // still incomplete: all of chunk taken
        off -= this.len - used; // bytes after that message came from chunk: frame them in place
        this.len = 0;
      } else {
        const used = this.run(chunk, off, events, false);
        if (used < chunk.length && !this.failed) this.append(chunk, used, chunk.length);
        break;
      }
    }
    return events;
  }

  /** Frames messages in buf from pos; returns where the unconsumed (incomplete) bytes start. */
  private run(buf: Buffer, pos: number, events: FramerEvent[], once: boolean): number {
    const end = buf.length;
    const max = this.limits.maxMessageBytes;
    while (pos < end) {
      if (this.state === 'idle') {
        pos = this.skipCrlf(buf, pos, events);
        if (pos === end) return end;
        this.state = 'head';
        this.scanRel = 0;
      }
      const start = pos;
      if (this.state === 'head') {
        const headLength = this.findHeadEnd(buf, start);
        if (headLength < 0) {
          if (end - start > max) return this.fail(events, 513, TOO_LARGE, buf, start);
          return start;
        }
        // A head past the limit is too large whatever it says: checked before Content-Length so
        // the answer does not depend on how the stream was cut (a whole head in one chunk would
        // otherwise be read, a chunked one is capped at maxMessageBytes + 1; found by npm run fuzz).
        if (headLength > max) return this.fail(events, 513, TOO_LARGE, buf, start);
        const cl = contentLength(buf, start, start + headLength);
        if (typeof cl === 'string') return this.fail(events, 400, `Bad Request - ${cl}`, buf, start);
        this.total = headLength + cl;
        if (this.total > max) return this.fail(events, 513, TOO_LARGE, buf, start);
        this.state = 'body';
      }
      if (end - start < this.total) return start;
      const slice = buf.subarray(start, start + this.total);
      events.push({ type: 'message', data: once ? Buffer.from(slice) : slice });
      this.state = 'idle';
      this.crlf = 0;
      pos = start + this.total;
      if (once) return pos;
    }
    return pos;
  }

  private skipCrlf(buf: Buffer, pos: number, events: FramerEvent[]): number {
    for (; pos < buf.length; pos++) {
      const b = buf[pos];
      if (b === CR) {
        this.crlf = this.crlf === 2 ? 3 : 1;
      } else if (b === LF) {
        this.crlf = this.crlf === 1 || this.crlf === 3 ? this.crlf + 1 : 0;
        if (this.crlf === 4) {
          events.push({ type: 'keepalive' });
          this.crlf = 0;
        }
      } else {
        break;
      }
    }
    return pos;
  }

  /** Length of the head (through the blank line) of the message at start, or -1 if not yet seen. */
  private findHeadEnd(buf: Buffer, start: number): number {
    const end = buf.length;
    let i = start + this.scanRel;
    for (;;) {
      const nl = buf.indexOf(LF, i);
      if (nl < 0) {
        this.scanRel = end - start;
        return -1;
      }
      const next = nl + 1;
      if (next < end && buf[next] === LF) return next + 1 - start;
      if (next + 1 < end && buf[next] === CR && buf[next + 1] === LF) return next + 2 - start;
      if (next >= end || (next + 1 >= end && buf[next] === CR)) {
        this.scanRel = nl - start; // the terminator may complete in the next chunk
        return -1;
      }
      i = next;
    }
  }

  private fail(events: FramerEvent[], status: number, reason: string, buf: Buffer, start: number): number {
    const data = Buffer.from(buf.subarray(start, Math.min(buf.length, start + this.limits.maxMessageBytes)));
    const partial = salvagePartial(data, this.limits);
    events.push(partial ? { type: 'error', status, reason, data, partial } : { type: 'error', status, reason, data });
    this.state = 'failed';
    this.len = 0;
    this.store = Buffer.alloc(0);
    return buf.length;
  }

  private append(src: Buffer, from: number, to: number): void {
    const need = this.len + (to - from);
    if (need > this.store.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(need, this.store.length * 2, 2048), this.limits.maxMessageBytes + 1));
      this.store.copy(grown, 0, 0, this.len);
      this.store = grown;
    }
    src.copy(this.store, this.len, from, to);
    this.len = need;
  }
}

/** The Content-Length of a head, or the problem as text (§18.3: required on streams). */
function contentLength(buf: Buffer, start: number, end: number): number | string {
  const head = buf.toString('latin1', start, end);
  const firstLine = head.indexOf('\n');
  let value: number | undefined;
  CONTENT_LENGTH.lastIndex = firstLine + 1;
  for (let m = CONTENT_LENGTH.exec(head); m; m = CONTENT_LENGTH.exec(head)) {
    const text = (m[1] as string).replace(/[ \t\r\n]+/g, ' ').trim();
    if (!/^[0-9]{1,10}$/.test(text)) return 'Malformed Content-Length';
    const n = Number(text);
    if (value !== undefined && value !== n) return 'Conflicting Content-Length';
    value = n;
  }
  return value ?? 'Missing Content-Length';
}
