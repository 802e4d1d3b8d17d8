import { join } from 'node:path';
import { lfwImageKey, writeLfwPairs, type LfwPair } from '../../formats/lfw-pairs.js';
import type { SyntheticRecipe } from './recipe.js';
import { identityName, sampler, type SplitPlan } from './plan.js';
import type { ImageJob } from './worker.js';

type LfwSpec = NonNullable<SyntheticRecipe['splits']['lfw']>;

type PairLine = Pick<LfwPair, 'same' | 'a' | 'b'>;

/**
 * An LFW-style verification set: images/<Name>/<Name>_0001.jpg and a View-2 pairs.txt of `folds` folds, each
 * `matchedPerFold` matched then `mismatchedPerFold` mismatched pairs. As in LFW, each fold has its own
 * people, so no identity crosses folds and the 10-fold threshold choice never sees a test identity.
 */
export function planLfwSplit(spec: LfwSpec, firstIdentity: number, seed: number): SplitPlan {
  const rnd = sampler(seed, 'lfw');
  const jobs: ImageJob[] = [];
  const pairs: PairLine[] = [];
  for (let f = 0; f < spec.folds; f++) {
    const people: { name: string; images: number }[] = [];
    for (let k = 0; k < spec.identitiesPerFold; k++) {
      const identity = firstIdentity + f * spec.identitiesPerFold + k;
      const name = identityName('Synth', identity);
      const images = rnd.intIn(spec.imagesPerIdentity);
      for (let i = 0; i < images; i++) jobs.push({ path: `images/${lfwImageKey(name, i + 1)}`, identity, imageIndex: i });
      people.push({ name, images });
    }
    pairs.push(...matchedPairs(people, spec.matchedPerFold, rnd), ...mismatchedPairs(people, spec.mismatchedPerFold, rnd));
  }
  const identities = spec.folds * spec.identitiesPerFold;
  return {
    folder: 'lfw',
    jobs,
    identities: { first: firstIdentity, count: identities },
    counts: { images: jobs.length, identities, pairs: spec.folds * (spec.matchedPerFold + spec.mismatchedPerFold) },
    writeFiles(splitDir) {
      writeLfwPairs(join(splitDir, 'pairs.txt'), { folds: spec.folds, pairsPerFold: spec.matchedPerFold, pairs });
      return ['pairs.txt'];
    },
  };
}

function matchedPairs(people: { name: string; images: number }[], count: number, rnd: ReturnType<typeof sampler>): PairLine[] {
  const all: PairLine[] = [];
  for (const p of people) {
    for (let a = 1; a <= p.images; a++) for (let b = a + 1; b <= p.images; b++) all.push({ same: true, a: { name: p.name, index: a }, b: { name: p.name, index: b } });
  }
  return rnd.shuffle(all).slice(0, count).sort(byNames);
}

function mismatchedPairs(people: { name: string; images: number }[], count: number, rnd: ReturnType<typeof sampler>): PairLine[] {
  const possible = people.reduce((s, p, i) => s + p.images * people.slice(i + 1).reduce((t, q) => t + q.images, 0), 0);
  if (possible < count) throw new RangeError(`lfw split: only ${possible} distinct mismatched pairs exist per fold, ${count} asked`);
  const chosen = new Map<string, PairLine>();
  while (chosen.size < count) {
    let x = Math.floor(rnd.uniform() * people.length);
    let y = Math.floor(rnd.uniform() * people.length);
    if (x === y) continue;
    if (people[x]!.name > people[y]!.name) [x, y] = [y, x];
    const a = { name: people[x]!.name, index: 1 + Math.floor(rnd.uniform() * people[x]!.images) };
    const b = { name: people[y]!.name, index: 1 + Math.floor(rnd.uniform() * people[y]!.images) };
    chosen.set(`${a.name} ${a.index} ${b.name} ${b.index}`, { same: false, a, b });
  }
  return [...chosen.values()].sort(byNames);
}

/** The official file lists each half-fold sorted by name, then image numbers. */
function byNames(x: PairLine, y: PairLine): number {
  const cmp = (u: string, v: string) => (u < v ? -1 : u > v ? 1 : 0);
  return cmp(x.a.name, y.a.name) || x.a.index - y.a.index || cmp(x.b.name, y.b.name) || x.b.index - y.b.index;
}
