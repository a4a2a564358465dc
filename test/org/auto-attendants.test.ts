// Auto attendants in the store on both engines (SQLite always, PostgreSQL when it answers): the
// defaults, pilot numbers unique against access numbers, the plan's other auto attendants and its
// users' extensions, time zone and business hours refusals that change nothing, key mappings
// (targets in the same dial plan), holidays with their greetings, audit entries, removal rules and
// the exports the routing module and the application read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { OpenUmError, type ErrorCode } from '../../src/errors.js';
import { wavHeader } from '../../src/media/audio/wav-header.js';
import { clearKey, removeHoliday, setAutoAttendantGreeting, setHoliday, setKey } from '../../src/org/auto-attendant-parts.js';
import {
  createAutoAttendant, getAutoAttendant, getAutoAttendantAudio, listAutoAttendants, loadAutoAttendantRoutes, loadAutoAttendantRuntime,
  removeAutoAttendant, setAutoAttendant,
} from '../../src/org/auto-attendants.js';
import { createDialPlan, removeDialPlan, setDialPlan } from '../../src/org/dial-plans.js';
import { createUser, removeUser, setUser } from '../../src/org/users.js';
import { readAudit } from '../../src/store/audit.js';
import { openStore, type Store } from '../../src/store/database.js';
import { readRevision } from '../../src/store/revision.js';
import type { Database } from '../../src/store/schema.js';
import { toGreetingWav } from '../../src/services/voicemail/greeting-audio.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';

/** A 16 kHz stereo WAV of `ms` of a tone: the conversion makes it 8 kHz mono. */
function wav(ms: number): Buffer {
  const frames = (16000 * ms) / 1000;
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    data.writeInt16LE(v, i * 4);
    data.writeInt16LE(v, i * 4 + 2);
  }
  return Buffer.concat([wavHeader({ sampleRate: 16000, channels: 2, bitsPerSample: 16 }, data.length), data]);
}

const engines = await storeEngines();

for (const engine of engines) {
  describe(`auto attendants on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    let db: Kysely<Database>;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      db = store.db;
      await createDialPlan(db, actor, 'Contoso', { extensionLength: 4, accessNumbers: ['+14255550100'] });
      await createDialPlan(db, actor, 'Fabrikam', { extensionLength: 3 });
      await createUser(db, actor, 'alice', { extension: '1001', dialPlan: 'Contoso', email: 'alice@contoso.com', displayName: 'Alice Smith' });
      await createUser(db, actor, 'bob', { extension: '101', dialPlan: 'Fabrikam', email: 'bob@fabrikam.com', displayName: 'Bob Jones' });
    });
    after(async () => {
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    async function refused(change: () => Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
      const revision = await readRevision(db);
      const [lastAudit] = await readAudit(db, { limit: 1 });
      await assert.rejects(change(), (e: unknown) => {
        assert.ok(e instanceof OpenUmError, `expected an OpenUmError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
      assert.equal(await readRevision(db), revision, 'a refused change leaves the revision as it was');
      assert.equal((await readAudit(db, { limit: 1 }))[0]?.id, lastAudit?.id, 'a refused change writes no audit entry');
    }

    it('creates one with the Exchange defaults and audits it', async () => {
      const a = await createAutoAttendant(db, actor, 'Main', { dialPlan: 'contoso', numbers: ['+1 425 555 0199'] });
      assert.deepEqual({ ...a, id: 0, dialPlanId: 0, createdAt: '', updatedAt: '' }, {
        id: 0, name: 'Main', dialPlanId: 0, dialPlanName: 'Contoso', enabled: true, numbers: ['+14255550199'], timeZone: 'UTC',
        businessHours: ['always'], holidays: [], greetings: { businessHours: 'system', afterHours: 'system' }, operatorExtension: null,
        dialByExtension: true, dialByName: 'off', language: null, keys: { business: [], after: [] }, createdAt: '', updatedAt: '',
      });
      const [audit] = await readAudit(db, { limit: 1 });
      assert.deepEqual([audit?.action, audit?.target], ['autoattendant.create', 'Main']);
    });

    it('sets the time zone, business hours, operator, dial by name; refuses bad values changing nothing', async () => {
      const a = await setAutoAttendant(db, actor, 'main', {
        timeZone: 'Europe/Rome', businessHours: ['Mon.08:00-Mon.18:00', 'Tue.08:00-Tue.18:00'], operatorExtension: '1000', dialByName: 'last', language: 'it-IT',
      });
      assert.deepEqual([a.timeZone, a.businessHours, a.operatorExtension, a.dialByName, a.language],
        ['Europe/Rome', ['Mon.08:00-Mon.18:00', 'Tue.08:00-Tue.18:00'], '1000', 'LastName', 'it-IT']);
      await refused(() => setAutoAttendant(db, actor, 'Main', { timeZone: 'Mars/Olympus' }), 'BAD_SETTING', /^the time zone "Mars\/Olympus" does not exist/);
      await refused(() => setAutoAttendant(db, actor, 'Main', { businessHours: 'Mon.08:05-Mon.18:00' }), 'BAD_SETTING', /15-minute step/);
      await refused(() => setAutoAttendant(db, actor, 'Main', { dialByName: 'maybe' }), 'BAD_SETTING', /dial by name takes off, last or first/);
      await refused(() => setAutoAttendant(db, actor, 'Main', { operatorExtension: 'x1' }), 'BAD_SETTING', /digits only/);
      await refused(() => setAutoAttendant(db, actor, 'Nope', { enabled: false }), 'AUTO_ATTENDANT_NOT_FOUND', /no auto attendant is named "Nope"/);
      await refused(() => createAutoAttendant(db, actor, 'main', { dialPlan: 'Contoso' }), 'OBJECT_EXISTS', /already exists/);
      await refused(() => createAutoAttendant(db, actor, 'X', { dialPlan: 'Nope' }), 'DIAL_PLAN_NOT_FOUND', /no dial plan/);
      assert.equal((await getAutoAttendant(db, 'Main')).timeZone, 'Europe/Rome');
    });

    it('keeps pilot numbers unique against access numbers and the plan\'s other auto attendants', async () => {
      await refused(() => createAutoAttendant(db, actor, 'Sales', { dialPlan: 'Contoso', numbers: ['+14255550100'] }), 'OBJECT_EXISTS',
        /the number \+14255550100 is an access number of the dial plan "Contoso"/);
      await refused(() => createAutoAttendant(db, actor, 'Sales', { dialPlan: 'Contoso', numbers: ['+14255550199'] }), 'OBJECT_EXISTS',
        /already a pilot number of the auto attendant "Main" in this dial plan/);
      await refused(() => setDialPlan(db, actor, 'Fabrikam', { accessNumbers: ['+14255550199'] }), 'OBJECT_EXISTS',
        /is a pilot number of the auto attendant "Main"/);
      // The same number in another dial plan is another pilot (the gateway's dial plan tells them apart).
      const f = await createAutoAttendant(db, actor, 'FabMain', { dialPlan: 'Fabrikam', numbers: ['+14255550199'], enabled: 'off' });
      assert.equal(f.enabled, false);
      const s = await createAutoAttendant(db, actor, 'Sales', { dialPlan: 'Contoso', numbers: ['+14255550198', 'sip:Sales@contoso.com'] });
      assert.deepEqual(s.numbers, ['+14255550198', 'sip:sales@contoso.com']);
      const routes = await loadAutoAttendantRoutes(db);
      assert.deepEqual(routes.map((r) => [r.name, r.enabled, r.numbers]), [
        ['FabMain', false, ['+14255550199']], ['Main', true, ['+14255550199']], ['Sales', true, ['+14255550198', 'sip:sales@contoso.com']],
      ]);
      assert.equal(routes[1]?.dialPlanId, (await getAutoAttendant(db, 'Main')).dialPlanId);
      assert.deepEqual((await listAutoAttendants(db, { dialPlan: 'fabrikam' })).map((a) => a.name), ['FabMain']);
    });

    it('a number leads to one place: no pilot or access number is a user\'s extension in the plan, and no extension one of them', async () => {
      await refused(() => createAutoAttendant(db, actor, 'Desk', { dialPlan: 'Contoso', numbers: ['1001'] }), 'OBJECT_EXISTS',
        /^the pilot number 1001 is the extension of the user "alice" in the dial plan "Contoso"; .*reach the auto attendant, never alice/);
      await refused(() => setDialPlan(db, actor, 'Contoso', { accessNumbers: ['+14255550100', '1001'] }), 'OBJECT_EXISTS',
        /^the access number 1001 is the extension of the user "alice" .*reach subscriber access/);
      await createAutoAttendant(db, actor, 'Desk', { dialPlan: 'Contoso', numbers: ['2000'] });
      await setDialPlan(db, actor, 'Contoso', { accessNumbers: ['+14255550100', '3000'] });
      try {
        await refused(() => createUser(db, actor, 'carol', { extension: '2000', dialPlan: 'Contoso', email: 'carol@contoso.com' }), 'OBJECT_EXISTS',
          /^the extension 2000 is a pilot number of the auto attendant "Desk" in the dial plan "Contoso"/);
        await refused(() => setUser(db, actor, 'alice', { extension: '3000' }), 'OBJECT_EXISTS',
          /^the extension 3000 is an access number of the dial plan "Contoso" \(subscriber access\)/);
        // The same digits in another dial plan are another number; other changes to a user are not held up.
        await createUser(db, actor, 'dora', { extension: '200', dialPlan: 'Fabrikam', email: 'dora@fabrikam.com' });
        assert.equal((await setUser(db, actor, 'alice', { displayName: 'Alice Smith' })).extension, '1001');
      } finally {
        await removeUser(db, actor, 'dora').catch(() => undefined);
        await removeAutoAttendant(db, actor, 'Desk');
        await setDialPlan(db, actor, 'Contoso', { accessNumbers: ['+14255550100'] });
      }
    });

    it('maps keys to targets in the same dial plan only', async () => {
      await setKey(db, actor, 'Main', 'business', 1, { action: 'transfer', target: '1002' });
      await setKey(db, actor, 'Main', 'business', '2', { action: 'autoattendant', target: 'sales' });
      await setKey(db, actor, 'Main', 'business', '3', { action: 'voicemail', target: 'alice' });
      const a = await setKey(db, actor, 'Main', 'after', '4', { action: 'announcement', audio: toGreetingWav(wav(300)) });
      assert.deepEqual(a.keys.business.map((k) => ({ ...k, ...('autoAttendantId' in k ? { autoAttendantId: 0 } : {}), ...('userId' in k ? { userId: 0 } : {}) })), [
        { key: '1', action: 'transfer', extension: '1002' },
        { key: '2', action: 'autoattendant', autoAttendantId: 0, autoAttendant: 'Sales' },
        { key: '3', action: 'voicemail', userId: 0, user: 'alice' },
      ]);
      assert.deepEqual(a.keys.after, [{ key: '4', action: 'announcement' }]);
      const [audit] = await readAudit(db, { limit: 1 });
      assert.deepEqual([audit?.action, audit?.target], ['autoattendant.key.set', 'Main']);
      const audio = await getAutoAttendantAudio(db, a.id, 'announcement:after:4');
      assert.equal(audio?.readUInt32LE(24), 8000);

      await refused(() => setKey(db, actor, 'Main', 'business', '0', { action: 'transfer', target: '1002' }), 'BAD_SETTING', /key 0 is the operator/);
      await refused(() => setKey(db, actor, 'Main', 'business', '#', { action: 'transfer', target: '1002' }), 'BAD_SETTING', /one digit from 1 to 9/);
      await refused(() => setKey(db, actor, 'Main', 'lunch', '1', { action: 'transfer', target: '1002' }), 'BAD_SETTING', /business or after/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'dance' }), 'BAD_SETTING', /the key action must be one of transfer, autoattendant, announcement, voicemail/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'transfer', target: '12' }), 'BAD_SETTING', /uses 4-digit extensions/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'transfer' }), 'BAD_ARGUMENT', /needs the extension/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'autoattendant', target: 'Main' }), 'BAD_SETTING', /cannot lead to "Main" itself/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'autoattendant', target: 'FabMain' }), 'BAD_SETTING', /in the dial plan "Fabrikam", not "Contoso"/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'voicemail', target: 'bob' }), 'BAD_SETTING', /the user "bob" is in the dial plan "Fabrikam"/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'voicemail', target: 'carol' }), 'UM_USER_NOT_FOUND', /carol/);
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'announcement' }), 'BAD_ARGUMENT', /needs its recording/);
      await createUser(db, actor, 'dave', { extension: '1005', dialPlan: 'Contoso', email: 'dave@contoso.com', umEnabled: false });
      await refused(() => setKey(db, actor, 'Main', 'business', '5', { action: 'voicemail', target: 'dave' }), 'BAD_SETTING', /"dave" is not UM-enabled/);

      // A removed user takes the keys to their voice mail along.
      await createUser(db, actor, 'carol', { extension: '1003', dialPlan: 'Contoso', email: 'carol@contoso.com' });
      await setKey(db, actor, 'Main', 'after', '6', { action: 'voicemail', target: 'carol' });
      await removeUser(db, actor, 'carol', { dataDir: tmp.path });
      assert.deepEqual((await getAutoAttendant(db, 'Main')).keys.after.map((k) => k.key), ['4']);
      const cleared = await clearKey(db, actor, 'Main', 'after', '4');
      assert.deepEqual(cleared.keys.after, []);
      assert.equal(await getAutoAttendantAudio(db, a.id, 'announcement:after:4'), undefined);
    });

    it('keeps holidays with their own greetings, and business/after-hours greetings', async () => {
      await setHoliday(db, actor, 'Main', 'Christmas', '2026-12-25', '2026-12-26');
      let a = await setHoliday(db, actor, 'Main', 'New Year', '2027-01-01');
      assert.deepEqual(a.holidays.map((h) => [h.name, h.startDate, h.endDate, h.greeting]),
        [['Christmas', '2026-12-25', '2026-12-26', 'system'], ['New Year', '2027-01-01', '2027-01-01', 'system']]);
      await refused(() => setHoliday(db, actor, 'Main', 'Easter', '2027-04-05', '2027-04-04'), 'BAD_SETTING', /ends \(2027-04-04\) before it starts/);
      await refused(() => setHoliday(db, actor, 'Main', 'Easter', '2027-13-01'), 'BAD_SETTING', /YYYY-MM-DD/);
      a = await setAutoAttendantGreeting(db, actor, 'Main', { holiday: 'christmas' }, toGreetingWav(wav(200)));
      assert.equal(a.holidays[0]?.greeting, 'custom');
      a = await setAutoAttendantGreeting(db, actor, 'Main', { hours: 'after' }, toGreetingWav(wav(200)));
      assert.deepEqual(a.greetings, { businessHours: 'system', afterHours: 'custom' });
      await refused(() => setAutoAttendantGreeting(db, actor, 'Main', { holiday: 'Easter' }, undefined), 'BAD_SETTING', /has no holiday named "Easter"/);
      const christmas = a.holidays[0]!;
      assert.ok(await getAutoAttendantAudio(db, a.id, `holiday:${christmas.id}`));
      a = await removeHoliday(db, actor, 'Main', 'Christmas');
      assert.equal(await getAutoAttendantAudio(db, a.id, `holiday:${christmas.id}`), undefined);
      assert.deepEqual(a.holidays.map((h) => h.name), ['New Year']);

      const rt = await loadAutoAttendantRuntime(db, a.id);
      assert.deepEqual([rt?.language, rt?.extensionLength, rt?.inputFailuresBeforeDisconnect, rt?.timeZone, rt?.hours.length, rt?.greetings.afterHours],
        ['it-IT', 4, 3, 'Europe/Rome', 2, 'custom']);
      assert.equal(await loadAutoAttendantRuntime(db, 999_999), undefined);
    });

    it('refuses to remove one another key leads to, and a dial plan with auto attendants', async () => {
      await refused(() => removeAutoAttendant(db, actor, 'Sales'), 'OBJECT_IN_USE', /"Sales" is reached by keys of "Main"/);
      await refused(() => removeDialPlan(db, actor, 'Fabrikam'), 'OBJECT_IN_USE', /the auto attendants "FabMain"/);
      await removeAutoAttendant(db, actor, 'Main');
      await removeAutoAttendant(db, actor, 'Sales');
      const [audit] = await readAudit(db, { limit: 1 });
      assert.deepEqual([audit?.action, audit?.target], ['autoattendant.remove', 'Sales']);
      assert.deepEqual((await loadAutoAttendantRoutes(db)).map((r) => r.name), ['FabMain']);
      const left = await db.selectFrom('auto_attendant_audio').select('slot').execute();
      assert.deepEqual(left, []);
    });
  });
}
