// Business hours, time zones and holidays of an auto attendant (Exchange's BusinessHoursSchedule,
// TimeZone and HolidaySchedule). A range is written as in Exchange, `Mon.08:00-Fri.18:00`: one
// continuous stretch of the week from its start to its end (so Mon.08:00-Fri.18:00 includes the
// nights between; give one range per day for office hours). Times are in 15-minute steps; 24:00
// may end a range. A range whose end is before its start runs over the week's end (Sat.22:00-
// Sun.02:00 with the week starting on Sunday). `always` is the whole week (Exchange's default),
// `none` no business hours at all. Evaluation is in the auto attendant's IANA time zone through
// Intl, so daylight saving time moves the hours with the wall clock, as callers expect.
import { OpenUmError } from '../errors.js';

export const WEEK_MINUTES = 7 * 24 * 60;
export const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const STEP = 15;

/** Minutes from Sunday 00:00; end is exclusive; start === 0 && end === WEEK_MINUTES is the whole week. */
export interface HoursRange {
  start: number;
  end: number;
}

export interface Holiday {
  name: string;
  /** YYYY-MM-DD, inclusive, in the auto attendant's time zone. */
  startDate: string;
  endDate: string;
}

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

/** Minutes of the week a range covers, as [from, to) pieces that do not wrap. */
function pieces(r: HoursRange): [number, number][] {
  if (r.end > r.start) return [[r.start, r.end]];
  return [[r.start, WEEK_MINUTES], [0, r.end]].filter(([a, b]) => b! > a!) as [number, number][];
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

/** The wall clock of `now` in `timeZone`: the date, and the minute of the week from Sunday 00:00. */
export function localTime(now: Date, timeZone: string): { date: string; weekMinute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(get('weekday') as (typeof DAYS)[number]);
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    weekMinute: day * 1440 + (Number(get('hour')) % 24) * 60 + Number(get('minute')),
  };
}

export function inRanges(weekMinute: number, ranges: HoursRange[]): boolean {
  return ranges.some((r) => pieces(r).some(([a, b]) => weekMinute >= a && weekMinute < b));
}

export type Schedule =
  | { kind: 'holiday'; holiday: Holiday }
  | { kind: 'business-hours' }
  | { kind: 'after-hours' };

/** Which greeting and menu apply at `now`: a holiday first (the earliest-starting), then the hours. */
export function scheduleAt(now: Date, timeZone: string, hours: HoursRange[], holidays: Holiday[]): Schedule {
  const local = localTime(now, timeZone);
  const holiday = [...holidays].sort((a, b) => a.startDate.localeCompare(b.startDate))
    .find((h) => h.startDate <= local.date && local.date <= h.endDate);
  if (holiday) return { kind: 'holiday', holiday };
  return inRanges(local.weekMinute, hours) ? { kind: 'business-hours' } : { kind: 'after-hours' };
}
