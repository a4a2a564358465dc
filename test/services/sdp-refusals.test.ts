// SDP offers a worker cannot use are refused with 488 and a reason that names the problem (RFC
// 3261 §21.4.26, RFC 3264 §6): an audio port out of range, no c= line at media or session level.
// A body cut short on UDP (Content-Length larger than what arrived) is a 400 (§18.3). Each INVITE
// follows the Call Router's and the UM service's redirects to a worker, as a gateway's would.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { headerOf, request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';

const ADDRESS = '127.0.116.30';

/** Sends one datagram and waits for the final response (1xx skipped), at most 4 s. */
function finalReply(port: number, data: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(undefined); }, 4_000);
    s.on('message', (m) => {
      const text = m.toString('latin1');
      if (statusOf(text).status < 200) return;
      clearTimeout(timer);
      s.close();
      resolve(text);
    });
    s.bind(0, ADDRESS, () => s.send(Buffer.from(data, 'latin1'), port, ADDRESS));
  });
}

const sdp = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;
const GOOD = ['v=0', 'o=- 1 1 IN IP4 127.0.116.30', 's=-', 'c=IN IP4 127.0.116.30', 't=0 0', 'm=audio 40000 RTP/AVP 0'];

describe('SDP offers a worker refuses', () => {
  let site: UmSite;
  let worker = '';
  before(async () => {
    site = await startSite(ADDRESS);
    const atRouter = await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:1000@${ADDRESS}`, ADDRESS, 0));
    const umUri = /<?(sip:[^>\s]+)/.exec(headerOf(atRouter, 'Contact') ?? '')?.[1] ?? '';
    const umPort = Number(/:(\d+)/.exec(umUri.replace(/^sip:[^@]*@/, ''))?.[1]);
    const atService = await udpExchange({ address: ADDRESS, port: umPort }, request('INVITE', umUri, ADDRESS, 0));
    worker = /<?(sip:[^>\s]+)/.exec(headerOf(atService, 'Contact') ?? '')?.[1] ?? '';
    assert.match(worker, /^sip:1000@127\.0\.116\.30:\d+/, `a worker's Contact: ${atService?.split('\r\n')[0]}`);
  });
  after(async () => { await site?.stop(); });

  const workerPort = (): number => Number(/@[\d.]+:(\d+)/.exec(worker)?.[1]);
  const invite = (body: string, extra: string[] = []): string =>
    request('INVITE', worker.replace(/;transport=\w+/, ''), ADDRESS, 0, ['Content-Type: application/sdp', ...extra], body);

  const cases: [string, string, RegExp][] = [
    ['an audio port above 65535', sdp(GOOD.map((l) => l.replace('m=audio 40000', 'm=audio 70000'))), /audio port is out of range \(70000\)/],
    ['no c= line at session or media level', sdp(GOOD.filter((l) => !l.startsWith('c='))), /no connection address \(c=\)/],
  ];
  for (const [what, body, reason] of cases) {
    it(`answers 488 with a reason for ${what}`, async () => {
      const reply = await finalReply(workerPort(), invite(body));
      assert.equal(statusOf(reply).status, 488, reply?.split('\r\n')[0]);
      assert.match(statusOf(reply).reason, reason);
    });
  }

  it('takes a c= line at media level alone', async () => {
    const body = sdp([...GOOD.filter((l) => !l.startsWith('c=')), 'c=IN IP4 127.0.116.30']);
    const reply = await finalReply(workerPort(), invite(body));
    assert.equal(statusOf(reply).status, 200, reply?.split('\r\n')[0]);
  });

  it('answers 400 to an INVITE whose body is shorter than its Content-Length (UDP)', async () => {
    const full = invite(sdp(GOOD));
    const truncated = full.slice(0, full.length - 40);
    const reply = await finalReply(workerPort(), truncated);
    assert.equal(statusOf(reply).status, 400, reply?.split('\r\n')[0]);
    assert.match(statusOf(reply).reason, /Content-Length larger than body/);
  });
});
