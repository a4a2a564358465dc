// Subscriber access, voice mail: new then saved messages with their introductions, every key
// during and after a message (replay, save, delete, previous, call the sender, next, undelete,
// skip to the end, help, back), marking read, purge at the end of the call, type-ahead, and the
// input-failure limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALICE_PIN, after, count, run, site } from './harness.js';

const PIN = `${ALICE_PIN}#`;
const M1_INTRO = ['sa-new-message', 'sa-from', ...[...'5551234'].map((d) => `digit-${d}`), 'sa-received', 'date-2026-03-03T10:42'];

describe('subscriber access: voice mail', () => {
  it('plays new messages then saved ones, each introduced by caller and time, and marks heard ones read', async () => {
    const { out, call, svc } = await run([PIN, '1', '6', '6', '6', '*', '*']);
    const n = call.names;
    assert.deepEqual(after(n, 'sa-new-message').slice(0, M1_INTRO.length + 2), [...M1_INTRO, 'audio:m1', 'sa-message-menu']);
    assert.deepEqual(after(n, 'audio:m1').slice(2, 7), ['sa-new-message', 'sa-from-unknown', 'sa-received', 'date-2026-03-03T10:42', 'audio:m2']);
    assert.deepEqual(after(n, 'sa-saved-message').slice(0, 3), ['sa-saved-message', 'sa-from', 'digit-+']);
    assert.deepEqual(after(n, 'audio:m3').slice(1, 4), ['sa-message-menu', 'sa-no-more-messages', 'sa-end-menu']);
    // Back at the main menu the counts are said again: nothing new, three saved.
    assert.deepEqual(after(n, 'sa-end-menu').slice(1, 4), ['0-new', '3-saved', 'sa-main-menu']);
    assert.deepEqual(svc.ops.filter((o) => o.startsWith('markRead')), ['markRead m1', 'markRead m2']);
    assert.equal(out.reason, 'goodbye');
  });

  it('says so when there are no messages', async () => {
    const svc = site();
    svc.messages.splice(0);
    const { call } = await run([PIN, '1', '*'], { svc });
    assert.deepEqual(after(call.names, 'sa-main-menu').slice(0, 3), ['sa-main-menu', 'sa-no-messages', '0-new']);
  });

  it('acts on a key pressed during the main menu counts (type-ahead) without waiting for the menu', async () => {
    const { call } = await run([PIN, { during: '2-new', press: '1' }, '*', '*']);
    const i = call.played.findIndex((p) => p.names.includes('2-new'));
    assert.deepEqual(call.played.slice(i, i + 3).map((p) => [p.names[0], p.outcome]), [['2-new', 'digit'], ['sa-main-menu', 'digit'], ['sa-new-message', 'done']]);
  });

  it('2 saves a message during it (read, kept, not marked read twice) and goes to the next', async () => {
    const { call, svc } = await run([PIN, '1', { during: 'audio:m1', press: '2' }, '*', '*']);
    assert.deepEqual(after(call.names, 'audio:m1').slice(0, 3), ['audio:m1', 'sa-message-saved', 'sa-new-message']);
    assert.ok(svc.ops.includes('save m1'));
    assert.ok(!svc.ops.includes('markRead m1'));
    assert.equal(svc.state('m1'), 'saved');
  });

  it('3 deletes, 7 undeletes the last deleted; nothing is purged then', async () => {
    const { out, call, svc } = await run([PIN, '1', { during: 'audio:m1', press: '3' }, { during: 'audio:m2', press: '7' }, '*', '*']);
    assert.deepEqual(after(call.names, 'audio:m1').slice(0, 3), ['audio:m1', 'sa-message-deleted', 'sa-new-message']);
    assert.deepEqual(after(call.names, 'audio:m2').slice(0, 3), ['audio:m2', 'sa-message-restored', 'sa-message-menu']);
    assert.ok(svc.ops.includes('delete m1') && svc.ops.includes('undelete m1'));
    assert.ok(!svc.ops.some((o) => o.startsWith('purge')));
    assert.deepEqual(out.purged, []);
    assert.equal(svc.state('m1'), 'new');
  });

  it('purges the messages still deleted when the caller hangs up', async () => {
    const { out, svc } = await run([PIN, '1', { during: 'audio:m1', press: '3' }, '3', { hangup: true }]);
    assert.equal(out.reason, 'hangup');
    assert.deepEqual(out.purged, ['m1', 'm2']);
    assert.equal(svc.ops.at(-1), 'purge m1,m2');
    assert.equal(svc.state('m1'), 'purged');
    assert.equal(svc.state('m3'), 'saved');
  });

  it('purges at goodbye too, and 7 with nothing deleted says so', async () => {
    const { out, call, svc } = await run([PIN, '1', '7', '3', '*', '*']);
    assert.ok(call.names.includes('sa-nothing-to-undelete'));
    assert.deepEqual(out.purged, ['m1']);
    assert.equal(svc.ops.at(-1), 'purge m1');
  });

  it('undeletes a message deleted on an earlier visit to voice mail in the same call', async () => {
    const { out, call, svc } = await run([PIN, '1', '3', '*', '1', '7', '1', '*', '*']);
    assert.deepEqual(out.purged, []);
    assert.equal(count(call.names, 'audio:m1'), 2);
    assert.ok(svc.ops.includes('undelete m1'));
    // m1 was heard to the end before it was deleted: it comes back as a saved message.
    assert.deepEqual(after(call.names, 'sa-message-restored').slice(0, 3), ['sa-message-restored', 'sa-message-menu', 'sa-saved-message']);
  });

  it('reaches the end of messages after deleting the last, and 7 there brings it back', async () => {
    const svc = site();
    svc.messages.splice(1);
    const { out, call } = await run([PIN, '1', '3', '7', '*', '*'], { svc });
    assert.deepEqual(after(call.names, 'sa-message-deleted').slice(0, 5), ['sa-message-deleted', 'sa-no-more-messages', 'sa-end-menu', 'sa-message-restored', 'sa-message-menu']);
    assert.deepEqual(out.purged, []);
  });

  it('4 goes to the previous message (none before the first), 1 replays, 6 goes to the next', async () => {
    const { call } = await run([PIN, '1', { during: 'audio:m1', press: '4' }, '6', '4', '1', '*', '*']);
    const n = call.names;
    assert.deepEqual(after(n, 'audio:m1').slice(0, 3), ['audio:m1', 'sa-first-message', 'sa-message-menu']);
    assert.equal(count(n, 'audio:m1'), 3);
    assert.equal(count(n, 'audio:m2'), 1);
  });

  it('9 skips to the end of the message: the options, and the message stays unread', async () => {
    const { call, svc } = await run([PIN, '1', { during: 'audio:m1', press: '9' }, '*', '*']);
    assert.deepEqual(after(call.names, 'audio:m1').slice(0, 2), ['audio:m1', 'sa-message-menu']);
    assert.ok(!svc.ops.includes('markRead m1'));
    assert.equal(svc.state('m1'), 'new');
  });

  it('0 says the options again, during or after a message, without counting a failure', async () => {
    const { out, call } = await run([PIN, '1', { during: 'sa-from', press: '0' }, '0', '0', '0', '*', '*']);
    assert.equal(count(call.names, 'sa-message-menu'), 4);
    assert.equal(count(call.names, 'invalid'), 0);
    assert.equal(out.reason, 'goodbye');
  });

  it('a key that means nothing during a message is not valid: the options follow', async () => {
    const { call } = await run([PIN, '1', { during: 'audio:m1', press: '8' }, '*', '*']);
    assert.deepEqual(after(call.names, 'audio:m1').slice(0, 3), ['audio:m1', 'invalid', 'sa-message-menu']);
  });

  it('* during a message goes back to the main menu', async () => {
    const { call } = await run([PIN, '1', { during: 'audio:m1', press: '*' }, '*']);
    assert.deepEqual(after(call.names, 'audio:m1').slice(0, 2), ['audio:m1', '2-new']);
  });

  describe('5 calls the sender back', () => {
    it('says the number is not available for an unknown caller', async () => {
      const { call } = await run([PIN, '1', '6', '5', '*', '*']);
      assert.deepEqual(after(call.names, 'audio:m2').slice(0, 3), ['audio:m2', 'sa-message-menu', 'sa-no-callback']);
      assert.deepEqual(call.transfers, []);
    });

    it('says a refused transfer could not be made and returns to the options', async () => {
      const { out, call } = await run([PIN, '1', '5', '*', '*'], { transfers: [{ outcome: 'refused', status: 405, reason: 'Method Not Allowed' }] });
      assert.deepEqual(call.transfers, ['sip:5551234@gw.contoso.com']);
      assert.deepEqual(after(call.names, 'sa-calling-sender').slice(0, 3), ['sa-calling-sender', 'sa-transfer-failed', 'sa-message-menu']);
      assert.equal(out.reason, 'goodbye');
    });

    it('ends our side after a transfer, purging what was deleted', async () => {
      const { out, call } = await run([PIN, '1', '6', { during: 'audio:m2', press: '3' }, '4', '5'], { transfers: [{ outcome: 'transferred' }] });
      assert.equal(out.reason, 'transferred');
      assert.deepEqual(out.purged, ['m2']);
      assert.equal(call.cause, 'app');
      assert.equal(call.names.at(-1), 'sa-calling-sender');
    });

    it('stops when the caller hangs up during the transfer', async () => {
      const { out } = await run([PIN, '1', '5'], { transfers: [{ outcome: 'hangup' }] });
      assert.equal(out.reason, 'hangup');
    });
  });

  describe('the input-failure limit', () => {
    it('ends the call politely after that many invalid keys in a row', async () => {
      const { out, call } = await run([PIN, '1', '8', '8', '8']);
      assert.equal(out.reason, 'input-failures');
      assert.deepEqual(call.names.slice(-3), ['invalid', 'sa-too-many-failures', 'goodbye']);
      assert.equal(call.cause, 'app');
    });

    it('starts counting again after a valid key', async () => {
      const { out } = await run([PIN, '1', '8', '8', '6', '8', '8', '*', '*']);
      assert.equal(out.reason, 'goodbye');
    });

    it('does not keep a caller who never presses anything after logon', async () => {
      const { out, call } = await run([PIN]);
      assert.equal(out.reason, 'input-failures');
      assert.equal(count(call.names, 'sa-main-menu'), 3);
      assert.ok(call.now < 60_000, `ended after ${call.now} ms of virtual time`);
    });

    it('forgets keys typed ahead after an invalid one (no cascade of failures)', async () => {
      const { out } = await run([PIN, '1', { during: 'audio:m1', press: '8888' }, '*', '*']);
      assert.equal(out.reason, 'goodbye');
    });
  });
});
