// A user's "call answering off" (set on their web page or with openum user set) through a real
// `openum start`: the Call Router no longer sends calls for the user to UM but answers 480, so
// the PBX keeps the call (rings on, or its own no-answer treatment), as in Exchange when UM call
// answering is disabled; turned on again, the next call is redirected to UM as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request, startSite, statusOf, udpExchange, type UmSite } from '../support/um-setup.js';
import { sleep } from '../support/voicemail.js';

const ADDRESS = '127.0.112.10';

describe('call answering off is refused by the Call Router with 480', { timeout: 90_000 }, () => {
  let site: UmSite;
  before(async () => { site = await startSite(ADDRESS); });
  after(async () => { await site?.stop(); });

  const direct = () => udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:1000@${ADDRESS}`, ADDRESS, 0), { from: ADDRESS });
  const diverted = () => udpExchange({ address: ADDRESS, port: 5060 },
    request('INVITE', `sip:4000@${ADDRESS}`, ADDRESS, 0, [`Diversion: <sip:1000@${ADDRESS}>;reason=no-answer`]), { from: ADDRESS });

  /** The status the Call Router gives, once the change has reached it (it reloads on the store revision). */
  async function settlesTo(send: () => Promise<string | undefined>, status: number): Promise<{ status: number; reason: string }> {
    const until = Date.now() + 15_000;
    for (;;) {
      const got = statusOf(await send());
      if (got.status === status || Date.now() > until) return got;
      await sleep(250);
    }
  }

  it('redirects, refuses while off, and redirects again when on', async () => {
    assert.equal((await settlesTo(direct, 302)).status, 302);
    await site.run(['user', 'set', 'alice', '--call-answering', 'off']);
    const off = await settlesTo(direct, 480);
    assert.deepEqual(off, { status: 480, reason: 'Temporarily Unavailable - alice has turned call answering off' });
    assert.equal((await settlesTo(diverted, 480)).status, 480, 'a call diverted from alice to the pilot number too');
    // Bob is not concerned.
    const bob = statusOf(await udpExchange({ address: ADDRESS, port: 5060 }, request('INVITE', `sip:1001@${ADDRESS}`, ADDRESS, 0), { from: ADDRESS }));
    assert.equal(bob.status, 302);
    await site.run(['user', 'set', 'alice', '--call-answering', 'on']);
    assert.equal((await settlesTo(direct, 302)).status, 302);
    assert.equal((await settlesTo(diverted, 302)).status, 302);
  });
});
