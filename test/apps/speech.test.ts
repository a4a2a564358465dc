// The speech module's prompt-name sequences, language by language (the grammar each language
// needs: it-IT ventuno/centotré/ventunmila, es-ES veintiuno/ciento/quinientos/veintiún mil,
// fr-FR soixante-et-onze/quatre-vingt-dix-sept, en-US twenty-one), and that every name any
// sequence can produce is a prompt asset in that language (no silent fall-back to en-US).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultPromptRoot, PROMPT_LANGUAGES, PromptLibrary } from '../../src/media/audio/prompt-library.js';
import { calendarParts, sayDate, sayTime, sayWhen } from '../../src/apps/speech/dates.js';
import { COUNT_NOUNS, MAX_SPOKEN_NUMBER, sayCount, sayDigits, sayNumber } from '../../src/apps/speech/numbers.js';

const ROME = 'Europe/Rome';
const NY = 'America/New_York';
/** 2026-03-18 (a Wednesday) at 15:05 in Rome. */
const NOW = new Date('2026-03-18T14:05:00Z');

describe('sayNumber', () => {
  it('en-US: twenty-one from two words, hundreds and thousands', () => {
    assert.deepEqual(sayNumber(0, 'en-US'), ['n-0']);
    assert.deepEqual(sayNumber(13, 'en-US'), ['n-13']);
    assert.deepEqual(sayNumber(21, 'en-US'), ['n-20', 'n-1']);
    assert.deepEqual(sayNumber(40, 'en-US'), ['n-40']);
    assert.deepEqual(sayNumber(105, 'en-US'), ['n-100', 'n-5']);
    assert.deepEqual(sayNumber(1000, 'en-US'), ['n-1000']);
    assert.deepEqual(sayNumber(2025, 'en-US'), ['n-2', 'thousand', 'n-20', 'n-5']);
    assert.deepEqual(sayNumber(999_999, 'en-US'), ['n-900', 'n-90', 'n-9', 'thousand', 'n-900', 'n-90', 'n-9']);
  });

  it('it-IT: ventuno and centotré; mille, duemila, ventunmila', () => {
    assert.deepEqual(sayNumber(21, 'it-IT'), ['n-21']);
    assert.deepEqual(sayNumber(103, 'it-IT'), ['n-100', 'n-3']);
    assert.deepEqual(sayNumber(1000, 'it-IT'), ['n-1000']);
    assert.deepEqual(sayNumber(1001, 'it-IT'), ['n-1000', 'n-1']);
    assert.deepEqual(sayNumber(2000, 'it-IT'), ['n-2', 'thousand']);
    assert.deepEqual(sayNumber(21_000, 'it-IT'), ['un-21', 'thousand']);
    assert.deepEqual(sayNumber(101_021, 'it-IT'), ['n-100', 'un-1', 'thousand', 'n-21']);
  });

  it('es-ES: veintiuno, cien/ciento, quinientos, mil, veintiún mil', () => {
    assert.deepEqual(sayNumber(21, 'es-ES'), ['n-21']);
    assert.deepEqual(sayNumber(31, 'es-ES'), ['n-31']);
    assert.deepEqual(sayNumber(100, 'es-ES'), ['n-100']);
    assert.deepEqual(sayNumber(101, 'es-ES'), ['ciento', 'n-1']);
    assert.deepEqual(sayNumber(500, 'es-ES'), ['n-500']);
    assert.deepEqual(sayNumber(515, 'es-ES'), ['n-500', 'n-15']);
    assert.deepEqual(sayNumber(1000, 'es-ES'), ['n-1000']);
    assert.deepEqual(sayNumber(21_000, 'es-ES'), ['un-21', 'thousand']);
    assert.deepEqual(sayNumber(100_000, 'es-ES'), ['n-100', 'thousand']);
    assert.deepEqual(sayNumber(131_001, 'es-ES'), ['ciento', 'un-31', 'thousand', 'n-1']);
  });

  it('fr-FR: soixante-et-onze, quatre-vingt-dix-sept, mille, deux cent mille', () => {
    assert.deepEqual(sayNumber(71, 'fr-FR'), ['n-71']);
    assert.deepEqual(sayNumber(97, 'fr-FR'), ['n-97']);
    assert.deepEqual(sayNumber(180, 'fr-FR'), ['n-100', 'n-80']);
    assert.deepEqual(sayNumber(1000, 'fr-FR'), ['n-1000']);
    assert.deepEqual(sayNumber(21_000, 'fr-FR'), ['n-21', 'thousand']);
    assert.deepEqual(sayNumber(200_000, 'fr-FR'), ['n-200', 'thousand']);
  });

  it('another language is said in en-US; out-of-range numbers are refused', () => {
    assert.deepEqual(sayNumber(21, 'de-DE'), ['n-20', 'n-1']);
    for (const bad of [-1, 1.5, MAX_SPOKEN_NUMBER + 1, Number.NaN]) assert.throws(() => sayNumber(bad, 'en-US'), RangeError);
  });
});

describe('sayCount and sayDigits', () => {
  it('singular, plural and none in each language', () => {
    assert.deepEqual(sayCount(3, 'new-message', 'en-US'), ['n-3', 'new-messages']);
    assert.deepEqual(sayCount(1, 'new-message', 'en-US'), ['n-1', 'new-message']);
    assert.deepEqual(sayCount(0, 'new-message', 'en-US'), ['no', 'new-messages']);
    assert.deepEqual(sayCount(1, 'saved-message', 'it-IT'), ['un-1', 'saved-message']);
    assert.deepEqual(sayCount(0, 'new-message', 'it-IT'), ['no', 'new-message']);
    assert.deepEqual(sayCount(21, 'message', 'it-IT'), ['un-21', 'messages'], 'ventun messaggi');
    assert.deepEqual(sayCount(1, 'new-message', 'es-ES'), ['un-1', 'new-message']);
    assert.deepEqual(sayCount(21, 'new-message', 'es-ES'), ['un-21', 'new-messages']);
    assert.deepEqual(sayCount(0, 'saved-message', 'es-ES'), ['no', 'saved-message']);
    assert.deepEqual(sayCount(1, 'message', 'fr-FR'), ['n-1', 'message']);
    assert.deepEqual(sayCount(2, 'new-message', 'fr-FR'), ['n-2', 'new-messages']);
    assert.deepEqual(sayCount(0, 'new-message', 'fr-FR'), ['no', 'new-message']);
    assert.throws(() => sayCount(2, 'letter' as never, 'en-US'), RangeError);
  });

  it('digits, star and pound; other characters skipped', () => {
    assert.deepEqual(sayDigits('+39 06-1*#'), ['3', '9', '0', '6', '1', 'star', 'pound']);
  });
});

describe('sayTime', () => {
  const at = (iso: string) => new Date(iso);
  it('en-US: 12-hour with AM/PM, oh for the first minutes', () => {
    assert.deepEqual(sayTime(at('2026-03-18T19:05:00Z'), NY, 'en-US'), ['n-3', 'oh', 'n-5', 'pm']);
    assert.deepEqual(sayTime(at('2026-03-18T04:00:00Z'), NY, 'en-US'), ['n-12', 'am']);
    assert.deepEqual(sayTime(at('2026-03-18T16:45:00Z'), NY, 'en-US'), ['n-12', 'n-40', 'n-5', 'pm']);
  });
  it('it-IT, es-ES, fr-FR: 24-hour, the hour feminine where it is', () => {
    const t1505 = at('2026-03-18T14:05:00Z');
    assert.deepEqual(sayTime(t1505, ROME, 'it-IT'), ['hours', 'n-15', 'and', 'n-5']);
    assert.deepEqual(sayTime(t1505, ROME, 'es-ES'), ['n-15', 'hours', 'n-5', 'minutes']);
    assert.deepEqual(sayTime(t1505, ROME, 'fr-FR'), ['n-15', 'hours', 'n-5']);
    const t0100 = at('2026-03-18T00:00:00Z');
    assert.deepEqual(sayTime(t0100, ROME, 'it-IT'), ['hours', 'f-1']);
    assert.deepEqual(sayTime(t0100, ROME, 'es-ES'), ['f-1', 'hour']);
    assert.deepEqual(sayTime(t0100, ROME, 'fr-FR'), ['f-1', 'hour']);
    const t2121 = at('2026-03-18T20:21:00Z');
    assert.deepEqual(sayTime(t2121, ROME, 'es-ES'), ['f-21', 'hours', 'un-21', 'minutes']);
    assert.deepEqual(sayTime(t2121, ROME, 'fr-FR'), ['f-21', 'hours', 'n-21']);
    assert.deepEqual(sayTime(at('2026-03-17T23:01:00Z'), ROME, 'es-ES'), ['n-0', 'hours', 'un-1', 'minute']);
    assert.deepEqual(sayTime(at('2026-03-17T23:00:00Z'), ROME, 'fr-FR'), ['n-0', 'hour']);
  });
  it('an unknown time zone is a clear RangeError', () => {
    assert.throws(() => sayTime(NOW, 'Europe/Atlantis', 'en-US'), /unknown time zone "Europe\/Atlantis"/);
  });
});

describe('sayDate', () => {
  const daysAgo = (d: number, hours = 0) => new Date(NOW.getTime() - d * 86_400_000 - hours * 3_600_000);
  it('today, yesterday, a weekday within the week, else day and month', () => {
    assert.deepEqual(sayDate(daysAgo(0, 14), ROME, 'en-US', NOW), ['today'], 'early this morning is today');
    assert.deepEqual(sayDate(daysAgo(0, 16), ROME, 'en-US', NOW), ['yesterday'], 'late last night is yesterday');
    assert.deepEqual(sayDate(daysAgo(2), ROME, 'it-IT', NOW), ['weekday-1'], 'Monday');
    assert.deepEqual(sayDate(daysAgo(6), ROME, 'fr-FR', NOW), ['weekday-4'], 'last Thursday');
    assert.deepEqual(sayDate(daysAgo(7), ROME, 'en-US', NOW), ['month-3', 'ord-11']);
    assert.deepEqual(sayDate(daysAgo(7), ROME, 'it-IT', NOW), ['n-11', 'month-3']);
    assert.deepEqual(sayDate(daysAgo(7), ROME, 'es-ES', NOW), ['n-11', 'of', 'month-3']);
    assert.deepEqual(sayDate(new Date('2026-02-01T12:00:00Z'), ROME, 'fr-FR', NOW), ['ord-1', 'month-2']);
    assert.deepEqual(sayDate(new Date('2026-02-01T12:00:00Z'), ROME, 'es-ES', NOW), ['n-1', 'of', 'month-2']);
  });
  it('with the year when it is not this one', () => {
    const d = new Date('2025-12-24T12:00:00Z');
    assert.deepEqual(sayDate(d, ROME, 'en-US', NOW), ['month-12', 'ord-24', 'n-2', 'thousand', 'n-20', 'n-5']);
    assert.deepEqual(sayDate(d, ROME, 'es-ES', NOW), ['n-24', 'of', 'month-12', 'of', 'n-2', 'thousand', 'n-25']);
  });
  it('the day is the one in the time zone', () => {
    const lateUtc = new Date('2026-03-17T23:30:00Z'); // 00:30 on the 18th in Rome, 19:30 on the 17th in New York
    assert.deepEqual(sayDate(lateUtc, ROME, 'en-US', NOW), ['today']);
    assert.deepEqual(sayDate(lateUtc, NY, 'en-US', NOW), ['yesterday']);
    assert.equal(calendarParts(lateUtc, NY).weekday, 2);
  });
  it('sayWhen: day, at, time', () => {
    assert.deepEqual(sayWhen(daysAgo(1), ROME, 'en-US', NOW), ['yesterday', 'at', 'n-3', 'oh', 'n-5', 'pm']);
    assert.deepEqual(sayWhen(daysAgo(0), ROME, 'it-IT', NOW), ['today', 'at', 'hours', 'n-15', 'and', 'n-5']);
    assert.deepEqual(sayWhen(new Date('2026-03-18T00:30:00Z'), ROME, 'es-ES', NOW), ['today', 'at-1', 'f-1', 'hour', 'n-30', 'minutes']);
  });
});

describe('speech prompts', () => {
  it('every name any sequence can produce is an asset in each of the four languages', async () => {
    const root = defaultPromptRoot();
    for (const lang of PROMPT_LANGUAGES) {
      const names = new Set<string>();
      const add = (seq: string[]) => seq.forEach((n) => names.add(n));
      // A number is said as its thousands (k * 1000) then the rest (0..999), each part on its own:
      // every k and every rest give every name.
      for (let n = 0; n < 1000; n++) {
        add(sayNumber(n, lang));
        add(sayCount(n, 'new-message', lang));
        add(sayNumber(n * 1000, lang));
      }
      add(sayNumber(MAX_SPOKEN_NUMBER, lang));
      for (const noun of COUNT_NOUNS) for (const n of [0, 1, 2]) add(sayCount(n, noun, lang));
      add(sayDigits('0123456789*#'));
      // Every minute of a day, and every day of two years back from a date in 2026.
      const day = Date.UTC(2026, 2, 18);
      for (let m = 0; m < 24 * 60; m++) add(sayWhen(new Date(day + m * 60_000), 'UTC', lang, new Date(day + 86_399_000)));
      for (let d = 0; d < 730; d++) add(sayWhen(new Date(day - d * 86_400_000), 'UTC', lang, new Date(day)));
      const missing = [...names].filter((n) => !existsSync(join(root, lang, `${n}.wav`)));
      assert.deepEqual(missing, [], `${lang}: prompts missing`);
    }
    // And they play: a sequence loads and is longer than its parts' padding.
    const samples = await new PromptLibrary().sequence(sayWhen(NOW, ROME, 'fr-FR', NOW), 'fr-FR');
    assert.ok(samples.length > 8000, `${samples.length} samples`);
  });
});
