import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { WavRecorder, repairWav, recordingStats } from '../../../src/media/audio/wav-recorder.js';
import { readPcmWav, frames } from '../../../src/media/audio/prompt-library.js';
import { AudioError } from '../../../src/media/audio/audio-error.js';
import { rng, sine, soxi, soxSkip } from './signals.js';
import { mountTmpfs, tmpfsUnavailable } from '../../support/tmpfs.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openum-wav-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const threeSeconds = (): Int16Array => sine(440, 3000, 0.4);
const isAudioError = (code: string) => (e: unknown) => e instanceof AudioError && e.code === code;

async function record(path: string, samples: Int16Array): Promise<WavRecorder> {
  const rec = await WavRecorder.create(path);
  for (const f of frames(samples)) rec.write(f);
  return rec;
}

describe('WavRecorder', () => {
  it('writes a WAV that wavefile and soxi read: 8 kHz, mono, 16-bit, 3.000 s, same samples', { skip: soxSkip }, async () => {
    const path = join(dir, 'finished.wav');
    const samples = threeSeconds();
    const rec = await record(path, samples);
    assert.equal(rec.durationMs, 3000);
    assert.deepEqual(await rec.finish(), { durationMs: 3000, dataBytes: 48000 });
    assert.equal((await stat(path)).size, 44 + 48000);
    assert.deepEqual(await soxi(path), { rate: 8000, channels: 1, seconds: 3, bits: 16 });
    const wav = new wavefile.WaveFile(await readFile(path));
    assert.equal((wav.data as { chunkSize: number }).chunkSize, 48000);
    assert.deepEqual(await readPcmWav(path), samples);
  });

  it('has the header and the audio on disk while recording, sizes marked unknown', async () => {
    const path = join(dir, 'live.wav');
    const rec = await record(path, sine(440, 1000));
    await rec.flush();
    const bytes = await readFile(path);
    assert.equal(bytes.length, 44 + 16000);
    assert.equal(bytes.readUInt32LE(4), 0xffffffff);
    assert.equal(bytes.readUInt32LE(40), 0xffffffff);
    await rec.abandon();
  });

  it('repairs a crashed recording cut at a random odd length: soxi reads the right duration', { skip: soxSkip }, async () => {
    const r = rng(44);
    for (let k = 0; k < 5; k++) {
      const path = join(dir, `crash-${k}.wav`);
      const samples = threeSeconds();
      const rec = await record(path, samples);
      await rec.abandon(); // no finish(): as a crash leaves it
      const full = (await stat(path)).size;
      const cut = 45 + 2 * Math.floor(r() * ((full - 46) / 2)); // odd length, mid-sample
      await truncate(path, cut);
      const { durationMs, dataBytes } = await repairWav(path);
      assert.equal(dataBytes, cut - 45);
      assert.equal(durationMs, ((cut - 45) / 2 / 8000) * 1000);
      const info = await soxi(path);
      assert.deepEqual([info.rate, info.channels, info.bits], [8000, 1, 16]);
      assert.ok(Math.abs(info.seconds * 1000 - durationMs) <= 20, `soxi ${info.seconds} s vs ${durationMs} ms`);
      const back = await readPcmWav(path);
      assert.deepEqual(back, samples.subarray(0, back.length));
      assert.deepEqual(await repairWav(path), { durationMs, dataBytes }); // idempotent
    }
  });

  it('keeps the audio written before the writing process is killed (SIGKILL), repairable', { skip: soxSkip }, async () => {
    const path = join(dir, 'killed.wav');
    const moduleUrl = new URL('../../../src/media/audio/wav-recorder.js', import.meta.url).href;
    const child = `
      import { WavRecorder } from ${JSON.stringify(moduleUrl)};
      const rec = await WavRecorder.create(${JSON.stringify(path)});
      const frame = Int16Array.from({ length: 160 }, (_, i) => Math.round(9000 * Math.sin(i / 3)));
      let said = false;
      for (let i = 0; i < 400; i++) {
        rec.write(frame);
        // Chunks reach the file in the background: the kill comes once 2 s are there.
        if (!said && rec.bytesOnDisk >= 32000) { said = true; process.stdout.write('halfway\\n'); }
        await new Promise((r) => setTimeout(r, 5));
      }
      process.stdout.write('done\\n');`;
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('halfway')) proc.kill('SIGKILL');
        if (d.toString().includes('done')) reject(new Error('the child finished before it was killed'));
      });
      proc.on('exit', () => resolve());
    });
    const { durationMs } = await repairWav(path);
    assert.ok(durationMs >= 2000 && durationMs < 8000, `kept ${durationMs} ms`);
    const info = await soxi(path);
    assert.ok(Math.abs(info.seconds * 1000 - durationMs) <= 20);
  });

  it('refuses writes after finish() and rejects files that are not WAV', async () => {
    const path = join(dir, 'closed.wav');
    const rec = await record(path, sine(440, 100));
    await rec.finish();
    assert.throws(() => rec.write(new Int16Array(160)), isAudioError('RECORDER_CLOSED'));
    const junk = join(dir, 'junk.wav');
    await writeFile(junk, Buffer.from('RIFF....WAVEjunk'));
    await assert.rejects(repairWav(junk), isAudioError('BAD_WAV'));
    await writeFile(junk, Buffer.alloc(20));
    await assert.rejects(repairWav(junk), isAudioError('BAD_WAV'));
  });
  it('a disk that fills up mid-recording: the next write and finish() say RECORDER_CLOSED, what reached the disk stays repairable', { skip: tmpfsUnavailable() }, async () => {
    const fs = mountTmpfs(1024 * 1024);
    try {
      const path = join(fs.path, 'full.wav');
      const rec = await WavRecorder.create(path);
      const frame = sine(440, 20);
      for (let i = 0; i < 50; i++) rec.write(frame); // 1 s: five chunks shipped
      await rec.flush();
      fs.fill();
      let refused: unknown;
      for (let i = 0; i < 200 && refused === undefined; i++) {
        try {
          rec.write(frame);
        } catch (e) {
          refused = e;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.ok(isAudioError('RECORDER_CLOSED')(refused), `a write after the failure is refused: ${String(refused)}`);
      await assert.rejects(rec.finish(), isAudioError('RECORDER_CLOSED'));
      const { durationMs } = await repairWav(path);
      assert.ok(durationMs >= 1000, `kept ${durationMs} ms`);
    } finally {
      fs.unmount();
    }
  });
});

describe('recordingStats', () => {
  it('gives duration, peak, RMS and a 100 ms envelope', () => {
    const samples = new Int16Array(24000);
    samples.set(sine(440, 1000, 0.5), 8000); // 1 s silence, 1 s tone, 1 s silence
    const s = recordingStats(samples);
    assert.equal(s.durationMs, 3000);
    assert.ok(Math.abs(s.peak - 0.5) < 0.001);
    assert.equal(s.envelope.length, 30);
    assert.deepEqual(s.envelope.map((w) => w.rms > 0.3), [...Array(30).keys()].map((i) => i >= 10 && i < 20));
    assert.ok(Math.abs((s.envelope[15]?.rmsDbfs ?? 0) - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.1);
    assert.equal(s.envelope[0]?.rmsDbfs, -Infinity);
    assert.equal(s.envelope[12]?.startMs, 1200);
  });
});
