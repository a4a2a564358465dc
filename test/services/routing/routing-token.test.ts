// The routing token (services/routing/routing-token.ts): a round trip, and every way a token that
// must not be trusted is told apart — tampered claims or MAC, another Call-ID, another key,
// expired, from too far in the future, malformed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { RoutingTokens, TOKEN_TTL_SECONDS, type RoutingClaims } from '../../../src/services/routing/routing-token.js';

const key = randomBytes(32);
const claims: RoutingClaims = { callType: 'CallAnswering', gatewayId: 3, huntGroupId: 11, dialPlanId: 7, userId: 21 };
const CALL = 'a84b4c76e66710@pc33.atlanta.com';

describe('routing token', () => {
  it('round-trips the decision for the same Call-ID, and carries no characters a URI parameter must escape', () => {
    const tokens = new RoutingTokens(key);
    const t = tokens.sign(claims, CALL);
    assert.match(t, /^[A-Za-z0-9._-]+$/);
    assert.deepEqual(tokens.verify(t, CALL), { ok: true, claims });
    const aa: RoutingClaims = { callType: 'AutoAttendant', gatewayId: 3, huntGroupId: 11, dialPlanId: 7, autoAttendantId: 5 };
    assert.deepEqual(tokens.verify(tokens.sign(aa, CALL), CALL), { ok: true, claims: aa });
    const sa: RoutingClaims = { callType: 'SubscriberAccess', gatewayId: 3, huntGroupId: 11, dialPlanId: 7 };
    assert.deepEqual(tokens.verify(tokens.sign(sa, CALL), CALL), { ok: true, claims: sa });
  });

  it('is verified by another process holding the same key (nodes sharing the store)', () => {
    const t = new RoutingTokens(key).sign(claims, CALL);
    assert.equal(new RoutingTokens(Buffer.from(key)).verify(t, CALL).ok, true);
    assert.deepEqual(new RoutingTokens(randomBytes(32)).verify(t, CALL), { ok: false, problem: 'signature' });
  });

  it('refuses a token bound to another Call-ID', () => {
    const tokens = new RoutingTokens(key);
    assert.deepEqual(tokens.verify(tokens.sign(claims, CALL), 'other@pc33.atlanta.com'), { ok: false, problem: 'signature' });
  });

  it('refuses tampered claims (another user, another call type) and a tampered MAC', () => {
    const tokens = new RoutingTokens(key);
    const t = tokens.sign(claims, CALL);
    const parts = t.split('.');
    const otherUser = [...parts.slice(0, 4), '22', ...parts.slice(5)].join('.');
    assert.deepEqual(tokens.verify(otherUser, CALL), { ok: false, problem: 'signature' });
    const otherType = ['sa', ...parts.slice(1)].join('.');
    assert.deepEqual(tokens.verify(otherType, CALL), { ok: false, problem: 'signature' });
    const mac = parts[7] ?? '';
    const flipped = [...parts.slice(0, 7), (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1)].join('.');
    assert.deepEqual(tokens.verify(flipped, CALL), { ok: false, problem: 'signature' });
  });

  it(`expires after ${TOKEN_TTL_SECONDS} s, and refuses one dated further ahead than it could have been signed`, () => {
    let now = 1_800_000_000_000;
    const tokens = new RoutingTokens(key, () => now);
    const t = tokens.sign(claims, CALL);
    now += (TOKEN_TTL_SECONDS - 1) * 1000;
    assert.equal(tokens.verify(t, CALL).ok, true);
    now += 2000;
    assert.deepEqual(tokens.verify(t, CALL), { ok: false, problem: 'expired' });
    // A key holder's clock far ahead: its token is not valid for an hour here.
    const future = new RoutingTokens(key, () => now + 3_600_000).sign(claims, CALL);
    assert.deepEqual(tokens.verify(future, CALL), { ok: false, problem: 'expired' });
  });

  it('tells a malformed token apart without throwing', () => {
    const tokens = new RoutingTokens(key);
    for (const bad of ['', 'x', 'ca.3.11.7.21..1800000000', 'zz.3.11.7.21..1800000000.' + 'A'.repeat(43), 'ca.-3.11.7.21..1800000000.' + 'A'.repeat(43),
      'ca.3.11.7.21..1800000000.short', 'ca.3.11.7.21..1800000000.' + 'A'.repeat(300), 'ca.3.11.7.21..1.8e9.' + 'A'.repeat(43)]) {
      assert.deepEqual(tokens.verify(bad, CALL), { ok: false, problem: 'malformed' }, bad);
    }
    assert.throws(() => new RoutingTokens(randomBytes(16)), /at least 32 bytes/);
  });
});
