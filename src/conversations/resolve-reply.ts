/**
 * What an inbound reply means, given what the resident was last asked. Pure: the caller loads the
 * pending prompt and the opt-out state, runs `interpretReply`, and applies what comes back.
 *
 * Context decides: "1" answers the pending survey question, is support after a topic notice that asked
 * for 1/2, and gets the help menu with no context. Opt-out, opt-in and help always win; a topic code
 * ("T23 支持") works anywhere. Unclear replies get one clarifying question per prompt, then are kept
 * as unclassified.
 */
import type { Locale } from '../db/schema.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { IntakeInput } from '../pipeline/intake.ts';
import type { PendingPrompt, PromptQuestion } from './get-pending-prompt.ts';
import type { Interpretation } from './interpretation.ts';
import { renderSurveyQuestion } from './render-survey-question.ts';
import { answerForKey, SKIP_KEY, SKIPPED_ANSWER } from './survey-choices.ts';

/** The fields of the intake a reply becomes; the channel adds who, when and which message. */
export type ConversationIntake = Pick<
  IntakeInput,
  'declaredKind' | 'topicRef' | 'stance' | 'surveyRef' | 'questionRef' | 'choice' | 'text'
>;

/** What the reply does to the conversation (applied only for the first delivery of a message). */
export type ConversationEffect =
  | { type: 'none' }
  | { type: 'clear' }
  | { type: 'mark_clarified' }
  | { type: 'advance'; toQuestionId: string };

export interface ReplyMessage {
  messageKey: string;
  params: Record<string, string | number>;
}

/** How the reply was understood. */
export type Meaning =
  | 'opt_out'
  | 'opt_in'
  | 'help'
  | 'topic_opinion'
  | 'notice_opinion'
  | 'late_notice_opinion'
  | 'survey_answer'
  | 'survey_skip'
  | 'late_survey_answer'
  | 'clarify'
  | 'kept_unclear'
  | 'free_text'
  | 'no_context';

export interface Resolution {
  meaning: Meaning;
  intake: ConversationIntake;
  effect: ConversationEffect;
  /** The conversation's own reply; undefined keeps the pipeline's (opinion noted, demand recorded…). */
  reply: ReplyMessage | undefined;
}

/** Replies that are recorded but not sent: a second opt-out gets no second confirmation. */
export const SILENT_REPLY_KEYS: ReadonlySet<string> = new Set(['sms:optOut.already']);

export interface ResolveReplyInput {
  interpretation: Interpretation;
  /** The message as received; it is stored whatever it meant. */
  text: string;
  /** The resident's pending prompt on this channel, if any. */
  prompt: PendingPrompt | undefined;
  /** Whether the sender is a known (or newly created) resident; false for an unusable number. */
  hasResident: boolean;
  /** Whether the resident had already opted out of this channel before this message. */
  optedOut: boolean;
  helpPhone: string;
  /** Translator and locale of the reply, for replies that carry a survey question. */
  t: Translate;
  locale: Locale;
}

type SurveyPrompt = PendingPrompt & {
  survey: NonNullable<PendingPrompt['survey']>;
  question: PromptQuestion;
};
type NoticePrompt = PendingPrompt & { topic: NonNullable<PendingPrompt['topic']> };

const NONE: ConversationEffect = { type: 'none' };

function message(messageKey: string, params: Record<string, string | number> = {}): ReplyMessage {
  return { messageKey, params };
}

function isSurveyPrompt(p: PendingPrompt | undefined): p is SurveyPrompt {
  return p?.kind === 'survey_question' && p.survey !== undefined && p.question !== undefined;
}

function isNoticePrompt(p: PendingPrompt | undefined): p is NoticePrompt {
  return p?.kind === 'topic_notice' && p.topic !== undefined;
}

function isSkip(i: Interpretation): boolean {
  return i.type === 'skip' || (i.type === 'number' && i.value === SKIP_KEY);
}

/** The normalised answer when the reply plainly answers a question of this kind. */
function plainAnswer(question: PromptQuestion, i: Interpretation): string | undefined {
  switch (i.type) {
    case 'number':
      return answerForKey(question.kind, i.value);
    case 'satisfaction':
      return question.kind === 'satisfaction' ? i.level : undefined;
    case 'stance':
      if (question.kind !== 'yes_no') return undefined;
      return i.stance === 'support' ? 'yes' : 'no';
    default:
      return undefined;
  }
}

/** Support or opposition, when the reply plainly gives one to a notice that asked for 1/2. */
function plainStance(i: Interpretation): { stance: 'support' | 'oppose'; rest?: string } | undefined {
  if (i.type === 'number' && (i.value === 1 || i.value === 2)) {
    return { stance: i.value === 1 ? 'support' : 'oppose', ...(i.rest ? { rest: i.rest } : {}) };
  }
  if (i.type === 'stance') return { stance: i.stance, ...(i.rest ? { rest: i.rest } : {}) };
  return undefined;
}

function questionReply(
  input: ResolveReplyInput,
  messageKey: string,
  question: PromptQuestion,
  total: number,
  params: Record<string, string | number> = {},
): ReplyMessage {
  const { t, locale } = input;
  const text = renderSurveyQuestion(t, question, locale, question.ordinal, total, {
    within: (q) => t(messageKey, { ...params, question: q }),
  });
  return message(messageKey, { ...params, question: text });
}

function surveyAnswer(
  input: ResolveReplyInput,
  prompt: SurveyPrompt,
  choice: string | undefined,
  mode: 'answer' | 'skip' | 'late',
): Resolution {
  const intake: ConversationIntake = {
    declaredKind: 'survey_answer',
    surveyRef: prompt.survey.code,
    questionRef: prompt.question.id,
    text: input.text,
    ...(choice ? { choice } : {}),
    ...(prompt.topic ? { topicRef: prompt.topic.code } : {}),
  };
  if (mode === 'late') {
    return {
      meaning: 'late_survey_answer',
      intake,
      effect: { type: 'clear' },
      reply: message('sms:survey.late'),
    };
  }
  const meaning = mode === 'skip' ? 'survey_skip' : 'survey_answer';
  const next = prompt.nextQuestion;
  if (!next) {
    const done = mode === 'skip' ? 'sms:survey.skippedDone' : 'sms:survey.done';
    return { meaning, intake, effect: { type: 'clear' }, reply: message(done) };
  }
  const key = mode === 'skip' ? 'sms:survey.skipped' : 'sms:survey.next';
  return {
    meaning,
    intake,
    effect: { type: 'advance', toQuestionId: next.id },
    reply: questionReply(input, key, next, prompt.survey.questionCount),
  };
}

/** One clarifying question per prompt; after that the reply is kept for staff to read. */
function clarify(input: ResolveReplyInput, prompt: PendingPrompt, reply: ReplyMessage): Resolution {
  const intake: ConversationIntake = {
    declaredKind: 'unclassified',
    text: input.text,
    ...(prompt.survey ? { surveyRef: prompt.survey.code } : {}),
    ...(prompt.question ? { questionRef: prompt.question.id } : {}),
    ...(prompt.topic ? { topicRef: prompt.topic.code } : {}),
  };
  if (!prompt.clarified) return { meaning: 'clarify', intake, effect: { type: 'mark_clarified' }, reply };
  return {
    meaning: 'kept_unclear',
    intake,
    effect: NONE,
    reply: message('sms:reply.kept', { helpPhone: input.helpPhone }),
  };
}

function answerQuestion(input: ResolveReplyInput, prompt: SurveyPrompt): Resolution {
  const i = input.interpretation;
  if (isSkip(i)) return surveyAnswer(input, prompt, SKIPPED_ANSWER, 'skip');
  const { kind } = prompt.question;
  if (kind === 'text') {
    // Any words answer an open question, digits and satisfaction words included.
    if (i.type === 'empty') return clarify(input, prompt, message('sms:clarify.text'));
    return surveyAnswer(input, prompt, undefined, 'answer');
  }
  const answer = plainAnswer(prompt.question, i);
  if (answer) return surveyAnswer(input, prompt, answer, 'answer');
  return clarify(
    input,
    prompt,
    message(kind === 'satisfaction' ? 'sms:clarify.satisfaction' : 'sms:clarify.yesNo'),
  );
}

function noticeOpinion(
  prompt: NoticePrompt,
  stance: 'support' | 'oppose' | 'suggestion',
  text: string | undefined,
  meaning: Meaning,
): Resolution {
  return {
    meaning,
    intake: {
      declaredKind: 'opinion',
      topicRef: prompt.topic.code,
      stance,
      ...(text ? { text } : {}),
    },
    effect: NONE,
    reply: undefined,
  };
}

function answerNotice(input: ResolveReplyInput, prompt: NoticePrompt): Resolution {
  const i = input.interpretation;
  const plain = plainStance(i);
  if (plain) return noticeOpinion(prompt, plain.stance, plain.rest, 'notice_opinion');
  if (i.type === 'text') return noticeOpinion(prompt, 'suggestion', input.text.trim(), 'notice_opinion');
  return clarify(input, prompt, message('sms:clarify.topic', { topicCode: prompt.topic.code }));
}

function help(input: ResolveReplyInput): Resolution {
  const { prompt, helpPhone } = input;
  const intake: ConversationIntake = { declaredKind: 'help', text: input.text };
  const live = prompt && !prompt.expired ? prompt : undefined;
  let reply: ReplyMessage;
  if (isSurveyPrompt(live)) {
    reply = questionReply(input, 'sms:help.question', live.question, live.survey.questionCount, {
      helpPhone,
    });
  } else if (isNoticePrompt(live)) {
    reply = message('sms:help.topic', { topicCode: live.topic.code, helpPhone });
  } else {
    reply = message('sms:help.menu', { helpPhone });
  }
  return { meaning: 'help', intake, effect: NONE, reply };
}

function topicOpinion(i: Extract<Interpretation, { type: 'topic' }>): Resolution {
  const rest = i.rest?.trim();
  // "T23 1" / "T23 2" read like the notice's own keys.
  const keyed = !i.stance && rest ? /^(?:1|2)$/.exec(rest.normalize('NFKC'))?.[0] : undefined;
  const stance = i.stance ?? (keyed === '1' ? 'support' : keyed === '2' ? 'oppose' : undefined);
  const text = keyed ? undefined : rest;
  return {
    meaning: 'topic_opinion',
    intake: {
      declaredKind: 'opinion',
      topicRef: i.topicRef,
      // A code with nothing after it is left without a stance: the pipeline asks for one.
      ...(stance ? { stance } : text ? { stance: 'suggestion' as const } : {}),
      ...(text ? { text } : {}),
    },
    effect: NONE,
    reply: undefined,
  };
}

function withoutContext(input: ResolveReplyInput): Resolution {
  const i = input.interpretation;
  const text = input.text;
  if (i.type === 'text') {
    // The pipeline files words as a demand, and keeps "谢谢", "好的" and the like unclassified.
    return { meaning: 'free_text', intake: { declaredKind: 'text', text }, effect: NONE, reply: undefined };
  }
  const reply =
    i.type === 'stance'
      ? message('sms:help.noTopic')
      : message('sms:help.menu', { helpPhone: input.helpPhone });
  return { meaning: 'no_context', intake: { declaredKind: 'unclassified', text }, effect: NONE, reply };
}

/** Decides what a reply means and how to answer it; see the module comment for the rules. */
export function resolveReply(input: ResolveReplyInput): Resolution {
  const { interpretation: i, prompt } = input;
  switch (i.type) {
    case 'opt_out':
      return {
        meaning: 'opt_out',
        intake: { declaredKind: 'opt_out', text: input.text },
        // Nothing more is asked of someone who has opted out.
        effect: prompt ? { type: 'clear' } : NONE,
        reply: input.optedOut ? message('sms:optOut.already') : undefined,
      };
    case 'opt_in':
      return {
        meaning: 'opt_in',
        intake: { declaredKind: 'opt_in', text: input.text },
        effect: NONE,
        reply: input.hasResident && !input.optedOut ? message('sms:optIn.already') : undefined,
      };
    case 'help':
      return help(input);
    case 'topic':
      return topicOpinion(i);
    default:
      break;
  }

  if (isSurveyPrompt(prompt)) {
    if (!prompt.expired) return answerQuestion(input, prompt);
    // Late: still taken when it plainly answers the question, then the survey is over for them.
    const late = plainAnswer(prompt.question, i);
    if (late) return surveyAnswer(input, prompt, late, 'late');
  } else if (isNoticePrompt(prompt)) {
    if (!prompt.expired) return answerNotice(input, prompt);
    const plain = plainStance(i);
    if (plain) return noticeOpinion(prompt, plain.stance, plain.rest, 'late_notice_opinion');
  }
  return withoutContext(input);
}
