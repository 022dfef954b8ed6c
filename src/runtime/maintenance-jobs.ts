import type { Job } from 'bullmq';
import type { AppDeps } from '../app-deps.ts';
import { superviseResponsibilityItems } from '../lists/supervise-responsibility-items.ts';
import { planDueCampaigns } from '../outreach/plan-due-campaigns.ts';
import { resumePendingDeliveries } from '../outreach/resume-pending-deliveries.ts';
import { updateCampaignStatuses } from '../outreach/update-campaign-statuses.ts';
import { markUnconfirmedProxyRecords } from '../proxy/mark-unconfirmed-proxy-records.ts';
import { purgeExpiredSessions } from '../staff/purge-expired-sessions.ts';
import { verifyAuditChain } from '../staff/verify-audit-chain.ts';
import { createDeliveryQueue, outreachEnvFor } from './delivery-queue.ts';
import { MAINTENANCE_JOBS, type MaintenanceJobName, type Queues } from './queues.ts';
import { systemCtx } from './system-ctx.ts';

export const PURGE_EVERY_MS = 15 * 60_000;
export const OUTBOX_SWEEP_EVERY_MS = 30_000;
/** Proxied records unanswered for three days become unconfirmed within this much of their due time. */
export const PROXY_UNCONFIRMED_EVERY_MS = 15 * 60_000;
/** Nightly, in the installation's time zone. */
export const AUDIT_VERIFY_CRON = '30 3 * * *';
/** Daily after quiet hours end (08:00), so the followers' notices it writes go out the same morning. */
export const SUPERVISE_LISTS_CRON = '30 8 * * *';

/** Registers (or updates) the repeating maintenance jobs; safe to call from every worker process. */
export async function scheduleMaintenance(queues: Queues, timeZone: string): Promise<void> {
  const q = queues.maintenance;
  await q.upsertJobScheduler(
    MAINTENANCE_JOBS.purgeExpiredSessions,
    { every: PURGE_EVERY_MS },
    { name: MAINTENANCE_JOBS.purgeExpiredSessions },
  );
  await q.upsertJobScheduler(
    MAINTENANCE_JOBS.verifyAuditChain,
    { pattern: AUDIT_VERIFY_CRON, tz: timeZone },
    { name: MAINTENANCE_JOBS.verifyAuditChain },
  );
  await q.upsertJobScheduler(
    MAINTENANCE_JOBS.sweepOutbox,
    { every: OUTBOX_SWEEP_EVERY_MS },
    { name: MAINTENANCE_JOBS.sweepOutbox },
  );
  await q.upsertJobScheduler(
    MAINTENANCE_JOBS.superviseLists,
    { pattern: SUPERVISE_LISTS_CRON, tz: timeZone },
    { name: MAINTENANCE_JOBS.superviseLists },
  );
  await q.upsertJobScheduler(
    MAINTENANCE_JOBS.markUnconfirmedProxyRecords,
    { every: PROXY_UNCONFIRMED_EVERY_MS },
    { name: MAINTENANCE_JOBS.markUnconfirmedProxyRecords },
  );
}

function isMaintenanceJob(name: string): name is MaintenanceJobName {
  return (Object.values(MAINTENANCE_JOBS) as string[]).includes(name);
}

/** Runs one maintenance job by name; returns what it did (kept by BullMQ as the job's result). */
export async function runMaintenanceJob(
  deps: AppDeps,
  queues: Pick<Queues, 'outbound' | 'outboundVoice'>,
  name: string,
): Promise<Record<string, unknown>> {
  if (!isMaintenanceJob(name)) throw new Error(`unknown maintenance job: ${name}`);
  const ctx = systemCtx(deps, name);
  switch (name) {
    case MAINTENANCE_JOBS.purgeExpiredSessions:
      return { ...(await purgeExpiredSessions(ctx)) };
    case MAINTENANCE_JOBS.verifyAuditChain: {
      const report = await verifyAuditChain(ctx.db);
      if (report.ok) ctx.log.info({ entries: report.entries }, 'audit chain verified');
      else
        ctx.log.error(
          { entries: report.entries, brokenAt: report.brokenAt, problem: report.problem },
          'AUDIT CHAIN BROKEN: the audit log has been altered',
        );
      return { ...report };
    }
    case MAINTENANCE_JOBS.markUnconfirmedProxyRecords:
      return { ...(await markUnconfirmedProxyRecords(ctx)) };
    case MAINTENANCE_JOBS.superviseLists: {
      // The notices are written as queued deliveries; the outbox sweep hands them to the senders.
      const run = await superviseResponsibilityItems(
        ctx,
        { timeZone: deps.config.timeZone },
        { i18n: deps.i18n, defaultLocale: deps.config.defaultLocale, senders: deps.senders ?? {} },
      );
      return { ...run };
    }
    case MAINTENANCE_JOBS.sweepOutbox: {
      // Due campaigns first, so their deliveries are counted below; then whatever the queue lost.
      const due = await planDueCampaigns(ctx, outreachEnvFor(deps, queues));
      const { enqueued } = await resumePendingDeliveries(ctx, {}, createDeliveryQueue(queues));
      const statuses = await updateCampaignStatuses(ctx);
      if (enqueued) ctx.log.info({ count: enqueued }, 'outbox sweep enqueued pending deliveries');
      return {
        enqueued,
        startedCampaigns: due.planned,
        refusedCampaigns: due.refused,
        completedCampaigns: statuses.completed,
      };
    }
  }
}

/** The BullMQ processor for the maintenance queue. */
export function maintenanceProcessor(deps: AppDeps, queues: Pick<Queues, 'outbound' | 'outboundVoice'>) {
  return (job: Job) => runMaintenanceJob(deps, queues, job.name);
}
