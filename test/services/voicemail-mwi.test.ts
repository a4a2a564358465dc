// Message-waiting indication against a real SIPp gateway (UAS over TCP, test/fixtures/sipp/
// uas-mwi.xml): the scenario fails unless the NOTIFY has Event: message-summary and the RFC 3842
// body. A new message lights the lamp (1/0), marking it read through the CLI turns it off (0/1),
// and a NOTIFY that cannot reach the gateway is retried until it can; mwi_state follows only 2xx.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/org/users.js';
import { notifiedCounts } from '../../src/org/voice-messages.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { PeerVerifier } from '../../src/services/sip/peer-verifier.js';
import { SipEndpoint } from '../../src/services/sip/sip-endpoint.js';
import { VoicemailService } from '../../src/services/voicemail/voicemail-service.js';
import { cli, initData } from '../support/openum.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { tempDir } from '../support/run.js';
import { addMessage, freePortOn, silentLog, sleep, waitFor } from '../support/voicemail.js';

const GATEWAY = '127.0.44.20';

describe('MWI NOTIFY to a SIPp gateway over TCP', { skip: sippAvailable() ? false : 'sipp (sip-tester) is not installed' }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let data: string;
  let node: OpenNode;
  let vm: VoicemailService;
  let sip: SipEndpoint;
  let port: number;
  let aliceId: number;
  const must = async (args: string[]) => {
    const r = await cli(args, { data });
    assert.equal(r.code, 0, `openum ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const state = async () => (await notifiedCounts(node.store.db)).find((c) => c.userId === aliceId);
  const gateway = (calls = 1) => startSippUas({ scenario: 'uas-mwi', address: GATEWAY, port, calls, timeoutSec: 20 });
  const logged = (logs: string) => [...logs.matchAll(/^mwi (.*)$/gm)].map((m) => m[1]);

  before(async () => {
    tmp = tempDir('openum-mwi-');
    data = join(tmp.path, 'data');
    port = await freePortOn(GATEWAY);
    await initData(data, 'um.contoso.test');
    await must(['dialplan', 'new', 'DP', '--extension-length', '4', '--access-number', '4000']);
    await must(['gateway', 'new', 'GW', '--address', GATEWAY, '--port', String(port), '--dial-plan', 'DP']);
    // Neither of these may get a NOTIFY: one does not allow MWI, the other is disabled.
    await must(['gateway', 'new', 'NOMWI', '--address', '127.0.44.21', '--port', String(port), '--dial-plan', 'DP', '--mwi', 'off']);
    await must(['gateway', 'new', 'OFF', '--address', '127.0.44.22', '--port', String(port), '--dial-plan', 'DP', '--status', 'Disabled']);
    await must(['user', 'new', 'alice', '--extension', '1000', '--dial-plan', 'DP', '--email', 'alice@contoso.test']);
    node = await openNode({ dataDir: data, actor: { name: 'test' } });
    aliceId = (await findUser(node.store.db, 'alice'))?.id ?? 0;
    const log = silentLog();
    sip = new SipEndpoint('um-service-test', { log });
    vm = new VoicemailService(node, log, { mwiRetryMs: [300, 600] });
    vm.attachSip({ layer: sip.layer, transport: sip.transport, verifier: new PeerVerifier(node.store.db) });
    await vm.start();
  });
  after(async () => {
    await vm?.stop();
    await sip?.close();
    await node?.close();
    tmp?.cleanup();
  });

  let messageId = 0;

  it('a new message: NOTIFY sip:1000@gateway with Messages-Waiting: yes and Voice-Message: 1/0', async () => {
    const uas = await gateway();
    try {
      const m = await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: aliceId });
      messageId = m.id;
      vm.onVoicemail(0, { id: m.id, userId: aliceId });
      const r = await uas.done;
      assert.equal(r.code, 0, `SIPp failed the NOTIFY: ${r.errors}\n${r.messages}\n${r.stdout}`);
      assert.deepEqual(logged(r.logs), [`waiting=yes account=sip:1000@um.contoso.test unread=1 read=0 ruri=sip:1000@${GATEWAY}:${port}`]);
      assert.match(r.messages, /^Via: SIP\/2\.0\/TCP [^;]+;branch=z9hG4bK/m);
      assert.match(r.messages, /^Contact: <sip:voicemail@[^>]+;transport=tcp>/m);
      assert.deepEqual(await waitFor('mwi_state 1/0', async () => state()), { userId: aliceId, unread: 1, read: 0 });
    } finally {
      await uas.stop();
    }
  });

  it('openum voicemail read: the change watcher path sends Messages-Waiting: no, Voice-Message: 0/1', async () => {
    const uas = await gateway();
    try {
      await must(['voicemail', 'read', String(messageId)]);
      await vm.onStoreChange(); // what the running server's ChangeWatcher calls on the new revision
      const r = await uas.done;
      assert.equal(r.code, 0, `SIPp failed the NOTIFY: ${r.errors}\n${r.stdout}`);
      assert.deepEqual(logged(r.logs), [`waiting=no account=sip:1000@um.contoso.test unread=0 read=1 ruri=sip:1000@${GATEWAY}:${port}`]);
      assert.deepEqual(await waitFor('mwi_state 0/1', async () => ((await state())?.read === 1 ? state() : undefined)), { userId: aliceId, unread: 0, read: 1 });
    } finally {
      await uas.stop();
    }
  });

  it('no answer from the gateway: mwi_state stays, the NOTIFY is retried until the gateway takes it', async () => {
    await must(['voicemail', 'delete', String(messageId)]);
    await vm.onStoreChange(); // nothing listens: connection refused, retried in 300 ms, 600 ms, …
    await sleep(700);
    assert.deepEqual(await state(), { userId: aliceId, unread: 0, read: 1 }, 'unchanged without a 2xx');
    const uas = await gateway();
    try {
      const r = await uas.done;
      assert.equal(r.code, 0, `SIPp failed the NOTIFY: ${r.errors}\n${r.stdout}`);
      assert.deepEqual(logged(r.logs), [`waiting=no account=sip:1000@um.contoso.test unread=0 read=0 ruri=sip:1000@${GATEWAY}:${port}`]);
      assert.deepEqual(await waitFor('mwi_state 0/0', async () => ((await state())?.read === 0 ? state() : undefined)), { userId: aliceId, unread: 0, read: 0 });
    } finally {
      await uas.stop();
    }
  });

  it('control: the SIPp scenario fails a NOTIFY for another event package', async () => {
    const uas = await gateway();
    try {
      const body = 'Messages-Waiting: yes\r\nMessage-Account: sip:1000@um.contoso.test\r\nVoice-Message: 1/0\r\n';
      const notify = [
        `NOTIFY sip:1000@${GATEWAY}:${port} SIP/2.0`, 'Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKcontrol1', 'Max-Forwards: 70',
        '<sip:voicemail@um.contoso.test>;tag=1'.replace(/^/, 'From: '), `To: <sip:1000@${GATEWAY}>`, 'Call-ID: control-1@test', 'CSeq: 1 NOTIFY',
        'Event: presence', 'Subscription-State: active', 'Content-Type: application/simple-message-summary',
        `Content-Length: ${Buffer.byteLength(body)}`, '', body,
      ].join('\r\n');
      const socket = connect(port, GATEWAY, () => socket.write(notify));
      socket.on('error', () => undefined);
      const r = await uas.done;
      socket.destroy();
      assert.notEqual(r.code, 0, 'SIPp must fail a NOTIFY whose Event is not message-summary');
      assert.match(r.errors + r.stdout, /Failed regexp match/);
    } finally {
      await uas.stop();
    }
  });
});
