// completeWhenRoom: a full store is tried again in the background until it takes the write; any
// other error is the caller's at once; the tries are bounded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { OpenUmError } from '../../src/errors.js';
import { completeWhenRoom } from '../../src/services/worker/store-full-retry.js';

const full = () => new OpenUmError('DISK_FULL', 'the disk holding /srv is full (0 bytes free): free space, then try again');
const log = pino({ level: 'silent' });
const timing = { retryMs: 1, retries: 5 };

describe('completeWhenRoom', () => {
  // The retry timers are unref'd (they must not keep a stopping worker alive): hold the loop open.
  let keep: NodeJS.Timeout;
  before(() => { keep = setInterval(() => undefined, 1000); });
  after(() => clearInterval(keep));

  it('resolves at once when the store is full and completes once space returns', async () => {
    let fullFor = 3;
    let done!: () => void;
    const completed = new Promise<void>((r) => { done = r; });
    let calls = 0;
    await completeWhenRoom(() => {
      calls++;
      if (fullFor-- > 0) return Promise.reject(full());
      done();
      return Promise.resolve();
    }, log, {}, timing);
    assert.equal(calls, 1, 'the caller does not wait for the space');
    await completed;
    assert.equal(calls, 4);
  });

  it('throws any other error at once', async () => {
    await assert.rejects(completeWhenRoom(() => Promise.reject(new Error('constraint')), log, {}, timing), /constraint/);
  });

  it('gives up after the bounded number of tries', async () => {
    let calls = 0;
    await completeWhenRoom(() => { calls++; return Promise.reject(full()); }, log, {}, timing);
    for (let i = 0; i < 100 && calls < 6; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls, 6, 'one try and five more');
  });
});
