/**
 * The words residents answer with, in Simplified and Traditional Chinese, Cantonese and English: one
 * list for every channel that reads answers, so a word taught to the SMS reader is understood on the
 * phone line too. How a channel finds the words in what it received is its own business.
 */
import type { SatisfactionLevel } from '../db/schema.ts';

export type Side = 'support' | 'oppose';

export interface AnswerWords {
  strong: readonly string[];
  /**
   * Weak words are everyday syllables ("好", "是", "对", "不", "一般") that start many unrelated
   * sentences ("好几天没水了", "对面楼太吵", "不知道"): they count only when they stand alone.
   */
  weak?: readonly string[];
}

// Sentence-final particles: "好的", "满意了", "可以啊" say no more than "好", "满意", "可以".
// 吗/嗎 are left out on purpose: "可以吗" asks, it does not answer.
export const SENTENCE_PARTICLES = '了的啊呀吧啦哦喔呢嘛噢哈哟滴咯啰囉喇';

/** Han numerals and their financial and regional forms ("幺" is how a one is read out in numbers). */
export const HAN_DIGITS: Readonly<Record<string, number>> = {
  〇: 0,
  零: 0,
  一: 1,
  壹: 1,
  幺: 1,
  二: 2,
  贰: 2,
  貳: 2,
  两: 2,
  兩: 2,
  三: 3,
  叁: 3,
  參: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  陸: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};

export const SATISFACTION_WORDS: Readonly<Record<SatisfactionLevel, AnswerWords>> = {
  very_satisfied: {
    strong: [
      '非常满意',
      '非常滿意',
      '很满意',
      '很滿意',
      '十分满意',
      '十分滿意',
      '特别满意',
      '特別滿意',
      '超满意',
      '超滿意',
      '太满意',
      '太滿意',
      '好满意',
      '好滿意',
      '极其满意',
      '極其滿意',
      '相当满意',
      '相當滿意',
      'very satisfied',
      'extremely satisfied',
      'highly satisfied',
      'completely satisfied',
      'totally satisfied',
    ],
  },
  satisfied: {
    strong: [
      '满意',
      '滿意',
      '挺满意',
      '挺滿意',
      '蛮满意',
      '蠻滿意',
      '幾滿意',
      'satisfied',
      'quite satisfied',
    ],
  },
  // The plan counts the first three levels as satisfied, so a lukewarm "一般" ("so-so") is read as
  // the lowest of those, 基本满意, rather than as dissatisfaction; "OK" is its English equivalent.
  basically_satisfied: {
    strong: [
      '基本满意',
      '基本滿意',
      '比较满意',
      '比較滿意',
      '还算满意',
      '還算滿意',
      'basically satisfied',
      'fairly satisfied',
      'somewhat satisfied',
      'mostly satisfied',
      'ok',
      'okay',
      'fine',
      'so-so',
      'so so',
      'average',
    ],
    weak: [
      '一般',
      '一般般',
      '还行',
      '還行',
      '还可以',
      '還可以',
      '还好',
      '還好',
      '凑合',
      '湊合',
      '马马虎虎',
      '馬馬虎虎',
      '过得去',
      '過得去',
    ],
  },
  dissatisfied: {
    strong: [
      '不满意',
      '不滿意',
      '不太满意',
      '不太滿意',
      '不大满意',
      '不大滿意',
      '不是很满意',
      '不是很滿意',
      '唔满意',
      '唔滿意',
      'dissatisfied',
      'unsatisfied',
      'not satisfied',
      'not very satisfied',
      'not really satisfied',
    ],
  },
  very_dissatisfied: {
    strong: [
      '很不满意',
      '很不滿意',
      '非常不满意',
      '非常不滿意',
      '极不满意',
      '極不滿意',
      '极其不满意',
      '極其不滿意',
      '十分不满意',
      '十分不滿意',
      '特别不满意',
      '特別不滿意',
      '太不满意',
      '太不滿意',
      '好不满意',
      '好唔滿意',
      '好唔满意',
      '一点也不满意',
      '一點也不滿意',
      '一点都不满意',
      '一點都不滿意',
      'very dissatisfied',
      'very unsatisfied',
      'extremely dissatisfied',
      'extremely unsatisfied',
      'highly dissatisfied',
      'completely dissatisfied',
      'totally dissatisfied',
      'not satisfied at all',
      'not at all satisfied',
    ],
  },
};

export const STANCE_WORDS: Readonly<Record<Side, AnswerWords>> = {
  support: {
    strong: ['支持', '同意', '赞成', '贊成', 'support', 'agree', 'approve'],
    weak: [
      '是',
      '是的',
      '好',
      '好的',
      '对',
      '對',
      '对的',
      '對的',
      '行',
      '可以',
      '可以的',
      '没问题',
      '沒問題',
      '冇問題',
      '係',
      '得',
      '嗯',
      'yes',
      'y',
      'yeah',
      'yep',
      'sure',
    ],
  },
  oppose: {
    strong: [
      '反对',
      '反對',
      '不同意',
      '不支持',
      '不赞成',
      '不贊成',
      '唔同意',
      '唔支持',
      '唔贊成',
      'disagree',
      'oppose',
      'against',
    ],
    weak: [
      '否',
      '不',
      '不行',
      '不好',
      '不是',
      '不对',
      '不對',
      '不可以',
      '不要',
      '唔',
      '唔係',
      '唔得',
      '唔好',
      'no',
      'n',
      'nope',
    ],
  },
};
