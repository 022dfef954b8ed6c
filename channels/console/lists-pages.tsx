/**
 * The three lists in the console: the responsibility list per topic with its items and progress, the
 * supervision list with escalations, the evaluation list with satisfaction per department.
 */
import type { FC } from 'hono/jsx';
import type { Locale, SatisfactionLevel } from '../../src/db/schema.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { ResponsibilityItemDetail } from '../../src/lists/get-responsibility-item.ts';
import type { ItemTiming } from '../../src/lists/item-timing.ts';
import type { EvaluationList } from '../../src/lists/list-evaluation.ts';
import type { ListTopic } from '../../src/lists/list-list-topics.ts';
import type { ResponsibilityRow } from '../../src/lists/list-responsibility-items.ts';
import type { Escalation, SupervisionList } from '../../src/lists/list-supervision.ts';
import { DEADLINE_MAX_WORKING_DAYS } from '../../src/lists/responsibility-item.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import type { FieldError } from '../http/error-summary.tsx';
import { Layout } from '../http/layout.tsx';
import {
  ActionButton,
  Choices,
  errorSummaryProps,
  FilterForm,
  formFields,
  Input,
  PostForm,
  Select,
  TextArea,
} from './form-kit.tsx';
import { BarChart } from './kpi-charts.tsx';
import {
  BackLink,
  DataTable,
  Day,
  DoneBanner,
  formatDay,
  formatShare,
  headings,
  localized,
  type PageLayout,
} from './lists-layout.tsx';

export const LISTS_PATH = '/console/lists';
export const SUPERVISION_PATH = `${LISTS_PATH}/supervision`;
export const EVALUATION_PATH = `${LISTS_PATH}/evaluation`;
export const topicListPath = (topicId: string) => `${LISTS_PATH}/topics/${topicId}`;
export const itemPath = (itemId: string) => `${LISTS_PATH}/items/${itemId}`;

/** The export files of the three lists: `<list>.<format>`. */
export const EXPORT_FILES = [
  'responsibility.csv',
  'responsibility.json',
  'supervision.csv',
  'supervision.json',
  'evaluation.csv',
  'evaluation-departments.csv',
  'evaluation.json',
] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

interface Done {
  done?: string | undefined;
  params?: Record<string, string>;
}

/** Where an item stands, in words (never colour alone). */
export function timingText(t: Translate, timing: ItemTiming): string {
  switch (timing.state) {
    case 'on_track':
      return t('lists:state.on_track', { days: timing.workingDaysLeft });
    case 'due_soon':
      return timing.workingDaysLeft === 0
        ? t('lists:state.due_today')
        : t('lists:state.due_soon', { days: timing.workingDaysLeft });
    case 'overdue':
      return t('lists:state.overdue', { days: timing.workingDaysLate });
    case 'completed_on_time':
      return t('lists:state.completed_on_time');
    case 'completed_late':
      return t('lists:state.completed_late', { days: timing.workingDaysLate });
  }
}

/** The lists' own sub-navigation, with the current one marked. */
const ListsNav: FC<{ t: Translate; current: 'responsibility' | 'supervision' | 'evaluation' }> = ({
  t,
  current,
}) => {
  const links = [
    { key: 'responsibility', href: LISTS_PATH },
    { key: 'supervision', href: SUPERVISION_PATH },
    { key: 'evaluation', href: EVALUATION_PATH },
  ] as const;
  return (
    <nav aria-label={t('lists:nav.label')}>
      <ul class="link-list">
        {links.map((l) => (
          <li>
            <a href={l.href} aria-current={l.key === current ? 'page' : undefined}>
              {t(`lists:nav.${l.key}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
};

/** Download links for one list's exports. */
const Exports: FC<{ t: Translate; files: readonly ExportFile[] }> = ({ t, files }) => (
  <section aria-labelledby="exports-heading">
    <h2 id="exports-heading">{t('lists:export.heading')}</h2>
    <p>{t('lists:export.intro')}</p>
    <ul class="link-list">
      {files.map((f) => (
        <li>
          <a href={`${LISTS_PATH}/export/${f}`} download={f}>
            {t(`lists:export.files.${f.replace('.', '_')}`)}
          </a>
        </li>
      ))}
    </ul>
  </section>
);

const Departments: FC<{
  row: Pick<ResponsibilityRow, 'department' | 'cooperatingDepartments'>;
  t: Translate;
}> = ({ row, t }) => (
  <>
    {row.department}
    {row.cooperatingDepartments.length ? (
      <>
        <br />
        {t('lists:item.cooperating', {
          departments: row.cooperatingDepartments.join(t('lists:common.separator')),
        })}
      </>
    ) : null}
  </>
);

/** Where an item stands, with the departments that have not responded in time. */
const TimingState: FC<{ row: Pick<ResponsibilityRow, 'timing' | 'silentDepartments'>; t: Translate }> = ({
  row,
  t,
}) => (
  <>
    <span class="status">{timingText(t, row.timing)}</span>
    {row.silentDepartments.length ? (
      <>
        <br />
        {t('lists:item.silent', {
          departments: row.silentDepartments.join(t('lists:common.separator')),
        })}
      </>
    ) : null}
  </>
);

const ItemLink: FC<{ item: Pick<ResponsibilityRow, 'id' | 'code' | 'lang' | 'title'> }> = ({ item }) => (
  <a href={itemPath(item.id)}>
    {item.code} <span lang={item.lang}>{item.title}</span>
  </a>
);

// ---------------------------------------------------------------- responsibility list

export const ListsOverviewPage: FC<{ layout: PageLayout; topics: ListTopic[]; done: Done }> = ({
  layout,
  topics,
  done,
}) => {
  const { t, locale } = layout;
  return (
    <Layout {...layout} title={t('lists:overview.title')}>
      <DoneBanner t={t} {...done} />
      <p>{t('lists:overview.intro')}</p>
      <ListsNav t={t} current="responsibility" />
      <h2>{t('lists:overview.topicsHeading')}</h2>
      {topics.length === 0 ? (
        <p>{t('lists:overview.empty')}</p>
      ) : (
        <DataTable
          caption={t('lists:overview.caption')}
          columns={headings(t, 'lists:columns', ['topic', 'topicStatus', 'items', 'completed', 'overdue'])}
        >
          {topics.map((topic) => {
            const title = localized(topic.title, locale);
            return (
              <tr>
                <th scope="row">
                  <a href={topicListPath(topic.id)}>
                    {topic.code} <span lang={title.lang}>{title.text}</span>
                  </a>
                </th>
                <td>{t(`topics:status.${topic.status}`)}</td>
                <td>{topic.items}</td>
                <td>{topic.completed}</td>
                <td>{topic.overdue ? <strong>{topic.overdue}</strong> : topic.overdue}</td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <Exports t={t} files={['responsibility.csv', 'responsibility.json']} />
    </Layout>
  );
};

export const TopicListPage: FC<{
  layout: PageLayout;
  topic: Topic;
  items: ResponsibilityRow[];
  canManage: boolean;
  canAdd: boolean;
  canStartImplementation: boolean;
  done: Done;
}> = ({ layout, topic, items, canManage, canAdd, canStartImplementation, done }) => {
  const { t, locale } = layout;
  const title = localized(topic.title, locale);
  return (
    <Layout {...layout} title={t('lists:topic.title', { code: topic.code, title: title.text })}>
      <BackLink href={LISTS_PATH} label={t('lists:topic.back')} />
      <DoneBanner t={t} {...done} />
      <p>{t('lists:topic.status', { status: t(`topics:status.${topic.status}`) })}</p>
      {canManage && !canAdd ? <p>{t('lists:topic.cannotAdd')}</p> : null}
      {canManage && (canAdd || canStartImplementation) ? (
        <div class="button-row">
          {canAdd ? (
            <a class="button" href={`${topicListPath(topic.id)}/new`}>
              {t('lists:topic.add')}
            </a>
          ) : null}
          {canStartImplementation ? (
            <ActionButton
              action={`${topicListPath(topic.id)}/implementation`}
              csrf={layout.signedIn?.csrfToken ?? ''}
              label={t('lists:topic.startImplementation')}
              secondary
            />
          ) : null}
        </div>
      ) : null}
      {items.length === 0 ? (
        <p>{t('lists:topic.empty')}</p>
      ) : (
        <DataTable
          caption={t('lists:topic.caption', { code: topic.code })}
          columns={headings(t, 'lists:columns', ['item', 'unit', 'deadline', 'state', 'progress'])}
        >
          {items.map((item) => (
            <tr>
              <th scope="row">
                <ItemLink item={item} />
              </th>
              <td>
                <Departments row={item} t={t} />
              </td>
              <td>
                {t('lists:item.workingDays', { days: item.deadlineWorkingDays })}
                <br />
                <Day iso={item.dueOn} locale={locale} />
              </td>
              <td>
                <TimingState row={item} t={t} />
              </td>
              <td>
                {item.latestProgress ? (
                  <>
                    {item.latestProgress.percent !== null
                      ? t('lists:item.percent', { percent: item.latestProgress.percent })
                      : null}
                    {item.latestProgress.percent !== null ? <br /> : null}
                    <Day iso={item.latestProgress.reportedOn} locale={locale} />
                  </>
                ) : (
                  t('lists:item.noProgress')
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Layout>
  );
};

export interface NewItemValues {
  title: string;
  acceptanceCriteria: string;
  department: string;
  cooperatingDepartments: string[];
  deadlineWorkingDays: string;
}

export const NEW_ITEM_FIELDS = [
  'title',
  'acceptanceCriteria',
  'department',
  'cooperatingDepartments',
  'deadlineWorkingDays',
] as const;

export const NewItemPage: FC<{
  layout: PageLayout;
  topic: Topic;
  departments: string[];
  errors?: FieldError[];
  values?: NewItemValues;
}> = ({ layout, topic, departments, errors = [], values }) => {
  const { t, locale } = layout;
  const title = localized(topic.title, locale);
  const field = formFields(t, errors);
  return (
    <Layout
      {...layout}
      title={t('lists:newItem.title', { code: topic.code })}
      {...errorSummaryProps(t, errors)}
    >
      <BackLink href={topicListPath(topic.id)} label={t('lists:newItem.back', { code: topic.code })} />
      <p>
        <span lang={title.lang}>{title.text}</span>
      </p>
      {departments.length === 0 ? (
        <p>{t('lists:newItem.noDepartments')}</p>
      ) : (
        <PostForm
          action={`${topicListPath(topic.id)}/items`}
          csrf={layout.signedIn?.csrfToken ?? ''}
          submit={t('lists:newItem.submit')}
        >
          <Input
            {...field('title')}
            label={t('lists:newItem.titleLabel')}
            hint={t('lists:newItem.titleHint')}
            value={values?.title}
          />
          <TextArea
            {...field('acceptanceCriteria')}
            label={t('lists:newItem.criteriaLabel')}
            hint={t('lists:newItem.criteriaHint')}
            value={values?.acceptanceCriteria}
            rows={4}
          />
          <Choices
            {...field('department')}
            type="radio"
            legend={t('lists:newItem.departmentLegend')}
            hint={t('lists:newItem.departmentHint')}
            options={departments.map((d) => ({ value: d, label: d }))}
            checked={values?.department ? [values.department] : []}
          />
          <Choices
            {...field('cooperatingDepartments')}
            type="checkbox"
            legend={t('lists:newItem.cooperatingLegend')}
            hint={t('lists:newItem.cooperatingHint')}
            options={departments.map((d) => ({ value: d, label: d }))}
            checked={values?.cooperatingDepartments ?? []}
          />
          <Input
            {...field('deadlineWorkingDays')}
            label={t('lists:newItem.deadlineLabel')}
            hint={t('lists:newItem.deadlineHint', { max: DEADLINE_MAX_WORKING_DAYS })}
            value={values?.deadlineWorkingDays}
            numeric
          />
        </PostForm>
      )}
    </Layout>
  );
};

// ---------------------------------------------------------------- one item

export const PROGRESS_FIELDS = ['note', 'percent'] as const;
export const COMPLETION_FIELDS = ['completionNote'] as const;

export const ItemPage: FC<{
  layout: PageLayout;
  detail: ResponsibilityItemDetail;
  /** The reader is the liaison of a department involved (may report progress). */
  canReport: boolean;
  /** The reader is the lead department's liaison (may record completion). */
  canComplete: boolean;
  errors?: FieldError[];
  values?: { note?: string; percent?: string; completionNote?: string };
  done: Done;
}> = ({ layout, detail, canReport, canComplete, errors = [], values, done }) => {
  const { t, locale } = layout;
  const { item } = detail;
  const topicTitle = localized(item.topic.title, locale);
  const field = formFields(t, errors);
  const csrf = layout.signedIn?.csrfToken ?? '';
  const open = item.status !== 'completed';
  return (
    <Layout
      {...layout}
      title={t('lists:item.title', { code: item.code, title: item.title })}
      {...errorSummaryProps(t, errors)}
    >
      <BackLink href={topicListPath(item.topic.id)} label={t('lists:item.back', { code: item.topic.code })} />
      <DoneBanner t={t} {...done} />
      <dl class="summary-list">
        <div>
          <dt>{t('lists:columns.topic')}</dt>
          <dd>
            {item.topic.code} <span lang={topicTitle.lang}>{topicTitle.text}</span>
          </dd>
        </div>
        <div>
          <dt>{t('lists:columns.item')}</dt>
          <dd lang={item.lang}>{item.title}</dd>
        </div>
        <div>
          <dt>{t('lists:columns.criteria')}</dt>
          <dd lang={item.lang}>{item.acceptanceCriteria}</dd>
        </div>
        <div>
          <dt>{t('lists:columns.unit')}</dt>
          <dd>
            <Departments row={item} t={t} />
          </dd>
        </div>
        <div>
          <dt>{t('lists:columns.assigned')}</dt>
          <dd>
            <Day iso={item.assignedOn} locale={locale} />
          </dd>
        </div>
        <div>
          <dt>{t('lists:columns.deadline')}</dt>
          <dd>
            {t('lists:item.dueOn', { days: item.deadlineWorkingDays })}{' '}
            <Day iso={item.dueOn} locale={locale} />
          </dd>
        </div>
        {item.responseDueOn ? (
          <div>
            <dt>{t('lists:columns.responseDue')}</dt>
            <dd>
              <Day iso={item.responseDueOn} locale={locale} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('lists:columns.state')}</dt>
          <dd>
            <span class="status">{timingText(t, item.timing)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('lists:columns.responses')}</dt>
          <dd>
            {item.responses.length === 0
              ? t('lists:item.noResponses')
              : item.responses.map((r) => (
                  <>
                    {t('lists:item.respondedOn', { department: r.department })}{' '}
                    <Day iso={r.firstOn} locale={locale} />
                    <br />
                  </>
                ))}
            {item.silentDepartments.length
              ? t('lists:item.silent', {
                  departments: item.silentDepartments.join(t('lists:common.separator')),
                })
              : null}
          </dd>
        </div>
      </dl>

      <h2>{t('lists:item.progressHeading')}</h2>
      {detail.progress.length === 0 ? (
        <p>{t('lists:item.noProgress')}</p>
      ) : (
        <ol class="timeline">
          {detail.progress.map((p) => (
            <li class="done">
              <span class="stage">
                <Day iso={p.reportedOn} locale={locale} /> · {p.department}
                {p.reporter ? ` · ${p.reporter}` : ''}
              </span>
              <span class="state">
                {p.kind === 'completion' ? t('lists:item.completionEntry') : null}
                {p.kind === 'progress' && p.percent !== null
                  ? t('lists:item.percent', { percent: p.percent })
                  : null}
              </span>
              <span class="note" lang={p.lang}>
                {p.note}
              </span>
            </li>
          ))}
        </ol>
      )}

      {detail.flags.length ? (
        <>
          <h2>{t('lists:item.flagsHeading')}</h2>
          <ul>
            {detail.flags.map((f) => (
              <li>
                {t(`lists:flag.${f.kind}`, { department: f.department })} — {t('lists:flag.flaggedOn')}{' '}
                <Day iso={f.flaggedOn} locale={locale} />
                {f.resolvedAt ? ` — ${t('lists:flag.resolved')}` : ''}
                {f.acknowledgedAt ? ` — ${t('lists:flag.acknowledged')}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {open && canReport ? (
        <section aria-labelledby="report-heading">
          <h2 id="report-heading">{t('lists:progress.heading')}</h2>
          <PostForm action={`${itemPath(item.id)}/progress`} csrf={csrf} submit={t('lists:progress.submit')}>
            <TextArea
              {...field('note')}
              label={t('lists:progress.noteLabel')}
              hint={t('lists:progress.noteHint')}
              value={values?.note}
              rows={4}
            />
            <Input
              {...field('percent')}
              label={t('lists:progress.percentLabel')}
              hint={t('lists:progress.percentHint')}
              value={values?.percent}
              numeric
            />
          </PostForm>
        </section>
      ) : null}
      {open && canComplete ? (
        <section aria-labelledby="complete-heading">
          <h2 id="complete-heading">{t('lists:completion.heading')}</h2>
          <PostForm
            action={`${itemPath(item.id)}/completion`}
            csrf={csrf}
            submit={t('lists:completion.submit')}
          >
            <TextArea
              {...field('completionNote')}
              label={t('lists:completion.noteLabel')}
              hint={t('lists:completion.noteHint')}
              value={values?.completionNote}
              rows={4}
            />
          </PostForm>
        </section>
      ) : null}
      {!open && item.completionNote ? (
        <>
          <h2>{t('lists:completion.doneHeading')}</h2>
          <p lang={item.lang}>{item.completionNote}</p>
        </>
      ) : null}
    </Layout>
  );
};

// ---------------------------------------------------------------- supervision

const EscalationFacts: FC<{ e: Escalation; t: Translate; locale: Locale }> = ({ e, t, locale }) => {
  const topicTitle = localized(e.topic.title, locale);
  return (
    <>
      <p>
        {t('lists:columns.topic')}: {e.topic.code} <span lang={topicTitle.lang}>{topicTitle.text}</span>
      </p>
      <p>
        {t(`lists:flag.missed.${e.kind}`)} <Day iso={e.missedOn} locale={locale} />;{' '}
        {t('lists:flag.flaggedOn')} <Day iso={e.flaggedOn} locale={locale} />
      </p>
      <p>{t('lists:flag.notices', { number: e.noticesQueued })}</p>
    </>
  );
};

export const SupervisionPage: FC<{
  layout: PageLayout;
  data: SupervisionList;
  departments: string[];
  department: string | undefined;
  canHandle: boolean;
  errors?: { flagId: string; message: string; note: string } | undefined;
  done: Done;
}> = ({ layout, data, departments, department, canHandle, errors, done }) => {
  const { t, locale } = layout;
  const csrf = layout.signedIn?.csrfToken ?? '';
  const summaryErrors: FieldError[] = errors
    ? [{ field: `note-${errors.flagId}`, message: errors.message }]
    : [];
  return (
    <Layout {...layout} title={t('lists:supervision.title')} {...errorSummaryProps(t, summaryErrors)}>
      <DoneBanner t={t} {...done} />
      <p>{t('lists:supervision.intro')}</p>
      <ListsNav t={t} current="supervision" />
      <FilterForm action={SUPERVISION_PATH} submit={t('lists:supervision.filter')}>
        <Select
          t={t}
          name="department"
          label={t('lists:supervision.departmentFilter')}
          value={department}
          options={[
            { value: '', label: t('lists:supervision.allDepartments') },
            ...departments.map((d) => ({ value: d, label: d })),
          ]}
        />
      </FilterForm>

      <h2>{t('lists:supervision.openHeading', { number: data.open.length })}</h2>
      {data.open.length === 0 ? (
        <p>{t('lists:supervision.noOpen')}</p>
      ) : (
        <ul class="card-list">
          {data.open.map((e) => (
            <li class="card">
              <h3>
                <a href={itemPath(e.item.id)}>
                  {e.item.code} <span lang={e.item.lang}>{e.item.title}</span>
                </a>
              </h3>
              <p class="tag">{t(`lists:flag.${e.kind}`, { department: e.department })}</p>
              <EscalationFacts e={e} t={t} locale={locale} />
              {canHandle ? (
                <PostForm
                  action={`${LISTS_PATH}/escalations/${e.id}/acknowledgement`}
                  csrf={csrf}
                  submit={t('lists:supervision.ackSubmit')}
                >
                  <TextArea
                    t={t}
                    name={`note-${e.id}`}
                    label={t('lists:supervision.ackLabel', { code: e.item.code })}
                    hint={t('lists:supervision.ackHint')}
                    error={errors?.flagId === e.id ? errors.message : undefined}
                    value={errors?.flagId === e.id ? errors.note : ''}
                    rows={3}
                  />
                </PostForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('lists:supervision.attentionHeading')}</h2>
      {data.attention.length === 0 ? (
        <p>{t('lists:supervision.noAttention')}</p>
      ) : (
        <DataTable
          caption={t('lists:supervision.attentionCaption', { date: formatDay(data.today, locale) })}
          columns={headings(t, 'lists:columns', ['item', 'topic', 'unit', 'deadline', 'state'])}
        >
          {data.attention.map((item) => (
            <tr>
              <th scope="row">
                <ItemLink item={item} />
              </th>
              <td>{item.topic.code}</td>
              <td>
                <Departments row={item} t={t} />
              </td>
              <td>
                <Day iso={item.dueOn} locale={locale} />
              </td>
              <td>
                <TimingState row={item} t={t} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      <h2>{t('lists:supervision.handledHeading')}</h2>
      {data.handled.length === 0 ? (
        <p>{t('lists:supervision.noHandled')}</p>
      ) : (
        <DataTable
          caption={t('lists:supervision.handledCaption')}
          columns={headings(t, 'lists:columns', ['item', 'flag', 'flaggedOn', 'handling'])}
        >
          {data.handled.map((e) => (
            <tr>
              <th scope="row">
                <a href={itemPath(e.item.id)}>{e.item.code}</a>
              </th>
              <td>{t(`lists:flag.${e.kind}`, { department: e.department })}</td>
              <td>
                <Day iso={e.flaggedOn} locale={locale} />
              </td>
              <td>
                {e.resolvedAt ? t('lists:flag.resolved') : null}
                {e.resolvedAt && e.acknowledgedAt ? <br /> : null}
                {e.acknowledgedAt
                  ? t('lists:flag.acknowledgedBy', { name: e.acknowledgedBy ?? t('lists:common.system') })
                  : null}
                {e.acknowledgementNote ? (
                  <>
                    <br />
                    {e.acknowledgementNote}
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Exports t={t} files={['supervision.csv', 'supervision.json']} />
    </Layout>
  );
};

// ---------------------------------------------------------------- evaluation

function satisfactionText(
  t: Translate,
  locale: Locale,
  s: { rate: number | null; satisfied: number; answers: number },
): string {
  return s.rate === null
    ? t('lists:evaluation.noAnswers')
    : t('lists:evaluation.rate', {
        rate: formatShare(s.rate, locale, t),
        satisfied: s.satisfied,
        answers: s.answers,
      });
}

export const EvaluationPage: FC<{ layout: PageLayout; data: EvaluationList; target: number }> = ({
  layout,
  data,
  target,
}) => {
  const { t, locale } = layout;
  const targetText = formatShare(target, locale, t);
  const rated = data.departments.filter((d) => d.satisfaction.rate !== null);
  return (
    <Layout {...layout} title={t('lists:evaluation.title')}>
      <p>{t('lists:evaluation.intro')}</p>
      <ListsNav t={t} current="evaluation" />
      <h2>{t('lists:evaluation.topicsHeading')}</h2>
      {data.topics.length === 0 ? (
        <p>{t('lists:evaluation.noTopics')}</p>
      ) : (
        <DataTable
          caption={t('lists:evaluation.topicsCaption')}
          columns={headings(t, 'lists:columns', ['topic', 'items', 'survey', 'responseRate', 'satisfaction'])}
        >
          {data.topics.map((row) => {
            const title = localized(row.topic.title, locale);
            return (
              <tr>
                <th scope="row">
                  <a href={topicListPath(row.topic.id)}>
                    {row.topic.code} <span lang={title.lang}>{title.text}</span>
                  </a>
                  <br />
                  {t(`topics:status.${row.topic.status}`)}
                </th>
                <td>
                  {t('lists:evaluation.itemsDone', {
                    completed: row.completed,
                    items: row.items,
                    onTime: row.completedOnTime,
                  })}
                </td>
                <td>
                  {row.surveys.length
                    ? row.surveys.join(t('lists:common.separator'))
                    : t('lists:common.none')}
                </td>
                <td>
                  {t('lists:evaluation.responses', {
                    respondents: row.respondents,
                    sent: row.deliveriesSent,
                    rate: formatShare(row.responseRate, locale, t),
                  })}
                </td>
                <td>{satisfactionText(t, locale, row.satisfaction)}</td>
              </tr>
            );
          })}
        </DataTable>
      )}

      <h2>{t('lists:evaluation.departmentsHeading')}</h2>
      <p>{t('lists:evaluation.departmentsIntro', { target: targetText })}</p>
      {data.departments.length === 0 ? (
        <p>{t('lists:evaluation.noDepartments')}</p>
      ) : (
        <>
          {rated.length ? (
            <BarChart
              id="chart-department-satisfaction"
              title={t('lists:evaluation.chartTitle')}
              description={t('lists:evaluation.chartDescription', { target: targetText })}
              series={[{ key: 'rate', label: t('lists:evaluation.chartSeries'), style: 'solid' }]}
              targetLabel={t('lists:evaluation.chartTarget', { target: targetText })}
              max={1}
              rows={rated.map((d) => ({
                label: d.department,
                target,
                bars: [
                  {
                    series: 'rate',
                    value: d.satisfaction.rate,
                    text: t(
                      (d.satisfaction.rate ?? 0) >= target
                        ? 'lists:evaluation.barMet'
                        : 'lists:evaluation.barBelow',
                      { rate: formatShare(d.satisfaction.rate, locale, t), answers: d.satisfaction.answers },
                    ),
                  },
                ],
              }))}
            />
          ) : null}
          <DataTable
            caption={t('lists:evaluation.departmentsCaption')}
            columns={headings(t, 'lists:columns', [
              'department',
              'items',
              'overdue',
              'satisfaction',
              'levels',
            ])}
          >
            {data.departments.map((d) => (
              <tr>
                <th scope="row">{d.department}</th>
                <td>
                  {t('lists:evaluation.departmentItems', {
                    items: d.items,
                    leads: d.leads,
                    completed: d.completed,
                    onTime: d.completedOnTime,
                  })}
                </td>
                <td>{d.overdue}</td>
                <td>
                  {satisfactionText(t, locale, d.satisfaction)}
                  {d.satisfaction.rate !== null ? (
                    <>
                      <br />
                      {d.satisfaction.rate >= target - 1e-9
                        ? t('lists:evaluation.targetMet', { target: targetText })
                        : t('lists:evaluation.targetMissed', { target: targetText })}
                    </>
                  ) : null}
                </td>
                <td>
                  {(Object.entries(d.satisfaction.counts) as [SatisfactionLevel, number][])
                    .map(([level, n]) =>
                      t('lists:evaluation.level', { level: t(`lists:levels.${level}`), n }),
                    )
                    .join(t('lists:common.separator'))}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
      <Exports t={t} files={['evaluation.csv', 'evaluation-departments.csv', 'evaluation.json']} />
    </Layout>
  );
};
