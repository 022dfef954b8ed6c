import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { communities, kioskDevices, type LocalizedText } from '../db/schema.ts';

export interface KioskLocation {
  id: string;
  location: LocalizedText;
  communityName: LocalizedText | null;
}

/** Where residents can find a working community kiosk: active devices only, nothing secret. */
export async function listKioskLocations(ctx: Ctx): Promise<KioskLocation[]> {
  return ctx.db
    .select({ id: kioskDevices.id, location: kioskDevices.location, communityName: communities.name })
    .from(kioskDevices)
    .leftJoin(communities, eq(communities.id, kioskDevices.communityId))
    .where(eq(kioskDevices.active, true))
    .orderBy(asc(communities.code), asc(kioskDevices.label));
}
