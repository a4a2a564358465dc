// MediaCall's digits and transfer over a fake media channel (no sockets, no clock): the
// type-ahead buffer, collectDigits with its terminator and timeouts, interruptible prompts that
// leave their digit buffered, record's stop digit consumed, the buffer's bound, and transfer
// through the function the worker gives. The same over real RTP is in media-call-live.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TransferResult } from '../../src/apps/call.js';
import { MediaCall, type CallMedia } from '../../src/apps/media-call.js';
import type { CaptureHandler } from '../../src/media/media-channel.js';

/** A media channel in memory: prompts last `playMs`, digits come from press(). */
class FakeMedia implements CallMedia {
  readonly #digit = new Set<(d: string) => void>();
  #playing: ((done: boolean) => void) | undefined;
  capture: CaptureHandler | undefined;
  plays = 0;
  stops = 0;
  constructor(readonly playMs = 200) {}
  onDigit(handler: (digit: string) => void): () => void {
    this.#digit.add(handler);
    return () => this.#digit.delete(handler);
  }
  press(digits: string): void {
    for (const d of digits) for (const h of [...this.#digit]) h(d);
  }
  get listeners(): number {
    return this.#digit.size;
  }
  play(_samples: Int16Array): Promise<boolean> {
    this.stopPlayback();
    this.plays++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(true), this.playMs);
      const finish = (done: boolean) => {
        clearTimeout(timer);
        if (this.#playing === finish) this.#playing = undefined;
        resolve(done);
      };
      this.#playing = finish;
    });
  }
  stopPlayback(): void {
    if (this.#playing) this.stops++;
    this.#playing?.(false);
  }
  startCapture(handler: CaptureHandler): void {
    this.capture = handler;
  }
  stopCapture(): Int16Array[] {
    this.capture = undefined;
    return [];
  }
}

const PROMPT = new Int16Array(1600);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setUp(options: ConstructorParameters<typeof MediaCall>[3] = {}, playMs = 200) {
  const media = new FakeMedia(playMs);
  let hangups = 0;
  const call = new MediaCall('c1', media, () => void hangups++, options);
  return { media, call, hangups: () => hangups };
}

describe('MediaCall type-ahead', () => {
  it('keeps digits pressed during a prompt for the next collection', async () => {
    const { media, call } = setUp();
    const playing = call.play(PROMPT);
    media.press('12');
    assert.deepEqual(await playing, { outcome: 'done' }, 'no interrupt digits: the prompt plays to the end');
    media.press('3');
    const t = Date.now();
    const r = await call.collectDigits({ maxDigits: 4, firstDigitMs: 1000, interDigitMs: 100 });
    assert.deepEqual(r, { outcome: 'timeout', digits: '123' });
    assert.ok(Date.now() - t < 800, 'the buffered digits were taken at once, then one inter-digit wait');
  });

  it('collectDigits ends at maxDigits and leaves the rest buffered', async () => {
    const { media, call } = setUp();
    media.press('12345');
    assert.deepEqual(await call.collectDigits({ maxDigits: 3, firstDigitMs: 50, interDigitMs: 50 }), { outcome: 'digits', digits: '123', terminated: false });
    assert.equal(call.typeAhead.digits, '45');
    assert.equal(await call.collectDigit(10), '4');
    assert.equal(await call.collectDigit(10), '5');
    assert.equal(await call.collectDigit(10), undefined);
  });

  it('collectDigits: the terminator ends the entry and is consumed; a terminator alone gives an empty entry', async () => {
    const { media, call } = setUp();
    media.press('42#7');
    assert.deepEqual(await call.collectDigits({ maxDigits: 6, firstDigitMs: 50, interDigitMs: 50 }), { outcome: 'digits', digits: '42', terminated: true });
    assert.equal(call.typeAhead.digits, '7');
    call.flushDigits();
    media.press('#');
    assert.deepEqual(await call.collectDigits({ maxDigits: 6, firstDigitMs: 50, interDigitMs: 50 }), { outcome: 'digits', digits: '', terminated: true });
    media.press('5*');
    assert.deepEqual(await call.collectDigits({ maxDigits: 6, terminator: '*', firstDigitMs: 50, interDigitMs: 50 }), { outcome: 'digits', digits: '5', terminated: true });
    media.press('#9');
    assert.deepEqual(await call.collectDigits({ maxDigits: 2, terminator: '', firstDigitMs: 50, interDigitMs: 50 }), { outcome: 'digits', digits: '#9', terminated: false }, "terminator '' : # is a digit like any other");
  });

  it('collectDigits waits firstDigitMs for the first digit and interDigitMs for the next ones', async () => {
    const { media, call } = setUp();
    let t = Date.now();
    assert.deepEqual(await call.collectDigits({ maxDigits: 4, firstDigitMs: 150, interDigitMs: 20 }), { outcome: 'timeout', digits: '' });
    assert.ok(Date.now() - t >= 140, 'waited the first-digit timeout');
    t = Date.now();
    setTimeout(() => media.press('1'), 100);
    setTimeout(() => media.press('2'), 180);
    const r = await call.collectDigits({ maxDigits: 4, firstDigitMs: 1000, interDigitMs: 150 });
    assert.deepEqual(r, { outcome: 'timeout', digits: '12' });
    const ms = Date.now() - t;
    assert.ok(ms >= 300 && ms < 1200, `digits at 100 and 180 ms, then 150 ms of inter-digit wait: ended after ${ms} ms`);
  });

  it('flushDigits forgets what was typed ahead', async () => {
    const { media, call } = setUp();
    media.press('99');
    call.flushDigits();
    assert.equal(await call.collectDigit(20), undefined);
  });

  it('an interruptible prompt stops on its digit, which stays buffered', async () => {
    const { media, call } = setUp({}, 5000);
    const playing = call.play(PROMPT, { interruptDigits: '0123456789' });
    media.press('*');
    await sleep(20);
    media.press('7');
    assert.deepEqual(await playing, { outcome: 'digit', digit: '7' });
    assert.equal(media.stops, 1);
    assert.deepEqual(await call.collectDigits({ maxDigits: 2, firstDigitMs: 50, interDigitMs: 50 }), { outcome: 'digits', digits: '*7', terminated: false });
  });

  it('a prompt does not start when an interrupting digit is already buffered', async () => {
    const { media, call } = setUp({}, 5000);
    media.press('5');
    const t = Date.now();
    assert.deepEqual(await call.play(PROMPT, { interruptDigits: '#5' }), { outcome: 'digit', digit: '5' });
    assert.ok(Date.now() - t < 100);
    assert.equal(media.plays, 0);
    assert.equal(await call.collectDigit(10), '5', 'the digit is still there');
  });

  it('the buffer is bounded: digits beyond it are dropped and counted', async () => {
    const { media, call } = setUp({ maxBufferedDigits: 4 });
    media.press('123456');
    assert.deepEqual(call.typeAhead, { digits: '1234', dropped: 2 });
    const big = setUp();
    big.media.press('1'.repeat(100));
    assert.equal(big.call.typeAhead.digits.length, 32);
  });

  it('record forgets digits typed before it and consumes its stop digit', async () => {
    const { media, call } = setUp();
    media.press('#1');
    const sink = { write: () => Promise.resolve() };
    const recording = call.record(sink, { maxMs: 10_000, idleMs: 10_000, stopDigits: '#' });
    assert.equal(call.typeAhead.digits, '', 'typed-ahead digits forgotten');
    media.press('4');
    media.press('#');
    const r = await recording;
    assert.equal(r.end, 'dtmf');
    assert.equal(r.digit, '#');
    assert.equal(call.typeAhead.digits, '4', 'the stop digit is consumed, others stay');
    media.press('#');
    assert.equal(call.typeAhead.digits, '4#', 'after the recording # is an ordinary digit again');
  });

  it('hang-up ends every wait at once and stops buffering', async () => {
    const { media, call } = setUp({}, 5000);
    const collecting = call.collectDigits({ maxDigits: 4, firstDigitMs: 5000, interDigitMs: 5000 });
    setTimeout(() => call.terminate('caller'), 30);
    assert.deepEqual(await collecting, { outcome: 'hangup' });
    assert.equal(await call.collectDigit(1000), undefined);
    assert.deepEqual(await call.play(PROMPT, { interruptDigits: '#' }), { outcome: 'hangup' });
    assert.equal(media.listeners, 0, 'the digit listener is gone');
    assert.equal(await call.ended, 'caller');
    await assert.rejects(call.collectDigits({ maxDigits: 0, firstDigitMs: 1, interDigitMs: 1 }), RangeError);
  });
});

describe('MediaCall transfer', () => {
  it('without a transfer function answers refused and the call goes on', async () => {
    const { call } = setUp();
    const r = await call.transfer('sip:1000@example.com');
    assert.equal(r.outcome, 'refused');
    assert.equal(r.outcome === 'refused' && r.status, 501);
    assert.ok(call.active);
  });

  it('passes the target to the transfer function and returns its result', async () => {
    const targets: string[] = [];
    const { call } = setUp({ transfer: async (t) => (targets.push(t), { outcome: 'transferred' }) });
    assert.deepEqual(await call.transfer('sip:2000@pbx.example.com'), { outcome: 'transferred' });
    assert.deepEqual(targets, ['sip:2000@pbx.example.com']);
  });

  it('a refusal (405) or a failing transfer function lets the application carry on', async () => {
    const refused = setUp({ transfer: async () => ({ outcome: 'refused', status: 405, reason: 'Method Not Allowed' }) });
    assert.deepEqual(await refused.call.transfer('sip:3@x'), { outcome: 'refused', status: 405, reason: 'Method Not Allowed' });
    const failing = setUp({ transfer: () => Promise.reject(new Error('no transaction')) });
    assert.deepEqual(await failing.call.transfer('sip:3@x'), { outcome: 'refused', status: 500, reason: 'no transaction' });
  });

  it('a call that ends during the transfer answers hangup at once', async () => {
    const { call } = setUp({ transfer: () => new Promise<TransferResult>(() => undefined) });
    const t = call.transfer('sip:4@x');
    call.terminate('caller');
    assert.deepEqual(await t, { outcome: 'hangup' });
    assert.deepEqual(await call.transfer('sip:4@x'), { outcome: 'hangup' });
  });
});
