// MWI as a cluster job (issue 11): two UM nodes, B and C, share one PostgreSQL store. A new
// message for alice makes one of them claim the MWI job and send the NOTIFY to the gateway, which
// accepts the connection and never answers; that node is killed (SIGKILL) holding the claim. When
// the claim's lease ends, the other node takes the job and sends the NOTIFY to the gateway, now a
// SIPp UAS (test/fixtures/sipp/uas-mwi.xml) that checks it: the lamp is lit once, by the survivor.
// The test ends the dead node's lease in the store rather than waiting out its 60 s (MWI_LEASE_MS):
// the survivor finds the job claimable on its next look (its periodic one on PostgreSQL, at most
// 30 s away), as it would at the lease's natural end, which org/mwi-jobs' tests time.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/org/users.js';
import { MWI_LEASE_MS, mwiJobs } from '../../src/org/mwi-jobs.js';
import { notifiedCounts } from '../../src/org/voice-messages.js';
import { openStore, type Store } from '../../src/store/database.js';
import { bumpRevision } from '../../src/store/revision.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { cli, startServer, type RunningServer } from '../support/openum.js';
import { freshSchema, postgresBaseUrl, type PgTarget } from '../support/postgres.js';
import { tempDir } from '../support/run.js';
import { addMessage, freePortOn, waitFor } from '../support/voicemail.js';

const NODES = { 'node-b': '127.0.142.2', 'node-c': '127.0.142.3' } as const;
type NodeName = keyof typeof NODES;
const GATEWAY = '127.0.142.20';
const base = await postgresBaseUrl();
if (!sippAvailable() && process.env.CI === 'true') throw new Error('CI: cluster-mwi needs sipp (apt-get install sip-tester)');
const skip = !base ? 'PostgreSQL not reachable (127.0.0.1:5432)' : !sippAvailable() ? 'not installed: sipp (apt-get install sip-tester)' : false;

describe('MWI as a job of the nodes sharing PostgreSQL', { skip, timeout: 300_000 }, () => {
  const tmp = tempDir('openum-cluster-mwi-');
  let target: PgTarget;
  let env: NodeJS.ProcessEnv;
  let store: Store;
  let port: number;
  let blackHole: Server | undefined;
  const held: Socket[] = [];
  let notifyArrived = false;
  const running: Partial<Record<NodeName, RunningServer>> = {};
  const data = (n: NodeName) => join(tmp.path, n);

  const must = async (args: string[], dir: string) => {
    const r = await cli(args, { data: dir, env });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
  };
  const start = (n: NodeName) => startServer(data(n), {
    sip: true, env, args: ['--sip-address', NODES[n], '--roles', 'um', '--admin-address', NODES[n]],
  }).then((s) => { running[n] = s; });

  before(async () => {
    target = await freshSchema(base as string);
    env = { OPENUM_DATABASE_URL: target.url, OPENUM_MASTER_KEY: randomBytes(32).toString('base64') };
    port = await freePortOn(GATEWAY);
    await must(['init', '--name', 'node-b', '--fqdn', 'b.contoso.test'], data('node-b'));
    await must(['init', '--name', 'node-c', '--fqdn', 'c.contoso.test'], data('node-c'));
    await must(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000'], data('node-b'));
    await must(['gateway', 'new', 'GW', '--address', GATEWAY, '--port', String(port), '--dial-plan', 'DP'], data('node-b'));
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test'], data('node-c'));
    store = await openStore({ dataDir: join(tmp.path, 'test'), databaseUrl: target.url });
    // The gateway at first: takes the connection and the NOTIFY, and never answers.
    blackHole = createServer((s) => {
      held.push(s);
      s.on('data', (d: Buffer) => { if (d.toString('latin1').startsWith('NOTIFY ')) notifyArrived = true; });
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole?.listen(port, GATEWAY, resolve));
    await Promise.all([start('node-b'), start('node-c')]);
  });
  after(async () => {
    await Promise.all(Object.values(running).map((s) => s?.stop()));
    for (const s of held) s.destroy();
    blackHole?.close();
    await store?.close();
    await target?.drop();
    tmp.cleanup();
  });

  it('a node killed while sending a NOTIFY: the other sends it when the claim\'s lease ends', async () => {
    const db = store.db;
    const alice = (await findUser(db, 'alice'))?.id ?? 0;
    await addMessage(db, join(tmp.path, 'test'), { serverName: 'node-b', userId: alice });
    await bumpRevision(db); // as any change does: every node's change watcher reconciles the lamps
    const job = await waitFor('a node holding the MWI job', async () => (await mwiJobs(db)).find((j) => j.userId === alice && j.claimedBy !== null));
    await waitFor('the NOTIFY at the silent gateway', () => notifyArrived);
    const dead = job.claimedBy as NodeName;
    const survivor: NodeName = dead === 'node-b' ? 'node-c' : 'node-b';
    assert.ok(dead in NODES, `claimed by ${dead}`);
    running[dead]?.process.kill('SIGKILL');
    await new Promise((resolve) => running[dead]?.process.once('exit', resolve));
    const deadLog = running[dead]?.stderr() ?? '';
    delete running[dead];
    // The lease ends now: the claim the dead node holds is the only thing that holds the job back.
    const ended = await db.updateTable('mwi_jobs').set({ claimed_until: new Date().toISOString() })
      .where('user_id', '=', alice).where('claimed_by', '=', dead).executeTakeFirst();
    assert.equal(Number(ended.numUpdatedRows), 1, 'the dead node still held the claim');
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => blackHole?.close(() => resolve()));
    blackHole = undefined;

    const uas = await startSippUas({ scenario: 'uas-mwi', address: GATEWAY, port, calls: 1, timeoutSec: Math.ceil(MWI_LEASE_MS / 1000) + 90 });
    try {
      const r = await uas.done;
      assert.equal(r.code, 0, `SIPp failed the NOTIFY: ${r.errors}\n${r.stdout}\n${running[survivor]?.stderr().slice(-3000)}`);
      assert.deepEqual([...r.logs.matchAll(/^mwi (.*)$/gm)].map((m) => m[1]),
        [`waiting=yes account=sip:1000@${survivor === 'node-b' ? 'b' : 'c'}.contoso.test unread=1 read=0 ruri=sip:1000@${GATEWAY}:${port}`]);
    } finally {
      await uas.stop();
    }
    assert.deepEqual(await waitFor('mwi_state 1/0', async () => (await notifiedCounts(db)).find((c) => c.userId === alice)), { userId: alice, unread: 1, read: 0 });
    assert.deepEqual(await waitFor('the job done', async () => ((await mwiJobs(db)).length === 0 ? [] : undefined)), []);
    const accepted = (running[survivor]?.stderr() ?? '').split('\n').filter((l) => l.includes('MWI: NOTIFY accepted'));
    assert.equal(accepted.length, 1, `the survivor sent it once: ${accepted.join('\n')}`);
    assert.ok(!deadLog.includes('MWI: NOTIFY accepted'), 'the killed node had no answer');
  });
});
