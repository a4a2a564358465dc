// The per-address count of failed authentication (src/web/auth-failures.ts), without a server:
// IPv6 sources counted by their /64, and a bounded number of sources remembered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthFailureLimit, sourceKey } from '../../src/web/auth-failures.js';

describe('AuthFailureLimit', () => {
  it('keys IPv4 by address and IPv6 by /64', () => {
    assert.equal(sourceKey('192.0.2.7'), '192.0.2.7');
    assert.equal(sourceKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(sourceKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(sourceKey('2001:0db8:0001:0002:ffff:1:2:3'), '2001:db8:1:2::/64');
    assert.equal(sourceKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(sourceKey('::1'), '0:0:0:0::/64');
  });

  it('holds a source after max failures in the window, and no other', () => {
    const limit = new AuthFailureLimit({ max: 3, timeWindow: 60_000, sources: 100 });
    for (let i = 0; i < 2; i++) limit.fail('192.0.2.1');
    assert.equal(limit.retryAfter('192.0.2.1'), 0);
    limit.fail('192.0.2.1');
    const wait = limit.retryAfter('192.0.2.1');
    assert.ok(wait > 0 && wait <= 60, String(wait));
    assert.equal(limit.retryAfter('192.0.2.2'), 0);
    for (let i = 0; i < 3; i++) limit.fail(`2001:db8:5:6::${i + 1}`);
    assert.ok(limit.retryAfter('2001:db8:5:6::99') > 0, 'another address of the same /64 is held');
  });

  it('remembers at most `sources` addresses (the least recently seen go first)', () => {
    const limit = new AuthFailureLimit({ max: 1, timeWindow: 60_000, sources: 3 });
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) limit.fail(ip);
    assert.equal(limit.retryAfter('192.0.2.1'), 0, 'the oldest was forgotten');
    assert.ok(limit.retryAfter('192.0.2.4') > 0);
  });
});
