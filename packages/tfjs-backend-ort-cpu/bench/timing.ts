/** Median wall time of `fn` after `warmup` calls; repeats at least `minReps` times and for at least `minMs`. */
export function medianMs(fn: () => void, { warmup = 1, minReps = 3, maxReps = 20, minMs = 1000 } = {}): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minReps || (times.length < maxReps && performance.now() - start < minMs)) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
