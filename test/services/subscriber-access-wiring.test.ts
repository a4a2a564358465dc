// Subscriber access on this node (services/worker/subscriber-access-services.ts): who the caller
// is (caller ID from P-Asserted-Identity or From: the extension, a longer number ending in it, or
// the whole SIP URI, host included), and "call the sender", which transfers only through a gateway
// that takes outgoing calls and to a number the dial plan's outdialing rules allow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerOf } from '../../src/services/worker/caller.js';
import { gatewayTransferTarget } from '../../src/services/worker/auto-attendant-services.js';
import { senderCallback, userByCallerId } from '../../src/services/worker/subscriber-access-services.js';
import { alice, gateway, invite, plan } from './routing/fake-view.js';

const erin = { ...alice, id: 24, name: 'erin', extension: '1004', sipUri: 'sip:erin@contoso.com' };
const users = [alice, erin];

describe('subscriber access: the caller by caller ID', () => {
  it('reads P-Asserted-Identity before From, with the SIP URI in lower case; anonymous is nobody', () => {
    assert.deepEqual(callerOf(invite('sip:4000@127.0.101.10', { headers: ['P-Asserted-Identity: "Erin" <sip:Erin@Contoso.com;user=phone>'] })),
      { id: 'Erin', name: 'Erin', uri: 'sip:erin@contoso.com' });
    assert.deepEqual(callerOf(invite('sip:4000@127.0.101.10')), { id: '+390255501', name: 'Bob', uri: 'sip:+390255501@127.0.101.10' });
    assert.deepEqual(callerOf(invite('sip:4000@127.0.101.10', { headers: ['P-Asserted-Identity: <tel:+14255551004>'] })), { id: '+14255551004', name: '' });
    assert.deepEqual(callerOf(invite('sip:4000@127.0.101.10', { headers: ['P-Asserted-Identity: "Anonymous" <sip:anonymous@anonymous.invalid>'] })), { id: '', name: '' });
  });

  it('finds the user by extension, by a number ending in it, or by the whole SIP URI', () => {
    assert.equal(userByCallerId(users, { id: '1000', name: '' }, 4)?.name, 'alice');
    assert.equal(userByCallerId(users, { id: '+14255551004', name: '' }, 4)?.name, 'erin');
    assert.equal(userByCallerId(users, { id: 'erin', name: '', uri: 'sip:erin@contoso.com' }, 4)?.name, 'erin');
    assert.equal(userByCallerId(users, { id: '', name: '' }, 4), undefined, 'anonymous');
  });

  it('a SIP URI with the same user at another host is not the user (asked for the extension instead)', () => {
    assert.equal(userByCallerId(users, { id: 'erin', name: '', uri: 'sip:erin@fabrikam.com' }, 4), undefined);
    assert.equal(userByCallerId(users, { id: 'erin', name: '' }, 4), undefined, 'no URI (tel:), no match by name');
  });
});

describe('subscriber access: "call the sender"', () => {
  const target = gatewayTransferTarget(gateway, 'udp');

  it('transfers to a number the outdialing rules allow, through a gateway with outcalls on', () => {
    const call = senderCallback({ outcallsAllowed: true }, { ...plan, outdialAllowed: ['9XXXXXXX'] }, target);
    assert.equal(call('95551234'), 'sip:95551234@127.0.101.10:5060');
    assert.equal(call('1002'), undefined, 'not in the rules');
    assert.equal(senderCallback({ outcallsAllowed: true }, plan, target)('1002'), 'sip:1002@127.0.101.10:5060', 'no rules: own extensions');
    assert.equal(senderCallback({ outcallsAllowed: true }, plan, target)('5551234'), undefined, 'no rules: nothing else');
  });

  it('offers nothing through a gateway with outcalls off, or for a number that is no number', () => {
    assert.equal(senderCallback({ outcallsAllowed: false }, plan, target)('1002'), undefined);
    assert.equal(senderCallback({ outcallsAllowed: true }, plan, target)('sip:bob@x'), undefined);
  });
});
