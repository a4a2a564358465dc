// Migration 0004 on both engines, from a store that has data: every existing dial plan gets its
// default mailbox policy and its users get it; greetings move from user_greetings into the audio
// table (the same bytes, found under greetings/<user id>.wav); messages are not deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { getGreeting } from '../../src/org/user-greetings.js';
import { getUser } from '../../src/org/users.js';
import { listMessages } from '../../src/org/voice-messages.js';
import { listPolicies } from '../../src/org/mailbox-policies.js';
import { openStore, type Store } from '../../src/store/database.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { toneWav } from '../support/voicemail.js';

const engines = await storeEngines();

for (const engine of engines) {
  describe(`migration 0004 on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store | undefined;

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
    });
    after(async () => {
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('default policies for existing dial plans, users given them, greetings moved', async () => {
      const old = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url, migrateTo: '0003-voicemail' });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = old.db as unknown as Kysely<any>;
      const now = new Date().toISOString();
      const plan = (name: string) => db.insertInto('dial_plans').values({
        name, uri_type: 'TelExtn', extension_length: 4, voip_security: 'Unsecured', country_code: null, access_numbers: '[]',
        default_language: 'en-US', max_call_minutes: 30, max_recording_minutes: 20, recording_idle_seconds: 5, input_failures: 3,
        logon_failures: 3, audio_codec: 'WAV', created_at: now, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow() as Promise<{ id: number }>;
      const dp = Number((await plan('DP')).id);
      const other = Number((await plan('Other')).id);
      const user = (name: string, ext: string, planId: number) => db.insertInto('users').values({
        name, display_name: name, extension: ext, sip_uri: null, email: `${name}@contoso.test`, dial_plan_id: planId, um_enabled: 1, created_at: now, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow() as Promise<{ id: number }>;
      const alice = Number((await user('alice', '1000', dp)).id);
      await user('bob', '2000', other);
      const wav = toneWav(0.5);
      await db.insertInto('user_greetings').values({ user_id: alice, wav, duration_ms: 500, updated_at: now }).execute();
      await db.insertInto('voice_messages').values({
        message_key: 'abcdefghijkl', server_name: 'um1', worker: 0, user_id: alice, caller_id: '+391', caller_name: '', called: '1000',
        call_id: 'x@gw', received_at: now, duration_ms: 3000, audio_path: 'voicemail/abcdefghijkl.wav', audio_format: 'WAV', state: 'stored',
        end_reason: 'hangup', read: 0, delivery: 'delivered', delivery_attempts: 1, next_attempt_at: null, delivered_at: now, last_error: null,
        created_at: now, updated_at: now,
      }).execute();
      await old.close();

      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      const policies = await listPolicies(store.db);
      assert.deepEqual(policies.map((p) => [p.name, p.dialPlanName, p.isDefault, p.minPinLength]), [
        ['DP Default Policy', 'DP', true, 6], ['Other Default Policy', 'Other', true, 6],
      ]);
      assert.equal((await getUser(store.db, 'alice')).policyName, 'DP Default Policy');
      assert.equal((await getUser(store.db, 'bob')).policyName, 'Other Default Policy');
      const g = await getGreeting(store.db, alice);
      assert.ok(g?.wav.equals(wav), 'the greeting moved, byte for byte');
      assert.equal(g?.durationMs, 500);
      const messages = await listMessages(store.db, alice);
      assert.deepEqual(messages.map((m) => [m.key, m.deletedAt]), [['abcdefghijkl', null]]);
    });
  });
}
