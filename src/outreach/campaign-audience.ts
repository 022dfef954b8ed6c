/**
 * Who a campaign reaches, as a zod schema and as one SQL condition on `residents`. Within a criterion
 * any value matches; every criterion given must hold; an explicit resident list replaces the rest.
 */
import { and, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  ACCESSIBILITY_NEEDS,
  type CampaignAudience,
  demands,
  LOCALES,
  type Locale,
  opinions,
  RESIDENT_GROUPS,
  residents,
  surveyAnswers,
  topicFollowers,
  votes,
} from '../db/schema.ts';

const ids = z.array(z.uuid()).min(1).max(100_000);

export const campaignAudienceSchema = z
  .object({
    communityIds: ids.optional(),
    gridIds: ids.optional(),
    groups: z.array(z.enum(RESIDENT_GROUPS)).min(1).optional(),
    accessibilityNeeds: z.array(z.enum(ACCESSIBILITY_NEEDS)).min(1).optional(),
    locales: z.array(z.enum(LOCALES)).min(1).optional(),
    followersOf: ids.optional(),
    participantsOf: ids.optional(),
    residentIds: ids.optional(),
  })
  .strict() satisfies z.ZodType<CampaignAudience>;

/** A whole JS array bound as one parameter (never expanded into a list of parameters). */
function arrayParam(values: readonly string[], type: 'uuid' | 'text'): SQL {
  return type === 'uuid' ? sql`${sql.param(values)}::uuid[]` : sql`${sql.param(values)}::text[]`;
}

/** The SQL condition on `residents` selecting a campaign's audience (undefined: everybody). */
export function audienceCondition(audience: CampaignAudience, defaultLocale: Locale): SQL | undefined {
  if (audience.residentIds) return sql`${residents.id} = any(${arrayParam(audience.residentIds, 'uuid')})`;
  const conditions: SQL[] = [];
  if (audience.communityIds) {
    conditions.push(sql`${residents.communityId} = any(${arrayParam(audience.communityIds, 'uuid')})`);
  }
  if (audience.gridIds) {
    conditions.push(sql`${residents.gridId} = any(${arrayParam(audience.gridIds, 'uuid')})`);
  }
  if (audience.groups) {
    conditions.push(sql`${residents.groups} && ${arrayParam(audience.groups, 'text')}`);
  }
  if (audience.accessibilityNeeds) {
    conditions.push(
      sql`${residents.accessibilityNeeds} && ${arrayParam(audience.accessibilityNeeds, 'text')}`,
    );
  }
  if (audience.locales) {
    conditions.push(
      sql`coalesce(${residents.preferredLocale}, ${defaultLocale}) = any(${arrayParam(audience.locales, 'text')})`,
    );
  }
  if (audience.followersOf) {
    conditions.push(
      sql`exists (select 1 from ${topicFollowers} where ${topicFollowers.residentId} = ${residents.id} and ${topicFollowers.topicId} = any(${arrayParam(audience.followersOf, 'uuid')}))`,
    );
  }
  if (audience.participantsOf) {
    const topicIds = arrayParam(audience.participantsOf, 'uuid');
    conditions.push(sql`${residents.id} in (
      select ${opinions.residentId} from ${opinions} where ${opinions.topicId} = any(${topicIds})
      union select ${votes.residentId} from ${votes} where ${votes.topicId} = any(${topicIds})
      union select ${demands.residentId} from ${demands} where ${demands.topicId} = any(${topicIds})
      union select ${surveyAnswers.residentId} from ${surveyAnswers} where ${surveyAnswers.topicId} = any(${topicIds})
    )`);
  }
  return conditions.length ? and(...conditions) : undefined;
}

/** The audience as the audit log keeps it: an explicit list is counted, not copied. */
export function summariseAudience(audience: CampaignAudience): Record<string, unknown> {
  const { residentIds, ...rest } = audience;
  return residentIds ? { ...rest, residentCount: residentIds.length } : rest;
}
