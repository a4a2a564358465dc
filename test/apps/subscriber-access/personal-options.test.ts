// Subscriber access, personal options (greeting and name recorded and reviewed, PIN changed), and
// the properties every call must have: a hang-up at any point ends the application, purges what
// was deleted and calls no port afterwards; a failing service ends the call with an apology.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSubscriberAccess } from '../../../src/apps/subscriber-access/index.js';
import { FakeCall, type Step } from './fake-call.js';
import { ALICE_PHONE, ALICE_PIN, PLAN, after, count, run, site } from './harness.js';

const PIN = `${ALICE_PIN}#`;

describe('subscriber access: personal options', () => {
  it('records the greeting after the tone, plays it back, and saves it when accepted', async () => {
    const { call, svc } = await run([PIN, '4', '1', { record: 3000 }, '1', '2', '*', '*'], { options: { maxGreetingMs: 60_000 }, plan: { recordingIdleSeconds: 4 } });
    const n = call.names;
    assert.deepEqual(after(n, 'sa-personal-menu').slice(0, 4), ['sa-personal-menu', 'sa-record-greeting', 'tone', 'sa-review-recording']);
    assert.deepEqual(call.recordings[0], { maxMs: 60_000, idleMs: 4000, stopDigits: '#*' });
    // 1 plays back what was recorded (3 s of 8 kHz samples), then the review options again.
    assert.ok(call.played.some((p) => p.names[0] === 'samples:24000'));
    assert.ok(svc.ops.includes('saveGreeting 1000 24000'));
    assert.equal(svc.greetings.get('1000')?.length, 24000);
    assert.deepEqual(after(n, 'sa-greeting-saved').slice(0, 2), ['sa-greeting-saved', 'sa-personal-menu']);
  });

  it('records the name again on 3 and keeps only the last take', async () => {
    const { svc } = await run([PIN, '4', '2', { record: 2000 }, '3', { record: 4000 }, '2', '*', '*']);
    assert.deepEqual(svc.ops.filter((o) => o.startsWith('save')), ['saveName 1000 32000']);
  });

  it('keeps the old greeting when the caller cancels the review with *', async () => {
    const { call, svc } = await run([PIN, '4', '1', { record: 2000 }, '*', '*', '*']);
    assert.ok(call.names.includes('sa-recording-cancelled'));
    assert.ok(!svc.ops.some((o) => o.startsWith('saveGreeting')));
  });

  it('cancels with * during the recording or the instructions', async () => {
    const during = await run([PIN, '4', '1', { record: 2000, end: 'dtmf', digit: '*' }, '*', '*']);
    assert.ok(during.call.names.includes('sa-recording-cancelled'));
    const before = await run([PIN, '4', '2', { during: 'sa-record-name', press: '*' }, '*', '*']);
    assert.equal(count(before.call.names, 'tone'), 0);
    assert.equal(before.call.recordings.length, 0);
  });

  it('says nothing was recorded (silence) and records again', async () => {
    const { call, svc } = await run([PIN, '4', '1', { silence: true }, { record: 2500 }, '2', '*', '*']);
    assert.deepEqual(after(call.names, 'sa-nothing-recorded').slice(0, 3), ['sa-nothing-recorded', 'sa-record-greeting', 'tone']);
    assert.ok(svc.ops.includes('saveGreeting 1000 20000'));
  });

  it('counts a recording of silence (ended on the idle timeout) as nothing recorded', async () => {
    const { call, svc } = await run([PIN, '4', '2', { record: 5000, end: 'silence', speechMs: 0 }, { record: 1000 }, '2', '*', '*']);
    assert.deepEqual(after(call.names, 'tone').slice(0, 3), ['tone', 'sa-nothing-recorded', 'sa-record-name']);
    assert.ok(svc.ops.includes('saveName 1000 8000'));
  });

  it('drops the silence after the last words of a recording (all but 300 ms)', async () => {
    const { svc } = await run([PIN, '4', '1', { record: 6000, speechMs: 1000, end: 'silence' }, '2', '*', '*']);
    assert.equal(svc.greetings.get('1000')?.length, (1000 + 300) * 8);
  });

  it('changes the PIN, and * at the new PIN goes back without changing it', async () => {
    const changed = await run([PIN, '4', '3', '807162#', '807162#', '*', '*']);
    assert.equal(changed.svc.users.get('1000')!.pin, '807162');
    assert.deepEqual(after(changed.call.names, 'sa-pin-changed').slice(0, 2), ['sa-pin-changed', 'sa-personal-menu']);
    const back = await run([PIN, '4', '3', '*', '*', '*']);
    assert.equal(back.svc.users.get('1000')!.pin, ALICE_PIN);
    assert.ok(!back.svc.ops.some((o) => o.startsWith('change')));
  });

  it('0 is help and an unknown key is not valid in personal options', async () => {
    const { call } = await run([PIN, '4', '0', '9', '*', '*']);
    assert.equal(count(call.names, 'sa-personal-menu'), 3);
    assert.equal(count(call.names, 'invalid'), 1);
  });
});

describe('subscriber access: every call ends cleanly', () => {
  // Logon, delete m1, save m2, undelete m1, replay it, back; record a greeting; goodbye.
  const FULL: Step[] = [PIN, '1', { during: 'audio:m1', press: '3' }, { during: 'audio:m2', press: '2' }, '7', '1', '*', '4', '1', { record: 2000 }, '2', '*', '*'];

  it('runs the whole script', async () => {
    const { out, svc } = await run(FULL);
    assert.equal(out.reason, 'goodbye');
    assert.deepEqual(out.purged, []);
    assert.ok(svc.ops.includes('saveGreeting 1000 16000'));
  });

  it('stops at a hang-up after any step: purges exactly what is still deleted, calls nothing afterwards', async () => {
    for (let k = 0; k < FULL.length; k++) {
      const { out, svc, call } = await run([...FULL.slice(0, k), { hangup: true }]);
      assert.equal(out.reason, 'hangup', `hang-up after step ${k}`);
      assert.equal(call.cause, 'caller');
      const deleted = svc.ops.includes('delete m1') && !svc.ops.includes('undelete m1');
      assert.deepEqual(out.purged, deleted ? ['m1'] : [], `step ${k}`);
      assert.equal(svc.ops.at(-1) === 'purge m1', deleted, `step ${k}`);
    }
  });

  it('stops at a hang-up in the middle of any prompt', async () => {
    const plays = (await run(FULL)).call.played.length;
    for (let i = 0; i < plays; i++) {
      const { out, svc, call } = await run(FULL, { hangUpAtPlay: i });
      // During the last prompt, the goodbye, the call was ending anyway: its reason stays.
      assert.equal(out.reason, i === plays - 1 ? 'goodbye' : 'hangup', `hang-up during play ${i}`);
      assert.equal(call.played.at(-1)?.outcome, 'hangup');
      const deleted = svc.ops.includes('delete m1') && !svc.ops.includes('undelete m1');
      assert.deepEqual(out.purged, deleted ? ['m1'] : [], `play ${i}`);
    }
  });

  it('ends the call with an apology when a service fails, purges, and throws the error on', async () => {
    const svc = site();
    svc.failOn = 'save';
    const call = new FakeCall([PIN, '1', { during: 'audio:m1', press: '3' }, '2']);
    await assert.rejects(runSubscriberAccess(call, svc.ports(), { dialPlan: PLAN, caller: ALICE_PHONE }), /fake save failed/);
    assert.deepEqual(call.names.slice(-2), ['sa-system-error', 'goodbye']);
    assert.equal(call.cause, 'app');
    assert.equal(svc.ops.at(-1), 'purge m1');
    assert.equal(svc.state('m1'), 'purged');
  });
});
