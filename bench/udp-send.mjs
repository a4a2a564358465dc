#!/usr/bin/env node
// `node bench/udp-send.mjs`: what sending one RTP-sized datagram costs through dgram's send() (with a
// callback, as RtpSession does, so errors are counted) and through the batched native sender
// (src/media/native/udp-batch-out.ts, native/udp), without the rest of the media path. US_SOCKETS
// sockets on US_FROM each send one 172-octet datagram per round to one socket on US_TO, then the
// event loop turns (the one sink reads what it can and its full buffer drops the rest: the same
// for both ways, so the difference is the send); US_ROUNDS rounds per way, the two
// ways interleaved US_REPEAT times. Prints one JSON line per way and repeat: µs of CPU per datagram.
// Built code only (dist/, or US_DIST); bounded: ≤ 1,000 sockets, ≤ 5,000 rounds; loopback only.
// Settings: US_SOCKETS (default 200), US_ROUNDS (500), US_REPEAT (3), US_WAYS (dgram,native),
// US_FROM / US_TO (default 127.0.66.1 / 127.0.66.2), US_DIST.
import { Buffer } from 'node:buffer';
import { createSocket } from 'node:dgram';
import { join, resolve, dirname } from 'node:path';
import process from 'node:process';
import { setImmediate as turn } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = process.env.US_DIST ? resolve(process.env.US_DIST) : join(ROOT, 'dist');
const load = (p) => import(pathToFileURL(join(DIST, 'src', 'media', p)).href);
const { int } = await import('./lib/settings.mjs');
const { loadUdpAddon } = await load('native/udp.js');
const { BatchedUdpOut } = await load('native/udp-batch-out.js');

const env = process.env;
const SOCKETS = int(env.US_SOCKETS, 200, 1, 1000);
const ROUNDS = int(env.US_ROUNDS, 500, 10, 5000);
const REPEAT = int(env.US_REPEAT, 3, 1, 20);
const WAYS = (env.US_WAYS ?? 'dgram,native').split(',');
const FROM = env.US_FROM ?? '127.0.66.1';
const TO = env.US_TO ?? '127.0.66.2';
const literal = (host, _options, callback) => callback(null, host, 4);

const bound = (address) => new Promise((ok, fail) => {
  const s = createSocket({ type: 'udp4', lookup: literal });
  s.once('error', fail);
  s.bind(0, address, () => ok(s));
});

const { addon, why } = loadUdpAddon();
const sink = await bound(TO);
let received = 0;
sink.on('message', () => received++);
const to = { address: TO, port: sink.address().port };
const senders = [];
try {
  for (let i = 0; i < SOCKETS; i++) senders.push(await bound(FROM));
  const wire = Buffer.alloc(172, 0x55);
  let errors = 0;
  const counted = (error) => { if (error) errors++; };
  const failed = () => errors++;
  const out = addon ? new BatchedUdpOut(addon) : undefined;
  const ways = {
    dgram: () => { for (const s of senders) s.send(wire, to.port, to.address, counted); },
    native: () => { for (const s of senders) out.send(s, wire, to, failed); },
  };
  for (let r = 0; r < REPEAT; r++) {
    for (const way of WAYS) {
      if (way === 'native' && !out) { console.log(JSON.stringify({ way, skipped: why })); continue; }
      const send = ways[way];
      for (let w = 0; w < 20; w++) { send(); await turn(); } // warm-up
      const got0 = received;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < ROUNDS; i++) { send(); await turn(); }
      const cpu = process.cpuUsage(cpu0);
      const n = ROUNDS * SOCKETS;
      console.log(JSON.stringify({
        way, sockets: SOCKETS, datagrams: n, received: received - got0, errors,
        usPerDatagram: Math.round(((cpu.user + cpu.system) / n) * 100) / 100,
        userUs: Math.round((cpu.user / n) * 100) / 100, systemUs: Math.round((cpu.system / n) * 100) / 100,
      }));
    }
  }
} finally {
  for (const s of senders) s.close();
  sink.close();
}
