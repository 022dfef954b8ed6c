/** One measured number from a benchmark, as `bench/run.ts` prints and records it. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}
