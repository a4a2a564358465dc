// Numbers, digits and counts as sequences of prompt names for PromptLibrary.sequence, in each
// dial plan language's grammar. The words are the prompts of scripts/prompts/speech.tsv (written
// by speech-words.mjs): n-0..n-99 where the language makes one word of them (it-IT ventuno,
// es-ES veintiuno, fr-FR soixante-et-onze; en-US says twenty-one as n-20 n-1), the hundreds
// n-100..n-900, n-1000 and thousand, and un-N, the "uno" that es-ES and it-IT shorten before a
// noun or before mil/mila (veintiún mensajes, ventunmila). Pure functions: no I/O, no clock.
import { PROMPT_LANGUAGES, FALLBACK_LANGUAGE, type PromptLanguage } from '../../media/audio/prompt-library.js';

/** The largest number sayNumber says. */
export const MAX_SPOKEN_NUMBER = 999_999;

/** A language the speech functions know; others are said in en-US, as PromptLibrary plays them. */
export function speechLanguage(lang: string): PromptLanguage {
  return (PROMPT_LANGUAGES as readonly string[]).includes(lang) ? (lang as PromptLanguage) : FALLBACK_LANGUAGE;
}

/** Where es-ES and it-IT shorten uno: 1, 21, 31 .. 91 (not 11). */
function shortensOne(r: number): boolean {
  return r % 10 === 1 && r !== 11;
}

/** 0..99: one prompt, except en-US 21..99 (tens, then units). */
function underHundred(r: number, lang: PromptLanguage, shortened: boolean): string[] {
  if (shortened && (lang === 'es-ES' || lang === 'it-IT') && shortensOne(r)) return [`un-${r}`];
  if (lang === 'en-US' && r > 20 && r % 10 !== 0) return [`n-${r - (r % 10)}`, `n-${r % 10}`];
  return [`n-${r}`];
}

/** 0..999. `shortened`: a final uno becomes un (es-ES, it-IT; before a noun or mil). */
function underThousand(n: number, lang: PromptLanguage, shortened: boolean): string[] {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const out: string[] = [];
  // es-ES: cien on its own, ciento before the rest (ciento tres); the other hundreds do not change.
  if (h > 0) out.push(lang === 'es-ES' && h === 1 && r > 0 ? 'ciento' : `n-${h * 100}`);
  if (r > 0 || h === 0) out.push(...underHundred(r, lang, shortened));
  return out;
}

function checkNumber(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_SPOKEN_NUMBER) throw new RangeError(`a spoken number is an integer from 0 to ${MAX_SPOKEN_NUMBER}, not ${n}`);
}

function spell(n: number, lang: PromptLanguage, shortened: boolean): string[] {
  checkNumber(n);
  const k = Math.floor(n / 1000);
  const rest = n % 1000;
  const out: string[] = [];
  // One thousand is a word of its own (mille, mil, mille: never "un mil"); then N thousand, with
  // es-ES veintiún mil and it-IT ventunmila.
  if (k === 1) out.push('n-1000');
  else if (k > 1) out.push(...underThousand(k, lang, true), 'thousand');
  if (rest > 0 || k === 0) out.push(...underThousand(rest, lang, shortened));
  return out;
}

/**
 * `n` (0..999,999) as prompt names: sayNumber(21, 'it-IT') is ['n-21'] (ventuno),
 * sayNumber(103, 'it-IT') ['n-100', 'n-3'] (centotré), sayNumber(21000, 'es-ES')
 * ['un-21', 'thousand'] (veintiún mil). Throws RangeError outside 0..999,999.
 */
export function sayNumber(n: number, lang: string): string[] {
  return spell(n, speechLanguage(lang), false);
}

/** Each key of `digits` as the digit prompts '0'..'9', 'star' and 'pound'; other characters are skipped. */
export function sayDigits(digits: string): string[] {
  const out: string[] = [];
  for (const c of digits) {
    if (c >= '0' && c <= '9') out.push(c);
    else if (c === '*') out.push('star');
    else if (c === '#') out.push('pound');
  }
  return out;
}

export type CountNoun = 'new-message' | 'saved-message' | 'message';
export const COUNT_NOUNS: readonly CountNoun[] = ['new-message', 'saved-message', 'message'];

/**
 * "3 new messages", "1 new message", "no new messages" in `lang`: the number (or the word for
 * none), then the noun in the singular or plural. The nouns are masculine in it-IT, es-ES and
 * fr-FR (un nuovo messaggio, un mensaje nuevo, un nouveau message; nessun/ningún/aucun with
 * the singular); en-US says "no" with the plural.
 */
export function sayCount(n: number, noun: CountNoun, lang: string): string[] {
  checkNumber(n);
  if (!COUNT_NOUNS.includes(noun)) throw new RangeError(`no prompt for counting ${String(noun)}`);
  const language = speechLanguage(lang);
  const plural = `${noun}s`;
  if (n === 0) return ['no', language === 'en-US' ? plural : noun];
  return [...spell(n, language, true), n === 1 ? noun : plural];
}
