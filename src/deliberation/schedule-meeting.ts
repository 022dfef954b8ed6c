import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import { meetings, VENUE_FEATURES, type VenueFeature } from '../db/schema.ts';
import { formatShortDate } from '../outreach/campaign-message.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { timeZoneField, topicIdField } from '../topics/topic-input.ts';
import type { Topic } from '../topics/topic-lifecycle.ts';
import { localDate } from '../topics/working-days.ts';
import { formList, optionalText } from './form-input.ts';
import { instantAt, isClockTime, isIsoDate, localClockTime } from './local-time.ts';
import { changeManagedTopic } from './managed-topic.ts';
import type { Meeting } from './meeting-access.ts';
import {
  followUpAudience,
  type NoticeEnv,
  type NoticeWording,
  type QueuedNotice,
  queueNotice,
} from './topic-notices.ts';

export const PLACE_MAX = 200;
export const ACCESSIBILITY_NOTE_MAX = 300;
export const ONLINE_URL_MAX = 300;

export const scheduleMeetingInput = z.object({
  topicId: topicIdField,
  /** Local date and time in the hall's time zone. */
  date: z.string().trim().min(1).refine(isIsoDate, 'date'),
  time: z.string().trim().min(1).refine(isClockTime, 'time'),
  place: z.string().trim().min(1).max(PLACE_MAX),
  venueFeatures: formList.pipe(z.array(z.enum(VENUE_FEATURES))),
  accessibilityNote: optionalText(ACCESSIBILITY_NOTE_MAX),
  onlineUrl: optionalText(ONLINE_URL_MAX).refine(
    (v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v),
    'url',
  ),
  /** Who is told; without a choice, the residents the publication notice reached. */
  gridIds: formList,
  communityIds: formList,
  timeZone: timeZoneField,
});
export type ScheduleMeetingInput = z.input<typeof scheduleMeetingInput>;

/** A meeting scheduled this far in the past still counts as "now" (a form filled in slowly). */
const SLACK_MS = 10 * 60_000;

function dateProblem(key: string, params: Record<string, string> = {}): ServiceError {
  return new ServiceError('validation_failed', key, { params, fields: [{ field: 'date', key, params }] });
}

/** "议题T23《…》协商会9月30日 14:30在社区服务中心举行，设无障碍通道…". Shorter forms drop the extras. */
export function meetingWording(
  topic: Pick<Topic, 'code'>,
  meeting: Pick<Meeting, 'startsAt' | 'place' | 'venueFeatures' | 'onlineUrl'>,
  timeZone: string,
): NoticeWording {
  const date = localDate(meeting.startsAt, timeZone);
  const time = localClockTime(meeting.startsAt, timeZone);
  return (t, locale, title, detail) => {
    if (detail > 2) return undefined;
    const extras: string[] = [];
    if (detail === 0 && meeting.venueFeatures.length > 0) {
      const features = meeting.venueFeatures
        .map((f: VenueFeature) => t(`deliberation:venueShort.${f}`))
        .join(t('deliberation:notices.listSeparator'));
      extras.push(t('deliberation:notices.meetingAccess', { features }));
    }
    if (detail <= 1 && meeting.onlineUrl)
      extras.push(t('deliberation:notices.meetingOnline', { url: meeting.onlineUrl }));
    const params = {
      topicCode: topic.code,
      topicTitle: title,
      when: `${formatShortDate(date, locale)} ${time}`,
      place: meeting.place.replaceAll('{{', '｛｛').replaceAll('}}', '｝｝'),
      extras: extras.join(''),
    };
    return title
      ? t('deliberation:notices.meeting', params)
      : t('deliberation:notices.meetingNoTitle', params);
  };
}

/**
 * Schedules a deliberation meeting on a published topic — never before the day deliberation may start
 * — with its place, what the venue offers for accessibility and an online link, and queues the notice
 * inviting the affected residents, in one transaction.
 */
export async function scheduleMeeting(
  ctx: Ctx,
  input: ScheduleMeetingInput,
  env: NoticeEnv,
): Promise<{ meeting: Meeting; notice: QueuedNotice }> {
  return changeManagedTopic(ctx, scheduleMeetingInput, input, async ({ txCtx, tx, topic, scope, data }) => {
    if (topic.status !== 'published' && topic.status !== 'deliberating') {
      throw new ServiceError('illegal_transition', 'deliberation:errors.topicNotPublished', {
        params: { status: topic.status },
      });
    }
    if (
      topic.status === 'published' &&
      topic.deliberationEarliestOn &&
      data.date < topic.deliberationEarliestOn
    ) {
      throw dateProblem('deliberation:errors.beforeEarliest', { earliest: topic.deliberationEarliestOn });
    }
    const startsAt = instantAt(data.date, data.time, data.timeZone);
    const now = ctx.clock.now();
    if (startsAt.getTime() < now.getTime() - SLACK_MS) throw dateProblem('deliberation:errors.inPast');
    const audience = await followUpAudience(tx, topic, scope, data);
    const [meeting] = await tx
      .insert(meetings)
      .values({
        topicId: topic.id,
        status: 'scheduled',
        startsAt,
        place: data.place,
        venueFeatures: data.venueFeatures,
        accessibilityNote: data.accessibilityNote ?? null,
        onlineUrl: data.onlineUrl ?? null,
        createdBy: actorStaffId(ctx.actor) ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!meeting) throw new Error('meeting insert returned no row');
    const notice = await queueNotice(
      txCtx,
      {
        kind: 'meeting',
        subjectId: meeting.id,
        topic,
        audience,
        wording: meetingWording(topic, meeting, data.timeZone),
        name: env.i18n.forLocale(env.defaultLocale)('deliberation:notices.meetingCampaign', {
          topicCode: topic.code,
          meetingCode: meeting.code,
        }),
      },
      env,
    );
    const [updated] = await tx
      .update(meetings)
      .set({ noticeCampaignId: notice.campaign.id })
      .where(eq(meetings.id, meeting.id))
      .returning();
    await appendAudit(txCtx, {
      action: 'meeting.schedule',
      subjectType: 'meeting',
      subjectId: meeting.id,
      data: {
        code: meeting.code,
        topic: topic.code,
        startsAt: startsAt.toISOString(),
        place: data.place,
        venueFeatures: data.venueFeatures,
        online: data.onlineUrl !== undefined,
        campaign: notice.campaign.code,
        recipients: notice.planned,
      },
    });
    return { meeting: updated ?? meeting, notice };
  });
}
