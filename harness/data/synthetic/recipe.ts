import { UserError } from '../../core/errors.js';
import { asObject, int, num, range, type CountRange } from '../registry/fields.js';
import { validateSynthFaceConfig, type SynthFaceConfig } from './faces.js';
import { firstUnknownKey, unknownKeyText } from '../../core/suggest.js';

/**
 * A recipe for a generated dataset family, as datasets.json's `generators` section gives it: the face
 * generator's settings and how many identities and images each identity-disjoint split gets.
 * Ranges [lo, hi] are drawn per identity / template / media, inclusive.
 */
export interface SyntheticRecipe {
  kind: 'synthetic-faces';
  /** Folder under the data root holding every split. */
  location: string;
  faces: SynthFaceConfig;
  splits: {
    train: { identities: number; imagesPerIdentity: number };
    lfw?: { folds: number; identitiesPerFold: number; imagesPerIdentity: CountRange; matchedPerFold: number; mismatchedPerFold: number };
    megaface?: { probeIdentities: number; imagesPerProbe: number; distractors: number };
    ijbc?: { identities: number; templatesPerIdentity: number; mediaPerTemplate: CountRange; imagesPerMedia: CountRange };
  };
}

export function rangeBounds(range: CountRange): [number, number] {
  return typeof range === 'number' ? [range, range] : range;
}

/** Checks a recipe read from JSON; `where` names it in messages, e.g. `datasets.json: generators."synth-faces"`. */
const RECIPE_KEYS = ['$comment', 'kind', 'location', 'faces', 'splits'];

export function parseRecipe(value: unknown, where: string): SyntheticRecipe {
  const obj = asObject(value, where);
  const unknown = firstUnknownKey(obj, RECIPE_KEYS);
  if (unknown !== undefined) throw new UserError(`${where}.${unknown}: ${unknownKeyText(unknown, RECIPE_KEYS)}`);
  if (obj.kind !== 'synthetic-faces') throw new UserError(`${where}.kind: expected "synthetic-faces", got ${JSON.stringify(obj.kind)}`);
  if (typeof obj.location !== 'string' || obj.location === '') throw new UserError(`${where}.location: expected a folder name relative to the data root`);
  const facesObj = asObject(obj.faces, `${where}.faces`);
  const faces: SynthFaceConfig = {
    seed: int(facesObj.seed, `${where}.faces.seed`, -(2 ** 31), 2 ** 31),
    size: int(facesObj.size, `${where}.faces.size`, 32, 112),
    channels: int(facesObj.channels, `${where}.faces.channels`, 1, 3) as 1 | 3,
    identitySpread: num(facesObj.identitySpread ?? 1, `${where}.faces.identitySpread`, 0, 3),
    nuisance: num(facesObj.nuisance ?? 1, `${where}.faces.nuisance`, 0, 3),
  };
  try {
    validateSynthFaceConfig(faces);
  } catch (e) {
    throw new UserError(`${where}.faces: ${(e as Error).message}`);
  }
  const splitsObj = asObject(obj.splits, `${where}.splits`);
  const at = (split: string) => `${where}.splits.${split}`;
  const known = new Set(['train', 'lfw', 'megaface', 'ijbc']);
  for (const key of Object.keys(splitsObj)) {
    if (!known.has(key)) throw new UserError(`${at(key)}: unknown split; expected train, lfw, megaface or ijbc`);
  }
  const trainObj = asObject(splitsObj.train, at('train'));
  const recipe: SyntheticRecipe = {
    kind: 'synthetic-faces',
    location: obj.location,
    faces,
    splits: {
      train: {
        identities: int(trainObj.identities, `${at('train')}.identities`, 2, 1e6),
        imagesPerIdentity: int(trainObj.imagesPerIdentity, `${at('train')}.imagesPerIdentity`, 1, 1e4),
      },
    },
  };
  if (splitsObj.lfw !== undefined) {
    const o = asObject(splitsObj.lfw, at('lfw'));
    const lfw = {
      folds: int(o.folds, `${at('lfw')}.folds`, 2, 100),
      identitiesPerFold: int(o.identitiesPerFold, `${at('lfw')}.identitiesPerFold`, 2, 1e5),
      imagesPerIdentity: range(o.imagesPerIdentity, `${at('lfw')}.imagesPerIdentity`, 2, 1e4),
      matchedPerFold: int(o.matchedPerFold, `${at('lfw')}.matchedPerFold`, 1, 1e6),
      mismatchedPerFold: int(o.mismatchedPerFold, `${at('lfw')}.mismatchedPerFold`, 1, 1e6),
    };
    if (lfw.matchedPerFold !== lfw.mismatchedPerFold) {
      throw new UserError(`${at('lfw')}: pairs.txt's header gives one count for both halves of a fold; matchedPerFold (${lfw.matchedPerFold}) must equal mismatchedPerFold (${lfw.mismatchedPerFold})`);
    }
    const [minImages] = rangeBounds(lfw.imagesPerIdentity);
    const fewestMatched = lfw.identitiesPerFold * ((minImages * (minImages - 1)) / 2);
    if (fewestMatched < lfw.matchedPerFold) {
      throw new UserError(`${at('lfw')}: ${lfw.identitiesPerFold} identities of at least ${minImages} images give only ${fewestMatched} distinct matched pairs per fold; matchedPerFold asks for ${lfw.matchedPerFold}`);
    }
    recipe.splits.lfw = lfw;
  }
  if (splitsObj.megaface !== undefined) {
    const o = asObject(splitsObj.megaface, at('megaface'));
    recipe.splits.megaface = {
      probeIdentities: int(o.probeIdentities, `${at('megaface')}.probeIdentities`, 1, 1e5),
      imagesPerProbe: int(o.imagesPerProbe, `${at('megaface')}.imagesPerProbe`, 2, 1e4),
      distractors: int(o.distractors, `${at('megaface')}.distractors`, 10, 1e7),
    };
  }
  if (splitsObj.ijbc !== undefined) {
    const o = asObject(splitsObj.ijbc, at('ijbc'));
    recipe.splits.ijbc = {
      identities: int(o.identities, `${at('ijbc')}.identities`, 2, 1e5),
      templatesPerIdentity: int(o.templatesPerIdentity, `${at('ijbc')}.templatesPerIdentity`, 2, 1000),
      mediaPerTemplate: range(o.mediaPerTemplate, `${at('ijbc')}.mediaPerTemplate`, 1, 1000),
      imagesPerMedia: range(o.imagesPerMedia, `${at('ijbc')}.imagesPerMedia`, 1, 1000),
    };
  }
  return recipe;
}
