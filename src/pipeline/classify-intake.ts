/**
 * The one place the core decides what an input is. Pure: the caller resolves the topic first
 * (`findTopicRefInIntake` says which reference to resolve), then asks here.
 */
import type { Stance, TopicStatus } from '../db/schema.ts';
import type { Intake } from './intake.ts';

export interface ClassifiableTopic {
  id: string;
  code: string;
  status: TopicStatus;
}

export type ClassifiableIntake = Pick<
  Intake,
  | 'declaredKind'
  | 'topicRef'
  | 'stance'
  | 'surveyRef'
  | 'questionRef'
  | 'text'
  | 'choice'
  | 'audio'
  | 'location'
  | 'impact'
>;

/** Why an input was kept without being understood; each reason gets its own helpful reply. */
export type UnclassifiedReason =
  | 'empty'
  | 'unrecognised'
  | 'incomplete'
  | 'unknown_topic'
  | 'topic_only'
  | 'stance_without_topic';

export type Classification =
  | { kind: 'opinion'; topic: ClassifiableTopic; stance: Stance; text: string | null }
  | { kind: 'vote'; topic: ClassifiableTopic; choice: string }
  | {
      kind: 'survey_answer';
      surveyRef: string;
      questionRef: string | null;
      answer: string;
      topic: ClassifiableTopic | undefined;
    }
  | { kind: 'demand'; text: string; location: string | null; impact: string | null }
  | { kind: 'opt_out'; keyword: string | null }
  | { kind: 'opt_in'; keyword: string | null }
  | { kind: 'help' }
  | { kind: 'unclassified'; reason: UnclassifiedReason; topicRef: string | null };

// Whole-message keywords only: "取消" alone opts out, "取消停车收费" is a demand.
const OPT_OUT_WORDS = new Set([
  'TD',
  '退订',
  '退訂',
  '取消',
  '取消订阅',
  '取消訂閱',
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
]);
const OPT_IN_WORDS = new Set(['START', 'UNSTOP', '订阅', '訂閱', '重新订阅', '重新訂閱']);
const HELP_WORDS = new Set(['HELP', 'INFO', '帮助', '幫助', '求助']);

// Replies that only make sense as an answer to something we cannot see (no survey context):
// keep them, but do not file them as demands.
const CONTEXTLESS_REPLIES = new Set([
  '好',
  '好的',
  '嗯',
  '嗯嗯',
  '哦',
  '是',
  '否',
  '对',
  '對',
  '行',
  '可以',
  '收到',
  '知道了',
  '明白',
  '谢谢',
  '謝謝',
  '多谢',
  '多謝',
  '满意',
  '滿意',
  '不满意',
  '不滿意',
  '非常满意',
  '非常滿意',
  '基本满意',
  '基本滿意',
  '一般',
  'OK',
  'OKAY',
  'YES',
  'NO',
  'THANKS',
  'THANKYOU',
]);

const TOPIC_IN_TEXT = /(?<![A-Za-z0-9])(?:[Tt]|#|议题|議題)\s?(\d{1,9})(?!\d)/u;
// "No objection" is consent, not opposition; it is left to the text rather than counted either way.
const NEUTRALISED = /不反对|不反對|没有反对|沒有反對|no objection/giu;
const OPPOSE = /不同意|不支持|不赞成|不贊成|反对|反對|\bdisagree\b|\boppose[ds]?\b|\bagainst\b/giu;
const SUPPORT = /支持|同意|赞成|贊成|\bsupport(?:s|ed)?\b|\bagree[ds]?\b/giu;
const LETTER = /\p{L}/gu;
const NOT_LETTER_OR_NUMBER = /[^\p{L}\p{N}]+/gu;

function clean(value: string | undefined): string {
  return (value ?? '').normalize('NFKC').trim();
}

/** Uppercased letters and digits only: what keyword matching compares. */
function keyOf(text: string): string {
  return text.replace(NOT_LETTER_OR_NUMBER, '').toUpperCase();
}

function letterCount(text: string): number {
  return text.match(LETTER)?.length ?? 0;
}

/** The words an input says, whichever way it came: typed, or heard on a call. */
function spokenText(intake: Pick<ClassifiableIntake, 'text' | 'audio'>): string {
  return clean(intake.text) || clean(intake.audio?.speechResult) || clean(intake.audio?.transcript);
}

/**
 * The topic reference an input carries: the channel's own field, else a code written in the text
 * ('T23', '#23', '议题23'). Undefined when there is none.
 */
export function findTopicRefInIntake(
  intake: Pick<ClassifiableIntake, 'topicRef' | 'text' | 'audio'>,
): string | undefined {
  const field = clean(intake.topicRef);
  if (field) return field;
  const match = TOPIC_IN_TEXT.exec(spokenText(intake));
  return match?.[0];
}

function stanceOf(text: string): Stance | undefined {
  const rest = text.replace(NEUTRALISED, ' ');
  const opposes = rest.search(OPPOSE) >= 0;
  // "不同意" contains "同意": take the opposing phrases out before looking for support.
  const supports = rest.replace(OPPOSE, ' ').search(SUPPORT) >= 0;
  if (opposes && !supports) return 'oppose';
  if (supports && !opposes) return 'support';
  return undefined;
}

function isOnlyStanceWords(text: string): boolean {
  const rest = text.replace(NEUTRALISED, ' ').replace(OPPOSE, ' ').replace(SUPPORT, ' ');
  return rest !== text && letterCount(rest) === 0;
}

function classifyText(
  intake: ClassifiableIntake,
  topic: ClassifiableTopic | undefined,
  incomplete: boolean,
): Classification {
  const text = spokenText(intake);
  const compact = text.replace(/\s+/g, '');
  if (compact !== '' && /^\?+$/.test(compact)) return { kind: 'help' };
  const key = keyOf(text);
  if (OPT_OUT_WORDS.has(key)) return { kind: 'opt_out', keyword: key };
  if (OPT_IN_WORDS.has(key)) return { kind: 'opt_in', keyword: key };
  if (HELP_WORDS.has(key)) return { kind: 'help' };

  const fieldRef = clean(intake.topicRef);
  const textRef = fieldRef ? undefined : TOPIC_IN_TEXT.exec(text);
  const topicRef = fieldRef || textRef?.[0];
  if (topicRef) {
    if (!topic) return { kind: 'unclassified', reason: 'unknown_topic', topicRef };
    const remainder = (textRef ? text.replace(textRef[0], ' ') : text)
      .replace(/^[\s\p{P}\p{S}]+/u, '')
      .trim();
    if (letterCount(remainder) === 0 && !intake.stance) {
      return { kind: 'unclassified', reason: 'topic_only', topicRef };
    }
    const stance = intake.stance ?? stanceOf(remainder) ?? 'suggestion';
    return { kind: 'opinion', topic, stance, text: remainder === '' ? null : remainder };
  }

  if (key === '')
    return { kind: 'unclassified', reason: incomplete ? 'incomplete' : 'empty', topicRef: null };
  if (isOnlyStanceWords(text))
    return { kind: 'unclassified', reason: 'stance_without_topic', topicRef: null };
  if (CONTEXTLESS_REPLIES.has(key) || letterCount(text) < 2) {
    return { kind: 'unclassified', reason: incomplete ? 'incomplete' : 'unrecognised', topicRef: null };
  }
  return {
    kind: 'demand',
    text,
    location: clean(intake.location) || null,
    impact: clean(intake.impact) || null,
  };
}

/**
 * Decides what an input is and normalises what it says. A kind the channel declared is respected
 * when the data it needs is there; otherwise, and for plain `text`, the words decide.
 * `topic` is the topic `findTopicRefInIntake` pointed at, if it exists.
 */
export function classifyIntake(
  intake: ClassifiableIntake,
  topic: ClassifiableTopic | undefined,
): Classification {
  const text = spokenText(intake);
  const choice = clean(intake.choice);
  switch (intake.declaredKind) {
    case 'opt_out':
      return { kind: 'opt_out', keyword: null };
    case 'opt_in':
      return { kind: 'opt_in', keyword: null };
    case 'help':
      return { kind: 'help' };
    case 'demand':
      if (text || intake.audio) {
        return {
          kind: 'demand',
          text,
          location: clean(intake.location) || null,
          impact: clean(intake.impact) || null,
        };
      }
      return classifyText(intake, topic, true);
    case 'opinion':
      if (topic && intake.stance)
        return { kind: 'opinion', topic, stance: intake.stance, text: text || null };
      return classifyText(intake, topic, true);
    case 'vote':
      if (topic && choice) return { kind: 'vote', topic, choice };
      return classifyText(intake, topic, true);
    case 'survey_answer': {
      const surveyRef = clean(intake.surveyRef);
      const answer = choice || text;
      if (surveyRef && answer) {
        return {
          kind: 'survey_answer',
          surveyRef,
          questionRef: clean(intake.questionRef) || null,
          answer,
          topic,
        };
      }
      return classifyText(intake, topic, true);
    }
    case 'text':
      return classifyText(intake, topic, false);
    case 'unclassified':
      // Kept as it came, words and all: filing it as a demand would misread an answer to a question.
      return {
        kind: 'unclassified',
        reason: text || intake.audio ? 'unrecognised' : 'empty',
        topicRef: clean(intake.topicRef) || null,
      };
  }
}
