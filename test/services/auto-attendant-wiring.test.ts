// The auto attendant application on the store: a configured auto attendant loaded by id, its
// uploaded greeting decoded, the dial plan's directory, the shipped aa- prompts in four languages,
// and the test clock (OPENUM_TEST_CLOCK) that decides business or after hours.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { runAutoAttendant } from '../../src/apps/auto-attendant/auto-attendant.js';
import { PROMPT_LANGUAGES, PromptLibrary } from '../../src/media/audio/prompt-library.js';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import { setAutoAttendantGreeting, setKey } from '../../src/org/auto-attendant-parts.js';
import { createAutoAttendant } from '../../src/org/auto-attendants.js';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { createUser } from '../../src/org/users.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { toGreetingWav } from '../../src/services/voicemail/greeting-audio.js';
import { autoAttendantServices, gatewayTransferTarget, loadAutoAttendantConfig, testClock } from '../../src/services/worker/auto-attendant-services.js';
import { FakePrompts, ScriptedCall } from '../apps/scripted-call.js';
import { tempDir } from '../support/run.js';

const log = pino({ level: 'silent' });

describe('auto attendant on the store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let db: Kysely<Database>;
  let aaId: number;
  let planId: number;
  const actor = { name: 'test' };

  before(async () => {
    tmp = tempDir();
    store = await openStore({ dataDir: tmp.path });
    db = store.db;
    planId = (await createDialPlan(db, actor, 'Contoso', { extensionLength: 4, defaultLanguage: 'fr-FR' })).id;
    await createUser(db, actor, 'alice', { extension: '1001', dialPlan: 'Contoso', email: 'alice@contoso.com', displayName: 'Alice Smith' });
    await createUser(db, actor, 'bob', { extension: '1003', dialPlan: 'Contoso', email: 'bob@contoso.com' });
    await createUser(db, actor, 'off', { extension: '1009', dialPlan: 'Contoso', email: 'off@contoso.com', umEnabled: false });
    const aa = await createAutoAttendant(db, actor, 'Main', {
      dialPlan: 'Contoso', timeZone: 'Europe/Rome', businessHours: 'Mon.08:00-Fri.18:00', dialByName: 'last', operatorExtension: '1000',
    });
    aaId = aa.id;
    await setKey(db, actor, 'Main', 'business', '1', { action: 'voicemail', target: 'alice' });
    const samples = Buffer.alloc(800);
    await setAutoAttendantGreeting(db, actor, 'Main', { hours: 'after' },
      toGreetingWav(Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, samples.length), samples])));
  });
  after(async () => {
    await store?.close();
    tmp?.cleanup();
  });

  it('ships every aa- prompt in the four languages', () => {
    const prompts = new PromptLibrary();
    const table = readFileSync(join(prompts.root, '..', '..', 'scripts', 'prompts', 'auto-attendant.tsv'), 'utf8');
    const names = [...new Set(table.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t')[0]!))];
    assert.ok(names.length >= 20);
    for (const name of names) {
      assert.ok(name.startsWith('aa-'), name);
      for (const lang of PROMPT_LANGUAGES) assert.ok(existsSync(join(prompts.root, lang, `${name}.wav`)), `${lang}/${name}.wav`);
    }
  });

  it('loads the configuration, the directory and the greeting, and runs a call on them', async () => {
    const config = await loadAutoAttendantConfig(db, aaId);
    assert.deepEqual([config?.language, config?.extensionLength, config?.keys.business, config?.dialByName],
      ['fr-FR', 4, [{ key: '1', action: 'voicemail', userId: config?.keys.business[0]?.action === 'voicemail' ? config.keys.business[0].userId : -1 }], 'LastName']);
    assert.equal(await loadAutoAttendantConfig(db, 424242), undefined);
    const left: number[] = [];
    const services = autoAttendantServices({
      db, prompts: new PromptLibrary(), dialPlanId: planId, log, now: () => new Date('2026-03-04T10:00:00Z'),
      transferTarget: (ext) => `sip:${ext}@192.0.2.10:5060`, leaveMessage: (id) => { left.push(id); return Promise.resolve(); },
    });
    assert.deepEqual((await services.directory()).map((u) => [u.extension, u.firstName, u.lastName]), [['1001', 'Alice', 'Smith'], ['1003', 'bob', 'bob']]);
    assert.equal((await services.audio(aaId, 'after-hours'))?.length, 400);
    assert.equal(await services.audio(aaId, 'business-hours'), undefined);

    // Business hours (Wednesday 11:00 in Rome): key 1 leaves a message for alice.
    const call = new ScriptedCall(new FakePrompts(), ['1']);
    assert.equal((await runAutoAttendant(call, config!, services)).kind, 'voicemail');
    assert.equal(left.length, 1);
    // Dial by name, spelled "76" (Smith): one match, transferred to the gateway.
    const byName = new ScriptedCall(new FakePrompts(), ['*', '76#']);
    assert.deepEqual(await runAutoAttendant(byName, config!, services), { kind: 'transferred', extension: '1001', target: 'sip:1001@192.0.2.10:5060' });
    // A disabled user is not in the directory.
    const byExt = new ScriptedCall(new FakePrompts(), ['#', '1009', 'H']);
    assert.deepEqual(await runAutoAttendant(byExt, config!, services), { kind: 'hangup' });
    assert.deepEqual(byExt.transfers, []);
  });

  it('reads the test clock from OPENUM_TEST_CLOCK only when set', () => {
    const clock = testClock({ OPENUM_TEST_CLOCK: '2026-03-07T10:00:00Z' });
    const t = clock().getTime();
    assert.ok(t >= Date.parse('2026-03-07T10:00:00Z') && t < Date.parse('2026-03-07T10:01:00Z'));
    assert.ok(Math.abs(testClock({}).call(undefined).getTime() - Date.now()) < 1000);
    assert.ok(Math.abs(testClock({ OPENUM_TEST_CLOCK: 'soon' }).call(undefined).getTime() - Date.now()) < 1000);
  });
});

describe('transfer targets at the gateway', () => {
  it('builds sip:EXT@gateway with the transport of the call', () => {
    assert.equal(gatewayTransferTarget({ address: '192.0.2.10', port: 5060 }, 'udp')('1002'), 'sip:1002@192.0.2.10:5060');
    assert.equal(gatewayTransferTarget({ address: 'gw.contoso.com', port: 5061 }, 'tls')('1002'), 'sip:1002@gw.contoso.com:5061;transport=tls');
    assert.equal(gatewayTransferTarget({ address: '2001:db8::1', port: 5060 }, 'tcp')('1002'), 'sip:1002@[2001:db8::1]:5060;transport=tcp');
    assert.throws(() => gatewayTransferTarget({ address: '192.0.2.10', port: 5060 }, 'udp')('10@evil'), /not a dialable extension/);
  });
});
