// REFER as the transferor against a real SIPp gateway over UDP: we place a call (UacInvite),
// transfer it (RFC 3515) and the gateway either accepts (202, NOTIFY sipfrag 100 then 200,
// test/fixtures/sipp/uas-refer.xml: each NOTIFY must get our 200) or refuses with 405
// (uas-refer-405.xml). SIPp exits 0 only when the whole scenario passed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildResponse } from '../../../src/sip/message/build.js';
import { DialogTable } from '../../../src/sip/dialog/dialog-table.js';
import type { Dialog } from '../../../src/sip/dialog/dialog.js';
import { refer } from '../../../src/sip/dialog/refer.js';
import { UacInvite } from '../../../src/sip/dialog/uac-dialog.js';
import { TransactionLayer } from '../../../src/sip/transaction/transaction-layer.js';
import { TransportLayer } from '../../../src/sip/transport/transport-layer.js';
import type { Endpoint } from '../../../src/sip/transport/types.js';
import { sippAvailable } from '../../support/peers/sipp.js';
import { startSippUas } from '../../support/peers/sipp-uas.js';
import { freePortOn } from '../../support/voicemail.js';

const US = '127.0.102.10';
const GW = '127.0.102.11';

describe('REFER to a SIPp gateway (RFC 3515)', { skip: sippAvailable() ? false : 'sipp (sip-tester) is not installed' }, () => {
  let transport: TransportLayer;
  let layer: TransactionLayer;
  let local: Endpoint;
  const dialogs = new DialogTable<Dialog>();

  before(async () => {
    transport = new TransportLayer();
    layer = new TransactionLayer(transport);
    layer.setUser({
      onRequest(request, tx) {
        const d = dialogs.match(request);
        if (d) return d.receive(request, tx);
        tx?.respond(buildResponse(request, 481, 'Call/Transaction Does Not Exist'));
      },
    });
    local = await transport.listen({ protocol: 'udp', address: US, port: 0 });
  });
  after(async () => {
    layer.close();
    await transport.close();
  });

  async function transferThrough(scenario: string) {
    const port = await freePortOn(GW);
    const gw = await startSippUas({ scenario, address: GW, port, calls: 1, timeoutSec: 20, transport: 'u1' });
    const invite = new UacInvite({
      layer, hop: { dest: { protocol: 'udp', address: GW, port }, viaHost: US, viaPort: local.port },
      requestUri: `sip:5551234@${GW}:${port}`, from: `sip:um@${US}`, to: `sip:5551234@${GW}`,
      contact: `sip:um@${US}:${local.port}`, body: Buffer.from(`v=0\r\no=um 1 1 IN IP4 ${US}\r\ns=-\r\nc=IN IP4 ${US}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n`),
    });
    const answered = await invite.start((d) => dialogs.set(d.id, d));
    assert.ok(answered.ok, 'SIPp answers the call');
    const result = await refer(answered.dialog, 'sip:2001@pbx.contoso.com', { notifyTimeoutMs: 5000 });
    answered.dialog.bye();
    const sipp = await gw.done;
    return { result, sipp };
  }

  it('a transfer the gateway accepts: 202, NOTIFY 100, NOTIFY 200 terminated -> transferred', async () => {
    const { result, sipp } = await transferThrough('uas-refer');
    assert.deepEqual(result, { outcome: 'transferred' });
    assert.equal(sipp.code, 0, `SIPp failed: ${sipp.errors}\n${sipp.messages}`);
    assert.match(sipp.logs, /refer-to=<sip:2001@pbx\.contoso\.com> referred-by=<sip:um@127\.0\.102\.10>/);
  });

  it('a gateway that answers REFER 405 -> refused with 405', async () => {
    const { result, sipp } = await transferThrough('uas-refer-405');
    assert.equal(result.outcome, 'refused');
    assert.equal(result.outcome === 'refused' ? result.status : 0, 405);
    assert.equal(sipp.code, 0, `SIPp failed: ${sipp.errors}\n${sipp.messages}`);
  });
});
