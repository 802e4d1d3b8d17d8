/**
 * sklearn.metrics.roc_curve transcribed as plainly as possible (sort all labelled scores descending, one
 * point per distinct score, drop_intermediate by second differences, prepend (0, 0)): the brute force the
 * protocol tests check protocols/roc.ts against.
 */
export function referenceRoc(genuine: readonly number[], impostor: readonly number[]): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  const all = [...genuine.map((s) => ({ s, y: 1 })), ...impostor.map((s) => ({ s, y: 0 }))].sort((a, b) => b.s - a.s);
  const fps: number[] = [];
  const tps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  let fp = 0;
  all.forEach((e, k) => {
    tp += e.y;
    fp += 1 - e.y;
    if (k === all.length - 1 || all[k + 1].s !== e.s) {
      fps.push(fp);
      tps.push(tp);
      thr.push(e.s);
    }
  });
  const keep = fps.map((_, k) => k === 0 || k === fps.length - 1 || fps[k - 1] - 2 * fps[k] + fps[k + 1] !== 0 || tps[k - 1] - 2 * tps[k] + tps[k + 1] !== 0);
  const F = [0, ...fps.filter((_, k) => keep[k])];
  const T = [0, ...tps.filter((_, k) => keep[k])];
  return {
    fpr: F.map((v) => v / F[F.length - 1]),
    tpr: T.map((v) => v / T[T.length - 1]),
    thresholds: [Infinity, ...thr.filter((_, k) => keep[k])],
  };
}

/** np.argmin(abs(fpr − target)) then tpr at it. */
export function referenceTarAtFar(roc: { fpr: number[]; tpr: number[] }, target: number): number {
  let best = 0;
  roc.fpr.forEach((f, k) => {
    if (Math.abs(f - target) < Math.abs(roc.fpr[best] - target)) best = k;
  });
  return roc.tpr[best];
}
