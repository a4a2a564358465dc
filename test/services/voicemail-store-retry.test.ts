// Messages that waited on local disk while the store was unreachable (services/voicemail/
// pending-messages.ts, store-retry.ts): stored once whatever happened before — no row yet, a row
// still 'recording', a row a recovery already completed, a pass repeated after a crash between
// the store and the removal. On both engines. Then the worker's mailbox (VoicemailBox) against a
// real PostgreSQL behind a proxy that is cut before the recording begins: the recording goes on
// to local disk, the caller is told it is stored, and the retry stores it when the proxy is back.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDialPlan } from '../../src/org/dial-plans.js';
import { createServer } from '../../src/org/server-settings.js';
import { createUser } from '../../src/org/users.js';
import { beginMessage, completeMessage, messageByKey, newMessageKey, type BeginMessage } from '../../src/org/voice-messages.js';
import { PENDING_DIR, PendingMessages, type PendingMessage } from '../../src/services/voicemail/pending-messages.js';
import { StoreRetry } from '../../src/services/voicemail/store-retry.js';
import { VoicemailBox } from '../../src/services/worker/voicemail-box.js';
import { messageAudioKey } from '../../src/store/audio/audio-store.js';
import { FileAudioStore } from '../../src/store/audio/file-audio-store.js';
import { openStore, type Store } from '../../src/store/database.js';
import { cuttableProxy, type CuttableProxy } from '../support/cuttable-proxy.js';
import { postgresBaseUrl, storeEngines, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { silentLog, toneWav, waitFor } from '../support/voicemail.js';

const actor = { name: 'test' };

async function site(dataDir: string, databaseUrl: string | undefined): Promise<{ store: Store; userId: number }> {
  const store = await openStore({ dataDir, databaseUrl });
  await createServer(store.db, actor, { name: 'um1', fqdn: 'um1.contoso.test' });
  await createDialPlan(store.db, actor, 'DP', { extensionLength: 4 });
  const userId = (await createUser(store.db, actor, 'alice', { extension: '1000', dialPlan: 'DP', email: 'alice@contoso.test' })).id;
  return { store, userId };
}

function rowFor(userId: number, key = newMessageKey(), audioPath = messageAudioKey(key)): BeginMessage {
  return { key, serverName: 'um1', worker: 0, userId, callerId: '+39021234567', callerName: 'Carla Rossi', called: '1000', callId: `${key}@gw`, audioPath, audioFormat: 'WAV' };
}

for (const engine of await storeEngines()) {
  describe(`store retry of waiting voice messages on ${engine.name}`, { skip: engine.skip }, () => {
    let tmp: ReturnType<typeof tempDir>;
    let pg: PgTarget | undefined;
    let store: Store;
    let userId: number;
    let pending: PendingMessages;
    let retry: StoreRetry;
    const told: number[][] = [];

    before(async () => {
      tmp = tempDir('openum-retry-');
      pg = await engine.target();
      ({ store, userId } = await site(tmp.path, pg?.url));
      pending = new PendingMessages(tmp.path);
      retry = new StoreRetry({ db: store.db, audio: new FileAudioStore(tmp.path), dataDir: tmp.path, log: silentLog(), onStored: (ids) => told.push(ids) });
    });
    after(async () => {
      await retry?.stop();
      await store?.close();
      await pg?.drop();
      tmp?.cleanup();
    });

    /** An entry as a worker leaves it, its WAV in DATA/voicemail. */
    function waiting(state: 'stored' | 'missed' = 'stored'): PendingMessage {
      const row = rowFor(userId);
      if (state === 'stored') {
        mkdirSync(join(tmp.path, 'voicemail'), { recursive: true });
        writeFileSync(join(tmp.path, row.audioPath), toneWav(3));
      }
      return { row: state === 'stored' ? row : { ...row, audioPath: '' }, receivedAt: '2026-01-02T03:04:05.000Z', end: { state, durationMs: state === 'stored' ? 3000 : 500, reason: 'hangup' } };
    }
    const countByKey = async (key: string) => Number((await store.db.selectFrom('voice_messages').select((eb) => eb.fn.countAll().as('n')).where('message_key', '=', key).executeTakeFirstOrThrow()).n);

    it('writes the row of a message that has none, with its received time, once; a second pass changes nothing', async () => {
      const m = waiting();
      await pending.add(m);
      told.length = 0;
      assert.equal(await retry.run(), 0);
      const row = await store.db.selectFrom('voice_messages').selectAll().where('message_key', '=', m.row.key).executeTakeFirstOrThrow();
      assert.equal(row.state, 'stored');
      assert.equal(row.delivery, 'pending');
      assert.equal(Number(row.duration_ms), 3000);
      assert.equal(row.received_at, m.receivedAt);
      assert.deepEqual(told, [[userId]]);
      assert.deepEqual(await pending.list(), []);
      // The worker (or a crash between the store and the removal) leaves the same entry again.
      await pending.add(m);
      assert.equal(await retry.run(), 0);
      assert.equal(await countByKey(m.row.key), 1);
      assert.equal(told.length, 1, 'nothing new to deliver');
    });

    it("completes a row that began before the outage and is still 'recording'", async () => {
      const m = waiting();
      const id = await beginMessage(store.db, m.row);
      await pending.add(m);
      await retry.run();
      const found = await messageByKey(store.db, m.row.key);
      assert.deepEqual(found, { id, state: 'stored' });
    });

    it('leaves alone a row a recovery completed first, and drops the entry', async () => {
      const m = waiting();
      const id = await beginMessage(store.db, m.row);
      await completeMessage(store.db, id, { state: 'stored', durationMs: 2500, reason: 'crash' });
      await pending.add(m);
      told.length = 0;
      await retry.run();
      const row = await store.db.selectFrom('voice_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.end_reason, 'crash');
      assert.deepEqual(told, []);
      assert.deepEqual(await pending.list(), []);
    });

    it('stores a missed call (too short, or hung up before the tone) as missed', async () => {
      const m = waiting('missed');
      await pending.add(m);
      await retry.run();
      assert.equal((await messageByKey(store.db, m.row.key))?.state, 'missed');
    });

    it('sets a damaged entry aside instead of reading it again', async () => {
      const dir = join(tmp.path, PENDING_DIR);
      writeFileSync(join(dir, 'AAAAAAAAAAAAAAAA.json'), '{ not json');
      await retry.run();
      assert.ok(readdirSync(dir).includes('AAAAAAAAAAAAAAAA.json.damaged'));
      assert.deepEqual(await pending.list(), []);
    });
  });
}

const base = await postgresBaseUrl();
describe('the worker mailbox while PostgreSQL is cut', { skip: base ? false : 'no PostgreSQL on 127.0.0.1:5432 (set OPENUM_TEST_PG_URL, or run in CI where it is required)' }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let pg: PgTarget;
  let proxy: CuttableProxy;
  let viaProxy: Store;
  let direct: Store;
  let userId: number;

  before(async () => {
    tmp = tempDir('openum-cutbox-');
    const { freshSchema } = await import('../support/postgres.js');
    pg = await freshSchema(base ?? '');
    ({ store: direct, userId } = await site(tmp.path, pg.url));
    const target = new URL(base ?? '');
    proxy = await cuttableProxy('127.0.133.30', { host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(pg.url);
    url.host = `127.0.133.30:${proxy.port}`;
    viaProxy = await openStore({ dataDir: tmp.path, databaseUrl: url.toString() });
  });
  after(async () => {
    proxy?.restore();
    await viaProxy?.close();
    await direct?.close();
    await proxy?.close();
    await pg?.drop();
    tmp?.cleanup();
  });

  it('records to local disk when the row cannot be written, says stored, and the retry stores it once the store answers', async () => {
    let pendingTold = 0;
    const stored: number[] = [];
    const audio = new FileAudioStore(tmp.path);
    const box = new VoicemailBox({
      db: viaProxy.db, audio, serverName: 'um1', worker: 0, userId, caller: { id: '+39021234567', name: 'Carla Rossi' }, called: '1000', callId: 'cut@gw',
      minRecordingMs: 2000, cause: () => undefined, onStored: (id) => stored.push(id),
      pending: new PendingMessages(tmp.path), onPending: () => { pendingTold++; }, log: silentLog(),
    });
    proxy.cut();
    const sink = await box.begin();
    assert.equal(viaProxy.health.up, false, 'the failed insert turned the health state');
    for (let i = 0; i < 150; i++) sink.write(new Int16Array(160).fill(i % 2 ? 1000 : -1000)); // 3 s
    assert.equal(await box.end({ end: 'hangup', durationMs: 3000 }), 'stored');
    assert.equal(pendingTold, 1);
    assert.deepEqual(stored, [], 'nothing reported stored while the store is away');
    const [entry] = await new PendingMessages(tmp.path).list();
    assert.ok(entry && 'entry' in entry);
    assert.ok(existsSync(join(tmp.path, entry.entry.row.audioPath)), 'the WAV is on local disk');
    assert.equal(await messageByKey(direct.db, entry.key), undefined);

    const told: number[][] = [];
    const retry = new StoreRetry({ db: viaProxy.db, audio, dataDir: tmp.path, log: silentLog(), onStored: (ids) => told.push(ids), retryMs: [50] });
    assert.equal(await retry.run(), 1, 'still waiting while the store is away');
    proxy.restore();
    await waitFor('the waiting message stored', async () => (await messageByKey(direct.db, entry.key))?.state === 'stored');
    await retry.stop();
    assert.deepEqual(told, [[userId]]);
    assert.equal(viaProxy.health.up, true);
    const row = await direct.db.selectFrom('voice_messages').selectAll().where('call_id', '=', 'cut@gw').execute();
    assert.equal(row.length, 1);
    assert.equal(Number(row[0]?.duration_ms), 3000);
  });
});
