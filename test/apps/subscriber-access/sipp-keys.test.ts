// The SIPp keypad caller (test/fixtures/sipp/uac-keys.xml, test/support/peers/sipp-keys.ts) that
// the subscriber-access and auto-attendant SIPp tests drive: its key pcaps are one RTP stream
// (sequence numbers and timestamps only grow, one SSRC, RFC 4733 events only), and the rendered
// scenario runs against a SIPp UAS (INVITE, 200, ACK, the keys, BYE) on 127.0.106.x.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { run, tempDir } from '../../support/run.js';
import { keysPcaps, renderKeysScenario } from '../../support/peers/sipp-keys.js';
import { RTP_PCAP_TOOL, SIPP_G711A } from '../../support/peers/sipp-voicemail.js';

const skip = existsSync('/usr/bin/sipp') && existsSync(SIPP_G711A) ? false : 'sipp (sip-tester) is not installed';
const dir = tempDir('openum-sipp-keys-');
after(() => dir.cleanup());

interface Rtp { pt: number; seq: number; ts: number; ssrc: number; payload: Buffer }
const { rtpPackets } = (await import(pathToFileURL(RTP_PCAP_TOOL).href)) as { rtpPackets: (path: string) => Rtp[] };

describe('SIPp keypad caller', { skip }, () => {
  it('makes key pcaps that continue one RTP stream of RFC 4733 events', async () => {
    const pcaps = await keysPcaps(dir.path, ['246813#', '1', '*']);
    const steps = pcaps.map((p) => rtpPackets(p));
    assert.deepEqual(steps.map((s) => s.length), [7 * 10, 10, 10]);
    const all = steps.flat();
    assert.ok(all.every((p) => p.pt === 101 && p.ssrc === all[0]!.ssrc));
    for (let i = 1; i < all.length; i++) {
      assert.ok(all[i]!.seq > all[i - 1]!.seq, `sequence numbers grow (packet ${i})`);
      assert.ok(all[i]!.ts >= all[i - 1]!.ts, `timestamps never go back (packet ${i})`);
    }
    // RFC 4733 §2.3: the event code is the payload's first byte: 2 4 6 8 1 3 #(11), 1, *(10).
    const events = steps.map((s) => [...new Set(s.map((p) => p.payload[0]))]);
    assert.deepEqual(events, [[2, 4, 6, 8, 1, 3, 11], [1], [10]]);
  });

  it('runs the rendered scenario against a SIPp UAS', async () => {
    const pcaps = await keysPcaps(dir.path, ['246813#', '1']);
    const scenario = renderKeysScenario(join(dir.path, 'uac-keys.xml'), { steps: pcaps.map((pcap) => ({ afterMs: 200, pcap })), ending: 'hangup', hangupMs: 300 });
    const uas = spawn('sipp', ['-sn', 'uas', '-i', '127.0.106.2', '-p', '15060', '-mi', '127.0.106.2', '-mp', '36100', '-m', '1', '-timeout', '30', '-nostdin'], { stdio: 'ignore' });
    const uasDone = new Promise<number>((r) => uas.on('close', (c) => r(c ?? -1)));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const r = await run('sipp', [
        '127.0.106.2:15060', '-sf', scenario, '-i', '127.0.106.1', '-p', '15061', '-mi', '127.0.106.1', '-mp', '36200',
        '-s', '4000', '-key', 'from_user', 'gateway', '-key', 'extra_headers', '', '-m', '1', '-timeout', '30', '-nostdin',
      ], { timeoutMs: 40_000, cwd: dir.path });
      assert.equal(r.code, 0, `sipp uac: ${r.stdout.slice(-400)} ${r.stderr.slice(-400)}`);
      assert.equal(await uasDone, 0);
    } finally {
      if (uas.exitCode === null && uas.pid) process.kill(uas.pid);
    }
  });
});
