// Dial by name on the keypad (Exchange's "spell the name" directory search): letters map to keys
// as printed on telephones (ITU-T E.161: 2=ABC, 3=DEF, 4=GHI, 5=JKL, 6=MNO, 7=PQRS, 8=TUV,
// 9=WXYZ); accents are dropped first (é is E), everything that is not a letter is skipped
// (O'Brien is OBRIEN). A caller's digits match a name whose keypad spelling starts with them.

const KEYPAD: Record<string, string> = {
  A: '2', B: '2', C: '2', D: '3', E: '3', F: '3', G: '4', H: '4', I: '4', J: '5', K: '5', L: '5', M: '6', N: '6', O: '6',
  P: '7', Q: '7', R: '7', S: '7', T: '8', U: '8', V: '8', W: '9', X: '9', Y: '9', Z: '9',
};

/** The keys that spell `name`: 'Smith' → '76484'. */
export function keypadDigits(name: string): string {
  return [...name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase()]
    .map((c) => (c === 'ß' ? '77' : c === 'Æ' ? '23' : c === 'Ø' ? '6' : KEYPAD[c] ?? ''))
    .join('');
}

/** First and last name from a display name: its first and its last word ('Alice van Smith' → Alice, Smith). */
export function splitDisplayName(displayName: string): { firstName: string; lastName: string } {
  const words = displayName.trim().split(/\s+/).filter((w) => w !== '');
  return { firstName: words[0] ?? '', lastName: words.at(-1) ?? '' };
}

export interface NamedEntry {
  firstName: string;
  lastName: string;
}

/** Entries whose last (or first) name's keypad spelling starts with `digits`, sorted by that name. */
export function matchByKeypad<E extends NamedEntry>(entries: readonly E[], digits: string, by: 'LastName' | 'FirstName'): E[] {
  if (!/^[2-9]+$/.test(digits)) return [];
  const nameOf = (e: E) => (by === 'LastName' ? e.lastName : e.firstName);
  return entries
    .filter((e) => keypadDigits(nameOf(e)).startsWith(digits))
    .sort((a, b) => nameOf(a).localeCompare(nameOf(b)) || (by === 'LastName' ? a.firstName : a.lastName).localeCompare(by === 'LastName' ? b.firstName : b.lastName));
}
