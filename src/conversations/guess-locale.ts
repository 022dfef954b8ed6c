/**
 * Which of the supported languages a resident wrote in, so a first reply can be in the same one.
 * A heuristic: Traditional and Simplified forms of the commonest characters that differ between
 * the scripts are counted, and Latin words are weighed against Han characters.
 */
import type { Locale } from '../db/schema.ts';

// Characters whose form differs between the scripts, each list in the same order, plus the
// Cantonese particles (嘅 咗 冇 喺 唔 佢 啲) that only Hong Kong writing uses.
// Forms shared by both scripts (梯, 后, 里) are left out: they are no evidence either way.
const TRADITIONAL = new Set(
  '滿對還這個們說議題樓電車環衛會麼為與應當點時過關開並從裡邊見總處機業區號歡謝請讓聽寫讀選舉體廣東話來嗎門問無長線務費價錢發聲壞難醫藥遠運動燈貨買賣識認語學員辦報書雙數據條參樣該嘅咗冇喺唔佢啲',
);
const SIMPLIFIED = new Set(
  '满对还这个们说议题楼电车环卫会么为与应当点时过关开并从边见总处机业区号欢谢请让听写读选举体广东话来吗门问无长线务费价钱发声坏难医药远运动灯货买卖识认语学员办报书双数据条参样该',
);

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /\p{Script=Latin}+/gu;
// Said by Chinese- and English-speaking residents alike, or codes rather than words.
const NOT_ENGLISH_EVIDENCE = new Set(['ok', 'okay', 'td', 't', 'y', 'n', 'sms', 'app', 'wifi']);

/**
 * The locale the text is most likely written in, or undefined when it gives no evidence
 * (digits, emoji, "OK", a topic code): the caller then keeps its default.
 */
export function guessLocale(text: string): Locale | undefined {
  const normalised = text.normalize('NFKC');
  const han = normalised.match(HAN) ?? [];
  const latinWords = (normalised.match(LATIN_WORD) ?? []).filter(
    (w) => w.length > 1 && !NOT_ENGLISH_EVIDENCE.has(w.toLowerCase()),
  );
  if (han.length === 0) return latinWords.length > 0 ? 'en' : undefined;
  // One English word beside Chinese ("满意 thanks") is a Chinese speaker's loanword;
  // a Chinese address inside an English sentence ("the lift at 3号楼") is the reverse.
  if (latinWords.length > han.length) return 'en';
  let traditional = 0;
  let simplified = 0;
  for (const c of han) {
    if (TRADITIONAL.has(c)) traditional++;
    else if (SIMPLIFIED.has(c)) simplified++;
  }
  return traditional > simplified ? 'zh-HK' : 'zh-CN';
}
