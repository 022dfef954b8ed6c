/**
 * Deliberation meetings at /console: scheduling one on a topic (with its notice), the meeting's record
 * — panel, attendance, minutes, speaking time, votes — and ballots by name; the record as JSON. Every
 * route is a staffRoute.
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../src/app-deps.ts';
import { addParticipant } from '../../src/deliberation/add-participant.ts';
import { closeMeeting } from '../../src/deliberation/close-meeting.ts';
import { closeVote } from '../../src/deliberation/close-vote.ts';
import {
  DELIBERATION_MANAGER_ROLES,
  DELIBERATION_VIEWER_ROLES,
} from '../../src/deliberation/deliberation-roles.ts';
import { getMeetingRecord } from '../../src/deliberation/get-meeting-record.ts';
import { loadVote } from '../../src/deliberation/meeting-access.ts';
import { openMeeting } from '../../src/deliberation/open-meeting.ts';
import { openVote } from '../../src/deliberation/open-vote.ts';
import { recordAttendance } from '../../src/deliberation/record-attendance.ts';
import { recordBallots } from '../../src/deliberation/record-ballots.ts';
import { recordMinutes } from '../../src/deliberation/record-minutes.ts';
import { recordSpeakingTurn } from '../../src/deliberation/record-speaking-turn.ts';
import { scheduleMeeting } from '../../src/deliberation/schedule-meeting.ts';
import type { StaffEnv } from '../http/env.ts';
import type { FieldError } from '../http/error-summary.tsx';
import { createStaffApp, requestCtx, staffRoute } from '../http/staff-auth.ts';
import {
  type MeetingForms,
  MeetingPage,
  MINUTES_FIELDS,
  PARTICIPANT_FIELDS,
  SCHEDULE_FIELDS,
  SchedulePage,
  type ScheduleValues,
  SPEAKING_FIELDS,
  VOTE_FIELDS,
  VOTES_PATH,
  VotePage,
} from './meeting-pages.tsx';
import { audienceFrom, previewWith, type RefusedForm, topicForm } from './topic-admin-app.tsx';
import {
  afterForm,
  deliberationLayout,
  type FormBody,
  formatters,
  formErrors,
  many,
  mayManage,
  one,
  orRefusal,
  readForm,
} from './topic-admin-kit.tsx';
import { MEETINGS_PATH, TOPICS_PATH } from './topic-admin-pages.tsx';

/** Form fields named `<prefix>.<id>`, as id → value. */
function byId(body: FormBody, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(body)) {
    if (name.startsWith(`${prefix}.`)) out.set(name.slice(prefix.length + 1), one(body, name));
  }
  return out;
}

// Each form is read once: the same values go to the verb and, if it refuses them, back into the form.
function participantValues(body: FormBody) {
  return {
    name: one(body, 'name'),
    participantGroup: one(body, 'participantGroup'),
    panelMember: many(body, 'panelMember').includes('on'),
    meetingRole: one(body, 'meetingRole'),
    voterClass: one(body, 'voterClass'),
    phone: one(body, 'phone'),
  };
}

function attendanceEntries(body: FormBody) {
  const proxies = byId(body, 'proxyName');
  return [...byId(body, 'attendance').entries()].map(([participantId, attendance]) => ({
    participantId,
    attendance,
    proxyName: proxies.get(participantId) ?? '',
  }));
}

function minutesValues(body: FormBody) {
  return { discussion: one(body, 'discussion'), decision: one(body, 'decision') };
}

function speakingValues(body: FormBody) {
  return {
    participantId: one(body, 'participantId'),
    minutes: one(body, 'minutes'),
    seconds: one(body, 'seconds'),
  };
}

export function createMeetingApp(deps: AppDeps): Hono<StaffEnv> {
  const app = createStaffApp(deps);
  const timeZone = deps.config.timeZone;
  const f = (c: Context<StaffEnv>) => formatters(c.get('locale'), timeZone);
  const meetingBack = (c: Context<StaffEnv>, id: string) => ({
    href: `${MEETINGS_PATH}/${id}`,
    label: c.get('t')('deliberation:refused.backToMeeting'),
  });

  const renderMeeting = async (
    c: Context<StaffEnv>,
    meetingId: string,
    status: 200 | 400,
    forms?: MeetingForms,
  ) => {
    const record = await getMeetingRecord(requestCtx(deps, c), { meetingId });
    return c.html(
      <MeetingPage
        layout={deliberationLayout(deps, c)}
        f={f(c)}
        record={record}
        manage={mayManage(c)}
        done={status === 200 ? c.req.query('done') : undefined}
        {...(forms ? { forms } : {})}
      />,
      status,
    );
  };

  /** A meeting form: run the verb, then back to the meeting page; on bad input, the page with the errors. */
  const meetingForm = (
    path: string,
    fields: readonly string[] | ((body: FormBody) => string[]),
    done: string,
    run: (c: Context<StaffEnv>, meetingId: string, body: FormBody) => Promise<unknown>,
    keep: (body: FormBody) => Omit<MeetingForms, 'errors'>,
  ) =>
    staffRoute(app, 'POST', `${MEETINGS_PATH}/:id/${path}`, DELIBERATION_MANAGER_ROLES, async (c) => {
      const id = c.req.param('id') ?? '';
      return orRefusal(deps, c, meetingBack(c, id), async () => {
        const body = await readForm(c);
        return afterForm(
          c,
          async () => {
            await run(c, id, body);
            return `${MEETINGS_PATH}/${id}?done=${done}`;
          },
          async (error) => {
            const known = typeof fields === 'function' ? fields(body) : fields;
            const errors: FieldError[] = formErrors(error, c.get('t'), known, known[0] ?? 'name');
            return renderMeeting(c, id, 400, { errors, ...keep(body) });
          },
        );
      });
    });

  const renderSchedule = async (
    c: Context<StaffEnv>,
    topicId: string,
    refused?: RefusedForm<ScheduleValues>,
  ) => {
    const { preview, form, status } = await previewWith(deps, c, topicId, refused, SCHEDULE_FIELDS, 'date');
    const layout = deliberationLayout(deps, c);
    return c.html(
      <SchedulePage layout={layout} f={f(c)} topic={preview.topic} audience={preview} {...form} />,
      status,
    );
  };

  staffRoute(app, 'GET', `${TOPICS_PATH}/:id/meetings/new`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    const back = { href: `${TOPICS_PATH}/${id}`, label: c.get('t')('deliberation:refused.backToTopic') };
    return orRefusal(deps, c, back, () => renderSchedule(c, id));
  });

  topicForm(app, deps, 'meetings', {
    read: (body): ScheduleValues => ({
      date: one(body, 'date'),
      time: one(body, 'time'),
      place: one(body, 'place'),
      venueFeatures: many(body, 'venueFeatures'),
      accessibilityNote: one(body, 'accessibilityNote'),
      onlineUrl: one(body, 'onlineUrl'),
      ...audienceFrom(body),
    }),
    verb: scheduleMeeting,
    next: ({ meeting }) => `${MEETINGS_PATH}/${meeting.id}?done=scheduled`,
    refused: (c, topicId, refused) => renderSchedule(c, topicId, refused),
  });

  staffRoute(app, 'GET', `${MEETINGS_PATH}/:id`, DELIBERATION_VIEWER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, { href: TOPICS_PATH, label: c.get('t')('deliberation:topic.back') }, () =>
      renderMeeting(c, id, 200),
    );
  });

  staffRoute(app, 'GET', '/api/staff/meetings/:id', DELIBERATION_VIEWER_ROLES, async (c) =>
    c.json(await getMeetingRecord(requestCtx(deps, c), { meetingId: c.req.param('id') ?? '' })),
  );

  staffRoute(app, 'POST', `${MEETINGS_PATH}/:id/open`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, meetingBack(c, id), async () => {
      await openMeeting(requestCtx(deps, c), { meetingId: id, timeZone });
      return c.redirect(`${MEETINGS_PATH}/${id}?done=opened`, 303);
    });
  });

  staffRoute(app, 'POST', `${MEETINGS_PATH}/:id/close`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, meetingBack(c, id), async () => {
      await closeMeeting(requestCtx(deps, c), { meetingId: id });
      return c.redirect(`${MEETINGS_PATH}/${id}?done=closed`, 303);
    });
  });

  meetingForm(
    'participants',
    PARTICIPANT_FIELDS,
    'participantAdded',
    (c, meetingId, body) => addParticipant(requestCtx(deps, c), { meetingId, ...participantValues(body) }),
    (body) => ({ participant: participantValues(body) }),
  );

  meetingForm(
    'attendance',
    (body) =>
      Object.keys(body).filter((name) => name.startsWith('attendance.') || name.startsWith('proxyName.')),
    'attendance',
    (c, meetingId, body) =>
      recordAttendance(requestCtx(deps, c), { meetingId, entries: attendanceEntries(body) }),
    (body) => ({
      attendance: Object.fromEntries(
        attendanceEntries(body).map(({ participantId, ...entry }) => [participantId, entry]),
      ),
    }),
  );

  meetingForm(
    'minutes',
    MINUTES_FIELDS,
    'minutes',
    (c, meetingId, body) => recordMinutes(requestCtx(deps, c), { meetingId, ...minutesValues(body) }),
    (body) => ({ minutes: minutesValues(body) }),
  );

  meetingForm(
    'speaking',
    SPEAKING_FIELDS,
    'speaking',
    (c, meetingId, body) => recordSpeakingTurn(requestCtx(deps, c), { meetingId, ...speakingValues(body) }),
    (body) => ({ speaking: speakingValues(body) }),
  );

  staffRoute(app, 'POST', `${MEETINGS_PATH}/:id/votes`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(deps, c, meetingBack(c, id), async () => {
      const body = await readForm(c);
      const values = {
        question: one(body, 'question'),
        method: one(body, 'method'),
        weights: one(body, 'weights'),
        otherwiseWeight: one(body, 'otherwiseWeight'),
      };
      return afterForm(
        c,
        async () => {
          const vote = await openVote(requestCtx(deps, c), { meetingId: id, ...values });
          return `${VOTES_PATH}/${vote.id}?done=voteOpened`;
        },
        async (error) => {
          return renderMeeting(c, id, 400, {
            errors: formErrors(error, c.get('t'), VOTE_FIELDS, 'question'),
            vote: values,
          });
        },
      );
    });
  });

  const renderVote = async (
    c: Context<StaffEnv>,
    voteId: string,
    status: 200 | 400,
    extra: { errors?: FieldError[]; given?: Record<string, string> } = {},
  ) => {
    const ctx = requestCtx(deps, c);
    const { vote, meeting } = await loadVote(ctx, ctx.db, voteId);
    const record = await getMeetingRecord(ctx, { meetingId: meeting.id });
    return c.html(
      <VotePage
        layout={deliberationLayout(deps, c)}
        f={f(c)}
        record={record}
        vote={vote}
        manage={mayManage(c)}
        done={status === 200 ? c.req.query('done') : undefined}
        {...extra}
      />,
      status,
    );
  };

  staffRoute(app, 'GET', `${VOTES_PATH}/:id`, DELIBERATION_VIEWER_ROLES, async (c) =>
    orRefusal(deps, c, { href: TOPICS_PATH, label: c.get('t')('deliberation:topic.back') }, () =>
      renderVote(c, c.req.param('id') ?? '', 200),
    ),
  );

  staffRoute(app, 'POST', `${VOTES_PATH}/:id/ballots`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(
      deps,
      c,
      { href: `${VOTES_PATH}/${id}`, label: c.get('t')('deliberation:refused.backToVote') },
      async () => {
        const body = await readForm(c);
        const given = byId(body, 'choice');
        return afterForm(
          c,
          async () => {
            await recordBallots(requestCtx(deps, c), {
              voteId: id,
              ballots: [...given.entries()].map(([participantId, choice]) => ({ participantId, choice })),
            });
            return `${VOTES_PATH}/${id}?done=ballots`;
          },
          async (error) => {
            const fields = [...given.keys()].map((p) => `choice.${p}`);
            return renderVote(c, id, 400, {
              errors: formErrors(error, c.get('t'), fields, fields[0] ?? 'choice'),
              given: Object.fromEntries(given),
            });
          },
        );
      },
    );
  });

  staffRoute(app, 'POST', `${VOTES_PATH}/:id/close`, DELIBERATION_MANAGER_ROLES, async (c) => {
    const id = c.req.param('id') ?? '';
    return orRefusal(
      deps,
      c,
      { href: `${VOTES_PATH}/${id}`, label: c.get('t')('deliberation:refused.backToVote') },
      async () => {
        const vote = await closeVote(requestCtx(deps, c), { voteId: id });
        return c.redirect(`${MEETINGS_PATH}/${vote.meetingId}?done=voteClosed`, 303);
      },
    );
  });

  return app;
}
