// Business hours, time zones and holidays of an auto attendant (Exchange's BusinessHoursSchedule,
// TimeZone and HolidaySchedule). A range is written as in Exchange, `Mon.08:00-Fri.18:00`: one
// continuous stretch of the week from its start to its end (so Mon.08:00-Fri.18:00 includes the
// nights between; give one range per day for office hours). Times are in 15-minute steps; 24:00
// may end a range. A range whose end is before its start runs over the week's end (Sat.22:00-
// Sun.02:00 with the week starting on Sunday). `always` is the whole week (Exchange's default),
// `none` no business hours at all. Evaluation is in the auto attendant's IANA time zone through
// Intl, so daylight saving time moves the hours with the wall clock, as callers expect.
import { OpenUmError } from '../errors.js';

import { DAYS, pieces, WEEK_MINUTES, type HoursRange } from '../week-schedule.js';

export { DAYS, inRanges, localTime, scheduleAt, WEEK_MINUTES, type Holiday, type HoursRange, type Schedule } from '../week-schedule.js';

const STEP = 15;

export const ALWAYS: HoursRange[] = [{ start: 0, end: WEEK_MINUTES }];

const bad = (message: string) => new OpenUmError('BAD_SETTING', message);
const EXAMPLE = 'write ranges like Mon.08:00-Mon.18:00 (Sun…Sat, 15-minute steps), or always, or none';

function parsePoint(text: string, range: string, isEnd: boolean): number {
  const m = /^([a-z]{3})\.(\d{2}):(\d{2})$/i.exec(text.trim());
  if (!m) throw bad(`the business hours range "${range}" is not understood; ${EXAMPLE}`);
  const day = DAYS.findIndex((d) => d.toLowerCase() === (m[1] ?? '').toLowerCase());
  if (day < 0) throw bad(`"${m[1]}" in the business hours range "${range}" is not a day; use Sun, Mon, Tue, Wed, Thu, Fri or Sat`);
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (h > 24 || min > 59 || (h === 24 && (min !== 0 || !isEnd))) {
    throw bad(`${m[2]}:${m[3]} in the business hours range "${range}" is not a time of day; use 00:00 to 23:45 (24:00 only to end a range)`);
  }
  if (min % STEP !== 0) {
    throw bad(`${m[2]}:${m[3]} in the business hours range "${range}" is not on a 15-minute step; use :00, :15, :30 or :45`);
  }
  return day * 1440 + h * 60 + min;
}

/** One range, `Mon.08:00-Fri.18:00`. */
export function parseRange(text: string): HoursRange {
  const parts = text.trim().split('-');
  if (parts.length !== 2) throw bad(`the business hours range "${text.trim()}" is not understood; ${EXAMPLE}`);
  const start = parsePoint(parts[0] ?? '', text.trim(), false);
  const end = parsePoint(parts[1] ?? '', text.trim(), true) % WEEK_MINUTES;
  if (start === end) throw bad(`the business hours range "${text.trim()}" is empty (it starts where it ends); for the whole week write always`);
  return { start, end };
}

/** Several ranges, comma-separated or given one by one; overlapping ranges are refused. */
export function parseBusinessHours(input: string | string[]): HoursRange[] {
  const items = (Array.isArray(input) ? input : [input]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 1 && /^always$/i.test(items[0] ?? '')) return [...ALWAYS];
  if (items.length === 1 && /^none$/i.test(items[0] ?? '')) return [];
  if (items.length === 0) throw bad(`no business hours given; ${EXAMPLE}`);
  if (items.length > 50) throw bad(`at most 50 business hours ranges may be given (got ${items.length}); join adjacent ones`);
  const ranges = items.map(parseRange);
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const overlap = pieces(ranges[i]!).some(([a, b]) => pieces(ranges[j]!).some(([c, d]) => a < d && c < b));
      if (overlap) throw bad(`the business hours ranges "${items[i]}" and "${items[j]}" overlap; join them into one range`);
    }
  }
  return ranges.sort((a, b) => a.start - b.start);
}

function formatPoint(m: number, isEnd: boolean): string {
  const minutes = isEnd && m === 0 ? WEEK_MINUTES : m;
  let day = Math.floor(minutes / 1440);
  let rest = minutes % 1440;
  // An end on a day boundary reads as 24:00 of the day before (Mon.24:00, not Tue.00:00).
  if (isEnd && rest === 0) {
    day -= 1;
    rest = 1440;
  }
  const hh = String(Math.floor(rest / 60)).padStart(2, '0');
  const mm = String(rest % 60).padStart(2, '0');
  return `${DAYS[(day + 7) % 7]}.${hh}:${mm}`;
}

export function formatRange(r: HoursRange): string {
  return `${formatPoint(r.start, false)}-${formatPoint(r.end, true)}`;
}

export function formatBusinessHours(ranges: HoursRange[]): string[] {
  if (ranges.length === 1 && ranges[0]!.start === 0 && ranges[0]!.end === WEEK_MINUTES) return ['always'];
  if (ranges.length === 0) return ['none'];
  return ranges.map(formatRange);
}

/** An IANA time zone name that this Node's Intl knows (Europe/Rome, America/New_York, UTC). */
export function parseTimeZone(text: string): string {
  const name = text.trim();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw bad(`the time zone "${name}" does not exist; give an IANA time zone name such as Europe/Rome, America/New_York or UTC`);
  }
}

/** YYYY-MM-DD that is a real calendar date. */
export function parseDate(text: string, field: string): string {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || d.toISOString().slice(0, 10) !== t) throw bad(`${field} must be a date written YYYY-MM-DD, such as 2026-12-25 (got "${t}")`);
  return t;
}

