import { isWorkingDay, localDate } from '../topics/working-days.ts';

/** The hours a person answers the line, as minutes after local midnight, on Chinese working days. */
export interface OfficeHours {
  opensAtMinute: number;
  closesAtMinute: number;
  timeZone: string;
}

function localMinute(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

/**
 * Whether someone is at the office phone now: a working day by the official calendar (so a make-up
 * Saturday counts and National Day does not) and between opening and closing time.
 */
export function isOfficeHours(now: Date, hours: OfficeHours): boolean {
  if (!isWorkingDay(localDate(now, hours.timeZone))) return false;
  const minute = localMinute(now, hours.timeZone);
  return minute >= hours.opensAtMinute && minute < hours.closesAtMinute;
}
