/** Pages for running a topic through deliberation: the list, one topic, publication and the result. */
import type { FC } from 'hono/jsx';
import { BALLOT_CHOICES, TOPIC_STATUSES, type TopicStatus, type VoteTally } from '../../src/db/schema.ts';
import type { TopicDeliberation } from '../../src/deliberation/get-topic-deliberation.ts';
import type {
  DeliberationTopicRow,
  DeliberationTopics,
} from '../../src/deliberation/list-deliberation-topics.ts';
import type { NoticeProgress } from '../../src/deliberation/notice-progress.ts';
import type { PublicationPreview } from '../../src/deliberation/publish-topic-and-notify.ts';
import type { ResultDeadline } from '../../src/deliberation/result-deadline.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { Places } from '../../src/screening/screening-places.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { errorFor, type FieldError } from '../http/error-summary.tsx';
import { Layout } from '../http/layout.tsx';
import { DataTable, headings } from './lists-layout.tsx';
import {
  ActionButton,
  Choices,
  DoneBanner,
  errorSummaryProps,
  FilterForm,
  type Formatters,
  inLocale,
  Localized,
  type PageLayout,
  PostForm,
  Select,
  TextArea,
  ThreeLanguageFields,
} from './topic-admin-kit.tsx';

export const TOPICS_PATH = '/console/topics';
export const MEETINGS_PATH = '/console/meetings';
export const TOPIC_DONE = [
  'created',
  'linked',
  'screened',
  'published',
  'meetingScheduled',
  'resultPublished',
] as const;

/** The way back to a topic, then its title: the top of every page about one topic. */
export const TopicHeading: FC<{ t: Translate; locale: PageLayout['locale']; topic: Topic }> = ({
  t,
  locale,
  topic,
}) => (
  <>
    <p>
      <a href={`${TOPICS_PATH}/${topic.id}`}>{t('deliberation:topic.backToTopic', { code: topic.code })}</a>
    </p>
    <p class="lead">
      <Localized text={topic.title} locale={locale} />
    </p>
  </>
);

export const DeadlineText: FC<{ t: Translate; f: Formatters; deadline: ResultDeadline }> = ({
  t,
  f,
  deadline,
}) => {
  switch (deadline.state) {
    case 'none':
      return <>{t('deliberation:deadline.none')}</>;
    case 'due':
      return (
        <>
          {t('deliberation:deadline.due', { date: f.date(deadline.dueOn), days: deadline.workingDaysLeft })}
        </>
      );
    case 'overdue':
      return (
        <strong>
          {t('deliberation:deadline.overdue', {
            date: f.date(deadline.dueOn),
            days: deadline.workingDaysOverdue,
          })}
        </strong>
      );
    case 'met':
      return <>{t('deliberation:deadline.met', { date: f.date(deadline.publishedOn) })}</>;
    case 'late':
      return (
        <>
          {t('deliberation:deadline.late', {
            date: f.date(deadline.publishedOn),
            due: f.date(deadline.dueOn),
          })}
        </>
      );
  }
};

export const TallyTable: FC<{ t: Translate; f: Formatters; tally: VoteTally; caption: string }> = ({
  t,
  f,
  tally,
  caption,
}) => (
  <DataTable
    caption={caption}
    columns={[
      t('deliberation:tally.choice'),
      t('deliberation:tally.ballots'),
      ...(tally.method === 'weighted' ? [t('deliberation:tally.weight')] : []),
    ]}
    foot={
      <tr>
        <th scope="row">{t('deliberation:tally.outcome')}</th>
        <td colspan={tally.method === 'weighted' ? 2 : 1}>
          <strong>{tally.passed ? t('deliberation:tally.passed') : t('deliberation:tally.notPassed')}</strong>{' '}
          {t(tally.method === 'weighted' ? 'deliberation:tally.ruleWeighted' : 'deliberation:tally.rule', {
            cast: f.number(tally.method === 'weighted' ? tally.castWeight : tally.ballots),
          })}
        </td>
      </tr>
    }
  >
    {BALLOT_CHOICES.map((choice) => (
      <tr>
        <th scope="row">{t(`deliberation:choices.${choice}`)}</th>
        <td>{tally.count[choice]}</td>
        {tally.method === 'weighted' ? <td>{f.number(tally.weight[choice])}</td> : null}
      </tr>
    ))}
  </DataTable>
);

export const NoticeLine: FC<{ t: Translate; label: string; notice: NoticeProgress | null | undefined }> = ({
  t,
  label,
  notice,
}) =>
  notice ? (
    <div>
      <dt>{label}</dt>
      <dd>
        {t('deliberation:notice.summary', { code: notice.code, total: notice.total })}
        {Object.entries(notice.byStatus).length > 0 ? (
          <ul>
            {Object.entries(notice.byStatus).map(([status, n]) => (
              <li>
                {t('deliberation:notice.status', {
                  status: t(`deliberation:deliveryStatus.${status}`),
                  count: n,
                })}
              </li>
            ))}
          </ul>
        ) : null}
      </dd>
    </div>
  ) : null;

const TopicRows: FC<{
  t: Translate;
  f: Formatters;
  rows: DeliberationTopicRow[];
  caption: string;
  locale: PageLayout['locale'];
}> = ({ t, f, rows, caption, locale }) => (
  <DataTable
    caption={caption}
    columns={headings(t, 'deliberation:topics.columns', ['topic', 'status', 'meetings', 'result'])}
  >
    {rows.map((r) => (
      <tr>
        <th scope="row">
          <a href={`${TOPICS_PATH}/${r.topic.id}`}>
            {r.topic.code} <Localized text={r.topic.title} locale={locale} />
          </a>
        </th>
        <td>{t(`topics:status.${r.topic.status}`)}</td>
        <td>
          {r.meetings}
          {r.nextMeetingAt ? (
            <span class="hint">
              {t('deliberation:topics.nextMeeting', { when: f.dateTime(r.nextMeetingAt) })}
            </span>
          ) : null}
        </td>
        <td>
          <DeadlineText t={t} f={f} deadline={r.deadline} />
        </td>
      </tr>
    ))}
  </DataTable>
);

export const TopicListPage: FC<{
  layout: PageLayout;
  f: Formatters;
  data: DeliberationTopics;
  status: TopicStatus | undefined;
  manage: boolean;
}> = ({ layout, f, data, status, manage }) => {
  const { t, locale } = layout;
  return (
    <Layout {...layout} title={t('deliberation:topics.title')}>
      <p>{t('deliberation:topics.intro', { today: f.date(data.today) })}</p>
      {data.overdue.length > 0 ? (
        <section class="banner-warning" aria-labelledby="overdue-heading">
          <h2 id="overdue-heading">
            {t('deliberation:topics.overdueHeading', { count: data.overdue.length })}
          </h2>
          <TopicRows
            t={t}
            f={f}
            rows={data.overdue}
            caption={t('deliberation:topics.overdueCaption')}
            locale={locale}
          />
        </section>
      ) : (
        <p>{t('deliberation:topics.noneOverdue')}</p>
      )}
      {data.dueSoon.length > 0 ? (
        <section aria-labelledby="due-heading">
          <h2 id="due-heading">{t('deliberation:topics.dueSoonHeading', { count: data.dueSoon.length })}</h2>
          <TopicRows
            t={t}
            f={f}
            rows={data.dueSoon}
            caption={t('deliberation:topics.dueSoonCaption')}
            locale={locale}
          />
        </section>
      ) : null}
      {manage ? (
        <p>
          <a href="/console/screening">{t('deliberation:topics.toScreening')}</a>
        </p>
      ) : null}
      <h2>{t('deliberation:topics.allHeading')}</h2>
      <FilterForm action={TOPICS_PATH} submit={t('deliberation:screening.filter')}>
        <Select
          t={t}
          name="status"
          label={t('deliberation:topics.statusFilter')}
          value={status ?? ''}
          options={[
            { value: '', label: t('deliberation:topics.allStatuses') },
            ...TOPIC_STATUSES.map((s) => ({ value: s, label: t(`topics:status.${s}`) })),
          ]}
        />
      </FilterForm>
      {data.rows.length === 0 ? (
        <p>{t('deliberation:topics.empty')}</p>
      ) : (
        <TopicRows
          t={t}
          f={f}
          rows={data.rows}
          caption={t('deliberation:topics.allCaption')}
          locale={locale}
        />
      )}
    </Layout>
  );
};

export const TopicPage: FC<{
  layout: PageLayout;
  f: Formatters;
  data: TopicDeliberation;
  places: Places;
  manage: boolean;
  done: string | undefined;
}> = ({ layout, f, data, places, manage, done }) => {
  const { t, locale } = layout;
  const { topic, origin } = data;
  const csrf = layout.signedIn?.csrfToken ?? '';
  const community = places.communities.find((c) => c.id === topic.communityId);
  const allClosed = data.meetings.length > 0 && data.meetings.every((m) => m.status === 'closed');
  return (
    <Layout {...layout} title={`${topic.code} ${inLocale(topic.title, locale).text}`}>
      <p>
        <a href={TOPICS_PATH}>{t('deliberation:topic.back')}</a>
      </p>
      <DoneBanner t={t} done={done} known={TOPIC_DONE} />
      {data.deadline.state === 'overdue' ? (
        <div class="banner-warning" role="alert">
          <p>
            <DeadlineText t={t} f={f} deadline={data.deadline} />
          </p>
        </div>
      ) : null}
      <dl class="summary-list">
        <div>
          <dt>{t('deliberation:topic.status')}</dt>
          <dd>{t(`topics:status.${topic.status}`)}</dd>
        </div>
        <div>
          <dt>{t('deliberation:topic.source')}</dt>
          <dd>
            {t(`topics:source.${topic.source}`)}
            {origin ? ` · ${t(`deliberation:origins.${origin.origin}`)}` : ''}
            {origin?.reportedBy ? ` · ${origin.reportedBy}` : ''}
            {origin?.reference ? ` · ${origin.reference}` : ''}
          </dd>
        </div>
        {origin && origin.needCount > 0 ? (
          <div>
            <dt>{t('deliberation:topic.behind')}</dt>
            <dd>
              {t('deliberation:topic.behindCount', {
                needs: origin.needCount,
                residents: origin.residentCount,
              })}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('deliberation:topic.community')}</dt>
          <dd>
            {community ? inLocale(community.name, locale).text : t('deliberation:topicForm.streetWide')}
          </dd>
        </div>
        <div>
          <dt>{t('deliberation:topic.summary')}</dt>
          <dd>
            <Localized text={topic.summary} locale={locale} />
          </dd>
        </div>
        {topic.publishedAt && topic.publicationEndsOn && topic.deliberationEarliestOn ? (
          <div>
            <dt>{t('deliberation:topic.publication')}</dt>
            <dd>
              {t('deliberation:topic.publicationPeriod', {
                from: f.dateTime(topic.publishedAt),
                until: f.date(topic.publicationEndsOn),
                earliest: f.date(topic.deliberationEarliestOn),
              })}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('deliberation:topic.result')}</dt>
          <dd>
            <DeadlineText t={t} f={f} deadline={data.deadline} />
          </dd>
        </div>
        <NoticeLine
          t={t}
          label={t('deliberation:topic.publicationNotice')}
          notice={data.notices.publication}
        />
        <NoticeLine t={t} label={t('deliberation:topic.resultNotice')} notice={data.notices.result} />
      </dl>

      {manage ? (
        <div class="button-row">
          {topic.status === 'collecting' ? (
            <ActionButton
              action={`${TOPICS_PATH}/${topic.id}/screen`}
              csrf={csrf}
              label={t('deliberation:topic.screen')}
            />
          ) : null}
          {topic.status === 'screening' ? (
            <a class="button" href={`${TOPICS_PATH}/${topic.id}/publish`}>
              {t('deliberation:topic.publish')}
            </a>
          ) : null}
          {topic.status === 'published' || topic.status === 'deliberating' ? (
            <a class="button secondary" href={`${TOPICS_PATH}/${topic.id}/meetings/new`}>
              {t('deliberation:topic.scheduleMeeting')}
            </a>
          ) : null}
          {topic.status === 'deliberating' && allClosed ? (
            <a class="button" href={`${TOPICS_PATH}/${topic.id}/result`}>
              {t('deliberation:topic.publishResult')}
            </a>
          ) : null}
        </div>
      ) : null}
      {manage && topic.status === 'deliberating' && !allClosed ? (
        <p>{t('deliberation:topic.closeMeetingsFirst')}</p>
      ) : null}

      <h2>{t('deliberation:topic.meetingsHeading')}</h2>
      {data.meetings.length === 0 ? (
        <p>{t('deliberation:topic.noMeetings')}</p>
      ) : (
        <DataTable
          caption={t('deliberation:topic.meetingsHeading')}
          hideCaption
          columns={headings(t, 'deliberation:meeting', ['code', 'when', 'place', 'status'])}
        >
          {data.meetings.map((m) => (
            <tr>
              <th scope="row">
                <a href={`${MEETINGS_PATH}/${m.id}`}>{m.code}</a>
              </th>
              <td>{f.dateTime(m.startsAt)}</td>
              <td>{m.place}</td>
              <td>{t(`deliberation:meetingStatus.${m.status}`)}</td>
            </tr>
          ))}
        </DataTable>
      )}

      {data.result ? (
        <section aria-labelledby="result-heading">
          <h2 id="result-heading">{t('deliberation:topic.resultHeading')}</h2>
          <p>
            <Localized text={data.result.summary} locale={locale} />
          </p>
          {data.result.voteIds.map((id) => {
            const vote = data.closedVotes.find((v) => v.id === id);
            return vote?.tally ? (
              <TallyTable t={t} f={f} tally={vote.tally} caption={`${vote.meetingCode} · ${vote.question}`} />
            ) : null;
          })}
        </section>
      ) : null}

      <h2>{t('deliberation:topic.needsHeading', { count: data.needs.length })}</h2>
      {data.needs.length === 0 ? (
        <p>{t('deliberation:topic.noNeeds')}</p>
      ) : (
        <ul>
          {data.needs.map((n) => (
            <li>
              {n.text}{' '}
              <span class="hint">
                {t(`deliberation:channels.${n.channel}`)} · {f.dateTime(n.receivedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}

      <h2>{t('deliberation:topic.timelineHeading')}</h2>
      <ol class="timeline">
        <li class="done">
          <span class="stage">{t('topics:timeline.created')}</span>
          <span class="state">{f.dateTime(topic.createdAt)}</span>
        </li>
        {data.timeline.map((step) => (
          <li class="done">
            <span class="stage">{t('topics:timeline.to', { status: step.toStatus })}</span>
            <span class="state">{f.dateTime(step.at)}</span>
            {step.note ? <span class="note">{step.note}</span> : null}
          </li>
        ))}
      </ol>
    </Layout>
  );
};

export const AudienceChoices: FC<{
  t: Translate;
  locale: PageLayout['locale'];
  error?: string | undefined;
  grids: PublicationPreview['grids'];
  communities: PublicationPreview['communities'];
  checkedGrids: readonly string[];
  checkedCommunities: readonly string[];
  legend: string;
}> = ({ t, locale, error, grids, communities, checkedGrids, checkedCommunities, legend }) =>
  grids.length > 0 ? (
    <Choices
      t={t}
      type="checkbox"
      name="gridIds"
      legend={legend}
      hint={t('deliberation:audience.gridsHint')}
      error={error}
      checked={checkedGrids}
      options={grids.map((g) => ({
        value: g.id,
        label: inLocale(g.name, locale).text,
        hint: t('deliberation:audience.residents', { count: g.residents }),
      }))}
    />
  ) : communities.length > 0 ? (
    <Choices
      t={t}
      type="checkbox"
      name="communityIds"
      legend={legend}
      hint={t('deliberation:audience.communitiesHint')}
      error={error}
      checked={checkedCommunities}
      options={communities.map((c) => ({
        value: c.id,
        label: inLocale(c.name, locale).text,
        hint: t('deliberation:audience.residents', { count: c.residents }),
      }))}
    />
  ) : null;

export const PUBLISH_FIELDS = ['audience', 'gridIds', 'communityIds', 'note'] as const;

export const PublishPage: FC<{
  layout: PageLayout;
  f: Formatters;
  preview: PublicationPreview;
  errors?: FieldError[];
  values?: { gridIds: string[]; communityIds: string[]; note: string };
}> = ({ layout, f, preview, errors = [], values }) => {
  const { t, locale } = layout;
  const { topic } = preview;
  const audienceError =
    errorFor(errors, 'audience') ?? errorFor(errors, 'gridIds') ?? errorFor(errors, 'communityIds');
  const shownErrors = errors.map((e) =>
    e.field === 'audience' ? { ...e, field: preview.grids.length > 0 ? 'gridIds' : 'communityIds' } : e,
  );
  return (
    <Layout
      {...layout}
      title={t('deliberation:publish.title', { code: topic.code })}
      {...errorSummaryProps(t, shownErrors)}
    >
      <TopicHeading t={t} locale={locale} topic={topic} />
      <dl class="summary-list">
        <div>
          <dt>{t('deliberation:publish.publishedOn')}</dt>
          <dd>{f.date(preview.publishedOn)}</dd>
        </div>
        <div>
          <dt>{t('deliberation:publish.endsOn')}</dt>
          <dd>{f.date(preview.publicationEndsOn)}</dd>
        </div>
        <div>
          <dt>{t('deliberation:publish.earliest')}</dt>
          <dd>
            <strong>{f.date(preview.deliberationEarliestOn)}</strong>
          </dd>
        </div>
      </dl>
      <p>{t('deliberation:publish.rule')}</p>
      {preview.calendarCovered ? null : <p class="notice">{t('topics:calendar.notCovered')}</p>}
      <h2>{t('deliberation:publish.noticeHeading')}</h2>
      <p>{t('deliberation:publish.noticeIntro', { count: preview.audienceSize })}</p>
      <ul class="card-list">
        {preview.messages.map((m) => (
          <li class="card">
            <h3>{t(`deliberation:languages.${m.locale}`)}</h3>
            <p lang={m.locale}>{m.body}</p>
            <p class="hint">
              {t('deliberation:publish.segments', { segments: m.size.segments, units: m.size.units })}
            </p>
          </li>
        ))}
      </ul>
      <PostForm
        action={`${TOPICS_PATH}/${topic.id}/publish`}
        csrf={layout.signedIn?.csrfToken ?? ''}
        submit={t('deliberation:publish.submit')}
      >
        <AudienceChoices
          t={t}
          locale={locale}
          error={audienceError}
          grids={preview.grids}
          communities={preview.communities}
          checkedGrids={values?.gridIds ?? []}
          checkedCommunities={values?.communityIds ?? []}
          legend={t('deliberation:audience.legend')}
        />
        <TextArea
          t={t}
          name="note"
          label={t('deliberation:publish.note')}
          hint={t('deliberation:publish.noteHint')}
          error={errorFor(errors, 'note')}
          value={values?.note}
          rows={2}
        />
      </PostForm>
    </Layout>
  );
};

export const RESULT_FIELDS = ['summary.zh-CN', 'summary.zh-HK', 'summary.en', 'voteIds', 'note'] as const;

export const ResultPage: FC<{
  layout: PageLayout;
  f: Formatters;
  data: TopicDeliberation;
  errors?: FieldError[];
  values: { summary: Record<'zh-CN' | 'zh-HK' | 'en', string>; voteIds: string[]; note: string };
}> = ({ layout, f, data, errors = [], values }) => {
  const { t, locale } = layout;
  const { topic } = data;
  return (
    <Layout
      {...layout}
      title={t('deliberation:result.title', { code: topic.code })}
      {...errorSummaryProps(t, errors)}
    >
      <TopicHeading t={t} locale={locale} topic={topic} />
      <p>
        <DeadlineText t={t} f={f} deadline={data.deadline} />
      </p>
      <p>{t('deliberation:result.intro')}</p>
      <PostForm
        action={`${TOPICS_PATH}/${topic.id}/result`}
        csrf={layout.signedIn?.csrfToken ?? ''}
        submit={t('deliberation:result.submit')}
      >
        <ThreeLanguageFields
          t={t}
          name="summary"
          textKey="deliberation:result.summary"
          multiline
          errors={errors}
          value={values.summary}
        />
        {data.closedVotes.length > 0 ? (
          <Choices
            t={t}
            type="checkbox"
            name="voteIds"
            legend={t('deliberation:result.votes')}
            hint={t('deliberation:result.votesHint')}
            error={errorFor(errors, 'voteIds')}
            checked={values.voteIds}
            options={data.closedVotes.map((v) => ({
              value: v.id,
              label: `${v.meetingCode} · ${v.question}`,
              hint: v.tally
                ? `${v.tally.passed ? t('deliberation:tally.passed') : t('deliberation:tally.notPassed')} · ${t(
                    'deliberation:tally.counts',
                    {
                      for: v.tally.count.for,
                      against: v.tally.count.against,
                      abstain: v.tally.count.abstain,
                    },
                  )}`
                : undefined,
            }))}
          />
        ) : (
          <p>{t('deliberation:result.noVotes')}</p>
        )}
        <TextArea
          t={t}
          name="note"
          label={t('deliberation:publish.note')}
          error={errorFor(errors, 'note')}
          value={values.note}
          rows={2}
        />
        <p>{t('deliberation:result.noticeIntro')}</p>
      </PostForm>
    </Layout>
  );
};
