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
    ['好唔滿意', 'very_dissatisfied'],
    ['一般人都这么说', undefined],
    ['四', 'dissatisfied'],
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
