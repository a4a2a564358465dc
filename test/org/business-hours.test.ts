// Business hours (Exchange's BusinessHoursSchedule ranges), time zones and holidays: parsing with
// its one-line refusals, formatting back, and evaluation across time zones and DST changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBusinessHours, localTime, parseBusinessHours, parseDate, parseTimeZone, scheduleAt, WEEK_MINUTES, type Holiday,
} from '../../src/org/business-hours.js';
import { OpenUmError } from '../../src/errors.js';

function refused(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof OpenUmError && e.code === 'BAD_SETTING' && message.test(e.message) && !e.message.includes('\n'));
}

const OFFICE = ['Mon.08:00-Mon.18:00', 'Tue.08:00-Tue.18:00', 'Wed.08:00-Wed.18:00', 'Thu.08:00-Thu.18:00', 'Fri.08:00-Fri.18:00'];

describe('business hours parsing', () => {
  it('reads Exchange-style ranges, several at once, and writes them back', () => {
    const r = parseBusinessHours('Mon.08:00-Fri.18:00');
    assert.deepEqual(r, [{ start: 1440 + 480, end: 5 * 1440 + 1080 }]);
    assert.deepEqual(formatBusinessHours(r), ['Mon.08:00-Fri.18:00']);
    const office = parseBusinessHours(OFFICE.join(','));
    assert.equal(office.length, 5);
    assert.deepEqual(formatBusinessHours(office), OFFICE);
    assert.deepEqual(formatBusinessHours(parseBusinessHours(['tue.09:15-tue.24:00', 'mon.09:00-mon.12:30'])), ['Mon.09:00-Mon.12:30', 'Tue.09:15-Tue.24:00']);
    assert.deepEqual(formatBusinessHours(parseBusinessHours('always')), ['always']);
    assert.deepEqual(formatBusinessHours(parseBusinessHours('none')), ['none']);
    // Over the week's end (the week starts on Sunday).
    assert.deepEqual(formatBusinessHours(parseBusinessHours('Sat.22:00-Sun.02:00')), ['Sat.22:00-Sun.02:00']);
  });

  it('refuses what is not a range, off-step times, bad days, empty and overlapping ranges', () => {
    refused(() => parseBusinessHours('Mon 08:00-18:00'), /not understood; write ranges like Mon\.08:00-Mon\.18:00/);
    refused(() => parseBusinessHours('Mon.08:10-Mon.18:00'), /08:10 .* not on a 15-minute step/);
    refused(() => parseBusinessHours('Mon.25:00-Tue.01:00'), /25:00 .* not a time of day/);
    refused(() => parseBusinessHours('Mon.24:00-Tue.01:00'), /24:00 only to end a range/);
    refused(() => parseBusinessHours('Mox.08:00-Mon.18:00'), /"Mox" .* is not a day/);
    refused(() => parseBusinessHours('Mon.08:00-Mon.08:00'), /is empty/);
    refused(() => parseBusinessHours('Mon.08:00-Mon.18:00,Mon.17:00-Mon.19:00'), /overlap; join them/);
    refused(() => parseBusinessHours('Sat.22:00-Sun.02:00,Sun.01:00-Sun.03:00'), /overlap/);
    refused(() => parseBusinessHours(''), /no business hours given/);
  });

  it('validates time zones with Intl and dates on the calendar', () => {
    assert.equal(parseTimeZone('Europe/Rome'), 'Europe/Rome');
    assert.equal(parseTimeZone('utc'), 'UTC');
    refused(() => parseTimeZone('Mars/Olympus'), /^the time zone "Mars\/Olympus" does not exist; give an IANA time zone name such as Europe\/Rome/);
    assert.equal(parseDate('2028-02-29', 'd'), '2028-02-29');
    refused(() => parseDate('2027-02-29', 'the start date'), /the start date must be a date written YYYY-MM-DD/);
    refused(() => parseDate('25/12/2026', 'the start date'), /YYYY-MM-DD/);
  });
});

describe('business hours evaluation', () => {
  const office = parseBusinessHours(OFFICE);

  it('follows the wall clock of the time zone, not UTC', () => {
    // Monday 2026-03-02 07:30 UTC is 08:30 in Rome (CET) and 02:30 in New York (EST).
    const t = new Date('2026-03-02T07:30:00Z');
    assert.deepEqual(localTime(t, 'Europe/Rome'), { date: '2026-03-02', weekMinute: 1440 + 510 });
    assert.equal(scheduleAt(t, 'Europe/Rome', office, []).kind, 'business-hours');
    assert.equal(scheduleAt(t, 'America/New_York', office, []).kind, 'after-hours');
    assert.equal(scheduleAt(t, 'UTC', office, []).kind, 'after-hours');
    // Friday 18:00 local is the end (exclusive); Saturday is after hours.
    assert.equal(scheduleAt(new Date('2026-03-06T16:59:00Z'), 'Europe/Rome', office, []).kind, 'business-hours');
    assert.equal(scheduleAt(new Date('2026-03-06T17:00:00Z'), 'Europe/Rome', office, []).kind, 'after-hours');
    assert.equal(scheduleAt(new Date('2026-03-07T10:00:00Z'), 'Europe/Rome', office, []).kind, 'after-hours');
    // A time zone east of UTC moves into the next day: Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    assert.equal(scheduleAt(new Date('2026-03-01T23:30:00Z'), 'Asia/Tokyo', office, []).kind, 'business-hours');
  });

  it('moves with daylight saving time', () => {
    // 07:30 UTC is 08:30 in Rome before the change (CET, +1) and 09:30 after it (CEST, +2), both business hours;
    // 06:30 UTC is 07:30 CET (closed) on 2026-03-23 and 08:30 CEST (open) on 2026-03-30.
    assert.equal(scheduleAt(new Date('2026-03-23T06:30:00Z'), 'Europe/Rome', office, []).kind, 'after-hours');
    assert.equal(scheduleAt(new Date('2026-03-30T06:30:00Z'), 'Europe/Rome', office, []).kind, 'business-hours');
    // New York changes on 2026-03-08: 12:45 UTC is 07:45 EST on Friday 6th, 08:45 EDT on Monday 9th.
    assert.equal(scheduleAt(new Date('2026-03-06T12:45:00Z'), 'America/New_York', office, []).kind, 'after-hours');
    assert.equal(scheduleAt(new Date('2026-03-09T12:45:00Z'), 'America/New_York', office, []).kind, 'business-hours');
    // Back in autumn: 2026-10-26 07:30 UTC is 08:30 CET in Rome (open), 17:30 UTC is 18:30 (closed).
    assert.equal(scheduleAt(new Date('2026-10-26T07:30:00Z'), 'Europe/Rome', office, []).kind, 'business-hours');
    assert.equal(scheduleAt(new Date('2026-10-26T17:30:00Z'), 'Europe/Rome', office, []).kind, 'after-hours');
  });

  it('wraps over the week end, and always/none', () => {
    const night = parseBusinessHours('Sat.22:00-Sun.02:00');
    assert.equal(scheduleAt(new Date('2026-03-07T23:00:00Z'), 'UTC', night, []).kind, 'business-hours');
    assert.equal(scheduleAt(new Date('2026-03-08T01:45:00Z'), 'UTC', night, []).kind, 'business-hours');
    assert.equal(scheduleAt(new Date('2026-03-08T02:00:00Z'), 'UTC', night, []).kind, 'after-hours');
    assert.equal(scheduleAt(new Date('2026-03-08T02:00:00Z'), 'UTC', parseBusinessHours('always'), []).kind, 'business-hours');
    assert.equal(scheduleAt(new Date('2026-03-09T10:00:00Z'), 'UTC', parseBusinessHours('none'), []).kind, 'after-hours');
    assert.equal(WEEK_MINUTES, 10080);
  });

  it('puts holidays first, by the local date, the earliest-starting one winning', () => {
    const holidays: Holiday[] = [
      { name: 'Christmas', startDate: '2026-12-25', endDate: '2026-12-26' },
      { name: 'Closure', startDate: '2026-12-24', endDate: '2026-12-31' },
    ];
    const s = scheduleAt(new Date('2026-12-25T10:00:00Z'), 'Europe/Rome', office, holidays);
    assert.equal(s.kind === 'holiday' && s.holiday.name, 'Closure');
    // 2026-12-23 23:30 UTC is already the 24th in Rome, still the 23rd in New York.
    assert.equal(scheduleAt(new Date('2026-12-23T23:30:00Z'), 'Europe/Rome', office, holidays).kind, 'holiday');
    assert.equal(scheduleAt(new Date('2026-12-23T23:30:00Z'), 'America/New_York', office, holidays).kind, 'after-hours');
    // Friday 2027-01-01 11:00 in Rome: no holiday listed, so the business hours apply.
    assert.equal(scheduleAt(new Date('2027-01-01T10:00:00Z'), 'Europe/Rome', office, holidays).kind, 'business-hours');
  });
});
