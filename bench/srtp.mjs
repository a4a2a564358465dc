#!/usr/bin/env node
// `node bench/srtp.mjs`: SRTP cost per packet, node:crypto (src/media/srtp/srtp-session.ts)
// against libsrtp2 through the N-API addon (native/srtp, src/media/srtp/native-transform.ts), in
// one process, cases interleaved round by round so that a loaded machine hits them alike.
// One "pair" is protect() on one side and unprotect() on the other of a 172-byte RTP packet
// (12-byte header + 160 bytes of PCMA, 20 ms): a call does 50 pairs a second each way, so
// pairs/s / 50 is calls per core. Rates are per CPU second (process.cpuUsage), single-threaded.
// Cases:
//   js, native, openssl  the SrtpTransform implementations, RTP (what media-channel.ts uses):
//                      node:crypto, libsrtp2, and ours on Node's OpenSSL (native/srtpcrypto)
//   addon              the addon's contexts called directly (no TypeScript wrapper)
//   echo               two N-API calls that copy a Buffer into one allocated in JavaScript: the
//                      crossing alone, as protect(packet, out) and unprotect(packet, out) cross
//   js-rtcp, native-rtcp, openssl-rtcp  protectRtcp + unprotectRtcp of a 52-byte RTCP RR
//   hmac-*             HMAC-SHA1 of 176 bytes three ways (createHmac; createHash().copy() of
//                      pre-keyed inner/outer states; crypto.hash() one-shot over key||data)
//   aes-cm             the JavaScript AES-CM keystream XOR of 160 bytes alone
// Needs a build (`npx tsc -p tsconfig.json`) and, for the native cases, the addon
// (`node scripts/build-native.mjs`); without it those cases are left out and it says so.
// Bounded: SRTP_ROUNDS (default 7, 1..50) rounds of SRTP_PAIRS (default 20000, 1000..500000)
// per case, and no new round starts after SRTP_MAX_SECONDS (default 120, 5..600). No sockets.
// SRTP_CASES=js,native,... picks cases; SRTP_SUITE=AES_CM_128_HMAC_SHA1_80|_32.
// SRTP_LIVE=K (default 1, 1..1000): the js, native and openssl cases keep K sender/receiver pairs alive and
// take them in turn, packet by packet, as a media thread with 2K secured calls does (a server holds
// one transform per call; each pair here is two). libsrtp2's cost grows with K (bench/README.md).
// The auto case makes its pairs with createSrtpTransform() (what a call gets); it runs only beside
// js, as native's libsrtp sessions would count against its bound.
import { Buffer } from 'node:buffer';
import { createHash, createHmac, hash as oneShot, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(join(ROOT, 'dist', 'src', 'media', p)).href);
const { int } = await import('./lib/settings.mjs');
const { SrtpTransform } = await load('srtp/srtp-session.js');
const { NativeSrtpTransform } = await load('srtp/native-transform.js');
const { srtpAddon, SRTP_ADDON } = await load('srtp/native-binding.js');
const { nativeStatus } = await load('native/load-native.js');
const { createSrtpTransform } = await load('srtp/create-transform.js');
const { opensslCrypto, opensslCryptoStatus, opensslCryptoVersion } = await load('srtp/native-crypto.js');
const { AesCmCipher, deriveSessionKeys, packetIv } = await load('srtp/kdf.js');

const ROUNDS = int(process.env.SRTP_ROUNDS, 7, 1, 50);
const PAIRS = int(process.env.SRTP_PAIRS, 20000, 1000, 500000);
const MAX_SECONDS = int(process.env.SRTP_MAX_SECONDS, 120, 5, 600);
const SUITE = process.env.SRTP_SUITE ?? 'AES_CM_128_HMAC_SHA1_80';
const LIVE = int(process.env.SRTP_LIVE, 1, 1, 1000);
const KEY_A = randomBytes(30);
const KEY_B = randomBytes(30);

function rtpPacket(ssrc) {
  const b = Buffer.alloc(172, 0xd5); // PCMA silence
  b[0] = 0x80;
  b[1] = 8; // PT 8 = PCMA
  b.writeUInt32BE(ssrc, 8);
  return b;
}

function rtcpPacket(ssrc) {
  const b = Buffer.alloc(52, 0xcd); // RR + one report block + 20 bytes (RFC 3550 §6.4.2)
  b[0] = 0x81;
  b[1] = 201;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(ssrc, 4);
  return b;
}

/** An RTP case: one sender, one receiver, SEQ counting up (and wrapping, §3.3.1) across rounds. */
function rtpPairs(sender, receiver) {
  const packet = rtpPacket(0x5eed0001);
  let seq = 0;
  return (n) => {
    for (let i = 0; i < n; i++) {
      packet.writeUInt16BE(seq++ & 0xffff, 2);
      packet.writeUInt32BE((seq * 160) >>> 0, 4);
      if (receiver(sender(packet)) === undefined) throw new Error('unprotect failed');
    }
  };
}

/** The same over LIVE pairs made by make(options), one packet each in turn. */
function livePairs(make) {
  const live = Array.from({ length: LIVE }, (_, k) => {
    const [ka, kb] = k === 0 ? [KEY_A, KEY_B] : [randomBytes(30), randomBytes(30)];
    const a = make({ suite: SUITE, localKey: ka, remoteKey: kb });
    const b = make({ suite: SUITE, localKey: kb, remoteKey: ka });
    return { a, b, packet: rtpPacket(0x5eed0001 + k), seq: 0 };
  });
  return (n) => {
    for (let i = 0; i < n; i++) {
      const s = live[i % LIVE];
      s.packet.writeUInt16BE(s.seq++ & 0xffff, 2);
      s.packet.writeUInt32BE((s.seq * 160) >>> 0, 4);
      if (s.b.unprotect(s.a.protect(s.packet)) === undefined) throw new Error('unprotect failed');
    }
  };
}

function rtcpPairs(sender, receiver) {
  const packet = rtcpPacket(0x5eed0002);
  return (n) => {
    for (let i = 0; i < n; i++) if (receiver(sender(packet)) === undefined) throw new Error('unprotectRtcp failed');
  };
}

function hmacCases() {
  const key = randomBytes(20);
  const data = randomBytes(176); // 172-byte packet + 4-byte ROC
  const block = (pad) => Buffer.from(Buffer.concat([key, Buffer.alloc(44)]).map((b) => b ^ pad));
  const inner = createHash('sha1').update(block(0x36));
  const outer = createHash('sha1').update(block(0x5c));
  const innerKey = block(0x36);
  const outerKey = block(0x5c);
  const check = createHmac('sha1', key).update(data).digest();
  const viaCopy = () => outer.copy().update(inner.copy().update(data).digest()).digest();
  const viaOneShot = () => oneShot('sha1', Buffer.concat([outerKey, oneShot('sha1', Buffer.concat([innerKey, data]), 'buffer')]), 'buffer');
  if (!viaCopy().equals(check) || !viaOneShot().equals(check)) throw new Error('HMAC variants disagree');
  return {
    'hmac-createHmac': (n) => { for (let i = 0; i < n; i++) createHmac('sha1', key).update(data).digest(); },
    'hmac-hashCopy': (n) => { for (let i = 0; i < n; i++) viaCopy(); },
    'hmac-oneShot': (n) => { for (let i = 0; i < n; i++) viaOneShot(); },
  };
}

function aesCase() {
  const keys = deriveSessionKeys(KEY_A, 'srtp');
  const cipher = new AesCmCipher(keys.encryptionKey);
  const payload = randomBytes(160);
  const out = Buffer.alloc(172);
  return (n) => { for (let i = 0; i < n; i++) cipher.xor(packetIv(keys.salt, 0x5eed0001, i), payload, out, 12); };
}

// Each case is made only if it runs: libsrtp sessions made and not run would still count (auto).
const options = (local, remote) => ({ suite: SUITE, localKey: local, remoteKey: remote });
const addon = srtpAddon();
const openssl = opensslCrypto();
const bits = SUITE.endsWith('_32') ? 32 : 80;
const makers = {
  js: () => livePairs((o) => new SrtpTransform(o)),
  ...(addon && {
    native: () => livePairs((o) => new NativeSrtpTransform(addon, o)),
    addon: () => {
      const out = new addon.Context(bits, KEY_A, true, 64, 16);
      const inn = new addon.Context(bits, KEY_A, false, 64, 16);
      const tag = bits === 32 ? 4 : 10;
      const seal = (p) => { const o = Buffer.allocUnsafe(p.length + tag); return out.protect(p, o) < 0 ? undefined : o; };
      const open = (p) => { const o = Buffer.allocUnsafe(p.length - tag); return inn.unprotect(p, o) < 0 ? undefined : o; };
      return rtpPairs(seal, open);
    },
    echo: () => {
      const copy = (p) => { const o = Buffer.allocUnsafe(p.length); addon.echo(p, o); return o; };
      return rtpPairs(copy, copy);
    },
  }),
  'js-rtcp': () => {
    const a = new SrtpTransform(options(KEY_A, KEY_B));
    const b = new SrtpTransform(options(KEY_B, KEY_A));
    return rtcpPairs((p) => a.protectRtcp(p), (p) => b.unprotectRtcp(p));
  },
  ...(addon && {
    'native-rtcp': () => {
      const a = new NativeSrtpTransform(addon, options(KEY_A, KEY_B));
      const b = new NativeSrtpTransform(addon, options(KEY_B, KEY_A));
      return rtcpPairs((p) => a.protectRtcp(p), (p) => b.unprotectRtcp(p));
    },
  }),
  ...Object.fromEntries(Object.entries(hmacCases()).map(([k, f]) => [k, () => f])),
  ...(openssl && {
    openssl: () => livePairs((o) => new SrtpTransform(o, openssl)),
    'openssl-rtcp': () => {
      const a = new SrtpTransform(options(KEY_A, KEY_B), openssl);
      const b = new SrtpTransform(options(KEY_B, KEY_A), openssl);
      return rtcpPairs((p) => a.protectRtcp(p), (p) => b.unprotectRtcp(p));
    },
  }),
  'aes-cm': aesCase,
  ...(addon && { auto: () => livePairs((o) => createSrtpTransform(o)) }),
};

const wanted = process.env.SRTP_CASES?.split(',').map((s) => s.trim()).filter(Boolean);
if (wanted) for (const w of wanted) if (!makers[w]) throw new Error(`unknown or unavailable case "${w}" (have: ${Object.keys(makers).join(', ')})`);
if (wanted?.includes('auto') && wanted.some((w) => w !== 'auto' && w !== 'js')) {
  throw new Error("SRTP_CASES: auto runs alone or with js (other cases' libsrtp sessions would count against it)");
}
const names = Object.keys(makers).filter((n) => (wanted ? wanted.includes(n) : n !== 'auto'));
const cases = Object.fromEntries(names.map((n) => [n, makers[n]()]));

console.log(`# SRTP bench: ${SUITE}, ${ROUNDS} rounds x ${PAIRS} per case, interleaved; js/native over ${LIVE} live pair(s); node ${process.version}`);
console.log(`# libsrtp2 addon: ${nativeStatus(SRTP_ADDON.dir, SRTP_ADDON.target)}${addon ? ` (${addon.version()})` : ' - native cases left out'}`);
console.log(`# OpenSSL addon: ${opensslCryptoStatus()}${openssl ? ` (${opensslCryptoVersion()})` : ' - openssl cases left out'}`);
console.log(`# load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (rates are per CPU second of this process)`);

for (const name of names) cases[name](Math.max(1000, PAIRS >> 2)); // warm-up (JIT, first streams)
const samples = Object.fromEntries(names.map((n) => [n, []]));
const started = Date.now();
for (let round = 0; round < ROUNDS && Date.now() - started < MAX_SECONDS * 1000; round++) {
  // Rotate the order each round so that no case always runs first after a pause.
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + round) % names.length];
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    cases[name](PAIRS);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const used = process.cpuUsage(cpu);
    samples[name].push({ cpu: (used.user + used.system) / 1e6, wall });
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const rate = (name, key) => PAIRS / median(samples[name].map((s) => s[key]));
const base = rate('js', 'cpu');
console.log('');
console.log('| case | pairs/s per CPU s | µs per pair | wall pairs/s | calls per core (÷50) | vs js |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const name of names) {
  const r = rate(name, 'cpu');
  const calls = name.startsWith('hmac') || name === 'aes-cm' ? '' : Math.round(r / 50).toLocaleString('en');
  console.log(`| ${name} | ${Math.round(r).toLocaleString('en')} | ${(1e6 / r).toFixed(2)} | ${Math.round(rate(name, 'wall')).toLocaleString('en')} | ${calls} | ${(r / base).toFixed(2)}x |`);
}
if (samples.native && samples.addon && samples.echo) {
  const us = (n) => 1e6 / rate(n, 'cpu');
  console.log('');
  console.log(`# crossing: two N-API calls with a Buffer copy each way = ${us('echo').toFixed(2)} µs per pair;`);
  console.log(`# libsrtp2 work = addon - echo = ${(us('addon') - us('echo')).toFixed(2)} µs; TypeScript wrapper = native - addon = ${(us('native') - us('addon')).toFixed(2)} µs`);
}
console.log(`# ${Object.values(samples)[0]?.length ?? 0} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s; load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
