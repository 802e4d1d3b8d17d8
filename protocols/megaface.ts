/**
 * MegaFace Challenge 1 metrics from scores (the devkit's semantics). For each probe identity with M images,
 * each image i in turn joins the distractor gallery and every other image j of the identity probes it: the
 * trial is a hit at rank r when s(j, i) ≥ the r-th largest score of j against the distractors. Only the
 * distractors compete, so each probe needs only its top-R distractor scores per gallery size.
 */

export interface ProbeIdentities {
  /** Probe rows of each identity (every identity has at least two). */
  members: Int32Array[];
}

/**
 * Rates at ranks 1..R for one gallery size. `probeScores` is the P×P similarity of the probes;
 * `topDistractorScores` holds, per probe row, its R largest distractor scores, largest first (−∞ when the
 * gallery has fewer than R distractors).
 */
export function identificationRates(
  identities: ProbeIdentities,
  probeScores: Float32Array,
  probeCount: number,
  topDistractorScores: Float32Array,
  ranks: number,
): number[] {
  const hits = new Float64Array(ranks);
  let trials = 0;
  for (const members of identities.members) {
    for (const j of members) {
      const top = j * ranks;
      for (const i of members) {
        if (i === j) continue;
        trials++;
        const s = probeScores[j * probeCount + i];
        // The top list is sorted descending, so once the trial is a hit at rank r it is one at every larger rank.
        for (let r = 0; r < ranks; r++) {
          if (s >= topDistractorScores[top + r]) {
            for (let q = r; q < ranks; q++) hits[q]++;
            break;
          }
        }
      }
    }
  }
  return Array.from(hits, (h) => h / trials);
}

/** Σ M(M−1): the number of identification trials. */
export function trialCount(identities: ProbeIdentities): number {
  return identities.members.reduce((sum, m) => sum + m.length * (m.length - 1), 0);
}

/** Genuine verification scores: every unordered same-identity probe pair once. */
export function genuineScores(identities: ProbeIdentities, probeScores: Float32Array, probeCount: number): Float32Array {
  const out: number[] = [];
  for (const members of identities.members) {
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) out.push(probeScores[members[a] * probeCount + members[b]]);
    }
  }
  return Float32Array.from(out);
}
