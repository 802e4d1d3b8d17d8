import type { Leaderboard } from '../harness/run-store/leaderboard.js';

/**
 * What a table cell's mean ± std runs over, said once for every renderer: seeds in an ordinary sweep; in a
 * cross-validation sweep the held-out folds (times seeds), each run trained without its fold's people and scored
 * on that fold alone.
 */
export interface StudySpread {
  /** Header of the runs-count column. */
  header: 'Seeds' | 'Folds' | 'Runs';
  /** The table caption, plain text. */
  caption: string;
  /** One sentence on the cross-validation, for the report's introduction and provenance; null for an ordinary sweep. */
  crossValidation: string | null;
}

const BEST = 'best per column in bold.';

export function studySpread(board: Pick<Leaderboard, 'folds' | 'rows'>): StudySpread {
  const folds = board.folds;
  if (!folds) return { header: 'Seeds', caption: `Mean ± std over seeds (population std); ${BEST}`, crossValidation: null };
  const k = folds.test.length;
  // More planned runs than folds means several seeds per fold.
  const seedsPerFold = Math.max(1, ...board.rows.map((r) => Math.round((r.seeds?.planned ?? k) / k)));
  const over = seedsPerFold > 1 ? `${k} held-out folds × ${seedsPerFold} seeds` : `the ${k} held-out folds`;
  return {
    header: seedsPerFold > 1 ? 'Runs' : 'Folds',
    caption: `Mean ± std over ${over} of ${folds.dataset}: one run per test fold, trained without that fold's identities and scored on its pairs alone (population std); ${BEST}`,
    crossValidation:
      `Cross-validation on ${folds.dataset}: for each test fold k (${folds.test.join(', ')}), every loss trains only on the identities of the other folds ` +
      `and is scored on fold k's pairs alone, its threshold chosen on the other folds' pairs; each table cell is the mean ± std over those runs.`,
  };
}

/** The description and the cross-validation sentence as one paragraph, the description closed with a full stop. */
export function studyText(study: { description: string | null; crossValidation: string | null }): string | null {
  const description = study.description === null ? null : /[.!?]$/.test(study.description.trim()) ? study.description.trim() : `${study.description.trim()}.`;
  const parts = [description, study.crossValidation].filter((t): t is string => t !== null);
  return parts.length ? parts.join(' ') : null;
}
