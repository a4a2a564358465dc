// The mailbox service on both engines: folders newest first, audio as WAV and as 8 kHz samples,
// read/save, the phone's restorable delete (undelete, purge with audio), an administrator's
// delete, MWI counts that follow, greetings and recorded names; and the two audio stores behind
// one interface (local files, the store's table) with hostile keys refused.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { createServer } from '../../src/org/server-settings.js';
import { createUser } from '../../src/org/users.js';
import { messageCounts } from '../../src/org/voice-messages.js';
import { MailboxService } from '../../src/services/mailbox/mailbox-service.js';
import type { AudioStore } from '../../src/store/audio/audio-store.js';
import { FileAudioStore } from '../../src/store/audio/file-audio-store.js';
import { SpooledTableAudioStore } from '../../src/store/audio/spooled-table-audio-store.js';
import { TableAudioStore } from '../../src/store/audio/table-audio-store.js';
import { openStore, type Store } from '../../src/store/database.js';
import { readRevision } from '../../src/store/revision.js';
import { storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { addMessage, sleep, toneWav } from '../support/voicemail.js';

const engines = await storeEngines();

async function storeContract(audio: AudioStore): Promise<void> {
  const wav = toneWav(0.5);
  assert.equal(await audio.get('greetings/7.wav'), undefined);
  await audio.put('greetings/7.wav', wav);
  assert.ok((await audio.get('greetings/7.wav'))?.equals(wav));
  await audio.put('greetings/7.wav', toneWav(0.25));
  assert.equal((await audio.get('greetings/7.wav'))?.length, toneWav(0.25).length);
  await audio.delete('greetings/7.wav');
  await audio.delete('greetings/7.wav');
  assert.equal(await audio.get('greetings/7.wav'), undefined);
  for (const bad of ['../openum.db', 'voicemail/../../x.wav', '/etc/passwd', 'voicemail/a b.wav', 'other/x.wav']) {
    await assert.rejects(audio.get(bad), { code: 'AUDIO_NOT_FOUND' }, bad);
    await assert.rejects(audio.put(bad, wav), { code: 'AUDIO_NOT_FOUND' }, bad);
  }
}

for (const engine of engines) {
  describe(`mailbox service on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pgTarget: PgTarget | undefined;
    let store: Store;
    let mailbox: MailboxService;
    let alice: number;
    const actor = { name: 'test' };

    before(async () => {
      tmp = tempDir();
      pgTarget = await engine.target();
      store = await openStore({ dataDir: tmp.path, databaseUrl: pgTarget?.url });
      await createServer(store.db, actor, { name: 'um1', fqdn: 'um1.contoso.test' });
      await createDialPlan(store.db, actor, 'DP', { extensionLength: 4 });
      alice = (await createUser(store.db, actor, 'alice', { extension: 1000, dialPlan: 'DP', email: 'alice@contoso.test' })).id;
      mailbox = new MailboxService({ db: store.db, messageAudio: new FileAudioStore(tmp.path) });
    });
    after(async () => {
      await store?.close();
      await pgTarget?.drop();
      tmp?.cleanup();
    });

    it('audio stores: files and the store table keep the same contract', async () => {
      await storeContract(new FileAudioStore(tmp.path));
      await storeContract(new TableAudioStore(store.db));
      await storeContract(new SpooledTableAudioStore(store.db, tmp.path));
    });

    it('a spooled recording is found before and after commit, and commit moves it into the store', async () => {
      const shared = new SpooledTableAudioStore(store.db, tmp.path);
      const key = 'voicemail/spooledmessage1.wav';
      const path = await shared.spoolPath(key);
      writeFileSync(path, toneWav(1));
      assert.ok((await shared.get(key))?.equals(toneWav(1)), 'found in the spool');
      await shared.commit(key);
      assert.equal(existsSync(path), false, 'the spool file is gone');
      assert.ok((await new TableAudioStore(store.db).get(key))?.equals(toneWav(1)), 'in the store, for every node');
      await shared.delete(key);
      assert.equal(await shared.get(key), undefined);
    });

    it('lists folders newest first, plays, saves, deletes restorably, undeletes and purges', async () => {
      const old = await addMessage(store.db, tmp.path, { serverName: 'um1', userId: alice, seconds: 3, callerId: '+391111' });
      await sleep(5);
      const missed = await addMessage(store.db, tmp.path, { serverName: 'um1', userId: alice, state: 'missed', callerId: '+392222' });
      await sleep(5);
      const recent = await addMessage(store.db, tmp.path, { serverName: 'um1', userId: alice, seconds: 2, callerId: '+393333' });

      assert.deepEqual((await mailbox.list(alice, 'new')).map((m) => m.id), [recent.id, old.id]);
      assert.deepEqual((await mailbox.list(alice, 'all')).map((m) => m.id), [recent.id, missed.id, old.id]);
      assert.deepEqual(await mailbox.counts(alice), { new: 2, saved: 0 });
      const m = (await mailbox.list(alice, 'new'))[0];
      assert.equal(m?.callerId, '+393333');
      assert.equal(m?.durationMs, 2000);

      const { wav } = await mailbox.audio(recent.id);
      assert.ok(wav.equals(recent.wav));
      const { samples } = await mailbox.samples(recent.id);
      assert.equal(samples.length, 16000);
      await assert.rejects(mailbox.audio(missed.id), { code: 'AUDIO_NOT_FOUND', message: /missed call/ });

      const rev = await readRevision(store.db);
      await mailbox.save(old.id);
      assert.ok((await readRevision(store.db)) > rev, 'a change moves the revision (the MWI watcher follows)');
      assert.deepEqual((await mailbox.list(alice, 'saved')).map((x) => x.id), [old.id]);
      assert.deepEqual(await mailbox.counts(alice), { new: 1, saved: 1 });
      await mailbox.markRead(old.id, false);
      assert.deepEqual(await mailbox.counts(alice), { new: 2, saved: 0 });

      // The phone deletes: gone from the lists and the lamp, restorable until the call ends.
      await mailbox.delete(recent.id, { restorable: true });
      assert.deepEqual((await mailbox.list(alice, 'messages')).map((x) => x.id), [old.id]);
      assert.deepEqual((await messageCounts(store.db, [alice]))[0], { userId: alice, unread: 1, read: 0 });
      assert.equal(await mailbox.undelete(recent.id), true);
      assert.equal(await mailbox.undelete(recent.id), false);
      assert.deepEqual((await mailbox.list(alice, 'messages')).map((x) => x.id), [recent.id, old.id]);
      await mailbox.delete(recent.id, { restorable: true });
      assert.equal(await mailbox.purgeDeleted({ userId: alice }), 1);
      assert.equal(existsSync(recent.file), false, 'the purge removes the audio');
      await assert.rejects(mailbox.get(recent.id), { code: 'VOICE_MESSAGE_NOT_FOUND' });
      await assert.rejects(mailbox.undelete(recent.id), { code: 'VOICE_MESSAGE_NOT_FOUND' });

      // An administrator's delete is at once, with its audio.
      await mailbox.delete(old.id, { actor });
      assert.equal(existsSync(old.file), false);
      assert.deepEqual((await mailbox.list(alice, 'all')).map((x) => x.id), [missed.id]);
    });

    it('greetings and recorded names go through the same store', async () => {
      const g = { wav: toneWav(1), durationMs: 1000 };
      await mailbox.setUserAudio(actor, 'greeting', 'alice', g);
      await mailbox.setUserAudio(actor, 'name', 'alice', { wav: toneWav(0.5), durationMs: 500 });
      assert.equal((await mailbox.userAudio('greeting', alice))?.durationMs, 1000);
      assert.equal((await mailbox.userAudio('name', alice))?.durationMs, 500);
      assert.ok((await new TableAudioStore(store.db).get(`names/${alice}.wav`))?.equals(toneWav(0.5)));
      await assert.rejects(mailbox.setUserAudio(actor, 'name', 'alice', { wav: toneWav(11), durationMs: 11_000 }), { code: 'BAD_AUDIO', message: /at most 10 seconds/ });
      assert.equal(await mailbox.clearUserAudio(actor, 'name', 'alice'), true);
      assert.equal(await mailbox.clearUserAudio(actor, 'name', 'alice'), false);
      assert.equal(await mailbox.userAudio('name', alice), undefined);
    });
  });
}
