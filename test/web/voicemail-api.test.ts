// /api/users/:name/voicemail, /api/voicemail/:id[/audio], /api/smtp and /api/users/:name/greeting
// of a running `openum start`: the same rules as the CLI, strict bodies, WAV in and out as bytes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import wavefile from 'wavefile';
import { findUser } from '../../src/org/users.js';
import type { VoiceMessage } from '../../src/org/voice-messages.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { api as call0 } from '../support/api.js';
import { cli, initData, startServer, type RunningServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';
import { addMessage, toneWav, type StoredMessage } from '../support/voicemail.js';

interface RawReply { status: number; type: string | undefined; body: Buffer }

describe('voice mail admin API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let server: RunningServer;
  let node: OpenNode;
  let token: string;
  let stored: StoredMessage;
  let call: (method: string, path: string, body?: unknown) => ReturnType<typeof call0>;

  function raw(method: string, path: string, body?: Buffer, type = 'audio/wav'): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: server.port, method, path, rejectUnauthorized: false, agent: false,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': type, 'content-length': body.length } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  before(async () => {
    tmp = tempDir('openum-vm-api-');
    data = join(tmp.path, 'data');
    token = (await initData(data, 'um.contoso.test')).token;
    for (const args of [['dialplan', 'new', 'DP', '--extension-length', '4'], ['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']]) {
      const r = await cli(args, { data });
      assert.equal(r.code, 0, r.stderr);
    }
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    const aliceId = (await findUser(node.store.db, 'alice'))?.id ?? 0;
    stored = await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: aliceId, seconds: 1 });
    await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: aliceId, state: 'missed' });
    server = await startServer(data);
    call = (method, path, body) => call0(server.port, method, path, { token, body });
  });
  after(async () => {
    await server?.stop();
    await node?.close();
    tmp?.cleanup();
  });

  it('lists, reads, plays, marks and deletes messages', async () => {
    const list = (await call('GET', '/api/users/alice/voicemail')).json() as VoiceMessage[];
    assert.deepEqual(list.map((m) => m.id), [stored.id]);
    assert.equal(((await call('GET', '/api/users/alice/voicemail?all=true')).json() as VoiceMessage[]).length, 2);
    assert.equal((await call('GET', '/api/users/alice/voicemail?colour=red')).status, 400);
    assert.equal((await call('GET', '/api/users/nobody/voicemail')).status, 404);
    const one = (await call('GET', `/api/voicemail/${stored.id}`)).json() as VoiceMessage;
    assert.equal(one.key, stored.key);
    assert.equal(one.read, false);

    const audio = await raw('GET', `/api/voicemail/${stored.id}/audio`);
    assert.equal(audio.status, 200);
    assert.equal(audio.type, 'audio/wav');
    assert.ok(audio.body.equals(stored.wav));

    let r = await call('PATCH', `/api/voicemail/${stored.id}`, { read: true });
    assert.equal((r.json() as VoiceMessage).read, true);
    assert.equal((await call('PATCH', `/api/voicemail/${stored.id}`, { read: 'yes' })).status, 400);
    assert.equal((await call('PATCH', `/api/voicemail/${stored.id}`, { read: true, colour: 1 })).status, 400);
    assert.equal((await call('GET', '/api/voicemail/abc')).status, 400);
    r = await call('GET', '/api/voicemail/99999');
    assert.equal(r.status, 404);
    assert.equal((r.json() as { error: string }).error, 'VOICE_MESSAGE_NOT_FOUND');

    assert.equal((await call('DELETE', `/api/voicemail/${stored.id}`)).status, 204);
    assert.equal(existsSync(stored.file), false);
    assert.equal((await call('GET', `/api/voicemail/${stored.id}/audio`)).status, 404);
  });

  it('GET|PATCH|DELETE /api/smtp', async () => {
    assert.deepEqual((await call('GET', '/api/smtp')).json(), { host: null, port: 25, security: 'starttls', from: null, effectiveFrom: 'voicemail@um.contoso.test' });
    let r = await call('PATCH', '/api/smtp', { host: 'mail.contoso.test', security: 'tls' });
    assert.deepEqual(r.json(), { host: 'mail.contoso.test', port: 465, security: 'tls', from: null, effectiveFrom: 'voicemail@um.contoso.test' });
    r = await call('PATCH', '/api/smtp', { port: 0 });
    assert.equal(r.status, 400);
    assert.equal((r.json() as { error: string }).error, 'BAD_SETTING');
    assert.equal((await call('PATCH', '/api/smtp', { relay: 'x' })).status, 400);
    assert.equal(((await call('DELETE', '/api/smtp')).json() as { host: null }).host, null);
  });

  it('PUT a greeting as WAV bytes or base64 JSON, GET it back as 8 kHz mono, DELETE it', async () => {
    const w = new wavefile.WaveFile();
    w.fromScratch(2, 16000, '16', [new Int16Array(16000).fill(1000), new Int16Array(16000).fill(3000)]);
    const upload = Buffer.from(w.toBuffer());
    let r = await raw('PUT', '/api/users/alice/greeting', upload);
    assert.equal(r.status, 200, r.body.toString());
    assert.equal((JSON.parse(r.body.toString()) as { durationMs: number }).durationMs, 1000);
    const back = await raw('GET', '/api/users/alice/greeting');
    assert.equal(back.type, 'audio/wav');
    const fmt = new wavefile.WaveFile(back.body).fmt as { numChannels: number; sampleRate: number; bitsPerSample: number };
    assert.deepEqual([fmt.numChannels, fmt.sampleRate, fmt.bitsPerSample], [1, 8000, 16]);

    r = await raw('PUT', '/api/users/alice/greeting', Buffer.from(JSON.stringify({ data: toneWav(0.5).toString('base64') })), 'application/json');
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body.toString()) as { durationMs: number }).durationMs, 500);
    r = await raw('PUT', '/api/users/alice/greeting', Buffer.from('not audio'));
    assert.equal(r.status, 400);
    assert.equal((JSON.parse(r.body.toString()) as { error: string }).error, 'BAD_AUDIO');
    assert.equal((await call('PUT', '/api/users/alice/greeting', { wav: 'x' })).status, 400);
    assert.equal((await raw('PUT', '/api/users/nobody/greeting', toneWav(0.5))).status, 404);
    assert.equal((await call('DELETE', '/api/users/alice/greeting')).status, 204);
    assert.equal((await call('DELETE', '/api/users/alice/greeting')).status, 404);
    assert.equal((await call('GET', '/api/users/alice/greeting')).status, 404);
  });
});
