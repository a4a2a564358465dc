// Parsers for the values of the organisation objects (dial plans, gateways, hunt groups, users).
// Each refusal names the field, what is allowed and how to fix it, as BAD_SETTING.
import { OpenUmError } from '../errors.js';

/** Object names: 1–64 characters, no control characters, no / or \ (they appear in URLs). */
export function parseName(text: string, what: string): string {
  const name = text.trim();
  if (name.length < 1 || name.length > 64) {
    throw new OpenUmError('BAD_SETTING', `the ${what} name must have 1 to 64 characters (got ${name.length}); choose a shorter or non-empty name`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f/\\]/.test(name)) {
    throw new OpenUmError('BAD_SETTING', `the ${what} name "${name}" may not contain / or \\ or control characters; choose a name without them`);
  }
  return name;
}

/** One of a fixed set of values, matched without regard to case, returned in its canonical spelling. */
export function parseChoice<T extends string>(value: string, allowed: readonly T[], field: string): T {
  const found = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (!found) {
    throw new OpenUmError('BAD_SETTING', `${field} must be one of ${allowed.join(', ')} (got "${value}"); give one of these`);
  }
  return found;
}

/** A whole number in [min, max]. */
export function parseIntIn(value: string | number, field: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new OpenUmError('BAD_SETTING', `${field} must be a whole number from ${min} to ${max} (got "${value}"); give a value in that range`);
  }
  return n;
}

/** on/off, true/false, yes/no, 1/0, or a boolean. */
export function parseBool(value: string | boolean, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (/^(on|true|yes|1)$/i.test(value.trim())) return true;
  if (/^(off|false|no|0)$/i.test(value.trim())) return false;
  throw new OpenUmError('BAD_SETTING', `${field} takes on or off (got "${value}")`);
}

/** on, off, or policy/default/null (= inherit): a user's setting that may follow the policy's. */
export function parseBoolOrInherit(value: string | boolean | null, field: string): boolean | null {
  if (value === null || (typeof value === 'string' && /^(policy|default|inherit)$/i.test(value.trim()))) return null;
  return parseBool(value, field);
}

/** The text that names a list of objects in a message: "a", "b" and "c" (at most 5, then "and N more"). */
export function nameList(names: string[]): string {
  const quoted = names.slice(0, 5).map((n) => `"${n}"`);
  if (names.length > 5) quoted.push(`${names.length - 5} more`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}
