// The weekly schedule of an auto attendant, evaluated: which of holiday, business hours or after
// hours applies at an instant, on the wall clock of an IANA time zone (Intl), so daylight saving
// time moves the hours with the local clock. Pure and layer-free: the store side (org/) parses and
// validates schedules, the application (apps/auto-attendant) evaluates them on each call.

export const WEEK_MINUTES = 7 * 24 * 60;
export const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** Minutes from Sunday 00:00; end is exclusive; start === 0 && end === WEEK_MINUTES is the whole week; end < start wraps. */
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

/** Minutes of the week a range covers, as [from, to) pieces that do not wrap. */
export function pieces(r: HoursRange): [number, number][] {
  if (r.end > r.start) return [[r.start, r.end]];
  return ([[r.start, WEEK_MINUTES], [0, r.end]] as [number, number][]).filter(([a, b]) => b > a);
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

export type Schedule<H extends Holiday = Holiday> =
  | { kind: 'holiday'; holiday: H }
  | { kind: 'business-hours' }
  | { kind: 'after-hours' };

/** Which greeting and menu apply at `now`: a holiday first (the earliest-starting), then the hours. */
export function scheduleAt<H extends Holiday>(now: Date, timeZone: string, hours: HoursRange[], holidays: H[]): Schedule<H> {
  const local = localTime(now, timeZone);
  const holiday = [...holidays].sort((a, b) => a.startDate.localeCompare(b.startDate))
    .find((h) => h.startDate <= local.date && local.date <= h.endDate);
  if (holiday) return { kind: 'holiday', holiday };
  return inRanges(local.weekMinute, hours) ? { kind: 'business-hours' } : { kind: 'after-hours' };
}
