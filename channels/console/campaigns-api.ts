/**
 * JSON for staff tools watching outreach: a campaign's preview and progress, and survey results.
 * Thin: every route is a staffRoute (role-checked), calls one verb and returns its result.
 */
import type { Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { CAMPAIGN_VIEWER_ROLES } from '../../src/outreach/find-campaign.ts';
import { getCampaignProgress } from '../../src/outreach/get-campaign-progress.ts';
import { getSurveyResults, SURVEY_RESULT_ROLES } from '../../src/outreach/get-survey-results.ts';
import { previewCampaign } from '../../src/outreach/preview-campaign.ts';
import { isUuid } from '../../src/topics/topic-input.ts';
import type { StaffEnv } from '../http/env.ts';
import { createStaffApp, requestCtx, staffRoute } from '../http/staff-auth.ts';

/** The campaigns API as a Hono sub-app; mount it at '/'. `:id` is a campaign code (C12) or id. */
export function createCampaignsApi(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  const env = { i18n: deps.i18n, defaultLocale: deps.config.defaultLocale, senders: deps.senders ?? {} };

  staffRoute(app, 'GET', '/api/staff/campaigns/:id/progress', CAMPAIGN_VIEWER_ROLES, async (c) => {
    const progress = await getCampaignProgress(requestCtx(deps, c), { campaign: c.req.param('id') ?? '' });
    return c.json(progress);
  });

  staffRoute(app, 'GET', '/api/staff/campaigns/:id/preview', CAMPAIGN_VIEWER_ROLES, async (c) => {
    const preview = await previewCampaign(requestCtx(deps, c), { campaign: c.req.param('id') ?? '' }, env);
    return c.json(preview);
  });

  staffRoute(app, 'GET', '/api/staff/surveys/:id/results', SURVEY_RESULT_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    const results = isUuid(id) ? await getSurveyResults(requestCtx(deps, c), { surveyId: id }) : undefined;
    if (!results?.surveys.length) throw new ServiceError('not_found', 'outreach:errors.surveyNotFound');
    return c.json(results);
  });

  return app;
}
