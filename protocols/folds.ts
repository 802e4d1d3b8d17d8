/**
 * Fold split of sklearn.model_selection.KFold(n_splits, shuffle=False), which insightface's verification.py
 * uses: consecutive blocks in input order, the first n % k folds one item larger.
 */
export interface FoldRange {
  /** First index of the test block. */
  start: number;
  /** One past its last index. */
  end: number;
}

export function consecutiveFolds(count: number, folds: number): FoldRange[] {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`need at least 2 folds, got ${folds}`);
  if (count < folds) throw new Error(`cannot split ${count} items into ${folds} folds`);
  const base = Math.floor(count / folds);
  const larger = count % folds;
  const out: FoldRange[] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const end = start + base + (f < larger ? 1 : 0);
    out.push({ start, end });
    start = end;
  }
  return out;
}
