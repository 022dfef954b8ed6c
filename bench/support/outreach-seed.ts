/** Residents and a notice campaign for the outreach benchmark, written straight to the database. */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../../src/core/context.ts';
import { communities, residents, streets, topics } from '../../src/db/schema.ts';
import { createCampaign } from '../../src/outreach/create-campaign.ts';
import type { Campaign } from '../../src/outreach/find-campaign.ts';
import type { OutreachEnv } from '../../src/outreach/outreach-env.ts';

/** Residents in bulk, in one SQL statement: one community each call, no quiet hours, a quarter per language. */
export async function seedResidents(ctx: Ctx, count: number): Promise<string> {
  const tag = randomBytes(4).toString('hex');
  const [street] = await ctx.db
    .insert(streets)
    .values({ code: `b-${tag}`, name: { 'zh-CN': '长安街道' } })
    .returning();
  const [community] = await ctx.db
    .insert(communities)
    .values({ streetId: street?.id ?? '', code: `b-${tag}`, name: { 'zh-CN': '幸福里社区', en: 'Xingfuli' } })
    .returning();
  const communityId = community?.id ?? '';
  // One real ciphertext for all: nobody is really called, but the worker decrypts it.
  const cipher = ctx.pii.encryptPhone('+8613800138000');
  await ctx.db.execute(sql`
    insert into ${residents} (phone_cipher, phone_hash, community_id, preferred_locale, quiet_start_minute, quiet_end_minute)
    select ${cipher}, ${`${tag}-`} || g, ${communityId}::uuid,
      (array['zh-CN', 'zh-HK', 'en', null])[1 + g % 4], 0, 0
    from generate_series(1, ${count}) as g`);
  return communityId;
}

/** A draft notice campaign about a published topic, to every resident of the community. */
export async function noticeFor(
  ctx: Ctx,
  communityId: string,
  env: Pick<OutreachEnv, 'i18n' | 'defaultLocale'>,
): Promise<Campaign> {
  const [topic] = await ctx.db
    .insert(topics)
    .values({
      title: { 'zh-CN': '3号楼加装电梯', 'zh-HK': '3號樓加裝電梯', en: 'A lift for block 3' },
      summary: { 'zh-CN': '基准测试' },
      source: 'online',
      status: 'published',
      publicationEndsOn: '2026-12-08',
    })
    .returning();
  const { campaign } = await createCampaign(
    ctx,
    {
      kind: 'notice',
      name: 'bench',
      topicId: topic?.id,
      audience: { communityIds: [communityId] },
      templates: {
        'zh-CN':
          '议题{{topicCode}}《{{topicTitle}}》公示至{{publicationEndsOn}}。支持回1，反对回2，有意见直接回复文字。',
        'zh-HK': '議題{{topicCode}}《{{topicTitle}}》公示至{{publicationEndsOn}}。支持回1，反對回2。',
        en: 'Topic {{topicCode}} "{{topicTitle}}" is on notice until {{publicationEndsOn}}. Reply 1 to support, 2 to oppose.',
      },
    },
    env,
  );
  return campaign;
}
