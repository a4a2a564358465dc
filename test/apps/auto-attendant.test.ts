// The auto attendant application over a scripted Call: greeting and menu by the clock (business
// hours, after hours, holiday; in the auto attendant's time zone), keys to transfers, another
// auto attendant, announcements and voice mail, the operator, dial by extension and by name,
// type-ahead, a refused transfer, unknown keys, silence and the input-failure limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAutoAttendant } from '../../src/apps/auto-attendant/auto-attendant.js';
import { keypadDigits, matchByKeypad, splitDisplayName } from '../../src/apps/auto-attendant/dial-by-name.js';
import type { AutoAttendantConfig, AutoAttendantServices, DirectoryEntry } from '../../src/apps/auto-attendant/types.js';
import type { TransferResult } from '../../src/apps/call.js';
import { parseBusinessHours } from '../../src/org/business-hours.js';
import { FakePrompts, ScriptedCall } from './scripted-call.js';

const WEDNESDAY_11_ROME = new Date('2026-03-04T10:00:00Z');
const WEDNESDAY_19_ROME = new Date('2026-03-04T18:00:00Z');
const CHRISTMAS = new Date('2026-12-25T10:00:00Z');

const USERS: DirectoryEntry[] = [
  { userId: 1, extension: '1001', ...splitDisplayName('Alice Smith') },
  { userId: 3, extension: '1003', ...splitDisplayName('Bob Smith') },
  { userId: 4, extension: '1004', ...splitDisplayName('Carol Jones') },
  { userId: 5, extension: '1005', ...splitDisplayName('Émile Zola') },
];

function mainConfig(over: Partial<AutoAttendantConfig> = {}): AutoAttendantConfig {
  return {
    id: 1, name: 'Main', enabled: true, timeZone: 'Europe/Rome',
    hours: parseBusinessHours(['Mon.08:00-Mon.18:00', 'Tue.08:00-Tue.18:00', 'Wed.08:00-Wed.18:00', 'Thu.08:00-Thu.18:00', 'Fri.08:00-Fri.18:00']),
    holidays: [{ id: 7, name: 'Christmas', startDate: '2026-12-25', endDate: '2026-12-26', greeting: 'custom' }],
    greetings: { businessHours: 'system', afterHours: 'system' },
    operatorExtension: '1000', dialByExtension: true, dialByName: 'LastName', language: 'en-US', extensionLength: 4,
    inputFailuresBeforeDisconnect: 3,
    keys: {
      business: [{ key: '1', action: 'transfer', extension: '1002' }, { key: '2', action: 'autoattendant', autoAttendantId: 2 },
        { key: '3', action: 'announcement' }],
      after: [{ key: '1', action: 'voicemail', userId: 4 }],
    },
    ...over,
  };
}

const SALES: AutoAttendantConfig = {
  ...mainConfig(), id: 2, name: 'Sales', operatorExtension: null, dialByExtension: false, dialByName: 'off',
  keys: { business: [{ key: '4', action: 'transfer', extension: '2004' }], after: [] }, holidays: [],
};

interface Harness {
  call: ScriptedCall;
  prompts: FakePrompts;
  messages: number[];
  run(): ReturnType<typeof runAutoAttendant>;
}

function harness(script: string[], o: { now?: Date; config?: AutoAttendantConfig; transferResults?: TransferResult[] } = {}): Harness {
  const prompts = new FakePrompts();
  const call = new ScriptedCall(prompts, script, { transferResults: o.transferResults });
  const messages: number[] = [];
  const services: AutoAttendantServices = {
    prompts,
    now: () => o.now ?? WEDNESDAY_11_ROME,
    loadAutoAttendant: (id) => Promise.resolve(id === 2 ? SALES : undefined),
    audio: (aaId, slot) => Promise.resolve(
      ['1/holiday:7', '1/announcement:business:3', '2/after-hours'].includes(`${aaId}/${slot}`) ? prompts.audio(`custom:${aaId}/${slot}`) : undefined),
    transferTarget: (ext) => `sip:${ext}@gw.contoso.com`,
    leaveMessage: (userId) => {
      messages.push(userId);
      return Promise.resolve();
    },
    directory: () => Promise.resolve(USERS),
    recordedName: (userId) => Promise.resolve(userId === 1 ? prompts.audio('name:alice') : undefined),
  };
  const config = o.config ?? mainConfig();
  return { call, prompts, messages, run: () => runAutoAttendant(call, config, services, { menuMs: 5000, firstDigitMs: 5000, interDigitMs: 3000 }) };
}

const BUSINESS_MENU = ['aa-for-extension', '1', '0', '0', '2', 'aa-press', '1', 'aa-for-more-options', 'aa-press', '2',
  'aa-for-information', 'aa-press', '3', 'aa-for-operator', 'aa-dial-by-extension', 'aa-dial-by-name'];

describe('dial by name on the keypad', () => {
  it('spells names as telephone keys, without accents or punctuation', () => {
    assert.equal(keypadDigits('Smith'), '76484');
    assert.equal(keypadDigits("O'Brien-Zoë"), '627436963');
    assert.equal(keypadDigits('Émile'), '36453');
    assert.deepEqual(splitDisplayName('  Alice  van Smith '), { firstName: 'Alice', lastName: 'Smith' });
  });

  it('matches by the prefix of the last or the first name', () => {
    assert.deepEqual(matchByKeypad(USERS, '76', 'LastName').map((u) => u.userId), [1, 3]);
    assert.deepEqual(matchByKeypad(USERS, '9', 'LastName').map((u) => u.userId), [5]);
    assert.deepEqual(matchByKeypad(USERS, '364', 'FirstName').map((u) => u.userId), [5]);
    assert.deepEqual(matchByKeypad(USERS, '2', 'FirstName').map((u) => u.userId), [1, 3, 4]);
    assert.deepEqual(matchByKeypad(USERS, '0', 'LastName'), []);
    assert.deepEqual(matchByKeypad(USERS, '', 'LastName'), []);
  });
});

describe('auto attendant flows', () => {
  it('at business hours: the welcome, the system menu, key 1 transfers blind and hangs up', async () => {
    const h = harness(['1']);
    assert.deepEqual(await h.run(), { kind: 'transferred', extension: '1002', target: 'sip:1002@gw.contoso.com' });
    assert.deepEqual(h.call.heard, [['aa-welcome'], BUSINESS_MENU, ['aa-transferring'], ['(hangup)']]);
    assert.deepEqual(h.call.transfers, ['sip:1002@gw.contoso.com']);
    assert.deepEqual(h.call.collects[0], { maxDigits: 1, terminator: '', firstDigitMs: 5000, interDigitMs: 5000 });
  });

  it('after hours (19:00 in Rome, 18:00 UTC): the after-hours greeting and menu; key 1 is voice mail', async () => {
    const h = harness(['1'], { now: WEDNESDAY_19_ROME });
    assert.deepEqual(await h.run(), { kind: 'voicemail', userId: 4 });
    assert.deepEqual(h.call.heard, [['aa-after-hours'], ['aa-for-voicemail', '1', '0', '0', '4', 'aa-press', '1',
      'aa-for-operator', 'aa-dial-by-extension', 'aa-dial-by-name']]);
    assert.deepEqual(h.messages, [4]);
    // The same instant in New York (13:00) is business hours.
    const ny = harness(['1'], { now: WEDNESDAY_19_ROME, config: mainConfig({ timeZone: 'America/New_York' }) });
    assert.equal((await ny.run()).kind, 'transferred');
  });

  it('on a holiday: its own greeting is the menu, with the after-hours keys', async () => {
    const h = harness(['1'], { now: CHRISTMAS });
    assert.deepEqual(await h.run(), { kind: 'voicemail', userId: 4 });
    assert.deepEqual(h.call.heard, [['custom:1/holiday:7']]);
  });

  it('keeps a key pressed during the greeting (type-ahead)', async () => {
    const h = harness(['~1']);
    assert.equal((await h.run()).kind, 'transferred');
    assert.deepEqual(h.call.heard, [['aa-welcome', '(cut)'], [...BUSINESS_MENU, '(cut)'], ['aa-transferring'], ['(hangup)']]);
  });

  it('says an unknown key is invalid and offers the menu again', async () => {
    const h = harness(['5', '9', '1']);
    assert.equal((await h.run()).kind, 'transferred');
    assert.deepEqual(h.call.flat.filter((n) => n.startsWith('aa-') && !BUSINESS_MENU.includes(n)),
      ['aa-welcome', 'aa-invalid-entry', 'aa-invalid-entry', 'aa-transferring']);
  });

  it('ends the call politely at the dial plan\'s input-failure limit', async () => {
    const h = harness(['T', '9', 'T', '1']);
    assert.deepEqual(await h.run(), { kind: 'failures' });
    assert.deepEqual(h.call.heard.slice(-4), [['aa-invalid-entry'], BUSINESS_MENU, ['aa-too-many-failures'], ['(hangup)']]);
    assert.ok(h.call.flat.includes('aa-no-input'));
    assert.deepEqual(h.call.unusedScript, ['1']);
    const strict = harness(['T'], { config: mainConfig({ inputFailuresBeforeDisconnect: 1 }) });
    assert.deepEqual(await strict.run(), { kind: 'failures' });
  });

  it('a refused transfer (REFER answered 405) says so and returns to the menu', async () => {
    const h = harness(['0', '1', 'H'], { transferResults: [{ outcome: 'refused', status: 405, reason: 'Method Not Allowed' }, { outcome: 'refused', status: 503, reason: 'x' }] });
    assert.deepEqual(await h.run(), { kind: 'hangup' });
    assert.deepEqual(h.call.transfers, ['sip:1000@gw.contoso.com', 'sip:1002@gw.contoso.com']);
    assert.deepEqual(h.call.heard.slice(2), [['aa-transferring'], ['aa-transfer-failed'], BUSINESS_MENU, ['aa-transferring'], ['aa-transfer-failed'], BUSINESS_MENU]);
  });

  it('plays an announcement and comes back to the menu; key 2 leads to another auto attendant', async () => {
    const h = harness(['3', '2', '4']);
    assert.deepEqual(await h.run(), { kind: 'transferred', extension: '2004', target: 'sip:2004@gw.contoso.com' });
    assert.deepEqual(h.call.heard.slice(2), [['custom:1/announcement:business:3'], BUSINESS_MENU, ['aa-welcome'],
      ['aa-for-extension', '2', '0', '0', '4', 'aa-press', '4'], ['aa-transferring'], ['(hangup)']]);
  });

  it('the other auto attendant\'s keys only: its 0 (no operator) is invalid', async () => {
    const h = harness(['2', '0', 'H']);
    assert.deepEqual(await h.run(), { kind: 'hangup' });
    assert.ok(h.call.flat.includes('aa-invalid-entry'));
  });

  it('dials by extension: # then the dial plan\'s digits; an unknown extension is said so', async () => {
    const h = harness(['#', '9999', '#', '1003']);
    assert.deepEqual(await h.run(), { kind: 'transferred', extension: '1003', target: 'sip:1003@gw.contoso.com' });
    assert.deepEqual(h.call.heard.slice(2, 6).map((x) => x[0]), ['aa-enter-extension', 'aa-no-such-extension', 'aa-for-extension', 'aa-enter-extension']);
    assert.deepEqual(h.call.collects[1], { maxDigits: 4, terminator: '#', firstDigitMs: 5000, interDigitMs: 3000 });
    // Typed ahead in one go during the menu.
    const fast = harness(['~#1004']);
    assert.equal((await fast.run()).kind, 'transferred');
    assert.deepEqual(fast.call.transfers, ['sip:1004@gw.contoso.com']);
  });

  it('dials by name: one match transfers; several are read out (recorded name or extension); none goes back', async () => {
    const one = harness(['*', '56637#']);
    assert.deepEqual(await one.run(), { kind: 'transferred', extension: '1004', target: 'sip:1004@gw.contoso.com' });
    assert.deepEqual(one.call.heard[2], ['aa-spell-last-name']);

    const two = harness(['*', '76#', '2']);
    assert.deepEqual(await two.run(), { kind: 'transferred', extension: '1003', target: 'sip:1003@gw.contoso.com' });
    assert.deepEqual(two.call.heard.slice(3, 5), [['aa-for', 'name:alice', 'aa-press', '1'], ['aa-for-extension', '1', '0', '0', '3', 'aa-press', '2']]);

    const none = harness(['*', '222#', 'H']);
    assert.deepEqual(await none.run(), { kind: 'hangup' });
    assert.deepEqual(none.call.heard.slice(3, 5).map((x) => x[0]), ['aa-no-match', 'aa-for-extension']);

    const first = harness(['*', '364#'], { config: mainConfig({ dialByName: 'FirstName' }) });
    assert.deepEqual(await first.run(), { kind: 'transferred', extension: '1005', target: 'sip:1005@gw.contoso.com' });
    assert.deepEqual(first.call.heard[2], ['aa-spell-first-name']);

    const off = harness(['*', 'H'], { config: mainConfig({ dialByName: 'off' }) });
    await off.run();
    assert.ok(off.call.flat.includes('aa-invalid-entry'));
    assert.ok(!off.call.flat.includes('aa-dial-by-name'), 'the menu does not offer what is off');
  });

  it('a disabled auto attendant says it is not in service; a caller who hangs up ends it', async () => {
    const h = harness([], { config: mainConfig({ enabled: false }) });
    assert.deepEqual(await h.run(), { kind: 'disabled' });
    assert.deepEqual(h.call.heard, [['aa-not-available'], ['(hangup)']]);
    const gone = harness(['H']);
    assert.deepEqual(await gone.run(), { kind: 'hangup' });
  });

  it('speaks the auto attendant\'s language', async () => {
    const h = harness(['1'], { config: mainConfig({ language: 'it-IT' }) });
    await h.run();
    assert.equal(h.call.heard[0]?.[0], 'it-IT/aa-welcome');
  });
});
