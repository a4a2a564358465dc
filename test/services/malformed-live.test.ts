// The corpus of malformed messages (test/fixtures/sip/malformed) sent to a running Call Router
// over UDP and TCP: each gets the answer the corpus expects (a 4xx naming the problem) or is
// dropped, and the server keeps serving — checked with a valid OPTIONS after each burst. Then
// every message of RFC 4475 (test/fixtures/sip/rfc4475) over UDP, with the answer the RFC gives.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture } from '../support/peers/proc.js';
import { rng } from '../support/random.js';
import { request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.116.63';
/** The corpus's Via says port 5060 without rport: §18.2.2 answers the source address on that port. */
const PEER = '127.0.116.64';
const DIR = fixture('sip', 'malformed');
const RFC4475 = fixture('sip', 'rfc4475');
type TortureCase = { section: string; valid: boolean | null; answer: number[] | 'drop'; rfc: string };
const torture = JSON.parse(readFileSync(join(RFC4475, 'expected.json'), 'utf8')) as Record<string, TortureCase>;

type Expectation = 'drop' | { status: number; reasonIncludes: string; respond: boolean };
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.sip')).sort();

const WAITS_ON_STREAM = new Set(['header-section-not-terminated.sip', 'content-length-larger-than-body.sip']);

function collectReplies(): { send(data: Buffer): Promise<string | undefined>; close(): void; ready: Promise<void> } {
  const s = createSocket('udp4');
  let waiting: ((m: string | undefined) => void) | undefined;
  s.on('message', (m) => { waiting?.(m.toString('latin1')); waiting = undefined; });
  const ready = new Promise<void>((resolve) => s.bind(5060, PEER, () => resolve()));
  return {
    ready,
    send: (data) => new Promise((resolve) => {
      const timer = setTimeout(() => { waiting = undefined; resolve(undefined); }, 400);
      waiting = (m) => { clearTimeout(timer); resolve(m); };
      s.send(data, 5060, ADDRESS);
    }),
    close: () => s.close(),
  };
}

async function stillServing(): Promise<void> {
  const ok = await udpExchange({ address: ADDRESS, port: 5060 }, request('OPTIONS', `sip:${ADDRESS}`, ADDRESS, 0));
  assert.equal(statusOf(ok).status, 200, 'the Call Router still answers OPTIONS');
}

describe('malformed SIP against the running Call Router', () => {
  let site: UmSite;
  // The peer is the gateway, so that RFC 4475's valid requests are routed like a gateway's.
  before(async () => { site = await startSite(ADDRESS, { gatewayAddress: PEER }); });
  after(async () => { await site?.stop(); });

  it('has a corpus with an expectation for every file', () => {
    assert.ok(files.length >= 25, `${files.length} files`);
    for (const f of files) assert.ok(expected[f] !== undefined, `expected.json has ${f}`);
  });

  it('answers or drops each message over UDP as the corpus says, and keeps serving', async () => {
    const peer = collectReplies();
    await peer.ready;
    try {
      for (const f of files) {
        const want = expected[f];
        const data = readFileSync(join(DIR, f));
        if (data.length > 65_507) continue; // larger than any UDP datagram: only a stream can carry it
        const reply = await peer.send(data);
        if (want === 'drop' || (want && !want.respond)) {
          assert.equal(reply, undefined, `${f} is dropped, not answered: ${reply?.split('\r\n')[0]}`);
        } else if (want) {
          assert.equal(statusOf(reply).status, want.status, `${f}: ${reply?.split('\r\n')[0]}`);
          assert.ok(statusOf(reply).reason.includes(want.reasonIncludes), `${f}: reason "${statusOf(reply).reason}" names "${want.reasonIncludes}"`);
        }
      }
    } finally {
      peer.close();
    }
    await stillServing();
  });

  it('answers with a 4xx or closes the connection for each message over TCP, and keeps serving', async () => {
    for (const f of files) {
      const outcome = await new Promise<string>((resolve) => {
        const c = connect({ host: ADDRESS, port: 5060, localAddress: ADDRESS });
        let got = '';
        const timer = setTimeout(() => { c.destroy(); resolve(got || 'silent'); }, 1500);
        c.on('data', (d) => { got += d.toString('latin1'); });
        c.on('close', () => { clearTimeout(timer); resolve(got || 'closed'); });
        c.on('error', () => undefined);
        // The message, then the end of our side: a truncated message must not hold the server.
        c.end(readFileSync(join(DIR, f)));
      });
      const status = statusOf(outcome).status;
      // CRLFs alone are a keep-alive ping: the answer is a CRLF pong (RFC 5626 §3.5.1).
      const pong = outcome.length > 0 && outcome.trim() === '';
      assert.ok(pong || outcome === 'closed' || outcome === 'silent' || (status >= 400 && status < 600), `${f}: ${JSON.stringify(outcome.split('\r\n')[0])}`);
      const want = expected[f];
      // Every message the corpus says is answerable gets an answer on TCP too, unless it never
      // ends on a stream (a head with no blank line, a body shorter than its Content-Length).
      if (want !== 'drop' && want?.respond && !WAITS_ON_STREAM.has(f)) {
        assert.ok(status >= 400 && status < 600, `${f} is answered on TCP: ${JSON.stringify(outcome.split('\r\n')[0])}`);
      }
      // Over the size limit, a stream gets 513 before it closes (RFC 3261 §21.5.14).
      if (f === 'oversize-body.sip') assert.equal(status, 513, outcome.split('\r\n')[0]);
    }
    await stillServing();
  });

  it('answers every RFC 4475 message over UDP as the RFC describes, and keeps serving', async () => {
    // Vias without rport are answered at their port on our address: 5060, and 5050 and 5070 for
    // two of the messages. Replies are collected on all three.
    const extra = [5050, 5070].map((port) => {
      const s = createSocket('udp4');
      return { s, ready: new Promise<void>((r) => s.bind(port, PEER, () => r())) };
    });
    const peer = collectReplies();
    await Promise.all([peer.ready, ...extra.map((e) => e.ready)]);
    const seen: string[] = [];
    for (const e of extra) e.s.on('message', (m) => seen.push(m.toString('latin1')));
    const files4475 = readdirSync(RFC4475).filter((f) => f.endsWith('.dat')).sort();
    assert.equal(files4475.length, 49, 'all 49 messages of RFC 4475');
    const wrong: string[] = [];
    try {
      for (const f of files4475) {
        const want = torture[f];
        assert.ok(want, `expected.json has ${f}`);
        seen.length = 0;
        let reply = await peer.send(readFileSync(join(RFC4475, f)));
        // Skip a provisional answer; take a reply that went to another Via port.
        while (reply && statusOf(reply).status < 200) reply = await peer.send(Buffer.alloc(0));
        reply ??= seen.find((m) => statusOf(m).status >= 200);
        const got = reply ? statusOf(reply).status : 'drop';
        const ok = want.answer === 'drop' ? got === 'drop' : typeof got === 'number' && want.answer.includes(got);
        if (!ok) wrong.push(`${f} (§${want.section}, RFC: ${want.rfc}): got ${reply?.split('\r\n')[0] ?? 'nothing'}`);
      }
    } finally {
      peer.close();
      for (const e of extra) e.s.close();
    }
    assert.deepEqual(wrong, []);
    await stillServing();
  });

  it('survives a burst of random bytes on UDP and TCP', async () => {
    const next = rng(42);
    const rnd = () => Math.floor(next() * 2 ** 31);
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, PEER, () => r()));
    for (let i = 0; i < 500; i++) {
      const b = Buffer.alloc(1 + (rnd() % 1400));
      for (let j = 0; j < b.length; j++) b[j] = rnd() & 0xff;
      s.send(b, 5060, ADDRESS);
    }
    s.close();
    await new Promise<void>((resolve) => {
      const c = connect({ host: ADDRESS, port: 5060, localAddress: ADDRESS }, () => {
        for (let i = 0; i < 50; i++) c.write(Buffer.from(Array.from({ length: 1000 }, () => rnd() & 0xff)));
        c.end();
      });
      c.on('close', () => resolve());
      c.on('error', () => resolve());
    });
    await stillServing();
  });
});
