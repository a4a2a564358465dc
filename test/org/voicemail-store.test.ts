// The voice-mail queries on both engines (SQLite always, PostgreSQL when it answers or is
// required): SMTP and minimum-recording settings, MWI targets and state, the delivery queue's
// queries, greetings as blobs, and a user's removal taking its messages, files and state along.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { createHuntGroup } from '../../src/org/hunt-groups.js';
import { createGateway } from '../../src/org/ip-gateways.js';
import { mwiTargets } from '../../src/org/mwi-targets.js';
import { createServer, getServer, setUmService } from '../../src/org/server-settings.js';
import { clearSmtp, setSmtp } from '../../src/org/smtp-settings.js';
import { clearGreeting, getGreeting, setGreeting } from '../../src/org/user-greetings.js';
import { createUser, removeUser } from '../../src/org/users.js';
import {
  dueDeliveries, markRead, messageCounts, nextDeliveryAt, notifiedCounts, orphanedRecordings, recordDelivery, recordNotified, retryPendingNow,
} from '../../src/org/voice-messages.js';
import { openStore, type Store } from '../../src/store/database.js';
import { readRevision } from '../../src/store/revision.js';
import type { Database } from '../../src/store/schema.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { addMessage, toneWav } from '../support/voicemail.js';

const engines = await storeEngines();

for (const engine of engines) {
  describe(`voice mail store on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    let db: Kysely<Database>;
    let alice: number;
    let bob: number;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      db = store.db;
      await createServer(db, actor, { name: 'um1', fqdn: 'um1.contoso.test' });
      await createDialPlan(db, actor, 'DP', { extensionLength: 4 });
      await createDialPlan(db, actor, 'Other', { extensionLength: 4 });
      await createGateway(db, actor, 'GW1', { address: '192.0.2.1', dialPlan: 'DP' });
      await createGateway(db, actor, 'NOMWI', { address: '192.0.2.2', dialPlan: 'DP', mwiAllowed: false });
      await createGateway(db, actor, 'OFF', { address: '192.0.2.3', dialPlan: 'DP', status: 'Disabled' });
      await createGateway(db, actor, 'ELSEWHERE', { address: '192.0.2.4', dialPlan: 'Other' });
      await createHuntGroup(db, actor, 'second', { gateway: 'GW1', dialPlan: 'DP', pilotIdentifier: '4001' });
      alice = (await createUser(db, actor, 'alice', { extension: 1000, dialPlan: 'DP', email: 'alice@contoso.test' })).id;
      bob = (await createUser(db, actor, 'bob', { extension: 1001, dialPlan: 'DP', email: 'bob@contoso.test' })).id;
    });
    after(async () => {
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('SMTP and minimum recording settings', async () => {
      let s = await getServer(db, 'um1');
      assert.deepEqual(s.smtp, { host: null, port: 25, security: 'starttls', from: null });
      assert.equal(s.umService.minRecordingMs, 2000);
      s = await setSmtp(db, actor, 'um1', { host: '2001:DB8::25', security: 'TLS', from: 'UM@Contoso.test' });
      assert.deepEqual(s.smtp, { host: '2001:db8::25', port: 465, security: 'tls', from: 'um@contoso.test' });
      s = await setSmtp(db, actor, 'um1', { port: '2525', from: '' });
      assert.deepEqual(s.smtp, { host: '2001:db8::25', port: 2525, security: 'tls', from: null });
      s = await clearSmtp(db, actor, 'um1');
      assert.equal(s.smtp.host, null);
      s = await setUmService(db, actor, 'um1', { minRecordingSeconds: '0.25' });
      assert.equal(s.umService.minRecordingMs, 250);
      await assert.rejects(setUmService(db, actor, 'um1', { minRecordingSeconds: 'two' }), { code: 'BAD_SETTING' });
    });

    it('MWI targets: enabled gateways that allow MWI, once each, of the user dial plan only', async () => {
      const targets = await mwiTargets(db);
      assert.deepEqual(targets.map((t) => [t.userId, t.extension, t.voipSecurity, t.gateways.map((g) => g.name)]),
        [[alice, '1000', 'Unsecured', ['GW1']], [bob, '1001', 'Unsecured', ['GW1']]]);
      assert.deepEqual(await mwiTargets(db, []), []);
    });

    it('counts, MWI state (upsert), the delivery queue and orphaned recordings', async () => {
      const m1 = await addMessage(db, tmp.path, { serverName: 'um1', userId: alice });
      const m2 = await addMessage(db, tmp.path, { serverName: 'um1', userId: alice });
      await addMessage(db, tmp.path, { serverName: 'um1', userId: alice, state: 'missed' });
      const rec = await addMessage(db, tmp.path, { serverName: 'um1', userId: bob, state: 'recording', worker: 1 });
      await addMessage(db, tmp.path, { serverName: 'um2', userId: bob });
      const revision = await readRevision(db);
      await markRead(db, m1.id);
      assert.equal(await readRevision(db), revision + 1, 'marking read moves the revision (MWI reconcile)');
      await assert.rejects(markRead(db, 99999), { code: 'VOICE_MESSAGE_NOT_FOUND' });
      assert.deepEqual((await messageCounts(db, [alice, bob])).sort((a, b) => a.userId - b.userId),
        [{ userId: alice, unread: 1, read: 1 }, { userId: bob, unread: 1, read: 0 }]);
      await recordNotified(db, { userId: alice, unread: 2, read: 0 });
      await recordNotified(db, { userId: alice, unread: 1, read: 1 });
      await recordNotified(db, { userId: 424242, unread: 1, read: 0 }); // no such user: ignored
      assert.deepEqual(await notifiedCounts(db), [{ userId: alice, unread: 1, read: 1 }]);

      const due = await dueDeliveries(db, new Date(Date.now() + 1000).toISOString(), 20, 'um1');
      assert.deepEqual(due.map((m) => m.id).sort(), [m1.id, m2.id].sort(), "this server's stored messages only");
      const later = new Date(Date.now() + 3_600_000).toISOString();
      await recordDelivery(db, m1.id, { ok: false, error: '451 try later', retryAt: later });
      await recordDelivery(db, m2.id, { ok: true });
      assert.equal(await nextDeliveryAt(db, 'um1'), later);
      assert.equal(await retryPendingNow(db, 'um1'), 1);
      assert.ok(Date.parse((await nextDeliveryAt(db, 'um1')) ?? '') <= Date.now());

      assert.deepEqual((await orphanedRecordings(db, 'um1', 1)).map((m) => m.id), [rec.id]);
      assert.deepEqual(await orphanedRecordings(db, 'um1', 1, '2000-01-01T00:00:00.000Z'), []);
      assert.deepEqual(await orphanedRecordings(db, 'um1', 0), []);
    });

    it('greetings round-trip as bytes; removing a user takes messages, files, greeting and MWI state', async () => {
      const wav = toneWav(0.25);
      await setGreeting(db, actor, 'alice', { wav, durationMs: 250 });
      await setGreeting(db, actor, 'alice', { wav, durationMs: 250 });
      const g = await getGreeting(db, alice);
      assert.ok(g?.wav.equals(wav));
      await assert.rejects(setGreeting(db, actor, 'alice', { wav, durationMs: 300_001 }), { code: 'BAD_AUDIO' });
      assert.equal(await clearGreeting(db, actor, 'alice'), true);
      assert.equal(await clearGreeting(db, actor, 'alice'), false);
      await setGreeting(db, actor, 'alice', { wav, durationMs: 250 });

      const m = await addMessage(db, tmp.path, { serverName: 'um1', userId: alice });
      assert.ok(existsSync(m.file));
      const { audioPaths } = await removeUser(db, actor, 'alice', { dataDir: tmp.path });
      assert.ok(audioPaths.includes(m.audioPath));
      assert.equal(existsSync(m.file), false);
      assert.equal((await db.selectFrom('voice_messages').select('id').where('user_id', '=', alice).execute()).length, 0);
      assert.equal(await getGreeting(db, alice), undefined);
      assert.deepEqual(await notifiedCounts(db), []);
    });
  });
}
