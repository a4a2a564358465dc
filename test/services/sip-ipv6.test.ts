// The call path over IPv6 (::1): the Call Router and the UM service redirect with bracketed IPv6
// Contacts, and a worker carries a call, with SIPp as the gateway.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runSipp, sippAvailable } from '../support/peers/sipp.js';
import { startSite, type UmSite } from '../support/um-setup.js';

const skip = sippAvailable() ? false : 'sipp is not installed (apt-get install sip-tester)';

describe('SIP call path over IPv6', { skip }, () => {
  let site: UmSite;
  before(async () => { site = await startSite('::1'); });
  after(async () => { await site?.stop(); });

  it('redirects twice and carries a call on ::1', async () => {
    const router = await runSipp({ scenario: 'uac-302', target: '[::1]:5060', transport: 'u1', calls: 1, timeoutSec: 15, keys: { service: '1000' } });
    assert.equal(router.successful, 1, router.stderr + router.errors);
    assert.match(router.contact ?? '', /^sip:1000@\[::1\]:5062;transport=udp;x-um-type=ca/);
    const service = await runSipp({ scenario: 'uac-302', target: '[::1]:5062', transport: 't1', calls: 1, timeoutSec: 15, keys: { service: '1000' } });
    assert.equal(service.successful, 1, service.stderr + service.errors);
    const port = /^sip:1000@\[::1\]:(\d+);transport=tcp/.exec(service.contact ?? '')?.[1];
    assert.ok(port === '5065' || port === '5067', service.contact);
    const call = await runSipp({ scenario: 'uac-call', target: `[::1]:${port}`, transport: 't1', calls: 1, timeoutSec: 15, keys: { service: '1000' }, extraArgs: ['-d', '300'] });
    assert.equal(call.successful, 1, call.stderr + call.errors);
    assert.match(call.messages, /c=IN IP6 ::1/);
  });
});
