// Outdialing rules of a dial plan (Play on Phone): X is any digit; without rules, the plan's own
// extensions only; anything else is refused with the fix named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenUmError, withHint } from '../../src/errors.js';
import { checkOutdial, parseOutdialRules } from '../../src/org/outdial-rules.js';

const plan = (outdialAllowed: string[] = []) => ({ name: 'DP', extensionLength: 4, outdialAllowed });

describe('outdialing rules', () => {
  it('parses and validates patterns', () => {
    assert.deepEqual(parseOutdialRules('1xxx, 9XXXXXXXXX,1XXX'), ['1XXX', '9XXXXXXXXX']);
    assert.deepEqual(parseOutdialRules(''), []);
    assert.deepEqual(parseOutdialRules(['+39XXXXXXXXXX']), ['+39XXXXXXXXXX']);
    assert.throws(() => parseOutdialRules('9*'), (e: unknown) => e instanceof OpenUmError && e.code === 'BAD_SETTING' && /X for any digit/.test(e.message));
    assert.throws(() => parseOutdialRules('9XXX, foo'), (e: unknown) => e instanceof OpenUmError && /^"foo" is not an outdialing rule/.test(e.message), 'quoted as typed');
  });

  it('allows the plan\'s own extensions by default and the patterns when set', () => {
    assert.deepEqual(checkOutdial(plan(), '1001'), { ok: true, number: '1001' });
    assert.equal(checkOutdial(plan(), '91234').ok, false);
    assert.deepEqual(checkOutdial(plan(['9XXXXXXXXX']), '(912) 345-6789'), { ok: true, number: '9123456789' });
    assert.equal(checkOutdial(plan(['9XXXXXXXXX']), '1001').ok, false);
    assert.equal(checkOutdial(plan(['+39XXXXXXXXXX']), '+390212345678').ok, true);
  });

  it('says why a number is refused and how to allow it', () => {
    const r = checkOutdial(plan(['1XXX']), '0039021234567');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : withHint(r.reason, r.hints?.cli), /may not call 0039021234567: its rules allow 1XXX; add a rule with openum dialplan set DP --outdial-allowed/);
    assert.match(r.ok ? '' : withHint(r.reason, r.hints?.api), /; add a rule to outdialAllowed \(PATCH \/api\/dialplans\/DP\)$/);
    const d = checkOutdial(plan(), '55555');
    assert.match(d.ok ? '' : d.reason, /own 4-digit extensions only/);
    assert.match((checkOutdial(plan(), 'abc') as { reason: string }).reason, /is not a phone number/);
  });
});
