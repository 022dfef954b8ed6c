// Building a formatter costs far more than using one, and every send asks: one per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Minutes after local midnight at `at` in `timeZone`. */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/**
 * When quiet hours (which may wrap past midnight) are in force at `at`, the instant they end;
 * otherwise undefined. Equal start and end mean no quiet hours.
 */
export function quietHoursEnd(
  at: Date,
  quiet: { startMinute: number; endMinute: number; timeZone: string },
): Date | undefined {
  const { startMinute, endMinute } = quiet;
  if (startMinute === endMinute) return undefined;
  const now = localMinuteOfDay(at, quiet.timeZone);
  const inQuiet =
    startMinute < endMinute ? now >= startMinute && now < endMinute : now >= startMinute || now < endMinute;
  if (!inQuiet) return undefined;
  const minutesLeft = (endMinute - now + 1440) % 1440;
  const end = new Date(at.getTime() + minutesLeft * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}
