// The whole voice-mail path with the real worker processes: SIPp (the gateway) leaves a message
// at a worker, which records it and tells the main process over IPC; the main process mails it
// (a real smtp-server) and lights the gateway's lamp (a SIPp UAS receiving the MWI NOTIFY). Then a
// worker is killed with SIGKILL mid-message: the audio recorded so far is kept, completed when
// the supervisor notices the exit, mailed, and counted in the next NOTIFY.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readWav } from '../support/audio-compare.js';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { loopPcap, renderVoicemailScenario, sippPcapsMissing, voicemailPcaps } from '../support/peers/sipp-voicemail.js';
import { must, startSite, udpExchange, request, statusOf, type UmSite } from '../support/um-setup.js';
import { freePortOn, smtpSink, waitFor, type SmtpSink } from '../support/voicemail.js';
import { audioFile, greetingSeconds, messageIds, waitForMessage } from '../support/voicemail-server.js';

const ADDRESS = '127.0.33.30';
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: voicemail-worker needs ${missing}`);

describe('voice mail through the worker processes: e-mail, MWI, and a worker killed mid-message', { skip, timeout: 240_000 }, () => {
  let site: UmSite;
  let smtp: SmtpSink;
  let mwiPort: number;
  let pcaps: Awaited<ReturnType<typeof voicemailPcaps>>;
  const greetingMs = Math.round(greetingSeconds('1000') * 1000) + 150;

  before(async () => {
    smtp = await smtpSink(ADDRESS);
    mwiPort = await freePortOn(ADDRESS);
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', '41000-41999'], data);
        await must(['smtp', 'set', '--host', ADDRESS, '--port', String(smtp.port), '--security', 'none', '--from', 'voicemail@um.contoso.test'], data);
        await must(['gateway', 'set', 'GW', '--port', String(mwiPort)], data);
      },
    });
    pcaps = await voicemailPcaps(site.tmp.path);
  });
  after(async () => {
    await site?.stop();
    await smtp?.close();
  });

  const call = (name: string, ending: 'dtmf' | 'hangup', audioPcap: string, audioMs: number, timeoutSec: number) => runSipp({
    scenario: renderVoicemailScenario(join(site.tmp.path, `${name}.xml`), { ending, audioPcap, greetingMs, audioMs, byeWaitMs: 25_000 }),
    target: `${ADDRESS}:5065`, transport: 'u1', calls: 1, timeoutSec, mediaPort: 33000, localPort: 15070,
    keys: { service: '4000', from_user: '+390612345678' }, headers: [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`],
  });

  it('a message left with # is stored, e-mailed with its audio, and the gateway is told 1 unread', async () => {
    const uas = await startSippUas({ scenario: 'uas-mwi', address: ADDRESS, port: mwiPort, calls: 1, timeoutSec: 90 });
    const known = await messageIds(site.data, 'alice');
    const r = await call('hash', 'dtmf', pcaps.withHash, 0, 45);
    assert.equal(r.successful, 1, `SIPp: ${r.errors}\n${r.messages.slice(-2000)}\n${site.server.stderr().slice(-2000)}`);
    const m = await waitForMessage(site.data, 'alice', known);
    assert.equal(m.state, 'stored');
    assert.equal(m.endReason, 'dtmf');
    assert.equal(m.callerId, '+390612345678');

    const mail = await waitFor('the e-mail', () => smtp.received[0], 20_000);
    assert.deepEqual(mail.envelopeTo, ['alice@contoso.test']);
    const [attachment] = mail.parsed.attachments;
    assert.equal(attachment?.contentType, 'audio/wav');
    assert.ok(attachment?.content.equals(readFileSync(audioFile(site.data, m))), 'the attachment is the recorded WAV, byte for byte');

    const lamp = await uas.done;
    assert.equal(lamp.code, 0, `the MWI NOTIFY failed SIPp's checks: ${lamp.errors}\n${lamp.stdout.slice(-1500)}`);
    assert.match(lamp.logs, /mwi waiting=yes account=sip:1000@um\.contoso\.test unread=1 read=0/);
  });

  it('a worker killed mid-message: the audio so far is kept, completed, mailed and counted', async () => {
    const uas = await startSippUas({ scenario: 'uas-mwi', address: ADDRESS, port: mwiPort, calls: 1, timeoutSec: 90 });
    const known = await messageIds(site.data, 'alice');
    // 12 s of speech: the worker is killed 3 s into it, and SIPp's call is over soon after the
    // checks below (it hangs up when its audio ends, to the restarted worker).
    const long = await loopPcap(pcaps.audio, join(site.tmp.path, 'long.pcap'), 12);
    const before = site.server.stdout().length + site.server.stderr().length;
    const caller = call('killed', 'hangup', long, 12_000, 45);
    // The worker that takes the call logs 'recording started' with its PID.
    const started = await waitFor('recording started', () => {
      const out = (site.server.stdout() + site.server.stderr()).slice(before);
      const line = out.split('\n').find((l) => l.includes('"recording started"'));
      return line ? JSON.parse(line) as { pid: number; messageId: number } : undefined;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    process.kill(started.pid, 'SIGKILL');

    const m = await waitForMessage(site.data, 'alice', known, 20_000);
    assert.equal(m.id, started.messageId);
    assert.equal(m.state, 'stored');
    assert.equal(m.endReason, 'crash');
    assert.ok(m.durationMs >= 2500 && m.durationMs <= 4500, `kept ${m.durationMs} ms of the 3 s recorded before the kill`);
    const wav = readWav(audioFile(site.data, m));
    assert.ok(Math.abs(wav.durationSec * 1000 - m.durationMs) <= 50, `the WAV (${wav.durationSec} s) is complete and valid`);

    const mail = await waitFor('the e-mail of the recovered message', () => smtp.received[1], 20_000);
    assert.ok(mail.parsed.attachments[0]?.content.equals(readFileSync(audioFile(site.data, m))));
    const lamp = await uas.done;
    assert.equal(lamp.code, 0, `the MWI NOTIFY failed SIPp's checks: ${lamp.errors}`);
    assert.match(lamp.logs, /unread=2 read=0/);

    // The supervisor started the worker (5065) again: it answers OPTIONS.
    await waitFor('the restarted worker', async () => statusOf(await udpExchange({ address: ADDRESS, port: 5065 }, request('OPTIONS', `sip:um@${ADDRESS}:5065`, ADDRESS, 0))).status === 200, 15_000);
    await caller; // SIPp's BYE goes unanswered by the dead worker; its run ends by itself
  });
});
