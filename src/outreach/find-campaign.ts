import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { ServiceError } from '../core/errors.ts';
import type { DbOrTx } from '../db/database.ts';
import { type CampaignStatus, campaigns, type StaffRole } from '../db/schema.ts';
import { requireRole } from '../staff/require-role.ts';

export type Campaign = typeof campaigns.$inferSelect;

/** Who may create, send, schedule and cancel campaigns. */
export const CAMPAIGN_MANAGER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary'];
/** Who may watch a campaign's progress and read survey results. */
export const CAMPAIGN_VIEWER_ROLES: readonly StaffRole[] = ['admin', 'community_secretary', 'supervisor'];

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^c?\s*(\d{1,9})$/i;

/** A campaign reference as staff type it: its code ('C12', 'c12', '12') or its id. */
export function parseCampaignRef(ref: string): { id: string } | { number: number } | undefined {
  const text = ref.normalize('NFKC').trim();
  if (UUID_SHAPE.test(text)) return { id: text.toLowerCase() };
  const match = CODE.exec(text);
  if (!match?.[1]) return undefined;
  const number = Number.parseInt(match[1], 10);
  return number > 0 && number <= 2_147_483_647 ? { number } : undefined;
}

/** The campaign a code or id names, or undefined. */
export async function findCampaign(db: DbOrTx, ref: string): Promise<Campaign | undefined> {
  const parsed = parseCampaignRef(ref);
  if (!parsed) return undefined;
  const [row] = await db
    .select()
    .from(campaigns)
    .where('id' in parsed ? eq(campaigns.id, parsed.id) : eq(campaigns.number, parsed.number))
    .limit(1);
  return row;
}

/** The campaign a code or id names; `not_found` otherwise. */
export async function getCampaign(db: DbOrTx, ref: string): Promise<Campaign> {
  const campaign = await findCampaign(db, ref);
  if (!campaign) throw new ServiceError('not_found', 'outreach:errors.campaignNotFound');
  return campaign;
}

/** Staff managing outreach, or the system; `forbidden` for anyone else. */
export function assertMayManageCampaigns(ctx: Ctx): void {
  requireRole(ctx, CAMPAIGN_MANAGER_ROLES);
}

/** `illegal_transition` naming the campaign's status and what was attempted. */
export function illegalCampaignStatus(
  status: CampaignStatus,
  action: 'schedule' | 'cancel' | 'plan',
): ServiceError {
  return new ServiceError('illegal_transition', 'outreach:errors.illegalStatus', {
    params: { status, action },
  });
}
