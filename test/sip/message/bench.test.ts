// Micro-benchmark, printed and not asserted: parse + serialize of a typical INVITE, and framing
// the same INVITE from a stream in 1 KiB chunks.
import { it } from 'node:test';
import { StreamFramer } from '../../../src/sip/message/framer.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { serializeMessage } from '../../../src/sip/message/serialize.js';
import { INVITE } from './samples.js';

// Rates are per CPU-second of this process (user + system), so a busy machine running other
// tests at the same time skews them less than wall-clock time would.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function rate(fn: () => void, ms = 700): number {
  for (let i = 0; i < 2000; i++) fn(); // warm up the JIT
  let n = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < ms) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
  }
  return (n * 1000) / (cpuMs() - t0);
}

it('benchmark: parse + serialize a typical INVITE', () => {
  const both = rate(() => serializeMessage(parseMessage(INVITE)));
  const parse = rate(() => parseMessage(INVITE));
  const stream = Buffer.concat(Array.from({ length: 100 }, () => INVITE));
  const framer = new StreamFramer();
  const framed = rate(() => {
    for (let at = 0; at < stream.length; at += 1024) framer.push(stream.subarray(at, at + 1024));
  }, 500) * 100;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`bench: INVITE (${INVITE.length} bytes) parse+serialize ${fmt(both)}/s, parse ${fmt(parse)}/s, framer ${fmt(framed)} msgs/s (1 KiB chunks), per CPU-second`);
});
