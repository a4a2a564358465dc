// StreamFramer: RFC 3261 §18.3 framing on TCP/TLS, RFC 5626 §3.5.1 CRLF keepalives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer } from '../../../src/sip/message/framer.js';
import type { FramerEvent } from '../../../src/sip/message/framer.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { BYE, CANONICAL, INVITE, NOTIFY, OPTIONS, sip } from './samples.js';

const LIMITS = { maxMessageBytes: 4096, maxHeaders: 64, maxLineBytes: 1024 };
const messages = (events: FramerEvent[]) => events.filter((e) => e.type === 'message').map((e) => (e as { data: Buffer }).data);

describe('StreamFramer', () => {
  it('frames a message pushed byte by byte', () => {
    const f = new StreamFramer();
    const out: FramerEvent[] = [];
    for (let i = 0; i < INVITE.length; i++) out.push(...f.push(INVITE.subarray(i, i + 1)));
    assert.equal(out.length, 1);
    assert.deepEqual(messages(out)[0], INVITE);
    assert.equal(f.buffered, 0);
  });

  it('frames many messages in one chunk, with CRLFs between them skipped', () => {
    const all = Object.values(CANONICAL);
    const stream = Buffer.concat(all.flatMap((m) => [Buffer.from('\r\n'), m]));
    const got = messages(new StreamFramer().push(stream));
    assert.deepEqual(got, all);
    for (const m of got) parseMessage(m);
  });

  it('frames messages split at every possible point, and in random chunk sizes', () => {
    const stream = Buffer.concat([INVITE, BYE, NOTIFY]);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const f = new StreamFramer();
      const got = messages([...f.push(stream.subarray(0, cut)), ...f.push(stream.subarray(cut))]);
      assert.deepEqual(got, [INVITE, BYE, NOTIFY], `cut at ${cut}`);
    }
    let seed = 1;
    const f = new StreamFramer();
    const got: Buffer[] = [];
    for (let at = 0; at < stream.length;) {
      seed = (seed * 48271) % 2147483647;
      const n = 1 + (seed % 300);
      got.push(...messages(f.push(stream.subarray(at, at + n))));
      at += n;
    }
    assert.deepEqual(got, [INVITE, BYE, NOTIFY]);
  });

  it('reports a CRLFCRLF ping between messages as a keepalive (RFC 5626 §3.5.1)', () => {
    const f = new StreamFramer();
    assert.deepEqual(f.push(Buffer.from('\r\n\r\n')), [{ type: 'keepalive' }]);
    assert.deepEqual(f.push(Buffer.from('\r\n')), []);
    assert.deepEqual(f.push(Buffer.from('\r\n')), [{ type: 'keepalive' }]);
    const events = f.push(Buffer.concat([OPTIONS, Buffer.from('\r\n\r\n\r\n\r\n'), BYE.subarray(0, 10)]));
    assert.deepEqual(events.map((e) => e.type), ['message', 'keepalive', 'keepalive']);
    assert.deepEqual(messages(f.push(BYE.subarray(10))), [BYE]);
  });

  it('takes a header terminator split across chunks, and bare-LF heads', () => {
    const text = INVITE.toString('latin1');
    const cut = text.indexOf('\r\n\r\n') + 1;
    const f = new StreamFramer();
    assert.deepEqual(f.push(INVITE.subarray(0, cut)), []);
    assert.deepEqual(f.push(INVITE.subarray(cut, cut + 2)), []);
    assert.deepEqual(messages(f.push(INVITE.subarray(cut + 2))), [INVITE]);
    const lf = Buffer.from('OPTIONS sip:a@b SIP/2.0\nl: 2\n\nokOPTIONS sip:a@b SIP/2.0\nContent-Length: 0\n\n');
    assert.equal(messages(new StreamFramer().push(lf)).length, 2);
  });

  it('fails the stream on a missing, malformed or conflicting Content-Length (§18.3)', () => {
    const noLength = sip(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'From: <sip:a@b>;tag=1',
      'To: <sip:a@b>', 'Call-ID: x@h', 'CSeq: 1 OPTIONS']);
    for (const [data, reason] of [
      [noLength, 'Bad Request - Missing Content-Length'],
      [Buffer.from(noLength.toString().replace('\r\n\r\n', '\r\nContent-Length: -1\r\n\r\n')), 'Bad Request - Malformed Content-Length'],
      [Buffer.from(noLength.toString().replace('\r\n\r\n', '\r\nContent-Length: 1\r\nl: 2\r\n\r\n')), 'Bad Request - Conflicting Content-Length'],
    ] as const) {
      const f = new StreamFramer();
      const [event, ...rest] = f.push(data);
      assert.equal(rest.length, 0);
      assert.ok(event?.type === 'error');
      assert.equal(event.status, 400);
      assert.equal(event.reason, reason);
      assert.equal(event.partial?.method, 'OPTIONS');
      assert.ok(f.failed);
      assert.deepEqual(f.push(OPTIONS), [], 'unrecoverable after an error');
    }
  });

  it('fails with 513 Message Too Large when a head or a message would pass maxMessageBytes, never buffering more', () => {
    const f = new StreamFramer(LIMITS);
    const line = Buffer.from(`X-Filler: ${'y'.repeat(100)}\r\n`);
    let events: FramerEvent[] = [];
    f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n'));
    for (let i = 0; i < 100 && events.length === 0; i++) {
      events = f.push(line);
      assert.ok(f.buffered <= LIMITS.maxMessageBytes + 1);
    }
    assert.equal(events[0]?.type === 'error' && events[0].status, 513);

    const big = sip(['MESSAGE sip:a@b SIP/2.0', 'Content-Length: 5000'], 'z'.repeat(5000));
    const g = new StreamFramer(LIMITS);
    const [e] = g.push(big.subarray(0, 60));
    assert.equal(e?.type === 'error' && e.status, 513);
    assert.equal(g.buffered, 0);
  });

  it('hands out message bytes that stay valid after later pushes', () => {
    const f = new StreamFramer();
    const first = messages(f.push(Buffer.concat([OPTIONS, BYE.subarray(0, 50)])))[0]!;
    const second = messages(f.push(Buffer.concat([BYE.subarray(50), Buffer.from('junk')])))[0]!;
    assert.deepEqual(first, OPTIONS);
    assert.deepEqual(second, BYE);
    assert.equal(f.buffered, 4);
  });
});
