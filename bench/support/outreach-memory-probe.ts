/**
 * Loaded into the gateway process with `--import` when the outreach benchmark is asked for a memory
 * breakdown (OUTREACH_BENCH_PROBE=1): every 50 ms one line on stderr with process.memoryUsage().
 * Off by default, so that what the benchmark measures is the gateway and nothing else.
 */
const timer = setInterval(() => {
  const m = process.memoryUsage();
  process.stderr.write(
    `probe ${JSON.stringify({ rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers })}\n`,
  );
}, 50);
timer.unref();
