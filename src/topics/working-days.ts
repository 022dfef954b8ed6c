/**
 * Chinese working days from the official State Council calendar (weekends off, public holidays off,
 * make-up working weekends on), as maintained in the `chinese-days` package.
 *
 * Dates are calendar dates ('YYYY-MM-DD') in the deliberation hall's time zone, never instants.
 */
import chineseDays from 'chinese-days';

const { isWorkday, getHolidaysInRange } = chineseDays;

export type IsoDate = string;

const coverage = new Map<number, boolean>();

/**
 * Whether the official calendar for `year` is known. The State Council publishes the next year's
 * holidays late in the year; until the package carries them, weekends alone decide, which callers
 * should tell people about.
 */
export function calendarCovers(year: number): boolean {
  let known = coverage.get(year);
  if (known === undefined) {
    known = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coverage.set(year, known);
  }
  return known;
}

export function isWorkingDay(date: IsoDate): boolean {
  return isWorkday(date);
}

/** The calendar date of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): IsoDate {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

function nextDay(date: IsoDate): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The n-th working day after `from` (not counting `from` itself). `addWorkingDays('2026-09-29', 7)`
 * skips the National Day holiday and counts the make-up Saturday.
 */
export function addWorkingDays(from: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  let date = from;
  let counted = 0;
  while (counted < n) {
    date = nextDay(date);
    if (isWorkingDay(date)) counted += 1;
  }
  return date;
}

/** The first working day strictly after `from`. */
export function nextWorkingDay(from: IsoDate): IsoDate {
  return addWorkingDays(from, 1);
}

/** Working days in the half-open interval (from, to]: how many working days have passed since `from`. */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  if (to <= from) return 0;
  let count = 0;
  let date = from;
  while (date < to) {
    date = nextDay(date);
    if (isWorkingDay(date)) count += 1;
  }
  return count;
}
