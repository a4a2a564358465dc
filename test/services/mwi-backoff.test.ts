// MWI must not break what runs (issue 10): a gateway set to the server's own SIP address and port
// gets no NOTIFY from the server itself (it answered 405 and was retried forever), and unrelated
// configuration changes do not cut a NOTIFY's back-off short (37 attempts in 8 minutes). The
// back-off is kept in the store (org/mwi-jobs.ts): a node started again keeps it too.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { findUser } from '../../src/org/users.js';
import { mwiJobs } from '../../src/org/mwi-jobs.js';
import { notifiedCounts } from '../../src/org/voice-messages.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { PeerVerifier } from '../../src/services/sip/peer-verifier.js';
import { SipEndpoint } from '../../src/services/sip/sip-endpoint.js';
import { VoicemailService } from '../../src/services/voicemail/voicemail-service.js';
import { cli, initData } from '../support/openum.js';
import { tempDir } from '../support/run.js';
import { addMessage, freePortOn, sleep, waitFor } from '../support/voicemail.js';

const UM = '127.0.119.5';
const FAR = '127.0.119.6';
const RETRY_MS = 1500;

describe('MWI back-off and the server itself as a gateway', () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let node: OpenNode;
  let vm: VoicemailService;
  let sip: SipEndpoint;
  let router: Server;
  let routerConnections = 0;
  let aliceId: number;
  const lines: Array<{ msg: string; gateway?: string }> = [];
  const count = (msg: string, gateway: string) => lines.filter((l) => l.msg.startsWith(msg) && l.gateway === gateway).length;
  const must = async (args: string[]) => {
    const r = await cli(args, { data });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
  };
  const newMessage = async () => {
    const m = await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: aliceId });
    vm.onVoicemail(0, { id: m.id, userId: aliceId });
  };

  before(async () => {
    tmp = tempDir('openum-mwi-');
    data = join(tmp.path, 'data');
    await initData(data, 'um.contoso.test');
    await must(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000']);
    // The server's own address and its Call Router port (5060): a copy-paste slip an operator makes.
    await must(['gateway', 'new', 'SELF', '--address', UM, '--port', '5060', '--dial-plan', 'DP']);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']);
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    aliceId = (await findUser(node.store.db, 'alice'))?.id ?? 0;
    // Stands in for the Call Router on 5060: any connection there is a NOTIFY to ourselves.
    router = createServer((s) => { routerConnections++; s.destroy(); });
    await new Promise<void>((resolve) => router.listen(5060, UM, resolve));
    const log = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s) as { msg: string }); } });
    sip = new SipEndpoint('um-service-test', { log });
    await sip.apply([{ protocol: 'tcp', address: UM, port: 5062 }]);
    vm = new VoicemailService(node, log, { mwiRetryMs: [RETRY_MS, RETRY_MS] });
    vm.attachSip({ layer: sip.layer, transport: sip.transport, verifier: new PeerVerifier(node.store.db) });
    await vm.start();
  });
  after(async () => {
    await vm?.stop();
    await sip?.close();
    router?.close();
    await node?.close();
    tmp?.cleanup();
  });

  it('a gateway at the server\'s own SIP address and port gets no NOTIFY, and one warning', async () => {
    await newMessage();
    await newMessage();
    await waitFor('mwi_state 2/0', async () => (await notifiedCounts(node.store.db)).find((c) => c.userId === aliceId && c.unread === 2));
    await vm.idle();
    assert.equal(routerConnections, 0, 'no NOTIFY to ourselves');
    assert.equal(count('MWI: the gateway\'s address and port are this server\'s own SIP listener', 'SELF'), 1, 'warned once');
    assert.equal(count('MWI: will retry', 'SELF'), 0);
  });

  it('store changes keep a failing NOTIFY\'s back-off; a changed gateway is tried at once', async () => {
    const port = await freePortOn(FAR); // nothing listens there: every NOTIFY fails at once
    await must(['gateway', 'new', 'FAR', '--address', FAR, '--port', String(port), '--dial-plan', 'DP']);
    await newMessage();
    const failed = () => count('MWI: NOTIFY not accepted', 'FAR');
    await waitFor('the first failed NOTIFY', () => failed() === 1);
    const first = Date.now();
    for (let i = 0; i < 6; i++) {
      await vm.onStoreChange(); // what every unrelated configuration change calls
      await sleep(100);
    }
    assert.equal(failed(), 1, 'no extra attempt for unrelated changes');
    await waitFor('the retry after its back-off', () => failed() === 2, RETRY_MS + 5000);
    assert.ok(Date.now() - first >= RETRY_MS - 100, 'the retry waited for the back-off');
    // The operator corrects the gateway: that is worth trying now, not at the next back-off.
    await must(['gateway', 'set', 'FAR', '--port', String(await freePortOn(FAR))]);
    const changedAt = Date.now();
    await vm.onStoreChange();
    await waitFor('an attempt to the corrected gateway', () => failed() === 3, 1000);
    assert.ok(Date.now() - changedAt < RETRY_MS, 'not held back by the back-off');
    assert.equal(routerConnections, 0);
  });

  it('a node started again keeps the back-off of the NOTIFY it could not send', async () => {
    const failed = () => count('MWI: NOTIFY not accepted', 'FAR');
    await waitFor('a failed attempt recorded', async () => (await mwiJobs(node.store.db)).find((j) => j.userId === aliceId && j.claimedBy === null && j.attempts > 0));
    await vm.stop();
    const before = failed();
    const [job] = await mwiJobs(node.store.db);
    assert.ok(job && Date.parse(job.nextAttemptAt) > Date.now(), `the job waits: ${JSON.stringify(job)}`);
    const log = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s) as { msg: string }); } });
    vm = new VoicemailService(node, log, { mwiRetryMs: [RETRY_MS, RETRY_MS] });
    vm.attachSip({ layer: sip.layer, transport: sip.transport, verifier: new PeerVerifier(node.store.db) });
    await vm.start();
    await vm.idle();
    assert.equal(failed(), before, 'no attempt at start: the back-off holds');
    await waitFor('the retry when the back-off ends', () => failed() === before + 1, RETRY_MS + 5000);
    assert.ok(Date.now() >= Date.parse(job.nextAttemptAt), 'not before the stored retry time');
  });
});
