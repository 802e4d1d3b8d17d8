import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { writeFeatureSet } from '../../harness/formats/feature-set.js';
import { writeLfwPairs, type LfwImageRef } from '../../harness/formats/lfw-pairs.js';

/**
 * A tiny LFW of feature rows, laid out as datasets.json's lfw-faceapi-256 / lfw-faceapi-256-pairs expect under a
 * data root: lfw/faceapi-resnet-256.npy + .keys.txt and lfw/pairs.txt. Fold f's pairs name people `F<f>a` and
 * `F<f>b` only (so folds are identity-disjoint, like LFW's View 2); `outsiders` more people have rows but appear
 * in no pair. Each person's rows scatter around their own random direction, so a head can learn them.
 */
export interface FeatureFixture {
  root: string;
  features: string;
  keys: string;
  pairs: string;
  /** People of each fold (0-based), as the pairs name them. */
  foldPeople: string[][];
  outsiders: string[];
  imagesPerPerson: number;
  dim: number;
}

export function writeFeatureFixture(root: string, opts: { folds?: number; imagesPerPerson?: number; dim?: number; outsiders?: number; seed?: string } = {}): FeatureFixture {
  const folds = opts.folds ?? 10;
  const perPerson = opts.imagesPerPerson ?? 4;
  const dim = opts.dim ?? 8;
  const rand = seedrandom(opts.seed ?? 'feature-fixture');
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const foldPeople = Array.from({ length: folds }, (_, f) => [`F${f}a`, `F${f}b`]);
  const outsiders = Array.from({ length: opts.outsiders ?? 2 }, (_, i) => `Out${i}`);
  const people = [...foldPeople.flat(), ...outsiders];
  const keys: string[] = [];
  const data = new Float32Array(people.length * perPerson * dim);
  people.forEach((name, p) => {
    const centre = Array.from({ length: dim }, gauss);
    for (let i = 0; i < perPerson; i++) {
      keys.push(`${name}/${name}_${String(i + 1).padStart(4, '0')}.jpg`);
      const row = (p * perPerson + i) * dim;
      for (let d = 0; d < dim; d++) data[row + d] = centre[d]! + 0.3 * gauss();
    }
  });
  const dir = join(root, 'lfw');
  mkdirSync(dir, { recursive: true });
  const features = join(dir, 'faceapi-resnet-256.npy');
  writeFeatureSet(features, { rows: keys.length, dim, data, keys });
  const ref = (name: string, index: number): LfwImageRef => ({ name, index });
  // Per fold: two matched pairs, then two mismatched pairs (pairs.txt's order).
  const pairs = foldPeople.flatMap(([a, b]) => [
    { same: true, a: ref(a!, 1), b: ref(a!, 2) },
    { same: true, a: ref(b!, 1), b: ref(b!, 3) },
    { same: false, a: ref(a!, 3), b: ref(b!, 2) },
    { same: false, a: ref(b!, 4), b: ref(a!, 4) },
  ]);
  const pairsPath = join(dir, 'pairs.txt');
  writeLfwPairs(pairsPath, { folds, pairsPerFold: 2, pairs });
  return { root, features, keys: join(dir, 'faceapi-resnet-256.keys.txt'), pairs: pairsPath, foldPeople, outsiders, imagesPerPerson: perPerson, dim };
}
