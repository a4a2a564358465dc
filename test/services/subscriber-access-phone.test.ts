// Subscriber access by phone, with SIPp calling the pilot number (4000) from alice's extension:
// changing the PIN from personal options (a PIN against the policy is refused, a valid one typed
// twice is taken), a PIN reset by the administrator changed at the next logon, and bad input
// (unknown keys, a silent caller) ending the call after the dial plan's input-failure limit.
// Keys are RFC 4733 events from a pcap and are typed ahead of the prompts. Each test has a
// mailbox of its own (user, extension, PIN, SIPp media port), so the tests run at the same time.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyPresses, writeDtmfPcap, type KeyPress } from '../support/dtmf-pcap.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { runDtmfCall } from '../support/peers/sipp-dtmf.js';
import { sippPcapsMissing } from '../support/peers/sipp-voicemail.js';
import { audioToolsMissing } from '../support/test-audio.js';
import { addMailboxes, must, startSite, type Mailbox, type UmSite } from '../support/um-setup.js';
import { callEndedLines } from '../support/voicemail-server.js';

const ADDRESS = '127.0.108.10';
const RTP_PORTS = '44000-44199';
const PIN = '246813';
const missing = [sippAvailable() ? '' : 'sipp (apt-get install sip-tester)', sippPcapsMissing(), audioToolsMissing()].filter(Boolean).join(', ');
const skip = missing ? `not installed: ${missing}` : false;
if (skip && process.env.CI === 'true') throw new Error(`CI: subscriber-access-phone needs ${missing}`);

/** A test's own mailbox; SIPp calls from its extension (the caller ID logs it on) and media port. */
interface Box extends Mailbox { pin: string; mediaPort: number }
const BOXES = {
  change: { user: 'alice', extension: '1000', pin: PIN, mediaPort: 33000 },
  reset: { user: 'bob', extension: '1001', pin: PIN, mediaPort: 33010 },
  silent: { user: 'carol', extension: '1002', pin: PIN, mediaPort: 33020 },
} satisfies Record<string, Box>;

/** Keys one after another from `atMs`, 250 ms apart. */
const press = (keys: string, atMs: number): KeyPress[] => keyPresses({ keys, startMs: atMs });

describe('subscriber access by phone: PIN changes and bad input (SIPp)', { skip, timeout: 400_000, concurrency: true }, () => {
  let site: UmSite;
  let calls = 0;

  before(async () => {
    site = await startSite(ADDRESS, {
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', RTP_PORTS], data);
        await addMailboxes(data, Object.values(BOXES));
      },
    });
  });
  after(async () => { await site?.stop(); });

  /** Calls the pilot number from `b`'s extension with `keys`; returns the 'call ended' outcome. */
  async function callPilot(b: Box, keys: KeyPress[], callMs: number, ending: 'caller-bye' | 'server-bye' = 'caller-bye', mediaPort = b.mediaPort): Promise<Record<string, unknown> | undefined> {
    const name = `call-${++calls}`;
    const pcap = writeDtmfPcap(join(site.tmp.path, `${name}.pcap`), { keys, totalMs: ending === 'caller-bye' ? callMs : Math.min(callMs, (keys.at(-1)?.atMs ?? 0) + 500) });
    const r = await runDtmfCall({
      dir: site.tmp.path, name, pcap, ending, ...(ending === 'caller-bye' ? { callMs } : { byeWaitMs: callMs }), target: `${ADDRESS}:5065`, service: '4000',
      fromUser: b.extension, mediaPort, timeoutSec: Math.ceil(callMs / 1000) + 30,
    });
    assert.equal(r.sipp.successful, 1, `SIPp (${ending}): ${r.sipp.errors}\n${r.sipp.logs}\n${site.server.stderr().slice(-3000)}`);
    const callId = /^Call-ID:\s*(\S+)/im.exec(r.sipp.messages)?.[1];
    let ended;
    for (let i = 0; i < 50 && !ended; i++) {
      ended = callEndedLines(site.server.stderr() + site.server.stdout()).find((l) => l.callId === callId);
      if (!ended) await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(ended, `a 'call ended' line for ${callId}`);
    return ended.outcome as Record<string, unknown> | undefined;
  }

  /** Logs on with `pin` and hangs up after a while: the outcome says whether the logon happened. */
  async function logsOn(b: Box, pin: string, mediaPort = b.mediaPort): Promise<boolean> {
    const o = await callPilot(b, press(`${pin}#`, 1500), 8000, 'caller-bye', mediaPort);
    return o?.user !== undefined && o.reason === 'hangup';
  }

  it('changes the PIN from personal options: a PIN against the policy is refused, a valid one typed twice is taken', async () => {
    const b = BOXES.change;
    // 4: personal options; 3: change the PIN; 123# is too short.
    const refused = await callPilot(b, [...press(`${PIN}#`, 1500), ...press('4', 4000), ...press('3', 5000), ...press('123#', 6500)], 14_000);
    assert.ok(refused?.user !== undefined, `logged on: ${JSON.stringify(refused)}`);
    assert.equal(await logsOn(b, PIN), true, 'the old PIN still works after a refused change');
    const NEW = '583920';
    await callPilot(b, [...press(`${PIN}#`, 1500), ...press('4', 4000), ...press('3', 5000), ...press(`${NEW}#`, 6500), ...press(`${NEW}#`, 9500)], 16_000);
    // Two calls at once (SIPp media ports of their own): the new PIN, and the old one.
    const [withNew, withOld] = await Promise.all([logsOn(b, NEW), logsOn(b, PIN, b.mediaPort + 5)]);
    assert.equal(withNew, true, 'the new PIN works');
    assert.equal(withOld, false, 'the old PIN no longer works');
  });

  it('a PIN reset by the administrator is changed at the next logon', async () => {
    const b = BOXES.reset;
    const reset = JSON.parse(await must(['user', 'pin', 'reset', b.user, '--json'], site.data)) as { pin: string };
    assert.match(reset.pin, /^\d+$/);
    const NEW = '719304';
    const o = await callPilot(b, [...press(`${reset.pin}#`, 1500), ...press(`${NEW}#`, 5000), ...press(`${NEW}#`, 8000)], 15_000);
    assert.ok(o?.user !== undefined, `logged on with the reset PIN and changed it: ${JSON.stringify(o)}`);
    assert.equal(await logsOn(b, NEW), true, 'the PIN chosen by phone works');
  });

  it('a caller who logs on and then never presses a key is ended by the server after the input-failure limit', async () => {
    const b = BOXES.silent;
    const o = await callPilot(b, press(`${b.pin}#`, 1500), 90_000, 'server-bye');
    assert.equal(o?.reason, 'input-failures', `outcome ${JSON.stringify(o)}`);
  });
});
