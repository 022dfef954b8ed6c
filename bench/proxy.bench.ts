/**
 * Proxy supervision: how long the anomaly flags take for one proxy's records (near-identical texts
 * compare every pair within 7 days, so the cost grows with the square of a busy month's records).
 */
import { performance } from 'node:perf_hooks';
import { createSeededRandom } from '../src/demo/seeded-random.ts';
import { type AnomalyRecord, detectProxyAnomalies } from '../src/proxy/proxy-anomalies.ts';
import type { BenchResult } from './bench-result.ts';

const PHRASES = [
  '加装电梯',
  '楼道灯坏了',
  '停车位太少',
  '垃圾清运不及时',
  '水压太低',
  '希望开老年食堂',
  '广场舞太吵',
];
const PLACES = ['3号楼', '5号楼', '东门', '北区', '12栋', ''];

function records(count: number, seed: number): AnomalyRecord[] {
  const random = createSeededRandom(seed);
  const now = Date.parse('2026-11-27T12:00:00Z');
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    residentId: `p${i % Math.max(1, Math.floor(count * 0.8))}`,
    communityId: random.pick(['c1', 'c1', 'c1', 'c2']),
    text: `${random.pick(PLACES)}${random.pick(PHRASES)}，${random.pick(PHRASES)}`,
    // A month of visits, busiest in the last week.
    recordedAt: new Date(now - Math.floor(random.next() * 30 * 24 * 60) * 60_000),
  }));
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const size of [100, 500, 2_000]) {
    const input = records(size, size);
    detectProxyAnomalies(input, ['c1'], new Date('2026-11-27T12:00:00Z'));
    const rounds = size >= 2_000 ? 3 : 10;
    const started = performance.now();
    for (let i = 0; i < rounds; i += 1) detectProxyAnomalies(input, ['c1'], new Date('2026-11-27T12:00:00Z'));
    results.push({
      name: `anomaly flags for one proxy, ${size} records in 30 days`,
      value: Number(((performance.now() - started) / rounds).toFixed(2)),
      unit: 'ms',
    });
  }
  return results;
}
