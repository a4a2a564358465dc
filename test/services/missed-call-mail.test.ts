// Missed-call e-mail with real peers: SIPp (the gateway) calls a user's voice mail and hangs up
// during the greeting; the worker keeps a missed call and, as the user's mailbox policy asks, the
// main process mails "Missed call from …" (no attachment) to a real smtp-server through the
// delivery queue and SMTP settings voice mail uses. A user whose policy turns notifications off
// gets none. And a PIN reset by wrong PINs is mailed to the user through the same SMTP settings.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { findUser } from '../../src/org/users.js';
import { setPin } from '../../src/org/user-pins.js';
import { PinService, smtpPinMailer } from '../../src/services/mailbox/pin-service.js';
import { openNode } from '../../src/services/node.js';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { renderVoicemailScenario, sippPcapsMissing, voicemailPcaps } from '../support/peers/sipp-voicemail.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { sleep, smtpSink, waitFor, type SmtpSink } from '../support/voicemail.js';
import { messageIds, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.103.10';
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: missed-call-mail needs ${missing}`);

describe('missed-call e-mail: a caller who hangs up during the greeting', { skip, timeout: 180_000 }, () => {
  let site: UmSite;
  let smtp: SmtpSink;
  let pcaps: Awaited<ReturnType<typeof voicemailPcaps>>;

  before(async () => {
    smtp = await smtpSink(ADDRESS);
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', '43200-43399'], data);
        await must(['smtp', 'set', '--host', ADDRESS, '--port', String(smtp.port), '--security', 'none', '--from', 'voicemail@um.contoso.test'], data);
        await must(['policy', 'new', 'Quiet', '--dial-plan', 'DP', '--missed-call-notifications', 'off'], data);
        await must(['user', 'set', 'bob', '--policy', 'Quiet'], data);
      },
    });
    pcaps = await voicemailPcaps(site.tmp.path);
  });
  after(async () => {
    await site?.stop();
    await smtp?.close();
  });

  // BYE one second after the answer: the greeting (several seconds) is still playing.
  const hangUpEarly = (name: string, extension: string) => runSipp({
    scenario: renderVoicemailScenario(join(site.tmp.path, `${name}.xml`), { ending: 'hangup', audioPcap: pcaps.audio, greetingMs: 1000, audioMs: 0 }),
    target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec: 30, mediaPort: 43100, localPort: 15103,
    keys: { service: '4000', from_user: '+390612345678' }, headers: [`Diversion: <sip:${extension}@${ADDRESS}>;reason=no-answer`],
  });

  it('the policy allows it: "Missed call from …" arrives, without attachment, and the call is listed as missed', async () => {
    const known = await messageIds(site.data, 'alice');
    const r = await hangUpEarly('alice', '1000');
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-2000)}\n${site.server.stderr().slice(-2000)}`);
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'missed');
    assert.equal(m.callerId, '+390612345678');

    const mail = await waitFor('the missed-call e-mail', () => smtp.received[0], 20_000);
    assert.deepEqual(mail.envelopeTo, ['alice@contoso.test']);
    assert.match(mail.parsed.subject ?? '', /^Missed call from \+390612345678$/);
    assert.match(mail.parsed.text ?? '', /You missed a call from \+390612345678\. The caller did not leave a message\./);
    assert.equal(mail.parsed.attachments.length, 0, 'no attachment');
    assert.equal(mail.parsed.headers.get('x-openum-missed-call'), 'yes');
    const delivered = await waitFor('delivery recorded', async () => {
      const again = await waitForMessage(site.data, 'alice', []);
      return again.id === m.id && again.delivery === 'delivered' ? again : undefined;
    });
    assert.equal(delivered.deliveryAttempts, 1);
  });

  it('the policy turns it off: the missed call is kept, no e-mail', async () => {
    const known = await messageIds(site.data, 'bob');
    const before = smtp.received.length;
    const r = await hangUpEarly('bob', '1001');
    assert.equal(r.successful, 1, `SIPp: ${r.errors}`);
    const m = await waitForMessage(site.data, 'bob', known);
    assert.equal(m.state, 'missed');
    assert.equal(m.delivery, 'none');
    await sleep(2000);
    assert.equal(smtp.received.length, before, 'no e-mail for bob');
  });

  it('a PIN reset by wrong PINs is mailed to the user', async () => {
    const node = await openNode({ dataDir: site.data, actor: { name: 'test' } });
    try {
      const db = node.store.db;
      await must(['policy', 'set', 'DP Default Policy', '--pin-reset-failures', '2'], site.data);
      await setPin(db, { name: 'test' }, 'alice', '583901', { mustChange: false });
      const alice = (await findUser(db, 'alice'))?.id ?? 0;
      const pins = new PinService({ db, log: pino({ level: 'silent' }), mailPin: smtpPinMailer({ db, vault: node.vault, serverName: node.serverName ?? '' }) });
      const before = smtp.received.length;
      assert.deepEqual(await pins.checkPin(alice, '000000'), { ok: false, reason: 'wrong' });
      assert.deepEqual(await pins.checkPin(alice, '000001'), { ok: false, reason: 'wrong', resetTriggered: true });
      const mail = await waitFor('the PIN e-mail', () => smtp.received[before], 10_000);
      assert.deepEqual(mail.envelopeTo, ['alice@contoso.test']);
      assert.equal(mail.parsed.subject, 'Your voice mail PIN was reset');
      const pin = /Your new PIN is: (\d+)/.exec(mail.parsed.text ?? '')?.[1] ?? '';
      assert.match(pin, /^\d{6}$/);
      assert.deepEqual(await pins.checkPin(alice, pin), { ok: true, mustChange: true });
      assert.deepEqual(await pins.changePin(alice, '123456'), { ok: false, reason: 'common-pattern', message: 'the PIN is too easy to guess (repeated digits like 111111, consecutive digits like 123456 or 654321, or the extension); choose a less regular PIN' });
      assert.deepEqual(await pins.changePin(alice, '319574'), { ok: true });
      assert.deepEqual(await pins.checkPin(alice, '319574'), { ok: true, mustChange: false });
    } finally {
      await node.close();
    }
  });
});
