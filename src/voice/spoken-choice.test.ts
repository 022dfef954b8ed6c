import { describe, expect, it } from 'vitest';
import { globalActionOf } from './global-keys.ts';
import { matchOption, spokenNumber, wordList } from './spoken-choice.ts';

const stances = [
  { value: 'support', key: '1', words: wordList('支持,同意,赞成,support,agree') },
  { value: 'oppose', key: '2', words: wordList('反对,不同意,不支持,oppose,disagree,against') },
  { value: 'suggestion', key: '3', words: wordList('建议,suggestion') },
] as const;

describe('matchOption', () => {
  it.each([
    [{ digits: '1' }, 'support'],
    [{ digits: '2' }, 'oppose'],
    [{ digits: '7' }, undefined],
    [{ speech: '我支持。' }, 'support'],
    [{ speech: '我不同意' }, 'oppose'],
    [{ speech: '不支持' }, 'oppose'],
    [{ speech: 'I Disagree.' }, 'oppose'],
    [{ speech: 'I agree' }, 'support'],
    [{ speech: '我有个建议' }, 'suggestion'],
    [{ speech: '二' }, 'oppose'],
    [{ speech: 'number three' }, 'suggestion'],
    [{ speech: '今天天气不错' }, undefined],
    [{ speech: '' }, undefined],
  ])('%j → %s', (input, expected) => {
    expect(matchOption(input, stances)).toBe(expected);
  });

  it('matches English words whole, not inside other words', () => {
    const options = [{ value: 'skip', key: '2', words: ['no'] }] as const;
    expect(matchOption({ speech: 'I know' }, options)).toBeUndefined();
    expect(matchOption({ speech: 'No, thanks' }, options)).toBe('skip');
  });
});

describe('matchOption with the words SMS replies use', () => {
  it.each([
    [{ speech: '唔同意。' }, 'oppose'],
    [{ speech: '我唔支持' }, 'oppose'],
    [{ speech: '我贊成' }, 'support'],
    [{ speech: '反對！' }, 'oppose'],
    [{ speech: 'I approve.' }, 'support'],
    [{ speech: '好的' }, 'support'],
    [{ speech: '嗯，好的好的' }, 'support'],
    [{ speech: '那个，可以啊' }, 'support'],
    [{ speech: '係' }, 'support'],
    [{ speech: 'Yes.' }, 'support'],
    [{ speech: 'Um, no.' }, 'oppose'],
    [{ speech: 'nope' }, 'oppose'],
    [{ speech: '不' }, 'oppose'],
    [{ speech: '不行啊' }, 'oppose'],
    [{ speech: '唔得' }, 'oppose'],
  ])('%j → %s', (input, expected) => {
    expect(matchOption(input, stances)).toBe(expected);
  });

  it.each([['嗯'], ['嗯嗯'], ['好几天没水了'], ['不知道'], ['好，我想想'], ['yes and no'], ['I know']])(
    'reads %s as no stance: weak words and hesitations count only alone',
    (speech) => {
      expect(matchOption({ speech }, stances)).toBeUndefined();
    },
  );

  // What the phone line offers, support words included: each hedge holds one of them ("同意",
  // "赞同", "agree", "in favour"), which the longest-word rule must not let win.
  const offered = [
    {
      value: 'support',
      key: '1',
      words: wordList('支持,同意,赞成,赞同,贊成,贊同,support,agree,in favour,in favor'),
    },
    { value: 'oppose', key: '2', words: wordList('反对,不同意,唔同意,oppose,against,disagree,object') },
  ] as const;

  it.each([
    '不太同意',
    '不太支持',
    '不大同意',
    '不怎么同意',
    '不怎麼同意',
    '不是很同意',
    '不是很支持',
    '不太赞成',
    '不太贊成',
    '不赞同',
    '不太赞同',
    '唔係好同意',
    '唔太同意',
    '唔係好支持',
    'not really agree',
    "don't agree",
    'do not agree',
    "don't support",
    'not support',
    'not in favour',
    'not in favor',
    "I don't really agree.",
    'I don’t agree.',
    'Um, I do not support it.',
    "I'm not in favour.",
    '我不太同意。',
    '嗯，我不是很支持',
    '唔係好同意囉',
  ])('reads the hedged no %j as opposition', (speech) => {
    expect(matchOption({ speech }, offered)).toBe('oppose');
    expect(matchOption({ speech }, stances)).toBe('oppose');
  });

  it.each([
    '同意',
    '我同意',
    '非常同意',
    '很支持',
    '我好支持',
    'agree',
    'I agree',
    "I'm in favour.",
    "I couldn't agree more.",
  ])('still reads %j as support', (speech) => {
    expect(matchOption({ speech }, offered)).toBe('support');
  });

  it.each([
    ['非常同意', 'support'],
    ['完全同意', 'support'],
    ['我坚决支持', 'support'],
    ['雙手贊成', 'support'],
    ['好支持呀', 'support'],
    ['Strongly agree.', 'support'],
    ['I fully support it.', 'support'],
    ['in favor', 'support'],
    ['坚决反对', 'oppose'],
    ['完全不同意', 'oppose'],
    ['非常不同意', 'oppose'],
    ['好反對', 'oppose'],
    ['極之反對', 'oppose'],
    ['Strongly disagree.', 'oppose'],
    ['totally disagree', 'oppose'],
    ['disagree', 'oppose'],
    ["I'm not really in favour.", 'oppose'],
  ] as const)('reads the intensified %j as the stance it stresses', (speech, expected) => {
    expect(matchOption({ speech }, offered)).toBe(expected);
    expect(matchOption({ speech }, stances)).toBe(expected);
  });

  it.each([
    "I don't disagree.",
    'I don’t disagree',
    'I do not disagree',
    "I'm not against it.",
    '我不反对',
    '唔反對',
    '很好',
  ])('reads the double negative or remark %j as no stance', (speech) => {
    expect(matchOption({ speech }, offered)).toBeUndefined();
    expect(matchOption({ speech }, stances)).toBeUndefined();
  });

  it('keeps double negatives to questions about a stance', () => {
    const offer = [{ value: 'callback', key: '1', words: ['against'] }] as const;
    expect(matchOption({ speech: 'not against' }, offer)).toBe('callback');
  });

  const levels = [
    { value: 'very_satisfied', key: '1', words: [] },
    { value: 'satisfied', key: '2', words: [] },
    { value: 'basically_satisfied', key: '3', words: [] },
    { value: 'dissatisfied', key: '4', words: [] },
    { value: 'very_dissatisfied', key: '5', words: [] },
  ] as const;

  it.each([
    ['非常满意', 'very_satisfied'],
    ['我挺滿意的', 'satisfied'],
    ['還算滿意', 'basically_satisfied'],
    ['一般般', 'basically_satisfied'],
    ['嗯，还行吧', 'basically_satisfied'],
    ["It's okay.", 'basically_satisfied'],
    ['不是很满意', 'dissatisfied'],
    ['Not very satisfied', 'dissatisfied'],
    ['我很不满意', 'very_dissatisfied'],
    ['很不滿意', 'very_dissatisfied'],
    ['满意', 'satisfied'],
    ['非常同意', undefined],
    ['好唔滿意', 'very_dissatisfied'],
    ['一般人都这么说', undefined],
    ['四', 'dissatisfied'],
    // A degree adverb sets the level, however much of the word inside it is a word of another level.
    ['我完全满意', 'very_satisfied'],
    ['百分百滿意', 'very_satisfied'],
    ['绝对满意', 'very_satisfied'],
    ['不够满意', 'dissatisfied'],
    ['还满意吧', 'satisfied'],
    ['麻麻哋啦', 'basically_satisfied'],
    ['不怎么满意', 'dissatisfied'],
    ['唔係好滿意', 'dissatisfied'],
    ['唔太滿意', 'dissatisfied'],
    ['不是太满意', 'dissatisfied'],
    ['有点不满意', 'dissatisfied'],
    ['完全不满意', 'very_dissatisfied'],
    ['極之不滿意', 'very_dissatisfied'],
  ])('%s → %s', (speech, expected) => {
    expect(matchOption({ speech }, levels)).toBe(expected);
  });
});

describe('spokenNumber', () => {
  it.each([
    ['23', 23],
    ['２３', 23],
    ['二十三', 23],
    ['十二', 12],
    ['十', 10],
    ['一百零五', 105],
    ['第二个', 2],
    ['議題十二', 12],
    ['按3', 3],
    ['twenty three', 23],
    ['Topic 5.', 5],
    ['number seven', 7],
    ['再说一遍', undefined],
    ['一遍又一遍', undefined],
    ['I want two topics', undefined],
    ['', undefined],
  ])('%s → %s', (text, expected) => {
    expect(spokenNumber(text)).toBe(expected);
  });
});

describe('globalActionOf', () => {
  const words = {
    repeat: wordList('重听,再说一遍,repeat'),
    person: wordList('人工,工作人员,operator'),
    slow: wordList('慢一点,slower'),
  };
  it('reads *, 0 and 9, and the words for them', () => {
    expect(globalActionOf({ digits: '*' }, words)).toBe('repeat');
    expect(globalActionOf({ digits: '0' }, words)).toBe('person');
    expect(globalActionOf({ digits: '9' }, words)).toBe('slow');
    expect(globalActionOf({ digits: '1' }, words)).toBeUndefined();
    expect(globalActionOf({ speech: '请说慢一点' }, words)).toBe('slow');
    expect(globalActionOf({ speech: 'Operator please' }, words)).toBe('person');
  });
  it('never reads a spoken number as a key', () => {
    expect(globalActionOf({ speech: '九' }, words)).toBeUndefined();
    expect(globalActionOf({ speech: '零' }, words)).toBeUndefined();
  });
});
