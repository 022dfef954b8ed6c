/**
 * Participation balance in the console (/console/balance): the topics with under-heard groups, one
 * topic's balance, marking the groups it affects, and the one action to reach a group.
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { RESIDENT_GROUPS, type ResidentGroup } from '../../src/db/schema.ts';
import { BALANCE_MANAGER_ROLES, BALANCE_VIEWER_ROLES } from '../../src/participation/balance-roles.ts';
import { getParticipationBalance } from '../../src/participation/get-participation-balance.ts';
import { listParticipationBalance } from '../../src/participation/list-participation-balance.ts';
import { reachUnderHeardGroup } from '../../src/participation/reach-under-heard-group.ts';
import { setAffectedGroups } from '../../src/participation/set-affected-groups.ts';
import type { StaffEnv } from '../http/env.ts';
import { fieldErrorsFrom } from '../http/error-summary.tsx';
import { currentStaff, hasAnyRole, requestCtx, staffRoute } from '../http/staff-auth.ts';
import {
  BALANCE_PATH,
  type BalanceErrors,
  BalanceOverviewPage,
  BalanceTopicPage,
  balanceTopicPath,
} from './balance-pages.tsx';
import { consoleLayout, doneFrom, formString, formStrings } from './lists-layout.tsx';

const TOPIC = `${BALANCE_PATH}/topics/:topicId`;

function timeFormatter(c: Context<StaffEnv>, timeZone: string): (d: Date) => string {
  const format = new Intl.DateTimeFormat(c.get('locale'), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  });
  return (d) => format.format(d);
}

/** Registers the balance pages on a console sub-app made by createStaffApp. */
export function registerBalanceRoutes(app: Hono<StaffEnv>, deps: AppDeps): void {
  const env = { i18n: deps.i18n, defaultLocale: deps.config.defaultLocale, senders: deps.senders ?? {} };

  staffRoute(app, 'GET', BALANCE_PATH, BALANCE_VIEWER_ROLES, async (c) => {
    const balances = await listParticipationBalance(requestCtx(deps, c));
    return c.html(<BalanceOverviewPage layout={consoleLayout(deps, c)} balances={balances} />);
  });

  const renderTopic = async (c: Context<StaffEnv>, status: 200 | 400 | 409, errors?: BalanceErrors) => {
    const balance = await getParticipationBalance(requestCtx(deps, c), {
      topicId: c.req.param('topicId') ?? '',
    });
    return c.html(
      <BalanceTopicPage
        layout={consoleLayout(deps, c)}
        balance={balance}
        canManage={hasAnyRole(currentStaff(c).staff.roles, BALANCE_MANAGER_ROLES)}
        errors={errors}
        done={doneFrom(c)}
        formatTime={timeFormatter(c, deps.config.timeZone)}
      />,
      status,
    );
  };
  staffRoute(app, 'GET', TOPIC, BALANCE_VIEWER_ROLES, (c) => renderTopic(c, 200));

  staffRoute(app, 'POST', `${TOPIC}/affected-groups`, BALANCE_MANAGER_ROLES, async (c) => {
    const topicId = c.req.param('topicId') ?? '';
    const body = await c.req.parseBody({ all: true });
    const groups = formStrings(body, 'groups').filter((g): g is ResidentGroup =>
      (RESIDENT_GROUPS as readonly string[]).includes(g),
    );
    await setAffectedGroups(requestCtx(deps, c), { topicId, groups });
    return c.redirect(`${balanceTopicPath(topicId)}?done=groupsSaved`, 303);
  });

  staffRoute(app, 'POST', `${TOPIC}/outreach`, BALANCE_MANAGER_ROLES, async (c) => {
    const t = c.get('t');
    const topicId = c.req.param('topicId') ?? '';
    const body = await c.req.parseBody();
    const group = formString(body, 'group');
    const visits = formString(body, 'visits');
    try {
      const result = await reachUnderHeardGroup(
        requestCtx(deps, c),
        {
          topicId,
          group: group as ResidentGroup,
          action: formString(body, 'action') as 'visit_list',
          visits,
        },
        env,
      );
      const done =
        result.action === 'visit_list'
          ? 'visitsAdded'
          : result.created
            ? 'campaignStarted'
            : 'campaignExisted';
      const query = new URLSearchParams({
        done,
        n: String(result.residents),
        ...(result.campaignCode ? { code: result.campaignCode } : {}),
      });
      return c.redirect(`${balanceTopicPath(topicId)}?${query}`, 303);
    } catch (error) {
      if (!(error instanceof ServiceError) || !['validation_failed', 'conflict'].includes(error.code))
        throw error;
      const isGroup = (RESIDENT_GROUPS as readonly string[]).includes(group);
      const problems = fieldErrorsFrom(error, t, ['visits'], 'form');
      const visitsProblem = problems.find((p) => p.field === 'visits');
      const field = isGroup ? `visits-${group}` : 'groups';
      const errors: BalanceErrors = {
        summary: problems.map((p) => ({ field, message: p.message })),
        ...(visitsProblem && isGroup
          ? { visits: { group: group as ResidentGroup, value: visits, message: visitsProblem.message } }
          : {}),
      };
      return renderTopic(c, error.code === 'conflict' ? 409 : 400, errors);
    }
  });
}
