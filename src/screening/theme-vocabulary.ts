/**
 * The small vocabulary screening needs beyond ICU's dictionary: function words and complaint words
 * that every need shares (they would make unrelated needs look alike), and everyday synonyms residents
 * use for the same thing (老人/长者/老年人, 食堂/饭堂/助餐). Kept short on purpose: a term missing
 * here costs a little recall, a wrong synonym merges themes that are not the same.
 */

const STOP_WORDS = new Set(
  [
    // function words, pronouns, particles
    '的 了 着 过 是 在 有 和 与 及 或 也 都 就 还 又 再 才 把 被 给 让 对 从 向 到 为 以 于 而 且 但 并',
    '我 我们 咱们 你 你们 您 他 她 它 他们 她们 大家 自己 这 那 这个 那个 这些 那些 这里 那里 这边 那边',
    '什么 怎么 怎么办 怎样 为什么 哪里 哪儿 多少 几 吗 呢 吧 啊 呀 哦 嗯 哈 么 之 其',
    '因为 所以 如果 但是 可是 而且 虽然 然后 还是 或者 已经 一直 经常 总是 现在 目前 今天 最近 马上',
    // requests and complaints every need shares
    '希望 建议 想 想要 要 需要 请 请问 麻烦 能 能否 能不能 可以 可否 应该 一下 一些 一点 有点 有些',
    '问题 情况 事情 事 方面 很 太 非常 特别 比较 十分 挺 真 好 不 没 没有 不能 不会 无法 难 难了',
    '不够 太少 太多 不足 困难 不便 不方便 方便 解决 处理 反映 反应 看看 关注 帮忙 帮助 谢谢 您好 你好',
    '只能 地方 都是 住在 回来 经常 一般 还有 时候 什么时候 感觉 觉得 知道 出来 起来 下来 上去',
    '社区 小区 居民 住户 业主 街道 居委会 网格 网格员 政府 领导 相关 部门',
    // bare replies that say yes or no to nothing in particular
    '同意 不同意 支持 赞成 反对 好的 收到 是的 对的 行 嗯嗯 ok okay yes',
    // English
    'the and for with that this please would could should there their our are was were have has not',
    'too very need needs want wants more some can cannot about from into any all get',
  ]
    .join(' ')
    .split(/\s+/)
    .filter(Boolean),
);

/** Everyday words folded onto one canonical term. */
const SYNONYMS: Record<string, string> = {
  老人: '老年',
  老年人: '老年',
  老人家: '老年',
  长者: '老年',
  长辈: '老年',
  高龄: '老年',
  食堂: '助餐',
  饭堂: '助餐',
  餐厅: '助餐',
  餐点: '助餐',
  助餐点: '助餐',
  就餐: '助餐',
  用餐: '助餐',
  吃饭: '助餐',
  送餐: '助餐',
  升降机: '电梯',
  直梯: '电梯',
  车位: '停车',
  停车位: '停车',
  停车场: '停车',
  泊车: '停车',
  停放: '停车',
  充电桩: '充电',
  充电棚: '充电',
  充电站: '充电',
  电瓶车: '电动车',
  电单车: '电动车',
  垃圾桶: '垃圾',
  垃圾箱: '垃圾',
  路灯: '照明',
  楼道灯: '照明',
  自来水: '供水',
  水压: '供水',
  停水: '供水',
  lift: 'elevator',
  lifts: 'elevator',
  elevators: 'elevator',
  parking: 'park',
  canteen: 'meals',
};

export function isStopWord(term: string): boolean {
  return STOP_WORDS.has(term);
}

/** The term a word is counted as. */
export function canonicalTerm(word: string): string {
  return SYNONYMS[word] ?? word;
}

const HAN_SYNONYMS = Object.keys(SYNONYMS).filter((k) => /^\p{Script=Han}+$/u.test(k));

/**
 * Canonical terms hidden in a run of characters the dictionary left single ("长|者|饭|堂" holds 长者
 * and 饭堂), longest match first, left to right.
 */
export function synonymsWithin(run: string): string[] {
  const chars = [...run];
  const found: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let matched = 0;
    for (const key of HAN_SYNONYMS) {
      const length = [...key].length;
      if (length > matched && chars.slice(i, i + length).join('') === key) matched = length;
    }
    if (matched > 0) {
      found.push(canonicalTerm(chars.slice(i, i + matched).join('')));
      i += matched;
    } else {
      i += 1;
    }
  }
  return found;
}
