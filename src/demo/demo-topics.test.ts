import { describe, expect, it } from 'vitest';
import { addWorkingDays, localDate, nextWorkingDay } from '../topics/working-days.ts';
import { DEMO_TOPICS, scheduleDemoTopic } from './demo-topics.ts';

// A working Friday, the middle of the National Day holiday, a make-up working Sunday, and late on the
// first day of a year the official calendar may not cover yet.
const NOWS = ['2026-11-27T02:00:00Z', '2026-10-03T04:00:00Z', '2026-09-20T01:00:00Z', '2027-01-01T15:59:00Z'];

describe('scheduleDemoTopic', () => {
  for (const now of NOWS) {
    for (const timeZone of ['Asia/Shanghai', 'Asia/Hong_Kong']) {
      it(`keeps the working-day rules and the past for ${now} in ${timeZone}`, () => {
        const instant = new Date(now);
        const today = localDate(instant, timeZone);
        for (const spec of DEMO_TOPICS) {
          const d = scheduleDemoTopic(spec.plan, instant, timeZone);
          const stamps = [d.createdAt, ...d.transitions.map((t) => t.at)];
          for (const [i, at] of stamps.entries()) {
            expect(localDate(at, timeZone) < today, spec.key).toBe(true);
            if (i > 0) expect(at.getTime()).toBeGreaterThan((stamps[i - 1] as Date).getTime());
          }
          if (d.publishedAt) {
            expect(d.publicationEndsOn).toBe(addWorkingDays(localDate(d.publishedAt, timeZone), 7));
            expect(d.deliberationEarliestOn).toBe(nextWorkingDay(d.publicationEndsOn as string));
          }
          if (d.status === 'published') expect((d.publicationEndsOn as string) >= today).toBe(true);
          if (d.deliberatedAt) {
            const on = localDate(d.deliberatedAt, timeZone);
            expect(on >= (d.deliberationEarliestOn as string)).toBe(true);
            expect(d.resultDueOn).toBe(addWorkingDays(on, 7));
          }
          if (d.resultPublishedAt) {
            expect(localDate(d.resultPublishedAt, timeZone) <= (d.resultDueOn as string)).toBe(true);
          }
          expect(d.status).toBe(spec.plan.stage === 'pipeline' ? spec.plan.status : spec.plan.stage);
        }
      });
    }
  }
});
