// Subscriber access, logon: caller ID or extension, PIN, wrong PINs and unknown extensions up to
// the dial plan's logon-failure limit, a locked mailbox, `*` for another mailbox, a PIN that must
// be changed (mismatch and each policy refusal said, then the main menu), and type-ahead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSubscriberAccess } from '../../../src/apps/subscriber-access/index.js';
import type { Subscriber } from '../../../src/apps/subscriber-access/ports.js';
import { FakeCall } from './fake-call.js';
import { ALICE_PHONE, PLAN, ALICE_PIN, BOB_PIN, STRANGER, after, count, run, site } from './harness.js';

const COUNTS = ['2-new', '1-saved'];

describe('subscriber access: logon', () => {
  it('recognises the caller by caller ID, asks only the PIN, says the counts, and * says goodbye', async () => {
    const { out, call, svc } = await run([`${ALICE_PIN}#`, '*']);
    assert.deepEqual(call.names, ['sa-welcome', 'enter-pin', ...COUNTS, 'sa-main-menu', 'goodbye']);
    assert.deepEqual(out, { reason: 'goodbye', user: '1000', purged: [] });
    assert.equal(call.cause, 'app');
    assert.deepEqual(svc.ops.slice(0, 2), ['byCallerId 1000', `check 1000 ${ALICE_PIN}`]);
  });

  it('hands the directory\'s subscriber object back to every port, as it came', async () => {
    const svc = site();
    const ports = svc.ports();
    const mine: Subscriber & { name: string } = { id: 1000, extension: '1000', name: 'alice' };
    const seen = new Set<Subscriber>();
    const check = ports.pins.check;
    ports.directory.byCallerId = async () => mine;
    ports.pins.check = (u, pin) => (seen.add(u), check({ id: '1000', extension: '1000' }, pin));
    ports.mailbox.list = async (u) => (seen.add(u), { fresh: [], saved: [] });
    const out = await runSubscriberAccess(new FakeCall([`${ALICE_PIN}#`, '*']), ports, { dialPlan: PLAN, caller: ALICE_PHONE });
    assert.deepEqual([...seen], [mine]);
    assert.equal(out.user, 1000);
  });

  it('asks an anonymous caller for the extension', async () => {
    const { svc, out, call } = await run(['1000#', `${ALICE_PIN}#`, '*'], { caller: { id: '', name: '' } });
    assert.equal(out.user, '1000');
    assert.equal(svc.ops[0], 'byCallerId');
    assert.deepEqual(call.names.slice(0, 3), ['sa-welcome', 'sa-enter-extension', 'enter-pin']);
  });

  it('speaks the dial plan\'s language, or the language the options give', async () => {
    const plan = await run([`${ALICE_PIN}#`, '*'], { plan: { defaultLanguage: 'it-IT' } });
    assert.deepEqual(plan.call.names.slice(0, 2), ['it-IT:sa-welcome', 'it-IT:enter-pin']);
    const given = await run([`${ALICE_PIN}#`, '*'], { plan: { defaultLanguage: 'it-IT' }, options: { language: 'fr-FR' } });
    assert.equal(given.call.names[0], 'fr-FR:sa-welcome');
  });

  it("speaks the subscriber's own language from logon on (their web page or openum user set --language)", async () => {
    const svc = site();
    const ports = svc.ports();
    const byCallerId = ports.directory.byCallerId;
    ports.directory.byCallerId = async (c) => {
      const found = await byCallerId(c);
      return found ? { ...found, language: 'fr-FR' } : found;
    };
    const call = new FakeCall([`${ALICE_PIN}#`, '*']);
    await runSubscriberAccess(call, ports, { dialPlan: { ...PLAN, defaultLanguage: 'it-IT' }, caller: ALICE_PHONE });
    assert.deepEqual(call.names.slice(0, 3), ['it-IT:sa-welcome', 'it-IT:enter-pin', 'fr-FR:2-new']);
    assert.equal(call.names.at(-1), 'fr-FR:goodbye');
  });

  it('asks an unknown caller for the extension, then the PIN', async () => {
    const { out, call } = await run(['2000#', `${BOB_PIN}#`, '*'], { caller: STRANGER });
    assert.deepEqual(call.names.slice(0, 3), ['sa-welcome', 'sa-enter-extension', 'enter-pin']);
    assert.equal(out.user, '2000');
  });

  it('takes an extension and a PIN without # after the inter-digit timeout', async () => {
    const { out, call } = await run(['2000', BOB_PIN, '*'], { caller: STRANGER });
    assert.equal(out.user, '2000');
    assert.equal(count(call.names, 'enter-pin'), 1);
  });

  it('reads the # after a full-length extension as its end, not as an empty PIN typed ahead', async () => {
    const { out, call } = await run([`2000#${BOB_PIN}#`, '*'], { caller: STRANGER });
    assert.equal(out.user, '2000');
    assert.deepEqual(call.names.slice(0, 4), ['sa-welcome', 'sa-enter-extension', 'enter-pin', '0-new']);
  });

  it('reads the # after a 24-digit PIN as its end', async () => {
    const svc = site();
    svc.users.get('1000')!.pin = '135792468013579246801357';
    const { out, call } = await run(['135792468013579246801357#', '*'], { svc });
    assert.equal(out.reason, 'goodbye');
    assert.equal(count(call.names, 'enter-pin'), 1);
    assert.equal(count(call.names, 'invalid'), 0, 'the # was not left for the main menu');
  });

  it('says an unknown extension is not valid and asks again; at the logon-failure limit, goodbye', async () => {
    const ok = await run(['9999#', '2000#', `${BOB_PIN}#`, '*'], { caller: STRANGER });
    assert.deepEqual(after(ok.call.names, 'sa-extension-unknown').slice(0, 3), ['sa-extension-unknown', 'sa-try-again', 'sa-enter-extension']);
    const bad = await run(['9999#', '9998#', '9997#', '2000#'], { caller: STRANGER });
    assert.equal(bad.out.reason, 'logon-failures');
    assert.deepEqual(bad.call.names.slice(-2), ['sa-extension-unknown', 'goodbye']);
    assert.equal(bad.out.user, undefined);
  });

  it('says a wrong PIN is not valid and asks again', async () => {
    const { out, call, svc } = await run(['111111#', `${ALICE_PIN}#`, '*']);
    assert.deepEqual(call.names.slice(0, 6), ['sa-welcome', 'enter-pin', 'sa-pin-wrong', 'sa-try-again', 'enter-pin', '2-new']);
    assert.equal(out.reason, 'goodbye');
    assert.equal(svc.ops.filter((o) => o.startsWith('check')).length, 2);
  });

  it('says goodbye after the logon-failure limit of wrong PINs (and never reaches the menu)', async () => {
    const { out, call, svc } = await run(['111111#', '222222#', '333333#', `${ALICE_PIN}#`], { plan: { logonFailuresBeforeDisconnect: 3 } });
    assert.equal(out.reason, 'logon-failures');
    assert.deepEqual(call.names.slice(-2), ['sa-pin-wrong', 'goodbye']);
    assert.equal(count(call.names, 'sa-main-menu'), 0);
    assert.equal(svc.ops.filter((o) => o.startsWith('check')).length, 3);
    assert.equal(call.cause, 'app');
  });

  it('keeps the reason when the caller hangs up during the goodbye', async () => {
    const { out, call } = await run(['111111#', '222222#', '333333#', { during: 'goodbye', hangup: true }]);
    assert.equal(out.reason, 'logon-failures');
    assert.equal(call.cause, 'caller');
  });

  it('counts unknown extensions and wrong PINs together towards the logon-failure limit', async () => {
    const { out } = await run(['9999#', '2000#', '000000#', '1000#'], { caller: STRANGER, plan: { logonFailuresBeforeDisconnect: 2 } });
    assert.equal(out.reason, 'logon-failures');
  });

  it('says a locked mailbox is locked and hangs up', async () => {
    const svc = site();
    svc.users.get('1000')!.locked = true;
    const { out, call } = await run([`${ALICE_PIN}#`, '*'], { svc });
    assert.equal(out.reason, 'locked');
    assert.deepEqual(call.names.slice(-2), ['sa-mailbox-locked', 'goodbye']);
  });

  it('lets a recognised caller press * at the PIN to log on to another mailbox', async () => {
    const { out, call } = await run(['*', '2000#', `${BOB_PIN}#`, '*']);
    assert.deepEqual(call.names.slice(0, 4), ['sa-welcome', 'enter-pin', 'sa-enter-extension', 'enter-pin']);
    assert.equal(out.user, '2000');
  });

  it('takes an extension and a PIN typed ahead during the welcome (no prompt waits for them)', async () => {
    const { out, call } = await run([{ during: 'sa-welcome', press: `2000#${BOB_PIN}#` }, '*'], { caller: STRANGER });
    assert.equal(out.user, '2000');
    assert.deepEqual(call.played.slice(0, 3).map((p) => [p.names[0], p.outcome]), [['sa-welcome', 'digit'], ['sa-enter-extension', 'digit'], ['enter-pin', 'digit']]);
  });

  it('asks again when no PIN comes, and ends politely at the input-failure limit', async () => {
    const { out, call, svc } = await run([]);
    assert.equal(out.reason, 'input-failures');
    assert.equal(count(call.names, 'enter-pin'), 3);
    assert.deepEqual(call.names.slice(-2), ['sa-too-many-failures', 'goodbye']);
    assert.equal(svc.ops.filter((o) => o.startsWith('check')).length, 0);
  });

  describe('a PIN that must be changed', () => {
    const mustChange = () => {
      const svc = site();
      svc.users.get('1000')!.mustChange = true;
      return svc;
    };

    it('asks for a new PIN twice, then goes on to the main menu', async () => {
      const svc = mustChange();
      const { out, call } = await run([`${ALICE_PIN}#`, '807162#', '807162#', '*'], { svc });
      assert.deepEqual(call.names.slice(2, 7), ['sa-pin-must-change', 'sa-enter-new-pin', 'sa-confirm-new-pin', 'sa-pin-changed', '2-new']);
      assert.equal(svc.users.get('1000')!.pin, '807162');
      assert.equal(out.reason, 'goodbye');
    });

    it('refuses PINs that differ and each policy violation, saying why, then accepts a good one', async () => {
      const svc = mustChange();
      svc.users.get('1000')!.history = ['918273'];
      const { call, svc: s } = await run([
        `${ALICE_PIN}#`,
        '807162#', '807163#', // differ
        '123#', '123#', // too short: "at least six digits"
        '918273#', '918273#', // recently used
        '123456#', '123456#', // consecutive
        '807162#', '807162#', '*',
      ], { svc, plan: { inputFailuresBeforeDisconnect: 5 } });
      const n = call.names;
      assert.ok(n.includes('sa-pins-differ'));
      assert.deepEqual(after(n, 'sa-pin-too-short').slice(0, 4), ['sa-pin-too-short', 'sa-pin-min-length', 'num-6', 'sa-digits']);
      assert.ok(n.includes('sa-pin-recently-used'));
      assert.ok(n.includes('sa-pin-too-simple'));
      assert.equal(s.users.get('1000')!.pin, '807162');
      assert.ok(n.includes('sa-main-menu'));
    });

    it('does not let the caller skip it with *, and the refusals count as input failures', async () => {
      const svc = mustChange();
      const { out, call } = await run([`${ALICE_PIN}#`, '*', '11#', '11#', '12#', '21#'], { svc });
      assert.equal(out.reason, 'input-failures');
      assert.equal(count(call.names, 'sa-main-menu'), 0);
      assert.equal(svc.users.get('1000')!.pin, ALICE_PIN);
    });
  });
});
