// A dial plan's outdialing rules (Exchange's dial plan "dialing rule groups", simplified): which
// numbers a UM server may call for it (Play on Phone). A rule is a pattern of digits where X
// stands for any one digit, optionally led by '+' ("1XXX", "9XXXXXXXXX", "+39XXXXXXXXXX").
// Without rules a plan may call its own extensions only (numbers of its extension length).
import { OpenUmError, type ErrorHints } from '../errors.js';
import type { DialPlan } from './organisation-types.js';

const PATTERN = /^\+?[0-9X]{1,32}$/;

/** "1XXX, 9XXXXXXXXX" (or an array of such) → the validated list; '' or [] → [] (the default). */
export function parseOutdialRules(value: string | string[]): string[] {
  const typed = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const p of typed) {
    if (!PATTERN.test(p.toUpperCase())) {
      // Quoted as typed: "foo", not "FOO".
      throw new OpenUmError('BAD_SETTING', `"${p}" is not an outdialing rule: write digits with X for any digit, like 1XXX or 9XXXXXXXXX (an optional leading +)`);
    }
  }
  return [...new Set(typed.map((p) => p.toUpperCase()))];
}

/** A number as dialled: digits, with an optional leading '+'; spaces, dashes, dots and brackets are dropped. */
export function normaliseDialledNumber(number: string): string | undefined {
  const n = String(number).trim().replace(/[\s().-]/g, '');
  return /^\+?\d{1,32}$/.test(n) ? n : undefined;
}

function matches(pattern: string, number: string): boolean {
  if (pattern.length !== number.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p !== 'X' && p !== number[i]) return false;
    if (p === 'X' && !/\d/.test(number[i] ?? '')) return false;
  }
  return true;
}

/** Whether the plan may dial `number`; the reason when it may not, naming the fix. */
export function checkOutdial(plan: Pick<DialPlan, 'name' | 'extensionLength' | 'outdialAllowed'>, number: string): { ok: true; number: string } | { ok: false; reason: string; hints?: ErrorHints } {
  const n = normaliseDialledNumber(number);
  if (!n) return { ok: false, reason: `"${number}" is not a phone number: give digits, with an optional leading +` };
  const rules = plan.outdialAllowed.length > 0 ? plan.outdialAllowed : plan.extensionLength ? ['X'.repeat(plan.extensionLength)] : [];
  if (rules.some((r) => matches(r, n))) return { ok: true, number: n };
  const allowed = plan.outdialAllowed.length > 0 ? `its rules allow ${plan.outdialAllowed.join(', ')}`
    : `without outdialing rules it calls its own ${plan.extensionLength ?? '?'}-digit extensions only`;
  return {
    ok: false, reason: `the dial plan "${plan.name}" may not call ${n}: ${allowed}`,
    hints: {
      cli: `; add a rule with openum dialplan set ${plan.name} --outdial-allowed "PATTERN,…"`,
      api: `; add a rule to outdialAllowed (PATCH /api/dialplans/${plan.name})`,
    },
  };
}
