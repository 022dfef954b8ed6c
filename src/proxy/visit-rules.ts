/** How long a visit stays open without being extended. */
export const VISIT_TTL_MS = 30 * 60_000;
/** Extensions allowed per visit (each gives another 30 minutes from the moment it is asked for). */
export const MAX_VISIT_EXTENSIONS = 3;
/** Device clocks drift: a record timed this much outside its visit still belongs to it. */
export const DEVICE_CLOCK_SKEW_MS = 5 * 60_000;
/** How long a resident has to answer a confirmation before the record counts as unconfirmed. */
export const CONFIRMATION_WINDOW_MS = 3 * 24 * 60 * 60_000;

/** The moment a visit stops accepting records: its end, or its expiry if earlier. */
export function visitClosesAt(visit: { expiresAt: Date; endedAt: Date | null }): Date {
  if (visit.endedAt && visit.endedAt.getTime() < visit.expiresAt.getTime()) return visit.endedAt;
  return visit.expiresAt;
}

/** Whether a visit still accepts records at `now`. */
export function isVisitOpen(visit: { expiresAt: Date; endedAt: Date | null }, now: Date): boolean {
  return visit.endedAt === null && now.getTime() < visit.expiresAt.getTime();
}
