import { describe, expect, it } from 'vitest';
import { parseTopicRef } from '../topics/find-topic-by-code.ts';
import {
  type ClassifiableIntake,
  type ClassifiableTopic,
  type Classification,
  classifyIntake,
  findTopicRefInIntake,
} from './classify-intake.ts';

const T23: ClassifiableTopic = {
  id: '00000000-0000-4000-8000-000000000023',
  code: 'T23',
  status: 'published',
};

/** Resolves references the way the database would if only topic 23 existed. */
function classify(intake: Partial<ClassifiableIntake>): Classification {
  const full: ClassifiableIntake = { declaredKind: 'text', ...intake };
  const ref = findTopicRefInIntake(full);
  const topic = ref !== undefined && parseTopicRef(ref) === 23 ? T23 : undefined;
  return classifyIntake(full, topic);
}

type Row = [label: string, intake: Partial<ClassifiableIntake>, expected: Record<string, unknown>];

const text = (t: string): Partial<ClassifiableIntake> => ({ text: t });

const rows: Row[] = [
  // opt-out keywords, whole message only
  ['TD', text('TD'), { kind: 'opt_out', keyword: 'TD' }],
  ['td lower case', text('td'), { kind: 'opt_out', keyword: 'TD' }],
  ['Td mixed case with spaces', text('  Td  '), { kind: 'opt_out' }],
  ['full-width ＴＤ', text('ＴＤ'), { kind: 'opt_out', keyword: 'TD' }],
  ['TD with a full stop', text('TD。'), { kind: 'opt_out' }],
  ['退订', text('退订'), { kind: 'opt_out', keyword: '退订' }],
  ['退訂 (Traditional)', text('退訂'), { kind: 'opt_out' }],
  ['取消', text('取消'), { kind: 'opt_out' }],
  ['STOP', text('STOP'), { kind: 'opt_out', keyword: 'STOP' }],
  ['stop lower case', text('stop'), { kind: 'opt_out' }],
  ['Unsubscribe', text('Unsubscribe'), { kind: 'opt_out', keyword: 'UNSUBSCRIBE' }],
  // opt-in
  ['START', text('START'), { kind: 'opt_in', keyword: 'START' }],
  ['start lower case', text('start'), { kind: 'opt_in' }],
  ['full-width ＳＴＡＲＴ', text('ＳＴＡＲＴ'), { kind: 'opt_in' }],
  ['订阅', text('订阅'), { kind: 'opt_in', keyword: '订阅' }],
  ['訂閱', text('訂閱'), { kind: 'opt_in' }],
  // help
  ['HELP', text('HELP'), { kind: 'help' }],
  ['help lower case', text('help'), { kind: 'help' }],
  ['帮助', text('帮助'), { kind: 'help' }],
  ['幫助', text('幫助'), { kind: 'help' }],
  ['?', text('?'), { kind: 'help' }],
  ['full-width ？', text('？'), { kind: 'help' }],
  ['several question marks', text('？？ ？'), { kind: 'help' }],
  // opinions from text
  ['T23 支持', text('T23 支持'), { kind: 'opinion', stance: 'support', topic: T23 }],
  ['t23 支持', text('t23 支持'), { kind: 'opinion', stance: 'support' }],
  ['#23 支持', text('#23 支持'), { kind: 'opinion', stance: 'support' }],
  ['full-width Ｔ２３ 支持', text('Ｔ２３　支持'), { kind: 'opinion', stance: 'support' }],
  ['full-width ＃２３ 同意', text('＃２３ 同意'), { kind: 'opinion', stance: 'support' }],
  ['T23 同意', text('T23 同意'), { kind: 'opinion', stance: 'support' }],
  ['T23 赞成', text('T23 赞成'), { kind: 'opinion', stance: 'support' }],
  ['T23 贊成 (Traditional)', text('T23 贊成'), { kind: 'opinion', stance: 'support' }],
  ['T23 反对', text('T23 反对'), { kind: 'opinion', stance: 'oppose' }],
  ['T23 反對 (Traditional)', text('T23 反對'), { kind: 'opinion', stance: 'oppose' }],
  ['T23 不同意 is opposition, not 同意', text('T23 不同意'), { kind: 'opinion', stance: 'oppose' }],
  ['T23不同意 without a space', text('T23不同意'), { kind: 'opinion', stance: 'oppose' }],
  ['T23 不支持', text('T23 不支持'), { kind: 'opinion', stance: 'oppose' }],
  ['T23 不赞成', text('T23 不赞成'), { kind: 'opinion', stance: 'oppose' }],
  ['T23 support', text('T23 support'), { kind: 'opinion', stance: 'support' }],
  ['T23 oppose', text('T23 oppose'), { kind: 'opinion', stance: 'oppose' }],
  ['T23 agree', text('T23 agree'), { kind: 'opinion', stance: 'support' }],
  ['T23 disagree is opposition', text('T23 disagree'), { kind: 'opinion', stance: 'oppose' }],
  [
    'T23：支持 with full-width colon',
    text('T23：支持'),
    { kind: 'opinion', stance: 'support', text: '支持' },
  ],
  ['T23，反对 with a comma', text('T23，反对'), { kind: 'opinion', stance: 'oppose', text: '反对' }],
  ['T 23 支持 with a space in the code', text('T 23 支持'), { kind: 'opinion', stance: 'support' }],
  ['议题23 支持', text('议题23 支持'), { kind: 'opinion', stance: 'support' }],
  ['議題23 反對', text('議題23 反對'), { kind: 'opinion', stance: 'oppose' }],
  ['code in the middle: 我支持T23', text('我支持T23'), { kind: 'opinion', stance: 'support' }],
  [
    'mixed support and opposition is a suggestion',
    text('T23 支持加装电梯，但不同意平摊费用'),
    { kind: 'opinion', stance: 'suggestion', text: '支持加装电梯,但不同意平摊费用' },
  ],
  [
    'topic code with other text is a suggestion',
    text('T23 建议晚上不要施工'),
    { kind: 'opinion', stance: 'suggestion', text: '建议晚上不要施工' },
  ],
  ['不反对 is not counted as opposition', text('T23 不反对'), { kind: 'opinion', stance: 'suggestion' }],
  // topic codes that cannot be used
  ['topic code alone', text('T23'), { kind: 'unclassified', reason: 'topic_only', topicRef: 'T23' }],
  ['#23 alone with punctuation', text('#23。'), { kind: 'unclassified', reason: 'topic_only' }],
  ['unknown topic', text('T99 支持'), { kind: 'unclassified', reason: 'unknown_topic', topicRef: 'T99' }],
  ['unknown topic with #', text('#7 反对'), { kind: 'unclassified', reason: 'unknown_topic' }],
  ['stance without a topic code', text('支持'), { kind: 'unclassified', reason: 'stance_without_topic' }],
  ['不同意 without a topic code', text('不同意！'), { kind: 'unclassified', reason: 'stance_without_topic' }],
  [
    'a bare number is not a topic code',
    text('23 支持'),
    { kind: 'unclassified', reason: 'stance_without_topic' },
  ],
  // demands
  ['a demand in Chinese', text('楼道灯坏了，请尽快修理'), { kind: 'demand', text: '楼道灯坏了,请尽快修理' }],
  ['取消 inside a sentence is a demand', text('取消停车收费'), { kind: 'demand' }],
  ['STOP inside a sentence is a demand', text('STOP the noise at night'), { kind: 'demand' }],
  ['help inside a sentence is a demand', text('help me fix the door'), { kind: 'demand' }],
  ['letters right before digits are not a topic code', text('LIFT23 broken'), { kind: 'demand' }],
  ['a demand in English', text('The lift is broken again'), { kind: 'demand' }],
  ['a demand in Traditional Chinese', text('希望增設長者飯堂'), { kind: 'demand' }],
  // empty and noise
  ['nothing at all', {}, { kind: 'unclassified', reason: 'empty' }],
  ['empty string', text(''), { kind: 'unclassified', reason: 'empty' }],
  ['only spaces', text('   　 '), { kind: 'unclassified', reason: 'empty' }],
  ['only punctuation', text('。。。!!'), { kind: 'unclassified', reason: 'empty' }],
  ['only emoji', text('😀👍'), { kind: 'unclassified', reason: 'empty' }],
  ['a digit without context', text('1'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['a full-width digit without context', text('１'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['a Chinese numeral without context', text('一'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['digits only', text('123456'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['好', text('好'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['谢谢', text('谢谢！'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['满意 without a survey', text('满意'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['ok', text('ok'), { kind: 'unclassified', reason: 'unrecognised' }],
  ['a single letter', text('a'), { kind: 'unclassified', reason: 'unrecognised' }],
  // declared kinds
  [
    'declared opinion with topic and stance',
    { declaredKind: 'opinion', topicRef: 'T23', stance: 'support' },
    { kind: 'opinion', stance: 'support', text: null },
  ],
  [
    'declared opinion keeps its text',
    { declaredKind: 'opinion', topicRef: 't23', stance: 'oppose', text: ' 噪音太大 ' },
    { kind: 'opinion', stance: 'oppose', text: '噪音太大' },
  ],
  [
    'declared opinion without stance takes it from the text',
    { declaredKind: 'opinion', topicRef: '#23', text: '反对' },
    { kind: 'opinion', stance: 'oppose' },
  ],
  [
    'declared opinion on an unknown topic',
    { declaredKind: 'opinion', topicRef: 'T99', stance: 'support' },
    { kind: 'unclassified', reason: 'unknown_topic' },
  ],
  [
    'declared opinion with nothing',
    { declaredKind: 'opinion' },
    { kind: 'unclassified', reason: 'incomplete' },
  ],
  [
    'declared vote with topic and choice',
    { declaredKind: 'vote', topicRef: 'T23', choice: ' A ' },
    { kind: 'vote', choice: 'A' },
  ],
  [
    'declared vote without a choice',
    { declaredKind: 'vote', topicRef: 'T23' },
    { kind: 'unclassified', reason: 'topic_only' },
  ],
  [
    'declared survey answer with a full-width choice',
    { declaredKind: 'survey_answer', surveyRef: 'S1', choice: '１' },
    { kind: 'survey_answer', surveyRef: 'S1', answer: '1', questionRef: null },
  ],
  [
    'declared survey answer in words, with a question',
    { declaredKind: 'survey_answer', surveyRef: 'S1', questionRef: 'q2', text: '很满意' },
    { kind: 'survey_answer', answer: '很满意', questionRef: 'q2' },
  ],
  [
    'declared survey answer without a survey',
    { declaredKind: 'survey_answer', text: '1' },
    { kind: 'unclassified', reason: 'incomplete' },
  ],
  [
    'declared demand',
    { declaredKind: 'demand', text: '路灯不亮', location: ' 3栋 ', impact: '' },
    { kind: 'demand', text: '路灯不亮', location: '3栋', impact: null },
  ],
  [
    'declared demand as a voice message only',
    { declaredKind: 'demand', audio: { url: 'https://example.org/r.mp3', durationSeconds: 12 } },
    { kind: 'demand', text: '' },
  ],
  ['declared opt-out', { declaredKind: 'opt_out' }, { kind: 'opt_out', keyword: null }],
  ['declared opt-in', { declaredKind: 'opt_in' }, { kind: 'opt_in', keyword: null }],
  ['declared help', { declaredKind: 'help', text: '怎么用' }, { kind: 'help' }],
  [
    'declared unclassified long text, never a demand',
    { declaredKind: 'unclassified', text: '满意 不满意 说不清楚' },
    { kind: 'unclassified', reason: 'unrecognised' },
  ],
  [
    'declared unclassified empty',
    { declaredKind: 'unclassified', text: ' ' },
    { kind: 'unclassified', reason: 'empty' },
  ],
  [
    'topic field in full width with stance text',
    { topicRef: '２３', text: '支持' },
    { kind: 'opinion', stance: 'support' },
  ],
  [
    'speech recognised on a call',
    { audio: { url: 'https://example.org/r.mp3', durationSeconds: 2, speechResult: '退订' } },
    { kind: 'opt_out' },
  ],
  [
    'transcribed voice message',
    { audio: { url: 'https://example.org/r.mp3', durationSeconds: 30, transcript: '小区门口的井盖坏了' } },
    { kind: 'demand', text: '小区门口的井盖坏了' },
  ],
];

describe('classifyIntake', () => {
  it('has a table large enough to mean something', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });

  it.each(rows)('%s', (_label, intake, expected) => {
    expect(classify(intake)).toMatchObject(expected);
  });

  it('takes opposition out before looking for support, whatever the order', () => {
    expect(classify(text('T23 同意？不同意'))).toMatchObject({ stance: 'suggestion' });
    expect(classify(text('T23 我不同意'))).toMatchObject({ stance: 'oppose' });
  });

  it('never classifies the same text differently on a second call', () => {
    const first = classify(text('T23 不同意'));
    const second = classify(text('T23 不同意'));
    expect(second).toEqual(first);
  });
});

describe('findTopicRefInIntake', () => {
  it('prefers the channel field to a code in the text', () => {
    expect(findTopicRefInIntake({ topicRef: 'T5', text: 'T23 支持' })).toBe('T5');
  });

  it('finds a code in the text when there is no field', () => {
    expect(findTopicRefInIntake({ text: '关于#23，我反对' })).toBe('#23');
  });

  it('finds nothing in plain text', () => {
    expect(findTopicRefInIntake({ text: '3栋1201室漏水' })).toBeUndefined();
  });
});
