// Mutation fuzzing of parseMessage (STYLE.md "Untrusted bytes"): 20,000 bit flips, truncations,
// splices, insertions and random bytes applied to valid messages, from a fixed seed. The parser
// may only return a message or throw SipParseError; a parsed message must survive
// serialize → parse unchanged; nothing may take long.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildErrorResponse } from '../../../src/sip/message/build.js';
import { SipParseError } from '../../../src/sip/message/errors.js';
import { StreamFramer } from '../../../src/sip/message/framer.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { serializeMessage } from '../../../src/sip/message/serialize.js';
import { CANONICAL } from './samples.js';
import type { SipMessage } from '../../../src/sip/message/types.js';
import { rng } from '../../support/random.js';

const ITERATIONS = 20_000;
const SEED = 0x5eed_2013;

const SPECIAL = [':', ';', ',', '"', '<', '>', '\\', '\r\n', '\r\n ', '%', '[', ']', '@', '=', ' ', '\0', '\n'].map((s) => Buffer.from(s));

function mutate(seeds: Buffer[], rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  let b = Buffer.from(seeds[pick(seeds.length)]!);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(b.length + 1);
    switch (pick(7)) {
      case 0: // bit flip
        if (b.length) b[at % b.length] = b[at % b.length]! ^ (1 << pick(8));
        break;
      case 1: // truncation
        b = b.subarray(0, at);
        break;
      case 2: { // splice with another seed
        const other = seeds[pick(seeds.length)]!;
        b = Buffer.concat([b.subarray(0, at), other.subarray(pick(other.length))]);
        break;
      }
      case 3: { // random bytes
        const junk = Buffer.alloc(1 + pick(16));
        for (let i = 0; i < junk.length; i++) junk[i] = pick(256);
        b = Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
        break;
      }
      case 4: // a grammar-significant character
        b = Buffer.concat([b.subarray(0, at), SPECIAL[pick(SPECIAL.length)]!, b.subarray(at)]);
        break;
      case 5: { // duplicate a range (repeated headers, long lines)
        const len = pick(200);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      default: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + pick(20))]);
    }
  }
  return b;
}

const model = (m: SipMessage) => ({
  ...m,
  headers: m.headers.filter((h) => h.name !== 'Content-Length'),
  body: m.body.toString('latin1'),
});

describe('fuzz parseMessage', () => {
  it(`${ITERATIONS} mutations: a message or SipParseError, never anything else, never slow`, { timeout: 120_000 }, () => {
    const rand = rng(SEED);
    const seeds = Object.values(CANONICAL);
    let parsed = 0;
    let rejected = 0;
    let slowest = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const data = mutate(seeds, rand);
      const t0 = performance.now();
      let msg: SipMessage | undefined;
      try {
        msg = parseMessage(data);
        parsed++;
      } catch (e) {
        if (!(e instanceof SipParseError)) {
          assert.fail(`iteration ${i}: ${String(e)} for ${JSON.stringify(data.toString('latin1'))}`);
        }
        rejected++;
        buildErrorResponse(e, 't');
      }
      slowest = Math.max(slowest, performance.now() - t0);
      if (msg) {
        const again = parseMessage(serializeMessage(msg));
        assert.deepEqual(model(again), model(msg), `iteration ${i}: round trip changed the message`);
      }
      if (i % 10 === 0) new StreamFramer().push(data);
    }
    console.log(`fuzz: ${parsed} parsed, ${rejected} rejected, slowest ${slowest.toFixed(2)} ms`);
    assert.ok(parsed > 100 && rejected > 100, 'the mutations reach both outcomes');
    // Generous: wall-clock time on a shared machine includes preemption; a hang would be far longer.
    assert.ok(slowest < 1000, `slowest parse took ${slowest} ms`);
  });
});
