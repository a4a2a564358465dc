// Times and dates as prompt names, in a time zone (the dial plan's or the auto attendant's), for
// introducing a message ("yesterday at three oh five PM") and the like. en-US says the time on the
// 12-hour clock with AM/PM; it-IT, es-ES and fr-FR on the 24-hour clock as they read it aloud
// (ore quindici e cinque; quince horas cinco minutos; quinze heures cinq). The hour is feminine in
// es-ES and fr-FR (una hora, une heure, veintiuna horas, vingt-et-une heures). Pure functions.
import { sayNumber, speechLanguage } from './numbers.js';

export interface CalendarParts {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0..23 */
  hour: number;
  minute: number;
  /** ISO 8601: 1 Monday .. 7 Sunday. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of `date` in `timeZone` (an IANA name); RangeError for an unknown zone. */
export function calendarParts(date: Date, timeZone: string): CalendarParts {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    } catch {
      throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as Europe/Rome)`);
    }
    if (formatters.size < 64) formatters.set(timeZone, f);
  }
  if (Number.isNaN(date.getTime())) throw new RangeError('cannot say an invalid date');
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(date)) p[part.type] = part.value;
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), weekday: WEEKDAYS[p.weekday ?? ''] ?? 1 };
}

/** Days since 1970-01-01 of a calendar date (to count calendar days between two dates). */
function dayNumber(c: CalendarParts): number {
  return Date.UTC(c.year, c.month - 1, c.day) / 86_400_000;
}

/** The time of day: en-US ['n-3', 'n-5'... 'pm'], it-IT ['hours', 'n-15', 'and', 'n-5'], … */
export function sayTime(date: Date, timeZone: string, lang: string): string[] {
  return timeOf(calendarParts(date, timeZone), speechLanguage(lang));
}

function timeOf({ hour: h, minute: m }: CalendarParts, lang: string): string[] {
  switch (lang) {
    case 'it-IT':
      return ['hours', ...(h === 1 ? ['f-1'] : sayNumber(h, lang)), ...(m ? ['and', ...sayNumber(m, lang)] : [])];
    case 'es-ES':
      return [...feminineHour(h, lang), h === 1 ? 'hour' : 'hours', ...(m ? [...minutesEs(m), m === 1 ? 'minute' : 'minutes'] : [])];
    case 'fr-FR':
      return [...feminineHour(h, lang), h <= 1 ? 'hour' : 'hours', ...(m ? sayNumber(m, lang) : [])];
    default: {
      const h12 = h % 12 || 12;
      const minutes = m === 0 ? [] : m < 10 ? ['oh', ...sayNumber(m, lang)] : sayNumber(m, lang);
      return [...sayNumber(h12, lang), ...minutes, h < 12 ? 'am' : 'pm'];
    }
  }
}

function feminineHour(h: number, lang: string): string[] {
  return h === 1 ? ['f-1'] : h === 21 ? ['f-21'] : sayNumber(h, lang);
}

/** es-ES minutes before the noun: un minuto, veintiún minutos. */
function minutesEs(m: number): string[] {
  return m % 10 === 1 && m !== 11 ? [`un-${m}`] : sayNumber(m, 'es-ES');
}

/**
 * The day of `date` as seen at `now`, both in `timeZone`: ['today'], ['yesterday'], the weekday
 * within the last week (['weekday-3']), else the day and month (en-US ['month-3', 'ord-5'],
 * it-IT/fr-FR ['n-5', 'month-3'] with 'ord-1' for the first, es-ES ['n-5', 'of', 'month-3']),
 * with the year when it is not the current one.
 */
export function sayDate(date: Date, timeZone: string, lang: string, now: Date = new Date()): string[] {
  return dateOf(calendarParts(date, timeZone), calendarParts(now, timeZone), speechLanguage(lang));
}

function dateOf(c: CalendarParts, today: CalendarParts, lang: string): string[] {
  const ago = dayNumber(today) - dayNumber(c);
  if (ago === 0) return ['today'];
  if (ago === 1) return ['yesterday'];
  if (ago > 1 && ago < 7) return [`weekday-${c.weekday}`];
  const year = c.year === today.year ? [] : sayNumber(c.year, lang);
  const month = `month-${c.month}`;
  switch (lang) {
    case 'es-ES':
      return [...sayNumber(c.day, lang), 'of', month, ...(year.length ? ['of', ...year] : [])];
    case 'it-IT':
    case 'fr-FR':
      return [...(c.day === 1 ? ['ord-1'] : sayNumber(c.day, lang)), month, ...year];
    default:
      return [month, `ord-${c.day}`, ...year];
  }
}

/** Day and time together, as a message is introduced: "yesterday at three oh five PM". */
export function sayWhen(date: Date, timeZone: string, lang: string, now: Date = new Date()): string[] {
  const language = speechLanguage(lang);
  const c = calendarParts(date, timeZone);
  // es-ES: a la una, a las dos.
  const at = language === 'es-ES' && c.hour === 1 ? 'at-1' : 'at';
  return [...dateOf(c, calendarParts(now, timeZone), language), at, ...timeOf(c, language)];
}
