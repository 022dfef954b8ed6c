import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  calendarCovers,
  isWorkingDay,
  localDate,
  nextWorkingDay,
  workingDaysBetween,
} from './working-days.ts';

describe('Chinese working days', () => {
  it('treats ordinary weekends as days off and weekdays as working days', () => {
    expect(isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(isWorkingDay('2026-03-09')).toBe(true); // Monday
  });

  it('treats public holidays on weekdays as days off', () => {
    expect(isWorkingDay('2026-10-01')).toBe(false);
    expect(isWorkingDay('2026-10-07')).toBe(false);
    expect(isWorkingDay('2026-02-16')).toBe(false); // Spring Festival
    expect(isWorkingDay('2026-09-25')).toBe(false); // Mid-Autumn Festival
  });

  it('treats make-up weekends (调休) as working days', () => {
    expect(isWorkingDay('2026-10-10')).toBe(true); // Saturday
    expect(isWorkingDay('2026-09-20')).toBe(true); // Sunday
    expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday before Spring Festival
    expect(isWorkingDay('2026-02-28')).toBe(true); // Saturday after it
  });

  it('counts working days strictly after the start date', () => {
    expect(addWorkingDays('2026-03-02', 0)).toBe('2026-03-02');
    expect(addWorkingDays('2026-03-02', 1)).toBe('2026-03-03');
    expect(addWorkingDays('2026-03-06', 1)).toBe('2026-03-09'); // Friday → Monday
    expect(addWorkingDays('2026-03-07', 1)).toBe('2026-03-09'); // from a Saturday
    expect(nextWorkingDay('2026-03-06')).toBe('2026-03-09');
  });

  it('skips the National Day holiday and counts its make-up Saturday', () => {
    expect(addWorkingDays('2026-09-29', 7)).toBe('2026-10-14');
    expect(addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(workingDaysBetween('2026-09-29', '2026-10-14')).toBe(7);
  });

  it('skips the Spring Festival and counts both make-up Saturdays', () => {
    expect(addWorkingDays('2026-02-12', 7)).toBe('2026-02-28');
    expect(workingDaysBetween('2026-02-13', '2026-02-24')).toBe(2); // 14th and 24th
  });

  it('rejects a negative or fractional count', () => {
    expect(() => addWorkingDays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', 1.5)).toThrow(RangeError);
  });

  it('counts nothing between a date and itself or an earlier date', () => {
    expect(workingDaysBetween('2026-03-09', '2026-03-09')).toBe(0);
    expect(workingDaysBetween('2026-03-09', '2026-03-02')).toBe(0);
  });

  it('knows which years the official calendar covers', () => {
    expect(calendarCovers(2025)).toBe(true);
    expect(calendarCovers(2026)).toBe(true);
    expect(calendarCovers(2035)).toBe(false);
  });

  it('takes the calendar date in the given time zone, not in UTC', () => {
    const lateEveningUtc = new Date('2026-03-01T17:30:00Z');
    expect(localDate(lateEveningUtc, 'Asia/Shanghai')).toBe('2026-03-02');
    expect(localDate(lateEveningUtc, 'UTC')).toBe('2026-03-01');
    expect(localDate(new Date('2026-03-01T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-03-01');
  });
});
