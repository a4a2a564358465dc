// The PIN rules of a mailbox policy (Exchange's UMMailboxPolicy): digits only, at least the
// policy's minimum length (and at most 24), not one of the last N PINs, and unless the policy
// allows common patterns, not a run of one digit (111111), not consecutive digits up or down
// (123456, 654321), and not containing the user's extension or its reverse. Pure functions: the
// phone, the CLI and the admin API get the same reason for the same PIN.

export const MAX_PIN_LENGTH = 24;

export type PinViolation = 'not-digits' | 'too-short' | 'too-long' | 'common-pattern' | 'in-history';

export interface PinRuleContext {
  minPinLength: number;
  allowCommonPatterns: boolean;
  /** The user's extension (a PIN may not contain it unless common patterns are allowed). */
  extension: string;
}

export interface PinRefusal {
  reason: PinViolation;
  /** One sentence naming the rule and the fix. */
  message: string;
}

/** A run of one digit, or digits that step by +1 or -1 throughout. */
export function isCommonPattern(pin: string, extension: string): boolean {
  if (/^(\d)\1*$/.test(pin)) return true;
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add(pin.charCodeAt(i) - pin.charCodeAt(i - 1));
  if (steps.size === 1 && (steps.has(1) || steps.has(-1))) return true;
  if (extension.length >= 3 && /^\d+$/.test(extension)) {
    const reversed = [...extension].reverse().join('');
    if (pin.includes(extension) || pin.includes(reversed)) return true;
  }
  return false;
}

/** The first rule `pin` breaks (history is checked by the caller, which holds the hashes). */
export function checkPinRules(pin: string, ctx: PinRuleContext): PinRefusal | undefined {
  if (!/^\d+$/.test(pin)) {
    return { reason: 'not-digits', message: 'a PIN may contain only the digits 0-9 (it is typed on a phone keypad); choose a PIN of digits' };
  }
  if (pin.length < ctx.minPinLength) {
    return { reason: 'too-short', message: `the PIN has ${pin.length} digits but the mailbox policy asks for at least ${ctx.minPinLength}; choose a longer PIN` };
  }
  if (pin.length > MAX_PIN_LENGTH) {
    return { reason: 'too-long', message: `a PIN may have at most ${MAX_PIN_LENGTH} digits (got ${pin.length}); choose a shorter PIN` };
  }
  if (!ctx.allowCommonPatterns && isCommonPattern(pin, ctx.extension)) {
    return { reason: 'common-pattern', message: 'the PIN is too easy to guess (repeated digits like 111111, consecutive digits like 123456 or 654321, or the extension); choose a less regular PIN' };
  }
  return undefined;
}

export const HISTORY_REFUSAL = (count: number): PinRefusal => ({
  reason: 'in-history',
  message: `the PIN is the current one or one of the last ${count} PINs (the mailbox policy's PIN history); choose a PIN not used before`,
});
