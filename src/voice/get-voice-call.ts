import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.ts';
import { voiceCalls } from '../db/schema.ts';

export type VoiceCall = typeof voiceCalls.$inferSelect;

/** The call with this CallSid, or undefined when the gateway never saw it. */
export async function getVoiceCall(ctx: Ctx, callSid: string): Promise<VoiceCall | undefined> {
  const [call] = await ctx.db.select().from(voiceCalls).where(eq(voiceCalls.callSid, callSid)).limit(1);
  return call;
}
