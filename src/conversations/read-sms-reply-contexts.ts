import type { Ctx } from '../core/context.ts';
import type { Locale, PromptKind, QuestionKind, TopicStatus } from '../db/schema.ts';
import type { ClassifiableTopic } from '../pipeline/classify-intake.ts';
import { type Outcome, outcomeSchema } from '../pipeline/outcome.ts';
import type { IntakeResident } from '../pipeline/plan-intake.ts';
import { assemblePendingPrompt, type PendingPrompt, type PromptQuestion } from './get-pending-prompt.ts';
import { runStatement } from './run-statement.ts';

/** Everything an inbound SMS is read against, as of one snapshot. */
export interface SmsReplyContext {
  /** The message id was handled before: its stored answer. */
  handled: { intakeId: string; outcome: Outcome } | undefined;
  resident: IntakeResident | undefined;
  /** The resident row's version (`xmin`): the write checks the resident is still as read. */
  residentVersion: string | undefined;
  /** Whether the resident has opted out of SMS. */
  optedOut: boolean;
  /**
   * The resident's pending prompt, whatever its channel or kind, with the row version the write
   * checks: the message is stored against this prompt only if it is still exactly this row.
   */
  prompt: ReadPrompt | undefined;
  /** The topic the message's own code names (`T23 支持`), when that topic exists. */
  namedTopic: ClassifiableTopic | undefined;
}

export interface ReadPrompt {
  prompt: PendingPrompt;
  version: string;
  surveyTopicId: string | null;
  /** The row as read, from which the prompt is assembled again at a later time. */
  row: PromptRow;
}

/** A pending prompt row with its survey's questions and its topic, as the context query reads it. */
export interface PromptRow {
  version: string;
  channel: 'sms' | 'voice';
  kind: PromptKind;
  topicId: string | null;
  surveyId: string | null;
  questionId: string | null;
  campaignId: string | null;
  deliveryId: string | null;
  clarified: boolean;
  expiresMs: number;
  createdMs: number;
  surveyCode: string | null;
  surveyTopicId: string | null;
  questions: { id: string; position: number; kind: QuestionKind; prompt: PromptQuestion['prompt'] }[] | null;
  topic: { id: string; code: string; status: TopicStatus } | null;
}

interface ContextRow {
  i: number;
  intake_id: string | null;
  intake_outcome: unknown;
  resident_id: string | null;
  resident_version: string | null;
  preferred_locale: Locale | null;
  community_id: string | null;
  grid_id: string | null;
  opted_out: boolean | null;
  prompt: PromptRow | null;
  named_topic_id: string | null;
  named_topic_code: string | null;
  named_topic_status: TopicStatus | null;
}

// One row per message whatever exists. Each message's look-ups run as a LATERAL subquery, every one by
// a unique key, so they stay index look-ups whatever the planner guesses of the batch's size (it
// guesses 100 rows for a JSON set, and would otherwise scan whole tables to hash-join them). The prompt
// comes as one JSON value, built only when there is one. The batch is one JSON parameter, so the
// statement text is the same for any number of messages.
const CONTEXT_SQL = `
select k.i, c.*
from jsonb_to_recordset($1::jsonb) as k(i int, phone_hash text, message_sid text, topic_number int)
cross join lateral (
  select
    i.id as intake_id, i.outcome as intake_outcome,
    r.id as resident_id, r.xmin::text as resident_version, r.preferred_locale, r.community_id, r.grid_id, o.opted_out,
    case when p.resident_id is null then null else json_build_object(
      'version', p.xmin::text, 'channel', p.channel, 'kind', p.kind,
      'topicId', p.topic_id, 'surveyId', p.survey_id, 'questionId', p.question_id,
      'campaignId', p.campaign_id, 'deliveryId', p.delivery_id, 'clarified', p.clarified,
      'expiresMs', extract(epoch from p.expires_at) * 1000, 'createdMs', extract(epoch from p.created_at) * 1000,
      'surveyCode', s.code, 'surveyTopicId', s.topic_id,
      'questions', (
        select json_agg(json_build_object('id', q.id, 'position', q.position, 'kind', q.kind, 'prompt', q.prompt)
                        order by q.position)
        from survey_questions q where q.survey_id = s.id
      ),
      'topic', case when t.id is null then null else json_build_object('id', t.id, 'code', t.code, 'status', t.status) end
    ) end as prompt,
    n.id as named_topic_id, n.code as named_topic_code, n.status as named_topic_status
  from (select 1) as one
  left join intakes i on i.channel = 'sms' and i.external_id = k.message_sid
  left join residents r on r.phone_hash = k.phone_hash
  left join resident_opt_outs o on o.resident_id = r.id and o.channel = 'sms'
  left join pending_prompts p on p.resident_id = r.id
  left join surveys s on s.id = p.survey_id
  left join topics t on t.id = coalesce(p.topic_id, s.topic_id)
  left join topics n on n.number = k.topic_number
) as c`;

export interface SmsReplyContextKey {
  phoneHash: string | undefined;
  messageSid: string;
  topicNumber: number | undefined;
}

/**
 * Reads, in one query for a whole batch of inbound SMS, what each is understood against: whether its
 * message id was handled already, the sender (by the phone's blind index) and their SMS opt-out, their
 * pending prompt with its survey questions and topic, and the topic the message names by number.
 * Returns one context per key, in the same order.
 */
export async function readSmsReplyContexts(
  ctx: Ctx,
  keys: readonly SmsReplyContextKey[],
): Promise<SmsReplyContext[]> {
  if (keys.length === 0) return [];
  const batch = keys.map((key, i) => ({
    i,
    phone_hash: key.phoneHash ?? null,
    message_sid: key.messageSid,
    topic_number: key.topicNumber ?? null,
  }));
  const rows = await runStatement<ContextRow>(ctx.db, CONTEXT_SQL, [JSON.stringify(batch)]);
  const now = ctx.clock.now();
  const contexts: (SmsReplyContext | undefined)[] = new Array(keys.length);
  for (const row of rows) contexts[row.i] = contextOf(row, now);
  return contexts.map((context, i) => {
    if (!context) throw new Error(`the SMS context query returned no row for message ${i}`);
    return context;
  });
}

function contextOf(row: ContextRow, now: Date): SmsReplyContext {
  const resident: IntakeResident | undefined = row.resident_id
    ? {
        id: row.resident_id,
        preferredLocale: row.preferred_locale,
        communityId: row.community_id,
        gridId: row.grid_id,
      }
    : undefined;
  return {
    handled: row.intake_id
      ? { intakeId: row.intake_id, outcome: outcomeSchema.parse(row.intake_outcome) }
      : undefined,
    resident,
    residentVersion: row.resident_version ?? undefined,
    optedOut: row.opted_out ?? false,
    prompt: resident && row.prompt ? readPrompt(row.prompt, resident.id, now) : undefined,
    namedTopic:
      row.named_topic_id && row.named_topic_code && row.named_topic_status
        ? { id: row.named_topic_id, code: row.named_topic_code, status: row.named_topic_status }
        : undefined,
  };
}

/** The prompt as of `now` (whether it has expired depends on when it is read). */
export function readPrompt(p: PromptRow, residentId: string, now: Date): ReadPrompt {
  const prompt = assemblePendingPrompt(
    {
      row: {
        residentId,
        channel: p.channel,
        kind: p.kind,
        topicId: p.topicId,
        surveyId: p.surveyId,
        questionId: p.questionId,
        campaignId: p.campaignId,
        deliveryId: p.deliveryId,
        // Not read: a proxy confirmation is answered by the transactional path, which reads it itself.
        proxyRecordId: null,
        clarified: p.clarified,
        expiresAt: new Date(p.expiresMs),
        createdAt: new Date(p.createdMs),
      },
      survey: p.surveyId && p.surveyCode ? { id: p.surveyId, code: p.surveyCode } : undefined,
      questions: p.questions ?? [],
      topic: p.topic ?? undefined,
    },
    now,
  );
  return { prompt, version: p.version, surveyTopicId: p.surveyTopicId, row: p };
}
