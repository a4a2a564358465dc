// Recovery of recordings a worker left unfinished. A child process records with WavRecorder and
// is killed with SIGKILL mid-write; with its 'recording' row, `openum start` completes it before
// the workers start (repairWav: the duration is what reached the disk) and delivers it by SMTP.
// A too-short recording and a missing file become missed calls. A worker's exit recovers only
// that worker's rows begun before it exited.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import { findUser } from '../../src/org/users.js';
import { beginMessage, getMessage, newMessageKey } from '../../src/org/voice-messages.js';
import { messageAudioKey as audioPathFor } from '../../src/store/audio/audio-store.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { VoicemailService } from '../../src/services/voicemail/voicemail-service.js';
import { cli, CLI, initData, startServer } from '../support/openum.js';
import { tempDir } from '../support/run.js';
import { addMessage, silentLog, smtpSink, waitFor } from '../support/voicemail.js';

const RECORDER = pathToFileURL(join(CLI, '..', '..', 'media', 'audio', 'wav-recorder.js')).href;

/** Records a tone in a child process; resolves once ≥ `minMs` is on disk, then kills it with SIGKILL mid-write. */
async function recordAndCrash(file: string, minMs: number): Promise<void> {
  const script = `
    import { WavRecorder } from ${JSON.stringify(RECORDER)};
    const rec = await WavRecorder.create(${JSON.stringify(file)}, { chunkMs: 100, fsyncMs: 200 });
    const frame = new Int16Array(160);
    let t = 0;
    for (;;) {
      for (let i = 0; i < 160; i++) frame[i] = Math.round(8000 * Math.sin(2 * Math.PI * 440 * (t++) / 8000));
      rec.write(frame);
      if (rec.bytesOnDisk >= ${minMs * 16}) process.stdout.write('on-disk\\n');
      await new Promise((r) => setImmediate(r));
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('on-disk')) resolve(); });
    child.on('exit', (code) => reject(new Error(`the recorder exited (${code}) early: ${err}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

describe('recovery of recordings left by a crashed worker', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let node: OpenNode;
  let aliceId: number;
  let server: string;
  const must = async (args: string[]) => {
    const r = await cli(args, { data });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
  };
  async function orphan(worker: number, write: ((file: string) => Promise<void> | void) | undefined) {
    const key = newMessageKey();
    const audioPath = audioPathFor(key);
    const file = join(data, audioPath);
    mkdirSync(join(data, 'voicemail'), { recursive: true });
    await write?.(file);
    const id = await beginMessage(node.store.db, {
      key, serverName: server, worker, userId: aliceId, callerId: '+3902555', callerName: 'Crash Test', called: '1000', callId: `${key}@gw`, audioPath, audioFormat: 'WAV',
    });
    return { id, file };
  }

  before(async () => {
    tmp = tempDir('openum-recovery-');
    data = join(tmp.path, 'data');
    await initData(data, 'um.contoso.test');
    await must(['dialplan', 'new', 'DP', '--extension-length', '4']);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']);
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    server = node.serverName ?? '';
    aliceId = (await findUser(node.store.db, 'alice'))?.id ?? 0;
  });
  after(async () => {
    await node?.close();
    tmp?.cleanup();
  });

  it('openum start completes a SIGKILLed recording with the duration on disk and delivers it; short or missing ones are missed calls', async () => {
    const sink = await smtpSink('127.0.44.30');
    try {
      await must(['smtp', 'set', '--host', '127.0.44.30', '--port', String(sink.port), '--security', 'none']);
      const crashed = await orphan(0, (f) => recordAndCrash(f, 3000));
      const onDisk = statSync(crashed.file).size;
      const expectedMs = (Math.floor((onDisk - 44) / 2) / 8000) * 1000;
      assert.ok(expectedMs >= 3000, `at least 3 s on disk (${expectedMs} ms)`);
      assert.equal(readFileSync(crashed.file).readUInt32LE(40), 0xffffffff, 'the header still says "unknown size"');
      // 0.5 s: shorter than the 2 s minimum (openum service set --min-recording-seconds).
      const short = await orphan(1, (f) => writeFileSync(f, Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, 'unknown'), Buffer.alloc(8000)])));
      const missing = await orphan(1, undefined);

      const running = await startServer(data);
      try {
        const row = await waitFor('the crashed recording delivered', async () => {
          const m = await getMessage(node.store.db, crashed.id);
          return m.delivery === 'delivered' ? m : undefined;
        }, 20_000);
        assert.equal(row.state, 'stored');
        assert.equal(row.endReason, 'crash');
        assert.equal(row.durationMs, Math.round(expectedMs));
        const repaired = readFileSync(crashed.file);
        assert.equal(repaired.readUInt32LE(40), repaired.length - 44, 'repairWav set the data size');
        const mail = sink.received.at(-1);
        assert.ok(mail?.parsed.attachments[0]?.content.equals(repaired), 'the attachment is the repaired WAV');
        assert.match(mail?.parsed.subject ?? '', /Crash Test/);

        for (const [what, o] of [['short', short], ['missing', missing]] as const) {
          const m = await getMessage(node.store.db, o.id);
          assert.equal(m.state, 'missed', `${what}: a missed call`);
          assert.equal(m.endReason, 'crash');
          assert.equal(m.delivery, 'none');
          assert.equal(existsSync(o.file), false, `${what}: no audio kept`);
        }
        assert.equal(sink.received.length, 1, 'only the message is mailed');
      } finally {
        await running.stop();
      }
    } finally {
      await sink.close();
    }
  });

  it("a worker's exit recovers that worker's rows begun before it exited, not another's nor later ones", async () => {
    await must(['smtp', 'clear']);
    const vm = new VoicemailService(node, silentLog());
    try {
      const mine = await orphan(1, (f) => writeFileSync(f, Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, 'unknown'), Buffer.alloc(16000 * 3)])));
      const other = await addMessage(node.store.db, data, { serverName: server, userId: aliceId, worker: 0, state: 'recording' });
      const exitedAt = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
      const later = await addMessage(node.store.db, data, { serverName: server, userId: aliceId, worker: 1, state: 'recording' });
      vm.onWorkerExit(1, exitedAt);
      await vm.idle();
      const m = await getMessage(node.store.db, mine.id);
      assert.equal(m.state, 'stored');
      assert.equal(m.durationMs, 3000);
      assert.equal(m.delivery, 'pending', 'waiting for an SMTP server');
      assert.equal((await getMessage(node.store.db, other.id)).state, 'recording', "worker 0's row is worker 0's business");
      assert.equal((await getMessage(node.store.db, later.id)).state, 'recording', 'begun by the restarted worker');
    } finally {
      await vm.stop();
    }
  });
});
