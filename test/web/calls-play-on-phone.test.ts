// A Play on Phone call is a call in progress too: while a UM worker plays alice's message to a
// SIPp phone (test/fixtures/sipp/uas-answer.xml) through the dial plan's gateway, GET /api/calls
// lists it as an outbound playOnPhone call with that gateway, dial plan, user and number.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/org/users.js';
import type { CallsReport } from '../../src/services/live-status.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { api } from '../support/api.js';
import { cli } from '../support/openum.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { startSippUas } from '../support/peers/sipp-uas.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { addMessage } from '../support/voicemail.js';

const ADDRESS = '127.0.113.30';
const GATEWAY = '127.0.113.31';

describe('a Play on Phone call in /api/calls', { skip: sippAvailable() ? false : 'sipp is not installed', timeout: 90_000 }, () => {
  let site: UmSite;
  let node: OpenNode;
  let messageId: number;
  before(async () => {
    site = await startSite(ADDRESS, {
      gatewayAddress: GATEWAY,
      before: async (data) => {
        await must(['service', 'set', '--rtp-ports', '42000-42999'], data);
        await must(['dialplan', 'set', 'DP', '--outdial-allowed', '9XXXXXXXXX'], data);
      },
    });
    node = await openNode({ dataDir: site.data, actor: { name: 'test' } });
    const alice = await findUser(node.store.db, 'alice');
    // Ten seconds of message: the call stays up long enough to be seen.
    messageId = (await addMessage(node.store.db, site.data, { serverName: node.serverName ?? '', userId: alice?.id ?? 0, seconds: 10 })).id;
  });
  after(async () => {
    await node?.close();
    await site?.stop();
  });

  it('lists it as outbound, with gateway, dial plan, user and number, while it plays', async () => {
    const phone = await startSippUas({ scenario: 'uas-answer', address: GATEWAY, port: 5060, calls: 1, timeoutSec: 40, transport: 'u1', extraArgs: ['-mp', '34000'] });
    const placed = await cli(['voicemail', 'play-on-phone', String(messageId), '--number', '9123456789'], { data: site.data });
    assert.equal(placed.code, 0, placed.stderr);
    let seen: CallsReport | undefined;
    for (let i = 0; i < 75 && !seen; i++) {
      const r = await api(site.server.port, 'GET', '/api/calls', { token: site.token });
      const body = r.json() as CallsReport;
      if (body.calls.length > 0) seen = body;
      else await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(seen, `no call listed\n${site.server.stderr().slice(-2000)}`);
    const [c] = seen.calls;
    assert.deepEqual({ ...c, id: undefined, startedAt: undefined }, {
      id: undefined, startedAt: undefined, role: 'worker', worker: c?.worker, type: 'playOnPhone', direction: 'outbound',
      from: 'um@um.contoso.test', to: '9123456789', gateway: 'GW', dialPlan: 'DP', user: 'alice', transport: 'udp', media: 'RTP',
    });
    assert.ok(c?.worker === 1 || c?.worker === 2);
    assert.deepEqual(seen.totals.byType, { playOnPhone: 1 });
    const sipp = await phone.done;
    assert.equal(sipp.code, 0, `SIPp: ${sipp.errors}\n${sipp.messages.slice(-2000)}`);
  });
});
