/**
 * Screening: how long grouping needs into themes takes (segmentation, TF-IDF, average-linkage
 * clustering) for 500, 1,000 and 3,000 needs (the most one run takes), and how well it recovers the
 * concerns a synthetic corpus was built from (purity: the share of needs whose theme's majority concern
 * is their own).
 */
import { performance } from 'node:perf_hooks';
import { createSeededRandom } from '../src/demo/seeded-random.ts';
import { clusterNeeds, MAX_NEEDS_PER_RUN } from '../src/screening/cluster-needs.ts';
import type { BenchResult } from './bench-result.ts';

/** Eight everyday concerns, each said in several ways, with openings and closings residents add. */
const CONCERNS: Record<string, string[]> = {
  lift: ['加装电梯', '装个电梯', '老楼没有电梯爬楼太累', '电梯费用怎么分摊', '电梯加装进度'],
  parking: ['停车位太少', '晚上没地方停车', '车位不够用', '外来车辆占用车位', '夜间停车难'],
  canteen: ['开办老年食堂', '老人吃饭不方便', '希望有助餐点', '长者饭堂价格', '给独居老人送餐'],
  charging: ['电动车充电桩不够', '电瓶车没地方充电', '楼道里私拉电线充电', '建充电棚'],
  rubbish: ['垃圾桶太臭', '垃圾分类投放点太远', '垃圾清运不及时', '垃圾箱满了没人收'],
  water: ['水压太低', '经常停水', '自来水发黄', '二次供水设备老化'],
  lighting: ['路灯不亮', '楼道灯坏了', '晚上小路太黑', '照明不足'],
  noise: ['广场舞太吵', '晚上施工噪音大', '楼下商铺音响吵'],
};
const OPENINGS = ['', '希望', '建议', '我们', '', '请问', '麻烦'];
const PLACES = ['3号楼', '5号楼', '小区', '东门', '北区', '12栋', ''];
const CLOSINGS = ['', '，谢谢', '。', '，请尽快解决', '！', '，大家都很着急'];

function corpus(size: number, seed: number) {
  const random = createSeededRandom(seed);
  const names = Object.keys(CONCERNS);
  return Array.from({ length: size }, (_, i) => {
    const concern = random.pick(names);
    const text = `${random.pick(OPENINGS)}${random.pick(PLACES)}${random.pick(CONCERNS[concern] ?? [])}${random.pick(CLOSINGS)}`;
    return { id: `n${i}`, text, concern };
  });
}

function purity(docs: { id: string; concern: string }[], themes: { memberIds: string[] }[]): number {
  const concernOf = new Map(docs.map((d) => [d.id, d.concern]));
  let agreeing = 0;
  for (const theme of themes) {
    const counts = new Map<string, number>();
    for (const id of theme.memberIds)
      counts.set(concernOf.get(id) ?? '', (counts.get(concernOf.get(id) ?? '') ?? 0) + 1);
    agreeing += Math.max(...counts.values());
  }
  return agreeing / docs.length;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const size of [500, 1000, MAX_NEEDS_PER_RUN]) {
    const docs = corpus(size, 20260918 + size);
    clusterNeeds(docs.slice(0, 100));
    const times: number[] = [];
    let themes: ReturnType<typeof clusterNeeds>['themes'] = [];
    for (let run = 0; run < 3; run += 1) {
      const started = performance.now();
      themes = clusterNeeds(docs).themes;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const recurring = themes.filter((t) => t.memberIds.length > 1);
    results.push({
      name: `screening: group ${size} needs`,
      value: Math.round(times[1] ?? 0),
      unit: 'ms',
      note: `median of 3; ${recurring.length} recurring themes, ${themes.length - recurring.length} single`,
    });
    results.push({
      name: `screening: theme purity (${size} needs, 8 concerns)`,
      value: Math.round(purity(docs, themes) * 1000) / 10,
      unit: '%',
    });
  }
  return results;
}
