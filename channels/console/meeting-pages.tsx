/**
 * Meeting pages: scheduling (with the notice), the meeting's record (panel, attendance, minutes, votes,
 * speaking time) and recording ballots by name.
 */

import type { Child, FC } from 'hono/jsx';
import {
  ATTENDANCE_MODES,
  BALLOT_CHOICES,
  MEETING_ROLES,
  PARTICIPANT_GROUPS,
  VENUE_FEATURES,
  VOTE_METHODS,
} from '../../src/db/schema.ts';
import type { MeetingRecord } from '../../src/deliberation/get-meeting-record.ts';
import type { Meeting, MeetingParticipant, MeetingVote } from '../../src/deliberation/meeting-access.ts';
import { tookPart } from '../../src/deliberation/meeting-analysis.ts';
import type { PublicationPreview } from '../../src/deliberation/publish-topic-and-notify.ts';
import { formatWeightLines } from '../../src/deliberation/tally-vote.ts';
import type { Translate } from '../../src/i18n/i18n.ts';
import type { Topic } from '../../src/topics/topic-lifecycle.ts';
import { errorFor, type FieldError, fieldErrorId, fieldId } from '../http/error-summary.tsx';
import { Layout } from '../http/layout.tsx';
import { DataTable, headings } from './lists-layout.tsx';
import {
  ActionButton,
  Choices,
  DoneBanner,
  errorSummaryProps,
  type Formatters,
  formFields,
  Input,
  type PageLayout,
  PostForm,
  Select,
  TextArea,
} from './topic-admin-kit.tsx';
import {
  AudienceChoices,
  MEETINGS_PATH,
  NoticeLine,
  TallyTable,
  TOPICS_PATH,
  TopicHeading,
} from './topic-admin-pages.tsx';

export const VOTES_PATH = '/console/votes';
export const MEETING_DONE = [
  'scheduled',
  'opened',
  'closed',
  'participantAdded',
  'attendance',
  'minutes',
  'speaking',
  'voteOpened',
  'voteClosed',
  'ballots',
] as const;

export const SCHEDULE_FIELDS = [
  'date',
  'time',
  'place',
  'venueFeatures',
  'accessibilityNote',
  'onlineUrl',
  'gridIds',
  'communityIds',
] as const;

export interface ScheduleValues {
  date: string;
  time: string;
  place: string;
  venueFeatures: string[];
  accessibilityNote: string;
  onlineUrl: string;
  gridIds: string[];
  communityIds: string[];
}

export const SchedulePage: FC<{
  layout: PageLayout;
  f: Formatters;
  topic: Topic;
  audience: Pick<PublicationPreview, 'grids' | 'communities'>;
  errors?: FieldError[];
  values?: ScheduleValues;
}> = ({ layout, f, topic, audience, errors = [], values }) => {
  const { t, locale } = layout;
  // A problem with the audience as a whole is shown at the list of places the page offers.
  const shown = errors.map((e) =>
    e.field === 'audience' ? { ...e, field: audience.grids.length > 0 ? 'gridIds' : 'communityIds' } : e,
  );
  const field = formFields(t, shown);
  const v: ScheduleValues = values ?? {
    date: topic.deliberationEarliestOn ?? '',
    time: '',
    place: '',
    venueFeatures: [],
    accessibilityNote: '',
    onlineUrl: '',
    gridIds: [],
    communityIds: [],
  };
  return (
    <Layout
      {...layout}
      title={t('deliberation:schedule.title', { code: topic.code })}
      {...errorSummaryProps(t, shown)}
    >
      <TopicHeading t={t} locale={locale} topic={topic} />
      {topic.status === 'published' && topic.deliberationEarliestOn ? (
        <p>{t('deliberation:schedule.earliest', { date: f.date(topic.deliberationEarliestOn) })}</p>
      ) : null}
      <PostForm
        action={`${TOPICS_PATH}/${topic.id}/meetings`}
        csrf={layout.signedIn?.csrfToken ?? ''}
        submit={t('deliberation:schedule.submit')}
      >
        <Input
          {...field('date')}
          type="date"
          label={t('deliberation:schedule.date')}
          hint={t('deliberation:schedule.dateHint')}
          value={v.date}
          width="short"
        />
        <Input
          {...field('time')}
          type="time"
          label={t('deliberation:schedule.time')}
          hint={t('deliberation:schedule.timeHint')}
          value={v.time}
          width="short"
        />
        <Input
          {...field('place')}
          label={t('deliberation:schedule.place')}
          hint={t('deliberation:schedule.placeHint')}
          value={v.place}
        />
        <Choices
          {...field('venueFeatures')}
          type="checkbox"
          legend={t('deliberation:schedule.venue')}
          hint={t('deliberation:schedule.venueHint')}
          checked={v.venueFeatures}
          options={VENUE_FEATURES.map((feature) => ({
            value: feature,
            label: t(`deliberation:venue.${feature}`),
          }))}
        />
        <TextArea
          {...field('accessibilityNote')}
          label={t('deliberation:schedule.accessibilityNote')}
          hint={t('deliberation:schedule.accessibilityNoteHint')}
          value={v.accessibilityNote}
          rows={2}
        />
        <Input
          {...field('onlineUrl')}
          type="url"
          label={t('deliberation:schedule.onlineUrl')}
          hint={t('deliberation:schedule.onlineUrlHint')}
          value={v.onlineUrl}
          inputmode="url"
        />
        <AudienceChoices
          t={t}
          locale={locale}
          error={errorFor(shown, 'gridIds') ?? errorFor(shown, 'communityIds')}
          grids={audience.grids}
          communities={audience.communities}
          checkedGrids={v.gridIds}
          checkedCommunities={v.communityIds}
          legend={t('deliberation:schedule.audience')}
        />
        <p class="hint">{t('deliberation:schedule.audienceDefault')}</p>
      </PostForm>
    </Layout>
  );
};

export interface MeetingForms {
  errors: FieldError[];
  participant?: {
    name: string;
    participantGroup: string;
    panelMember: boolean;
    meetingRole: string;
    voterClass: string;
    phone: string;
  };
  minutes?: { discussion: string; decision: string };
  vote?: { question: string; method: string; weights: string; otherwiseWeight: string };
  speaking?: { participantId: string; minutes: string; seconds: string };
  attendance?: Record<string, { attendance: string; proxyName: string }>;
}

const ATTENDANCE_COLUMNS = ['participants.name', 'attendance.how', 'attendance.proxyName'];

export const PARTICIPANT_FIELDS = [
  'name',
  'participantGroup',
  'panelMember',
  'meetingRole',
  'voterClass',
  'phone',
] as const;
export const MINUTES_FIELDS = ['discussion', 'decision'] as const;
export const VOTE_FIELDS = ['question', 'method', 'weights', 'otherwiseWeight'] as const;
export const SPEAKING_FIELDS = ['participantId', 'minutes', 'seconds'] as const;

/** A control inside a table cell, labelled by aria-label, with its error above it. */
const CellField: FC<{ name: string; error: string | undefined; children?: Child }> = ({
  name,
  error,
  children,
}) => (
  <td class={error ? 'field-invalid' : undefined}>
    {error ? (
      <span class="field-error" id={fieldErrorId(name)}>
        {error}
      </span>
    ) : null}
    {children}
  </td>
);

function whoLabel(t: Translate, p: MeetingParticipant): string {
  const parts = [t(`deliberation:groups.${p.participantGroup}`)];
  if (p.panelMember) parts.push(t('deliberation:participants.panel'));
  if (p.meetingRole) parts.push(t(`deliberation:roles.${p.meetingRole}`));
  if (p.voterClass) parts.push(t('deliberation:participants.classShort', { voterClass: p.voterClass }));
  if (p.residentId) parts.push(t('deliberation:participants.linked'));
  return parts.join(' · ');
}

const Completeness: FC<{ t: Translate; record: MeetingRecord }> = ({ t, record }) => (
  <section aria-labelledby="record-heading">
    <h2 id="record-heading">{t('deliberation:record.heading')}</h2>
    {record.completeness.complete ? (
      <p>
        <strong>{t('deliberation:record.complete')}</strong>
      </p>
    ) : (
      <>
        <p>{t('deliberation:record.incomplete')}</p>
        <ul>
          {record.completeness.missing.map((m) => (
            <li>{t(`deliberation:record.missing.${m}`)}</li>
          ))}
        </ul>
      </>
    )}
  </section>
);

const Composition: FC<{ t: Translate; f: Formatters; record: MeetingRecord }> = ({ t, f, record }) => {
  const c = record.composition;
  return (
    <section aria-labelledby="panel-heading">
      <h2 id="panel-heading">{t('deliberation:panel.heading')}</h2>
      <p>{t('deliberation:panel.summary', { conveners: c.conveners, members: c.members })}</p>
      {c.conveners !== 1 ? <p class="notice">{t('deliberation:panel.convenerMissing')}</p> : null}
      <DataTable
        caption={t('deliberation:panel.caption')}
        hideCaption
        columns={headings(t, 'deliberation:panel', ['group', 'count', 'share', 'target', 'gap'])}
      >
        {c.groups.map((g) => (
          <tr>
            <th scope="row">{t(`deliberation:groups.${g.group}`)}</th>
            <td>{g.count}</td>
            <td>{f.percent(g.share)}</td>
            <td>{f.percent(g.target)}</td>
            <td>
              {g.short > 0 ? t('deliberation:panel.short', { count: g.short }) : t('deliberation:panel.met')}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
};

const Attendance: FC<{ t: Translate; record: MeetingRecord }> = ({ t, record }) => (
  <DataTable
    caption={t('deliberation:attendance.byGroupCaption', { count: record.attendance.tookPart })}
    columns={[
      t('deliberation:panel.group'),
      ...ATTENDANCE_MODES.map((m) => t(`deliberation:attendance.modes.${m}`)),
      t('deliberation:attendance.modes.unrecorded'),
    ]}
  >
    {record.attendance.groups.map((g) => (
      <tr>
        <th scope="row">{t(`deliberation:groups.${g.group}`)}</th>
        {ATTENDANCE_MODES.map((m) => (
          <td>{g.counts[m]}</td>
        ))}
        <td>{g.counts.unrecorded}</td>
      </tr>
    ))}
  </DataTable>
);

const Speaking: FC<{ t: Translate; f: Formatters; record: MeetingRecord }> = ({ t, f, record }) => {
  const s = record.speaking;
  return (
    <>
      {s.totalSeconds === 0 ? (
        <p>{t('deliberation:speaking.none')}</p>
      ) : (
        <>
          <ul class="counts">
            <li>
              <strong>{s.gini === null ? '–' : f.number(s.gini)}</strong>
              {t('deliberation:speaking.gini')}
            </li>
            <li>
              <strong>{f.percent(s.maxShare)}</strong>
              {t('deliberation:speaking.maxShare')}
            </li>
            <li>
              <strong>{s.silent}</strong>
              {t('deliberation:speaking.silent')}
            </li>
          </ul>
          <p class="hint">{t('deliberation:speaking.explain')}</p>
          <DataTable
            caption={t('deliberation:speaking.caption')}
            hideCaption
            columns={headings(t, 'deliberation', ['participants.name', 'speaking.time', 'speaking.share'])}
          >
            {s.speakers.map((p) => (
              <tr>
                <th scope="row">{p.name}</th>
                <td>
                  {t('deliberation:speaking.duration', {
                    minutes: Math.floor(p.seconds / 60),
                    seconds: p.seconds % 60,
                  })}
                </td>
                <td>{f.percent(p.share)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </>
  );
};

const VoteSummary: FC<{ t: Translate; f: Formatters; vote: MeetingRecord['votes'][number] }> = ({
  t,
  f,
  vote,
}) => (
  <li class="card">
    <h3>{vote.question}</h3>
    <p>
      {t(`deliberation:voteMethods.${vote.method}`)} · {t(`deliberation:voteStatus.${vote.status}`)}
    </p>
    {vote.method === 'weighted' ? (
      <p class="hint">
        {t('deliberation:votes.weightsShown', {
          weights: formatWeightLines(vote.weights.byClass).split('\n').join('；'),
          otherwise: vote.weights.otherwise,
        })}
      </p>
    ) : null}
    {vote.tally ? (
      <TallyTable t={t} f={f} tally={vote.tally} caption={t('deliberation:votes.tallyCaption')} />
    ) : null}
    {vote.ballots.length > 0 ? (
      <details>
        <summary>{t('deliberation:votes.byName', { count: vote.ballots.length })}</summary>
        <ul>
          {vote.ballots.map((b) => (
            <li>
              {b.name}: {t(`deliberation:choices.${b.choice}`)}
              {vote.method === 'weighted'
                ? ` (${t('deliberation:votes.weightOf', { weight: f.number(b.weight) })})`
                : ''}
            </li>
          ))}
        </ul>
      </details>
    ) : null}
    <p>
      <a href={`${VOTES_PATH}/${vote.id}`}>
        {vote.status === 'open' ? t('deliberation:votes.record') : t('deliberation:votes.view')}
      </a>
    </p>
  </li>
);

export const MeetingPage: FC<{
  layout: PageLayout;
  f: Formatters;
  record: MeetingRecord;
  manage: boolean;
  done: string | undefined;
  forms?: MeetingForms;
}> = ({ layout, f, record, manage, done, forms = { errors: [] } }) => {
  const { t, locale } = layout;
  const { meeting, topic } = record;
  const csrf = layout.signedIn?.csrfToken ?? '';
  const errors = forms.errors;
  const canRecord = manage && (meeting.status === 'open' || meeting.status === 'closed');
  const participantValues = forms.participant;
  const field = formFields(t, errors);
  return (
    <Layout
      {...layout}
      title={t('deliberation:meeting.title', { code: meeting.code, topic: topic.code })}
      {...errorSummaryProps(t, errors)}
    >
      <TopicHeading t={t} locale={locale} topic={topic} />
      <DoneBanner t={t} done={done} known={MEETING_DONE} />
      <MeetingFacts t={t} f={f} meeting={meeting} record={record} />
      {manage ? (
        <div class="button-row">
          {meeting.status === 'scheduled' ? (
            <ActionButton
              action={`${MEETINGS_PATH}/${meeting.id}/open`}
              csrf={csrf}
              label={t('deliberation:meeting.open')}
            />
          ) : null}
          {meeting.status === 'open' ? (
            <ActionButton
              action={`${MEETINGS_PATH}/${meeting.id}/close`}
              csrf={csrf}
              label={t('deliberation:meeting.close')}
            />
          ) : null}
        </div>
      ) : null}
      {meeting.status === 'scheduled' && manage ? <p>{t('deliberation:meeting.openHint')}</p> : null}
      <Completeness t={t} record={record} />

      <h2 id="participants-heading">
        {t('deliberation:participants.heading', { count: record.participants.length })}
      </h2>
      {record.participants.length === 0 ? <p>{t('deliberation:participants.none')}</p> : null}
      {record.participants.length > 0 && !canRecord ? (
        <ul>
          {record.participants.map((p) => (
            <li>
              {p.name} <span class="hint">{whoLabel(t, p)}</span>
              {p.attendance ? ` · ${t(`deliberation:attendance.modes.${p.attendance}`)}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {record.participants.length > 0 && canRecord ? (
        <PostForm
          action={`${MEETINGS_PATH}/${meeting.id}/attendance`}
          csrf={csrf}
          submit={t('deliberation:attendance.submit')}
        >
          <p>{t('deliberation:attendance.intro')}</p>
          <DataTable
            caption={t('deliberation:attendance.caption')}
            columns={headings(t, 'deliberation', ATTENDANCE_COLUMNS)}
          >
            {record.participants.map((p) => {
              const given = forms.attendance?.[p.id];
              const value = given?.attendance ?? p.attendance ?? '';
              const attendanceField = `attendance.${p.id}`;
              const proxyField = `proxyName.${p.id}`;
              const attendanceError = errorFor(errors, attendanceField);
              const proxyError = errorFor(errors, proxyField);
              return (
                <tr>
                  <th scope="row">
                    {p.name}
                    <span class="hint">{whoLabel(t, p)}</span>
                  </th>
                  <CellField name={attendanceField} error={attendanceError}>
                    <select
                      id={fieldId(attendanceField)}
                      name={attendanceField}
                      aria-label={t('deliberation:attendance.howFor', { name: p.name })}
                      aria-describedby={attendanceError ? fieldErrorId(attendanceField) : undefined}
                    >
                      <option value="" selected={value === ''}>
                        {t('deliberation:attendance.modes.unrecorded')}
                      </option>
                      {ATTENDANCE_MODES.map((m) => (
                        <option value={m} selected={value === m}>
                          {t(`deliberation:attendance.modes.${m}`)}
                        </option>
                      ))}
                    </select>
                  </CellField>
                  <CellField name={proxyField} error={proxyError}>
                    <input
                      type="text"
                      id={fieldId(proxyField)}
                      name={proxyField}
                      value={given?.proxyName ?? p.proxyName ?? ''}
                      aria-label={t('deliberation:attendance.proxyFor', { name: p.name })}
                      aria-describedby={proxyError ? fieldErrorId(proxyField) : undefined}
                      aria-invalid={proxyError ? 'true' : undefined}
                    />
                  </CellField>
                </tr>
              );
            })}
          </DataTable>
        </PostForm>
      ) : null}
      {manage && meeting.status !== 'closed' ? (
        <PostForm
          action={`${MEETINGS_PATH}/${meeting.id}/participants`}
          csrf={csrf}
          submit={t('deliberation:participants.add')}
          secondary
        >
          <h3>{t('deliberation:participants.addHeading')}</h3>
          <Input
            {...field('name')}
            label={t('deliberation:participants.name')}
            value={participantValues?.name}
          />
          <Select
            {...field('participantGroup')}
            label={t('deliberation:participants.group')}
            hint={t('deliberation:participants.groupHint')}
            value={participantValues?.participantGroup ?? 'resident'}
            options={PARTICIPANT_GROUPS.map((g) => ({ value: g, label: t(`deliberation:groups.${g}`) }))}
          />
          <Choices
            {...field('panelMember')}
            type="checkbox"
            legend={t('deliberation:participants.panelLegend')}
            checked={participantValues?.panelMember ? ['on'] : []}
            options={[
              {
                value: 'on',
                label: t('deliberation:participants.panelMember'),
                hint: t('deliberation:participants.panelHint'),
              },
            ]}
          />
          <Select
            {...field('meetingRole')}
            label={t('deliberation:participants.role')}
            value={participantValues?.meetingRole ?? ''}
            options={[
              { value: '', label: t('deliberation:participants.noRole') },
              ...MEETING_ROLES.map((r) => ({ value: r, label: t(`deliberation:roles.${r}`) })),
            ]}
          />
          <Input
            {...field('voterClass')}
            label={t('deliberation:participants.voterClass')}
            hint={t('deliberation:participants.voterClassHint')}
            value={participantValues?.voterClass}
            width="short"
          />
          <Input
            {...field('phone')}
            type="tel"
            label={t('deliberation:participants.phone')}
            hint={t('deliberation:participants.phoneHint')}
            value={participantValues?.phone}
            width="short"
            inputmode="tel"
          />
        </PostForm>
      ) : null}

      <Composition t={t} f={f} record={record} />
      <h2>{t('deliberation:attendance.heading')}</h2>
      <Attendance t={t} record={record} />

      <h2>{t('deliberation:minutes.heading')}</h2>
      {canRecord ? (
        <PostForm
          action={`${MEETINGS_PATH}/${meeting.id}/minutes`}
          csrf={csrf}
          submit={t('deliberation:minutes.submit')}
          secondary
        >
          <TextArea
            {...field('discussion')}
            label={t('deliberation:minutes.discussion')}
            hint={t('deliberation:minutes.discussionHint')}
            value={forms.minutes?.discussion ?? record.minutes?.discussion}
            rows={8}
          />
          <TextArea
            {...field('decision')}
            label={t('deliberation:minutes.decision')}
            hint={t('deliberation:minutes.decisionHint')}
            value={forms.minutes?.decision ?? record.minutes?.decision}
            rows={3}
          />
        </PostForm>
      ) : record.minutes ? (
        <dl class="summary-list">
          <div>
            <dt>{t('deliberation:minutes.discussion')}</dt>
            <dd>{record.minutes.discussion}</dd>
          </div>
          <div>
            <dt>{t('deliberation:minutes.decision')}</dt>
            <dd>{record.minutes.decision}</dd>
          </div>
        </dl>
      ) : (
        <p>{t('deliberation:minutes.none')}</p>
      )}

      <h2>{t('deliberation:votes.heading')}</h2>
      {record.votes.length === 0 ? (
        <p>{t('deliberation:votes.none')}</p>
      ) : (
        <ul class="card-list">
          {record.votes.map((vote) => (
            <VoteSummary t={t} f={f} vote={vote} />
          ))}
        </ul>
      )}
      {manage && meeting.status === 'open' ? (
        <PostForm
          action={`${MEETINGS_PATH}/${meeting.id}/votes`}
          csrf={csrf}
          submit={t('deliberation:votes.open')}
          secondary
        >
          <h3>{t('deliberation:votes.openHeading')}</h3>
          <TextArea
            {...field('question')}
            label={t('deliberation:votes.question')}
            hint={t('deliberation:votes.questionHint')}
            value={forms.vote?.question}
            rows={2}
          />
          <Choices
            {...field('method')}
            type="radio"
            legend={t('deliberation:votes.method')}
            checked={[forms.vote?.method ?? 'majority']}
            options={VOTE_METHODS.map((m) => ({
              value: m,
              label: t(`deliberation:voteMethods.${m}`),
              hint: t(`deliberation:votes.methodHints.${m}`),
            }))}
          />
          <TextArea
            {...field('weights')}
            label={t('deliberation:votes.weights')}
            hint={t('deliberation:votes.weightsHint')}
            value={forms.vote?.weights}
            rows={4}
          />
          <Input
            {...field('otherwiseWeight')}
            label={t('deliberation:votes.otherwiseWeight')}
            hint={t('deliberation:votes.otherwiseWeightHint')}
            value={forms.vote?.otherwiseWeight ?? '1'}
            width="short"
            inputmode="decimal"
          />
        </PostForm>
      ) : null}

      <h2>{t('deliberation:speaking.heading')}</h2>
      <Speaking t={t} f={f} record={record} />
      {canRecord && record.participants.length > 0 ? (
        <PostForm
          action={`${MEETINGS_PATH}/${meeting.id}/speaking`}
          csrf={csrf}
          submit={t('deliberation:speaking.submit')}
          secondary
        >
          <h3>{t('deliberation:speaking.addHeading')}</h3>
          <Select
            {...field('participantId')}
            label={t('deliberation:speaking.who')}
            value={forms.speaking?.participantId}
            options={record.participants.map((p) => ({ value: p.id, label: p.name }))}
          />
          <Input
            {...field('minutes')}
            label={t('deliberation:speaking.minutes')}
            value={forms.speaking?.minutes}
            numeric
          />
          <Input
            {...field('seconds')}
            label={t('deliberation:speaking.seconds')}
            value={forms.speaking?.seconds}
            numeric
          />
        </PostForm>
      ) : null}
    </Layout>
  );
};

const MeetingFacts: FC<{ t: Translate; f: Formatters; meeting: Meeting; record: MeetingRecord }> = ({
  t,
  f,
  meeting,
  record,
}) => (
  <dl class="summary-list">
    <div>
      <dt>{t('deliberation:meeting.status')}</dt>
      <dd>{t(`deliberation:meetingStatus.${meeting.status}`)}</dd>
    </div>
    <div>
      <dt>{t('deliberation:meeting.when')}</dt>
      <dd>{f.dateTime(meeting.startsAt)}</dd>
    </div>
    <div>
      <dt>{t('deliberation:meeting.place')}</dt>
      <dd>{meeting.place}</dd>
    </div>
    <div>
      <dt>{t('deliberation:meeting.venue')}</dt>
      <dd>
        {meeting.venueFeatures.length === 0
          ? t('deliberation:meeting.noVenueFeatures')
          : meeting.venueFeatures
              .map((v) => t(`deliberation:venue.${v}`))
              .join(t('deliberation:notices.listSeparator'))}
        {meeting.accessibilityNote ? <span class="hint">{meeting.accessibilityNote}</span> : null}
      </dd>
    </div>
    <div>
      <dt>{t('deliberation:meeting.online')}</dt>
      <dd>
        {meeting.onlineUrl ? (
          <span class="mono">{meeting.onlineUrl}</span>
        ) : (
          t('deliberation:meeting.noOnline')
        )}
      </dd>
    </div>
    <NoticeLine t={t} label={t('deliberation:meeting.notice')} notice={record.notice} />
  </dl>
);

export const VotePage: FC<{
  layout: PageLayout;
  f: Formatters;
  record: MeetingRecord;
  vote: MeetingVote;
  manage: boolean;
  done: string | undefined;
  errors?: FieldError[];
  given?: Record<string, string>;
}> = ({ layout, f, record, vote, manage, done, errors = [], given }) => {
  const { t } = layout;
  const csrf = layout.signedIn?.csrfToken ?? '';
  const ballots = record.votes.find((v) => v.id === vote.id)?.ballots ?? [];
  const voters = record.participants.filter((p) => tookPart(p.attendance));
  const open = vote.status === 'open' && manage;
  return (
    <Layout
      {...layout}
      title={t('deliberation:votes.pageTitle', { code: record.meeting.code })}
      {...errorSummaryProps(t, errors)}
    >
      <p>
        <a href={`${MEETINGS_PATH}/${record.meeting.id}`}>
          {t('deliberation:votes.back', { code: record.meeting.code })}
        </a>
      </p>
      <DoneBanner t={t} done={done} known={MEETING_DONE} />
      <p class="lead">{vote.question}</p>
      <p>
        {t(`deliberation:voteMethods.${vote.method}`)} · {t(`deliberation:voteStatus.${vote.status}`)}
      </p>
      {vote.method === 'weighted' ? (
        <DataTable
          caption={t('deliberation:votes.weightsCaption')}
          columns={[t('deliberation:participants.voterClass'), t('deliberation:tally.weight')]}
        >
          {[
            ...Object.entries(vote.weights.byClass),
            [t('deliberation:votes.otherClasses'), vote.weights.otherwise] as const,
          ].map(([name, weight]) => (
            <tr>
              <th scope="row">{name}</th>
              <td>{f.number(weight)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {vote.tally ? (
        <TallyTable t={t} f={f} tally={vote.tally} caption={t('deliberation:votes.tallyCaption')} />
      ) : null}
      {open ? (
        voters.length === 0 ? (
          <p>{t('deliberation:votes.noVoters')}</p>
        ) : (
          <PostForm
            action={`${VOTES_PATH}/${vote.id}/ballots`}
            csrf={csrf}
            submit={t('deliberation:votes.saveBallots')}
          >
            <p>{t('deliberation:votes.ballotsIntro')}</p>
            {voters.map((p) => {
              const current = given?.[p.id] ?? ballots.find((b) => b.participantId === p.id)?.choice ?? '';
              return (
                <Choices
                  t={t}
                  type="radio"
                  name={`choice.${p.id}`}
                  legend={p.name}
                  hint={[
                    whoLabel(t, p),
                    vote.method === 'weighted'
                      ? t('deliberation:votes.weightOf', {
                          weight: f.number(
                            p.voterClass !== null && Object.hasOwn(vote.weights.byClass, p.voterClass)
                              ? (vote.weights.byClass[p.voterClass] as number)
                              : vote.weights.otherwise,
                          ),
                        })
                      : '',
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                  error={errorFor(errors, `choice.${p.id}`)}
                  checked={[current]}
                  options={[
                    ...BALLOT_CHOICES.map((c) => ({ value: c, label: t(`deliberation:choices.${c}`) })),
                    { value: '', label: t('deliberation:votes.notVoted') },
                  ]}
                />
              );
            })}
          </PostForm>
        )
      ) : (
        <ul>
          {ballots.map((b) => (
            <li>
              {b.name}: {t(`deliberation:choices.${b.choice}`)}
            </li>
          ))}
        </ul>
      )}
      {open ? (
        <div class="button-row">
          <ActionButton
            action={`${VOTES_PATH}/${vote.id}/close`}
            csrf={csrf}
            label={t('deliberation:votes.close')}
            secondary
          />
        </div>
      ) : null}
    </Layout>
  );
};
