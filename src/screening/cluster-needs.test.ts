import { describe, expect, it } from 'vitest';
import { clusterNeeds, MAX_NEEDS_PER_RUN } from './cluster-needs.ts';
import { needTerms } from './need-terms.ts';

/** Needs as residents write them: the same three concerns in different words, plus odd ones out. */
const LIFT = [
  '3号楼都是老人，爬六楼太难了，希望加装电梯',
  '我们楼没有电梯，腿脚不好上下楼很困难，建议装电梯',
  '老旧小区加装电梯的事什么时候能落实？',
  '5号楼想装电梯，费用怎么分摊？',
  '住在六楼，年纪大了爬楼梯吃力，盼望加装电梯',
  '加装电梯低层住户有意见，需要协商',
];
const PARKING = [
  '晚上回来小区停车位太少，车只能停在消防通道',
  '车位不够，经常找不到地方停车',
  '外来车辆占用小区车位，业主停车难',
  '希望规划更多停车位，解决夜间停车难',
  '能不能和附近单位错时共享停车场',
];
const CANTEEN = [
  '社区能不能办个老年食堂，老人做饭不方便',
  '独居老人吃饭困难，希望有助餐点',
  '建议开设长者饭堂，价格实惠一点',
  '老年人就餐难，希望社区提供送餐服务',
  '希望在社区服务中心开老年食堂',
  '爸妈年纪大了，中午吃饭没着落，有没有老年助餐',
];
const CHARGING = ['电动车没地方充电，只能拉线到楼道', '楼下充电桩太少了，电瓶车充不上电'];
const SINGLES = ['楼道灯坏了好几天了', '垃圾分类桶太臭了，夏天蚊子多'];
const NOISE = ['你好', '123', '同意'];

function fixture() {
  // Interleaved, as messages arrive.
  const texts: string[] = [];
  const groups = [LIFT, PARKING, CANTEEN, CHARGING, SINGLES, NOISE];
  for (let i = 0; i < 6; i += 1) for (const g of groups) if (g[i]) texts.push(g[i] as string);
  return texts.map((text, i) => ({ id: `n${String(i).padStart(2, '0')}`, text }));
}

function textsOf(ids: string[], docs: { id: string; text: string }[]): string[] {
  return ids.map((id) => docs.find((d) => d.id === id)?.text ?? '').sort();
}

describe('clusterNeeds', () => {
  it('groups lift, parking, canteen and charging needs into one theme each, whatever the wording', () => {
    const docs = fixture();
    const { themes, ungroupable } = clusterNeeds(docs);
    const grouped = themes.filter((t) => t.memberIds.length > 1).map((t) => textsOf(t.memberIds, docs));
    expect(grouped).toEqual(
      expect.arrayContaining([
        [...LIFT].sort(),
        [...PARKING].sort(),
        [...CANTEEN].sort(),
        [...CHARGING].sort(),
      ]),
    );
    expect(grouped).toHaveLength(4);
    // The odd ones out stay alone; messages with nothing to compare are set apart.
    const alone = themes.filter((t) => t.memberIds.length === 1).map((t) => textsOf(t.memberIds, docs)[0]);
    expect(alone.sort()).toEqual([...SINGLES].sort());
    expect(textsOf(ungroupable, docs)).toEqual([...NOISE].sort());
  });

  it('labels each theme with the words its needs share, synonyms folded together', () => {
    const docs = fixture();
    const { themes } = clusterNeeds(docs);
    const labelOf = (sample: string) =>
      themes.find((t) => textsOf(t.memberIds, docs).includes(sample))?.terms[0];
    expect(labelOf(LIFT[0] as string)).toBe('电梯');
    expect(labelOf(PARKING[0] as string)).toBe('停车');
    // 食堂, 饭堂, 助餐点, 就餐, 吃饭 are one concern.
    expect(labelOf(CANTEEN[2] as string)).toBe('助餐');
    expect(labelOf(CHARGING[0] as string)).toBe('充电');
  });

  it('lists themes largest first and picks a representative need from inside the theme', () => {
    const docs = fixture();
    const { themes } = clusterNeeds(docs);
    const sizes = themes.map((t) => t.memberIds.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    for (const t of themes) expect(t.memberIds).toContain(t.representativeId);
  });

  it('gives the same themes on every run and for any arrival order', () => {
    const docs = fixture();
    const once = clusterNeeds(docs);
    expect(clusterNeeds(docs)).toEqual(once);
    const normalise = (r: ReturnType<typeof clusterNeeds>) =>
      r.themes.map((t) => [...t.memberIds].sort().join(',')).sort();
    expect(normalise(clusterNeeds([...docs].reverse()))).toEqual(normalise(once));
  });

  it('puts a lift need that mentions the elderly with the lifts, not with the elderly canteen', () => {
    const docs = fixture();
    const { themes } = clusterNeeds(docs);
    const themeOf = (text: string) => themes.find((t) => textsOf(t.memberIds, docs).includes(text));
    // "3号楼都是老人…加装电梯" shares 老人 with the canteen needs and 电梯 with the lift needs.
    expect(themeOf(LIFT[0] as string)).toBe(themeOf(LIFT[1] as string));
    expect(themeOf(LIFT[0] as string)).not.toBe(themeOf(CANTEEN[0] as string));
  });

  it('refuses more needs than one run can hold', () => {
    const many = Array.from({ length: MAX_NEEDS_PER_RUN + 1 }, (_, i) => ({ id: String(i), text: '停车难' }));
    expect(() => clusterNeeds(many)).toThrow(RangeError);
  });
});

describe('needTerms', () => {
  it('finds dictionary words, drops function words and adds character pairs', () => {
    const terms = needTerms('希望加装电梯');
    expect(terms.words).toContain('电梯');
    expect(terms.words).not.toContain('希望');
    expect(terms.pairs).toContain('~加装');
  });

  it('finds synonyms the dictionary leaves as single characters', () => {
    expect(needTerms('建议开设长者饭堂').words).toEqual(expect.arrayContaining(['老年', '助餐']));
  });

  it('reads full-width and English text', () => {
    expect(needTerms('ＬＩＦＴ needed for Block 3').words).toEqual(['elevator', 'needed', 'block']);
  });
});
