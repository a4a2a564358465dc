// Audio uploads against a real `openum start` (HTTPS): WAV bytes are converted as they stream in
// (a chunked upload of unknown length works), at most 2 are in flight (a third gets 503 BUSY with
// Retry-After, and one after them succeeds), the 100 MB limit holds from Content-Length and while
// streaming (413 TOO_LARGE), WAV bytes to another route are refused, auto attendant greetings
// take WAV bytes too, and /metrics counts the refusals.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import { UPLOAD_LIMITS } from '../../src/web/uploads.js';
import { cli, initData, startServer, type RunningServer } from '../support/openum.js';
import { api } from '../support/api.js';
import { tempDir } from '../support/run.js';

const HOST = '127.0.131.10';

interface Sent { status: number; body: string; headers: Record<string, string | string[] | undefined> }

/** A PUT whose body is written piece by piece by `write` (chunked unless contentLength is given). */
function put(port: number, path: string, token: string, write: (piece: (b: Buffer) => Promise<void>) => Promise<void>, contentLength?: number): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({
      host: HOST, port, method: 'PUT', path, rejectUnauthorized: false, agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav', ...(contentLength === undefined ? {} : { 'content-length': contentLength }) },
    }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    // Once answered, the server may close before the rest is written: not an error of the test.
    req.on('error', (e) => { if (!answered) reject(e); });
    const piece = (b: Buffer) => new Promise<void>((ok) => {
      if (answered || req.destroyed) return ok();
      if (req.write(b)) ok(); else req.once('drain', () => ok());
    });
    write(piece).then(() => { if (!req.destroyed) req.end(); }, reject);
  });
}

function tone(rate: number, channels: number, seconds: number): Buffer {
  const frames = rate * seconds;
  const pcm = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), (i * channels + c) * 2);
  return Buffer.concat([wavHeader({ sampleRate: rate, channels, bitsPerSample: 16 }, pcm.length), pcm]);
}

async function metric(port: number, name: string): Promise<number> {
  const m = (await api(port, 'GET', '/metrics', { host: HOST })).body;
  const line = m.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('audio uploads on the admin API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let token: string;
  let server: RunningServer;

  before(async () => {
    tmp = tempDir();
    const data = join(tmp.path, 'data');
    ({ token } = await initData(data, 'um.contoso.com'));
    for (const args of [['dialplan', 'new', 'DP', '--extension-length', '4'], ['user', 'new', 'alice', '--extension', '1001', '--dial-plan', 'DP', '--email', 'alice@contoso.test'],
      ['autoattendant', 'new', 'Main', '--dial-plan', 'DP']]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    server = await startServer(data, { args: ['--admin-address', HOST] });
  });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('converts a chunked WAV upload of unknown length as it streams in', async () => {
    const file = tone(48000, 2, 3);
    const r = await put(server.port, '/api/users/alice/greeting', token, async (piece) => {
      for (let at = 0; at < file.length; at += 10_000) await piece(file.subarray(at, at + 10_000));
    });
    assert.equal(r.status, 200, r.body);
    assert.equal((JSON.parse(r.body) as { durationMs: number }).durationMs, 3000);
    const got = await api(server.port, 'GET', '/api/users/alice/greeting', { host: HOST, token });
    assert.equal(got.status, 200);
    assert.equal(Buffer.byteLength(got.body, 'latin1') > 44, true);
    const aa = await put(server.port, '/api/autoattendants/Main/greetings/business', token, (piece) => piece(tone(16000, 1, 1)), tone(16000, 1, 1).length);
    assert.equal(aa.status, 200, aa.body);
    assert.equal((JSON.parse(aa.body) as { greetings: { businessHours: string } }).greetings.businessHours, 'custom');
  });

  it('refuses an upload over 100 MB from its Content-Length, and while a chunked one streams (413)', async () => {
    const declared = await put(server.port, '/api/users/alice/greeting', token, async () => undefined, UPLOAD_LIMITS.wavBytes + 1);
    assert.equal(declared.status, 413);
    assert.equal((JSON.parse(declared.body) as { error: string }).error, 'TOO_LARGE');
    // A chunk the converter skips unread (not audio), so the size limit is what stops it.
    const junk = Buffer.alloc(8);
    junk.write('JUNK');
    junk.writeUInt32LE(0xfffffff0, 4);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4, 0xff), Buffer.from('WAVE'), junk]);
    const mb = Buffer.alloc(1024 * 1024);
    const streamed = await put(server.port, '/api/users/alice/greeting', token, async (piece) => {
      await piece(riff);
      for (let i = 0; i < UPLOAD_LIMITS.wavBytes / mb.length + 2; i++) await piece(mb);
    });
    assert.equal(streamed.status, 413);
    assert.match((JSON.parse(streamed.body) as { message: string }).message, /over 100 MB/);
  });

  it('takes 2 uploads at once: a third gets 503 BUSY with Retry-After, one after them succeeds', async () => {
    const file = tone(8000, 1, 2);
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    const held = [0, 1].map(() => put(server.port, '/api/users/alice/recorded-name', token, async (piece) => {
      await piece(file.subarray(0, 1000));
      await released;
      await piece(file.subarray(1000));
    }));
    const until = Date.now() + 10_000;
    while ((await metric(server.port, 'openum_admin_uploads_in_flight')) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await metric(server.port, 'openum_admin_uploads_in_flight'), 2);
    const third = await put(server.port, '/api/users/alice/recorded-name', token, (piece) => piece(file), file.length);
    assert.equal(third.status, 503);
    assert.equal((JSON.parse(third.body) as { error: string }).error, 'BUSY');
    assert.equal(third.headers['retry-after'], String(UPLOAD_LIMITS.retryAfterSeconds));
    release();
    for (const r of await Promise.all(held)) assert.equal(r.status, 200, r.body);
    const fourth = await put(server.port, '/api/users/alice/recorded-name', token, (piece) => piece(file), file.length);
    assert.equal(fourth.status, 200, fourth.body);
    assert.equal(await metric(server.port, 'openum_admin_uploads_in_flight'), 0);
    assert.ok(await metric(server.port, 'openum_admin_upload_refusals_total{reason="busy"}') >= 1);
    assert.ok(await metric(server.port, 'openum_admin_upload_refusals_total{reason="too_large"}') >= 2);
  });

  it('refuses WAV bytes sent to a route that takes JSON, without reading them', async () => {
    const r = await api(server.port, 'PATCH', '/api/server', { host: HOST, token, headers: { 'content-type': 'audio/wav' } });
    assert.equal(r.status, 400);
    assert.match((r.json() as { message: string }).message, /audio upload routes; send JSON/);
  });
});
