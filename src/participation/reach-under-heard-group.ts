import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { actorStaffId } from '../core/actor.ts';
import { type Ctx, withDb } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import {
  campaigns,
  LOCALES,
  type LocalizedText,
  participationOutreach,
  proxyVisitList,
  REACH_ACTIONS,
  RESIDENT_GROUPS,
  type ReachAction,
  type ResidentGroup,
  residents,
} from '../db/schema.ts';
import { assertInScope, communityScope } from '../deliberation/deliberation-scope.ts';
import { parseListsInput } from '../lists/parse-lists-input.ts';
import { createCampaign } from '../outreach/create-campaign.ts';
import type { OutreachEnv } from '../outreach/outreach-env.ts';
import { planCampaign } from '../outreach/plan-campaign.ts';
import { addToVisitList } from '../proxy/add-to-visit-list.ts';
import { appendAudit } from '../staff/append-audit.ts';
import { requireRole } from '../staff/require-role.ts';
import { findTopic, topicNotFound } from '../topics/apply-transition.ts';
import { topicIdField } from '../topics/topic-input.ts';
import { assessBalance } from './assess-balance.ts';
import { BALANCE_MANAGER_ROLES } from './balance-roles.ts';
import { contributionsOf } from './contributions.ts';

/** Most homes one action puts on the visit list: proxy writers' time is the scarce resource. */
export const VISIT_LIST_MAX = 200;
export const VISIT_LIST_DEFAULT = 20;

export const reachUnderHeardGroupInput = z.object({
  topicId: topicIdField,
  group: z.enum(RESIDENT_GROUPS),
  action: z.enum(REACH_ACTIONS),
  /** Visit list only: how many homes to add. */
  visits: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce
      .number({ error: 'lists:validation.visits' })
      .int({ error: 'lists:validation.visits' })
      .min(1, { error: 'lists:validation.visits' })
      .max(VISIT_LIST_MAX, { error: 'lists:validation.visits' })
      .default(VISIT_LIST_DEFAULT),
  ),
});
export type ReachUnderHeardGroupInput = z.input<typeof reachUnderHeardGroupInput>;

export type ReachEnv = Pick<OutreachEnv, 'i18n' | 'defaultLocale' | 'senders'>;

export interface ReachResult {
  action: ReachAction;
  /** Residents reached by this action: deliveries planned, or homes put on the visit list. */
  residents: number;
  campaignCode?: string;
  /** False when the call campaign for this topic and group had been started before (nothing new). */
  created: boolean;
}

/** The campaign trigger that makes the call campaign to a group on a topic start only once. */
export function reachTrigger(topicId: string, group: ResidentGroup): string {
  return `balance:${topicId}:${group}`;
}

function literal(text: string): string {
  return text.replaceAll('{{', '｛｛').replaceAll('}}', '｝｝');
}

/**
 * One action to reach an affected group that is under-heard on a topic:
 * - `voice_campaign`: a notice to the group in the topic's community inviting their view (reply 1/2 or
 *   in words), sent at once — by voice call to those who cannot read or prefer calls, else by text.
 *   Once per topic and group.
 * - `visit_list`: the group's residents in the community who have not been heard yet go on the proxy
 *   writers' visit list (reason `under_heard`), those hardest to reach otherwise first: no phone, a
 *   preference for visits, cannot read, other access needs.
 * Refused unless the group is marked as affected and is under-heard now.
 */
export async function reachUnderHeardGroup(
  ctx: Ctx,
  input: ReachUnderHeardGroupInput,
  env: ReachEnv,
): Promise<ReachResult> {
  requireRole(ctx, BALANCE_MANAGER_ROLES);
  const data = parseListsInput(reachUnderHeardGroupInput, input);
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx);
    const topic = await findTopic(tx, data.topicId);
    if (!topic) throw topicNotFound();
    assertInScope(await communityScope(txCtx), topic.communityId);
    const [balance] = await assessBalance(tx, [topic.id]);
    const group = balance?.groups.find((g) => g.group === data.group);
    if (!group?.affected) {
      throw new ServiceError('conflict', 'lists:errors.groupNotAffected', { params: { group: data.group } });
    }
    if (group.underHeard !== true) {
      throw new ServiceError('conflict', 'lists:errors.groupNotUnderHeard', {
        params: { group: data.group },
      });
    }
    const defaultT = env.i18n.forLocale(env.defaultLocale);
    let result: ReachResult;
    let campaignId: string | null = null;
    if (data.action === 'voice_campaign') {
      const trigger = reachTrigger(topic.id, data.group);
      const [existing] = await tx.select().from(campaigns).where(eq(campaigns.trigger, trigger)).limit(1);
      if (existing) return { action: data.action, residents: 0, campaignCode: existing.code, created: false };
      const templates: LocalizedText = {};
      for (const locale of LOCALES) {
        const title = topic.title[locale] ?? topic.title['zh-CN'] ?? topic.code;
        templates[locale] = env.i18n.forLocale(locale)('lists:balance.invitation', {
          topicCode: topic.code,
          topicTitle: literal([...title].length > 20 ? `${[...title].slice(0, 19).join('')}…` : title),
        });
      }
      const { campaign } = await createCampaign(
        txCtx,
        {
          kind: 'notice',
          name: defaultT('lists:balance.campaignName', {
            topicCode: topic.code,
            group: defaultT(`lists:groups.${data.group}`),
          }),
          topicId: topic.id,
          audience: {
            groups: [data.group],
            ...(topic.communityId ? { communityIds: [topic.communityId] } : {}),
          },
          templates,
          trigger,
        },
        env,
      );
      const plan = await planCampaign(txCtx, { campaign: campaign.id }, { ...env, queue: undefined });
      if (plan.planned === 0) {
        throw new ServiceError('conflict', 'lists:errors.nobodyToReach', { params: { group: data.group } });
      }
      campaignId = campaign.id;
      result = { action: data.action, residents: plan.planned, campaignCode: campaign.code, created: true };
    } else {
      const alreadyListed = sql`exists (select 1 from ${proxyVisitList} v where v.resident_id = ${residents.id}
        and v.reason = 'under_heard' and v.status = 'open' and v.topic_id = ${topic.id})`;
      const heard = sql`${residents.id} in (select c.resident_id from ${contributionsOf([topic.id])} as c where c.resident_id is not null)`;
      const candidates = await tx
        .select({ id: residents.id })
        .from(residents)
        .where(
          and(
            sql`${data.group} = any(${residents.groups})`,
            topic.communityId ? eq(residents.communityId, topic.communityId) : undefined,
            sql`not ${heard}`,
            sql`not ${alreadyListed}`,
          ),
        )
        .orderBy(
          desc(sql`${residents.phoneCipher} is null`),
          desc(sql`${residents.preferredChannel} = 'visit'`),
          desc(sql`'cannot_read' = any(${residents.accessibilityNeeds})`),
          desc(sql`cardinality(${residents.accessibilityNeeds}) > 0`),
          asc(residents.createdAt),
          asc(residents.id),
        )
        .limit(data.visits);
      if (candidates.length === 0) {
        throw new ServiceError('conflict', 'lists:errors.nobodyToReach', { params: { group: data.group } });
      }
      const note = defaultT('lists:balance.visitNote', {
        topicCode: topic.code,
        group: defaultT(`lists:groups.${data.group}`),
      });
      let added = 0;
      for (const candidate of candidates) {
        const { created } = await addToVisitList(txCtx, {
          residentId: candidate.id,
          reason: 'under_heard',
          topicId: topic.id,
          note,
        });
        if (created) added += 1;
      }
      result = { action: data.action, residents: added, created: true };
    }
    const now = ctx.clock.now();
    await tx.insert(participationOutreach).values({
      topicId: topic.id,
      group: data.group,
      action: data.action,
      campaignId,
      residents: result.residents,
      takenBy: actorStaffId(ctx.actor) ?? null,
      takenAt: now,
    });
    await appendAudit(txCtx, {
      action: 'participation.reach',
      subjectType: 'topic',
      subjectId: topic.id,
      data: {
        code: topic.code,
        group: data.group,
        action: data.action,
        residents: result.residents,
        heardShare: group.heardShare,
        communityShare: group.communityShare,
        ...(result.campaignCode ? { campaign: result.campaignCode } : {}),
      },
    });
    return result;
  });
}
