/**
 * The three lists in the console (/console/lists), with their exports, and — registered on the same
 * sub-app — the KPI dashboard and participation balance. Every route goes through staffRoute.
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { KPI_TARGETS } from '../../src/kpi/kpi-targets.ts';
import { acknowledgeEscalation } from '../../src/lists/acknowledge-escalation.ts';
import { completeResponsibilityItem } from '../../src/lists/complete-responsibility-item.ts';
import { createResponsibilityItem } from '../../src/lists/create-responsibility-item.ts';
import { getResponsibilityItem } from '../../src/lists/get-responsibility-item.ts';
import { involvedDepartments } from '../../src/lists/item-timing.ts';
import { listDepartments } from '../../src/lists/list-departments.ts';
import { listEvaluation } from '../../src/lists/list-evaluation.ts';
import { listListTopics } from '../../src/lists/list-list-topics.ts';
import { listResponsibilityItems } from '../../src/lists/list-responsibility-items.ts';
import { listSupervision } from '../../src/lists/list-supervision.ts';
import {
  ESCALATION_HANDLER_ROLES,
  LISTS_VIEWER_ROLES,
  PROGRESS_REPORTER_ROLES,
  RESPONSIBILITY_MANAGER_ROLES,
} from '../../src/lists/lists-roles.ts';
import { reportProgress } from '../../src/lists/report-progress.ts';
import { findItem, itemNotFound, LIST_TOPIC_STATUSES } from '../../src/lists/responsibility-item.ts';
import { findTopic, topicNotFound } from '../../src/topics/apply-transition.ts';
import { startImplementation } from '../../src/topics/start-implementation.ts';
import type { StaffEnv } from '../http/env.ts';
import { type FieldError, fieldErrorsFrom } from '../http/error-summary.tsx';
import { createStaffApp, currentStaff, hasAnyRole, requestCtx, staffRoute } from '../http/staff-auth.ts';
import { registerBalanceRoutes } from './balance-app.tsx';
import { registerKpiRoutes } from './kpi-app.tsx';
import {
  departmentsCsv,
  evaluationCsv,
  evaluationJson,
  responsibilityCsv,
  responsibilityJson,
  supervisionCsv,
  supervisionJson,
} from './lists-export.ts';
import { consoleLayout, doneFrom, formString, formStrings } from './lists-layout.tsx';
import {
  EvaluationPage,
  EXPORT_FILES,
  type ExportFile,
  ItemPage,
  itemPath,
  LISTS_PATH,
  ListsOverviewPage,
  NEW_ITEM_FIELDS,
  NewItemPage,
  type NewItemValues,
  PROGRESS_FIELDS,
  SUPERVISION_PATH,
  SupervisionPage,
  TopicListPage,
  topicListPath,
} from './lists-pages.tsx';

/** The routes' path patterns (ids are checked by the verbs: anything else is simply not found). */
const TOPIC = `${LISTS_PATH}/topics/:topicId`;
const ITEM = `${LISTS_PATH}/items/:itemId`;

function serviceError(error: unknown, ...codes: ServiceError['code'][]): ServiceError {
  if (error instanceof ServiceError && codes.includes(error.code)) return error;
  throw error;
}

/** The lists, KPI and balance pages as one Hono sub-app; mount it at '/'. */
export function createListsConsoleApp(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  const timeZone = deps.config.timeZone;

  // ------------------------------------------------------------ responsibility list

  staffRoute(app, 'GET', LISTS_PATH, LISTS_VIEWER_ROLES, async (c) => {
    const { topics } = await listListTopics(requestCtx(deps, c), { timeZone });
    return c.html(<ListsOverviewPage layout={consoleLayout(deps, c)} topics={topics} done={doneFrom(c)} />);
  });

  const renderTopic = async (c: Context<StaffEnv>) => {
    const ctx = requestCtx(deps, c);
    const topic = await findTopic(ctx.db, c.req.param('topicId') ?? '');
    if (!topic) throw topicNotFound();
    const { items } = await listResponsibilityItems(ctx, { topicId: topic.id, timeZone });
    const canManage = hasAnyRole(currentStaff(c).staff.roles, RESPONSIBILITY_MANAGER_ROLES);
    return c.html(
      <TopicListPage
        layout={consoleLayout(deps, c)}
        topic={topic}
        items={items}
        canManage={canManage}
        canAdd={LIST_TOPIC_STATUSES.includes(topic.status)}
        canStartImplementation={topic.status === 'result_published' && items.length > 0}
        done={doneFrom(c)}
      />,
    );
  };
  staffRoute(app, 'GET', TOPIC, LISTS_VIEWER_ROLES, renderTopic);

  const renderNewItem = async (
    c: Context<StaffEnv>,
    status: 200 | 400 | 409,
    extra: { errors?: FieldError[]; values?: NewItemValues } = {},
  ) => {
    const ctx = requestCtx(deps, c);
    const topic = await findTopic(ctx.db, c.req.param('topicId') ?? '');
    if (!topic) throw topicNotFound();
    const departments = await listDepartments(ctx);
    return c.html(
      <NewItemPage layout={consoleLayout(deps, c)} topic={topic} departments={departments} {...extra} />,
      status,
    );
  };
  staffRoute(app, 'GET', `${TOPIC}/new`, RESPONSIBILITY_MANAGER_ROLES, (c) => renderNewItem(c, 200));

  staffRoute(app, 'POST', `${TOPIC}/items`, RESPONSIBILITY_MANAGER_ROLES, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody({ all: true });
    const values: NewItemValues = {
      title: formString(body, 'title'),
      acceptanceCriteria: formString(body, 'acceptanceCriteria'),
      department: formString(body, 'department'),
      cooperatingDepartments: formStrings(body, 'cooperatingDepartments'),
      deadlineWorkingDays: formString(body, 'deadlineWorkingDays'),
    };
    const topicId = c.req.param('topicId') ?? '';
    try {
      const { item, created } = await createResponsibilityItem(requestCtx(deps, c), {
        topicId,
        ...values,
        lang: c.get('locale'),
        timeZone,
      });
      return c.redirect(`${topicListPath(item.topicId)}?done=${created ? 'itemAdded' : 'itemExisted'}`, 303);
    } catch (error) {
      const e = serviceError(error, 'validation_failed', 'conflict');
      const errors = fieldErrorsFrom(e, t, NEW_ITEM_FIELDS, 'title');
      return renderNewItem(c, e.code === 'conflict' ? 409 : 400, { errors, values });
    }
  });

  staffRoute(app, 'POST', `${TOPIC}/implementation`, RESPONSIBILITY_MANAGER_ROLES, async (c) => {
    const topicId = c.req.param('topicId') ?? '';
    await startImplementation(requestCtx(deps, c), { topicId });
    return c.redirect(`${topicListPath(topicId)}?done=implementationStarted`, 303);
  });

  // ------------------------------------------------------------ one item

  const renderItem = async (
    c: Context<StaffEnv>,
    status: 200 | 400 | 409,
    extra: {
      errors?: FieldError[];
      values?: { note?: string; percent?: string; completionNote?: string };
    } = {},
  ) => {
    const ctx = requestCtx(deps, c);
    const detail = await getResponsibilityItem(ctx, { itemId: c.req.param('itemId') ?? '', timeZone });
    const { staff } = currentStaff(c);
    const isLiaison = hasAnyRole(staff.roles, PROGRESS_REPORTER_ROLES) && Boolean(staff.department);
    const department = staff.department?.trim() ?? '';
    return c.html(
      <ItemPage
        layout={consoleLayout(deps, c)}
        detail={detail}
        canReport={isLiaison && involvedDepartments(detail.item).includes(department)}
        canComplete={isLiaison && detail.item.department === department}
        done={doneFrom(c)}
        {...extra}
      />,
      status,
    );
  };
  staffRoute(app, 'GET', ITEM, LISTS_VIEWER_ROLES, (c) => renderItem(c, 200));

  staffRoute(app, 'POST', `${ITEM}/progress`, PROGRESS_REPORTER_ROLES, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const values = { note: formString(body, 'note'), percent: formString(body, 'percent') };
    const itemId = c.req.param('itemId') ?? '';
    if (!(await findItem(deps.database.db, itemId))) throw itemNotFound();
    try {
      await reportProgress(requestCtx(deps, c), { itemId, ...values, lang: c.get('locale'), timeZone });
      return c.redirect(`${itemPath(itemId)}?done=progressReported`, 303);
    } catch (error) {
      const e = serviceError(error, 'validation_failed', 'conflict');
      return renderItem(c, e.code === 'conflict' ? 409 : 400, {
        errors: fieldErrorsFrom(e, t, PROGRESS_FIELDS, 'note'),
        values,
      });
    }
  });

  staffRoute(app, 'POST', `${ITEM}/completion`, PROGRESS_REPORTER_ROLES, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const completionNote = formString(body, 'completionNote');
    const itemId = c.req.param('itemId') ?? '';
    if (!(await findItem(deps.database.db, itemId))) throw itemNotFound();
    try {
      const result = await completeResponsibilityItem(requestCtx(deps, c), {
        itemId,
        note: completionNote,
        lang: c.get('locale'),
        timeZone,
      });
      const done = result.topicStatus === 'evaluating' ? 'topicEvaluating' : 'itemCompleted';
      return c.redirect(`${itemPath(itemId)}?done=${done}`, 303);
    } catch (error) {
      const e = serviceError(error, 'validation_failed', 'conflict');
      const errors = fieldErrorsFrom(e, t, ['note'], 'note').map((f) => ({ ...f, field: 'completionNote' }));
      return renderItem(c, e.code === 'conflict' ? 409 : 400, { errors, values: { completionNote } });
    }
  });

  // ------------------------------------------------------------ supervision

  const renderSupervision = async (
    c: Context<StaffEnv>,
    status: 200 | 400,
    errors?: { flagId: string; message: string; note: string },
  ) => {
    const ctx = requestCtx(deps, c);
    const { staff } = currentStaff(c);
    const asked = c.req.query('department');
    // Liaisons start from their own department's items; anyone may widen the view.
    const department =
      asked !== undefined
        ? asked.trim() || undefined
        : staff.roles.includes('department_liaison') && staff.department
          ? staff.department
          : undefined;
    const [data, departments] = await Promise.all([
      listSupervision(ctx, { timeZone, ...(department ? { department } : {}) }),
      listDepartments(ctx),
    ]);
    return c.html(
      <SupervisionPage
        layout={consoleLayout(deps, c)}
        data={data}
        departments={
          department && !departments.includes(department) ? [...departments, department] : departments
        }
        department={department}
        canHandle={hasAnyRole(staff.roles, ESCALATION_HANDLER_ROLES)}
        errors={errors}
        done={doneFrom(c)}
      />,
      status,
    );
  };
  staffRoute(app, 'GET', SUPERVISION_PATH, LISTS_VIEWER_ROLES, (c) => renderSupervision(c, 200));

  staffRoute(
    app,
    'POST',
    `${LISTS_PATH}/escalations/:flagId/acknowledgement`,
    ESCALATION_HANDLER_ROLES,
    async (c) => {
      const t = c.get('t');
      const flagId = c.req.param('flagId') ?? '';
      const body = await c.req.parseBody();
      const note = formString(body, `note-${flagId}`);
      try {
        await acknowledgeEscalation(requestCtx(deps, c), { flagId, note });
        return c.redirect(`${SUPERVISION_PATH}?done=escalationAcknowledged`, 303);
      } catch (error) {
        const e = serviceError(error, 'validation_failed');
        const [first] = fieldErrorsFrom(e, t, ['note'], 'note');
        return renderSupervision(c, 400, { flagId, note, message: first?.message ?? t(e.messageKey) });
      }
    },
  );

  // ------------------------------------------------------------ evaluation

  staffRoute(app, 'GET', `${LISTS_PATH}/evaluation`, LISTS_VIEWER_ROLES, async (c) => {
    const data = await listEvaluation(requestCtx(deps, c), { timeZone });
    return c.html(
      <EvaluationPage
        layout={consoleLayout(deps, c)}
        data={data}
        target={KPI_TARGETS.satisfaction_rate.target}
      />,
    );
  });

  // ------------------------------------------------------------ exports

  staffRoute(app, 'GET', `${LISTS_PATH}/export/:file`, LISTS_VIEWER_ROLES, async (c) => {
    const file = c.req.param('file') ?? '';
    if (!(EXPORT_FILES as readonly string[]).includes(file)) {
      throw new ServiceError('not_found', 'lists:errors.exportNotFound');
    }
    const ctx = requestCtx(deps, c);
    const t = c.get('t');
    const locale = c.get('locale');
    const [list, format] = (file as ExportFile).split('.') as [string, 'csv' | 'json'];
    let body: string | object;
    let today: string;
    switch (list) {
      case 'responsibility': {
        const data = await listResponsibilityItems(ctx, { timeZone });
        today = data.today;
        body =
          format === 'csv'
            ? responsibilityCsv(t, locale, data.items)
            : responsibilityJson(data.today, data.items, locale);
        break;
      }
      case 'supervision': {
        const data = await listSupervision(ctx, { timeZone, handledLimit: 500 });
        today = data.today;
        body = format === 'csv' ? supervisionCsv(t, data) : supervisionJson(data);
        break;
      }
      default: {
        const data = await listEvaluation(ctx, { timeZone });
        today = data.today;
        body =
          list === 'evaluation-departments'
            ? departmentsCsv(t, data)
            : format === 'csv'
              ? evaluationCsv(t, locale, data)
              : evaluationJson(data, locale);
      }
    }
    c.header('Content-Disposition', `attachment; filename="${list}-${today}.${format}"`);
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    if (typeof body === 'string') {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      return c.body(body);
    }
    return c.json(body);
  });

  registerKpiRoutes(app, deps);
  registerBalanceRoutes(app, deps);
  return app;
}
