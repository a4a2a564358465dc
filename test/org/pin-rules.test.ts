// The PIN rules as pure functions (the phone, CLI and API share them) and the scrypt hash format.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPin, verifyPin } from '../../src/org/pin-hash.js';
import { checkPinRules, isCommonPattern } from '../../src/org/pin-rules.js';

const ctx = { minPinLength: 6, allowCommonPatterns: false, extension: '1000' };

describe('PIN rules', () => {
  it('digits only, with a one-sentence reason naming the rule', () => {
    for (const pin of ['abcdef', '12345a', '58 3901', '５８３９０１', '-58390', '583.901']) {
      assert.equal(checkPinRules(pin, ctx)?.reason, 'not-digits', pin);
    }
    assert.match(checkPinRules('abcdef', ctx)?.message ?? '', /only the digits 0-9/);
  });

  it('minimum length from the policy, at most 24', () => {
    assert.equal(checkPinRules('58390', ctx)?.reason, 'too-short');
    assert.match(checkPinRules('58390', ctx)?.message ?? '', /has 5 digits .* at least 6/);
    assert.equal(checkPinRules('583901', ctx), undefined);
    assert.equal(checkPinRules('5839', { ...ctx, minPinLength: 4 }), undefined);
    assert.equal(checkPinRules('5'.repeat(12) + '8'.repeat(13), { ...ctx, allowCommonPatterns: true })?.reason, 'too-long');
  });

  it('common patterns: repeated, consecutive up or down, the extension or its reverse', () => {
    for (const pin of ['111111', '000000', '123456', '654321', '456789', '9876543210', '231000', '100042', '583001000']) {
      assert.ok(isCommonPattern(pin, '1000'), pin);
    }
    for (const pin of ['111111', '123456', '654321', '281000', '100099', '990001']) {
      assert.equal(checkPinRules(pin, ctx)?.reason, 'common-pattern', pin);
    }
    for (const pin of ['583901', '112233', '135790', '124578', '909090']) {
      assert.equal(checkPinRules(pin, ctx), undefined, pin);
    }
    assert.equal(checkPinRules('123456', { ...ctx, allowCommonPatterns: true }), undefined);
    // Extensions shorter than 3 digits would forbid too much: only the other patterns apply.
    assert.equal(checkPinRules('583901', { ...ctx, extension: '39' }), undefined);
  });

  it('scrypt hashes: salted, parameters stored, verified in constant time', async () => {
    const a = await hashPin('583901');
    const b = await hashPin('583901');
    assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'a salt per PIN');
    assert.equal(await verifyPin('583901', a), true);
    assert.equal(await verifyPin('583902', a), false);
    assert.equal(await verifyPin('583901', 'plain'), false);
    assert.equal(await verifyPin('583901', 'scrypt$99999999$8$1$AAAA$BBBB'), false, 'absurd parameters refused');
  });
});
