// Play on Phone against a real SIPp phone over UDP (test/fixtures/sipp/uas-answer.xml): a running
// `openum start` is asked by the CLI to play alice's message to 9123456789; a UM worker places the
// call (INVITE with an SDP offer) to the dial plan's gateway, which SIPp plays, and the RTP it
// receives (captured with tshark, decoded from PCMU) must be the message. A number outside the
// dial plan's outdialing rules is refused with one line and no call.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/org/users.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { compareSpeech, describeComparison } from '../support/audio-compare.js';
import { cli } from '../support/openum.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { startCapture, tsharkMissing, udpDatagrams } from '../support/peers/tshark.js';
import { audioToolsMissing, speech } from '../support/test-audio.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { addMessage, waitFor } from '../support/voicemail.js';
import { api } from '../support/api.js';
import { rtpToWav } from '../support/rtp-audio.js';

const ADDRESS = '127.0.102.20';
const GATEWAY = '127.0.102.21';
const PHONE_MEDIA = 33000;
const missing = [sippAvailable() ? '' : 'sipp', tsharkMissing(), audioToolsMissing()].filter(Boolean).join(', ');

describe('Play on Phone to a SIPp phone over UDP', { skip: missing ? `not installed: ${missing}` : false, timeout: 120_000 }, () => {
  let site: UmSite;
  let node: OpenNode;
  let messageId: number;
  let speechWav: string;

  before(async () => {
    site = await startSite(ADDRESS, {
      gatewayAddress: GATEWAY,
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', '41000-41999'], data);
        await must(['dialplan', 'set', 'DP', '--outdial-allowed', '1XXX,9XXXXXXXXX'], data);
      },
    });
    node = await openNode({ dataDir: site.data, actor: { name: 'test' } });
    const alice = await findUser(node.store.db, 'alice');
    const m = await addMessage(node.store.db, site.data, { serverName: node.serverName ?? '', userId: alice?.id ?? 0 });
    speechWav = await speech('Your message from Carla. Please call me back this afternoon.', join(site.tmp.path, 'speech.wav'));
    copyFileSync(speechWav, m.file);
    messageId = m.id;
  });
  after(async () => {
    await node?.close();
    await site?.stop();
  });

  it('calls the number through the gateway and plays the message; the audio received is the message', async () => {
    const phone = await startSippUas({ scenario: 'uas-answer', address: GATEWAY, port: 5060, calls: 1, timeoutSec: 60, transport: 'u1', extraArgs: ['-mp', String(PHONE_MEDIA)] });
    const capture = await startCapture({ filter: `udp and dst host ${GATEWAY} and dst port ${PHONE_MEDIA}`, file: join(site.tmp.path, 'pop.pcap'), maxSec: 60 });
    const r = await cli(['voicemail', 'play-on-phone', String(messageId), '--number', '912-345-6789', '--wait', '--json'], { data: site.data });
    await capture.stop();
    const sipp = await phone.done;
    assert.equal(r.code, 0, r.stderr);
    const call = JSON.parse(r.stdout) as { state: string; sipStatus: number; number: string };
    assert.equal(call.state, 'completed', `${r.stdout}\n${site.server.stderr().slice(-3000)}`);
    assert.equal(call.number, '9123456789');
    assert.equal(sipp.code, 0, `SIPp: ${sipp.errors}\n${sipp.messages.slice(-3000)}`);
    assert.match(sipp.logs, new RegExp(`invite ruri=sip:9123456789@${GATEWAY.replace(/\./g, '\\.')}:5060`));
    const received = join(site.tmp.path, 'received.wav');
    const packets = rtpToWav(await udpDatagrams(capture.file), PHONE_MEDIA, received);
    assert.ok(packets > 100, `RTP packets received: ${packets}`);
    const c = await compareSpeech(speechWav, received);
    console.log(`play-on-phone udp: ${describeComparison(c)}`);
    assert.ok(c.ok, describeComparison(c));
    // Played to the end: marked read.
    const status = await cli(['voicemail', 'get', String(messageId), '--json'], { data: site.data });
    assert.equal((JSON.parse(status.stdout) as { read: boolean }).read, true);
  });

  it('refuses a number outside the outdialing rules with one line, and places no call', async () => {
    const r = await cli(['voicemail', 'play-on-phone', String(messageId), '--number', '0039021234567'], { data: site.data });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^error: the dial plan "DP" may not call 0039021234567: its rules allow 1XXX, 9XXXXXXXXX; add a rule with openum dialplan set DP --outdial-allowed/m);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const rows = await node.store.db.selectFrom('play_on_phone_calls').select('number').execute();
    assert.ok(rows.every((row) => row.number !== '0039021234567'));
    const bad = await cli(['voicemail', 'play-on-phone', String(messageId), '--number', 'alice'], { data: site.data });
    assert.match(bad.stderr, /^error: "alice" is not a phone number/m);
  });

  it('admin API: queues a call, follows it to ringing, cancels it (CANCEL, 487); refuses a number outside the rules (403)', async () => {
    const phone = await startSippUas({ scenario: 'uas-ring', address: GATEWAY, port: 5060, calls: 1, timeoutSec: 60, transport: 'u1' });
    const posted = await api(site.server.port, 'POST', `/api/voicemail/${messageId}/play-on-phone`, { token: site.token, body: { number: '1001' } });
    assert.equal(posted.status, 202, posted.body);
    const { id } = posted.json() as { id: number };
    const progress = async () => (await api(site.server.port, 'GET', `/api/play-on-phone/${id}`, { token: site.token })).json() as { state: string; sipStatus: number | null; reason: string | null };
    await waitFor('ringing', async () => (await progress()).state === 'ringing', 20_000);
    const cancelled = await api(site.server.port, 'DELETE', `/api/play-on-phone/${id}`, { token: site.token });
    assert.equal(cancelled.status, 202, cancelled.body);
    const end = await waitFor('cancelled', async () => { const p = await progress(); return p.state === 'cancelled' ? p : undefined; }, 20_000);
    assert.equal(end.sipStatus, 487);
    const sipp = await phone.done;
    assert.equal(sipp.code, 0, `SIPp: ${sipp.errors}\n${sipp.messages.slice(-3000)}`);

    const refused = await api(site.server.port, 'POST', `/api/voicemail/${messageId}/play-on-phone`, { token: site.token, body: { number: '5551234' } });
    assert.equal(refused.status, 403);
    assert.equal((refused.json() as { error: string }).error, 'OUTDIAL_NOT_ALLOWED');
    const unknown = await api(site.server.port, 'GET', '/api/play-on-phone/99999', { token: site.token });
    assert.equal(unknown.status, 404);
  });
});
