// The wiring in a running `openum start` with its SIP roles: a message waiting at start lights the
// lamp on the gateway (a SIPp UAS over TCP) through the UM service's SIP stack, and marking it read
// with the CLI turns the lamp off through the change watcher, with no call to the server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/org/users.js';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { sippAvailable } from '../support/peers/sipp.js';
import { startSippUas, type SippUas } from '../support/peers/sipp-uas.js';
import { must, startSite, type UmSite } from '../support/um-setup.js';
import { addMessage, freePortOn, type StoredMessage } from '../support/voicemail.js';

const ADDRESS = '127.0.44.40';

describe('MWI from a running openum start', { skip: sippAvailable() ? false : 'sipp (sip-tester) is not installed' }, () => {
  let site: UmSite;
  let uas: SippUas;
  let message: StoredMessage;
  let port: number;
  const logged = (logs: string) => [...logs.matchAll(/^mwi (.*)$/gm)].map((m) => m[1]);

  before(async () => {
    port = await freePortOn(ADDRESS);
    uas = await startSippUas({ scenario: 'uas-mwi', address: ADDRESS, port, calls: 1, timeoutSec: 40 });
    site = await startSite(ADDRESS, {
      fqdn: 'um.contoso.test',
      before: async (data) => {
        await must(['gateway', 'set', 'GW', '--port', String(port)], data);
        const node: OpenNode = await openNode({ dataDir: data, actor: { name: 'test' } });
        try {
          const alice = (await findUser(node.store.db, 'alice'))?.id ?? 0;
          message = await addMessage(node.store.db, data, { serverName: node.serverName ?? '', userId: alice });
        } finally {
          await node.close();
        }
      },
    });
  });
  after(async () => {
    await uas?.stop();
    await site?.stop();
  });

  it('a message waiting at start: NOTIFY 1/0; openum voicemail read: NOTIFY 0/1 through the change watcher', async () => {
    let r = await uas.done;
    assert.equal(r.code, 0, `SIPp failed the NOTIFY: ${r.errors}\n${r.stdout}\n${site.server.stderr()}`);
    assert.deepEqual(logged(r.logs), [`waiting=yes account=sip:1000@um.contoso.test unread=1 read=0 ruri=sip:1000@${ADDRESS}:${port}`]);

    uas = await startSippUas({ scenario: 'uas-mwi', address: ADDRESS, port, calls: 1, timeoutSec: 20 });
    await site.run(['voicemail', 'read', String(message.id)]);
    r = await uas.done;
    assert.equal(r.code, 0, `SIPp failed the NOTIFY: ${r.errors}\n${r.stdout}`);
    assert.deepEqual(logged(r.logs), [`waiting=no account=sip:1000@um.contoso.test unread=0 read=1 ruri=sip:1000@${ADDRESS}:${port}`]);
  });
});
