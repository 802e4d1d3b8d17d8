import seedrandom from 'seedrandom';

/**
 * Random values a loss head draws per training step (ElasticFace's margins). They are a pure function of the
 * run's seed and the step, not of a generator's position, so a run is reproducible and one resumed from a
 * checkpoint draws exactly what the uninterrupted run drew at that step, with nothing extra to checkpoint.
 */
export function stepNormalDraws(seed: number, step: number, count: number, mean: number, std: number): Float32Array {
  // A key of its own: the trainer seeds Math.random from `math-random:<seed>:<step>` for tfjs's own draws.
  const uniform = seedrandom(`loss-draws:${seed}:${step}`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
    const z = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    out[i] = mean + std * z;
  }
  return out;
}
