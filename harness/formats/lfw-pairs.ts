import { UserError } from '../core/errors.js';
import { expectFieldCount, intField, readFieldLines, writeFieldLines, type NumberedLine } from './text-lines.js';

/**
 * LFW's pairs.txt (View 2): a header "folds<TAB>n" (10 and 300 officially; a lone "n" as in pairsDevTrain.txt
 * means one fold), then per fold n matched lines "name i j" and n mismatched lines "name1 i name2 j".
 * Image i of a person is the key Name/Name_000i.jpg, relative to the LFW root.
 */

export interface LfwImageRef {
  name: string;
  /** 1-based image number, as pairs.txt writes it. */
  index: number;
}

export interface LfwPair {
  /** 0-based fold: the block of 2n lines the pair sits in. */
  fold: number;
  same: boolean;
  a: LfwImageRef;
  b: LfwImageRef;
  /** Image keys of a and b: Name/Name_0001.jpg. */
  keys: [string, string];
  /** Line in pairs.txt, for messages about this pair. */
  line: number;
}

export interface LfwPairs {
  folds: number;
  /** Matched (and also mismatched) pairs per fold: 300 in the official file. */
  pairsPerFold: number;
  pairs: LfwPair[];
}

/** LFW-relative key of image `index` of `name`, zero-padded to 4 digits as the release names files. */
export function lfwImageKey(name: string, index: number): string {
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

function parsePair(path: string, l: NumberedLine, fold: number): LfwPair {
  expectFieldCount(path, l, [3, 4], 'a matched pair "name n1 n2" or a mismatched pair "name1 n1 name2 n2"');
  const same = l.fields.length === 3;
  const a: LfwImageRef = { name: l.fields[0], index: intField(path, l, 1, 'image number', { min: 1 }) };
  const b: LfwImageRef = same
    ? { name: l.fields[0], index: intField(path, l, 2, 'image number', { min: 1 }) }
    : { name: l.fields[2], index: intField(path, l, 3, 'image number', { min: 1 }) };
  if (/^\d+$/.test(a.name) || /^\d+$/.test(b.name)) {
    throw new UserError(`${path}:${l.line}: expected a person's name before each image number; got "${l.fields.join(' ')}"`);
  }
  return { fold, same, a, b, keys: [lfwImageKey(a.name, a.index), lfwImageKey(b.name, b.index)], line: l.line };
}

export function readLfwPairs(path: string): LfwPairs {
  const lines = readFieldLines(path, 'LFW pairs file');
  if (lines.length === 0) throw new UserError(`${path}: empty; expected a header line "10<TAB>300" then the pairs`);
  const header = lines[0];
  expectFieldCount(path, header, [1, 2], 'the header "folds<TAB>pairs per fold" (e.g. "10<TAB>300")');
  const folds = header.fields.length === 2 ? intField(path, header, 0, 'number of folds', { min: 1 }) : 1;
  const pairsPerFold = intField(path, header, header.fields.length - 1, 'pairs per fold', { min: 1 });
  const body = lines.slice(1);
  const expected = folds * 2 * pairsPerFold;
  if (body.length !== expected) {
    throw new UserError(
      `${path}: header (line ${header.line}) promises ${folds} folds × 2 × ${pairsPerFold} = ${expected} pairs, but the file has ${body.length} pair lines`,
    );
  }
  const pairs = body.map((l, i) => parsePair(path, l, Math.floor(i / (2 * pairsPerFold))));
  return { folds, pairsPerFold, pairs };
}

/** Distinct image keys of all pairs, in order of first appearance. */
export function lfwPairKeys(pairs: LfwPairs): string[] {
  return [...new Set(pairs.pairs.flatMap((p) => p.keys))];
}

/** Writes pairs.txt; `pairs` in file order (per fold, matched then mismatched, as the official file). */
export function writeLfwPairs(path: string, spec: { folds: number; pairsPerFold: number; pairs: ReadonlyArray<Pick<LfwPair, 'same' | 'a' | 'b'>> }): void {
  const expected = spec.folds * 2 * spec.pairsPerFold;
  if (spec.pairs.length !== expected) throw new Error(`writeLfwPairs: ${spec.folds} folds × 2 × ${spec.pairsPerFold} needs ${expected} pairs, got ${spec.pairs.length}`);
  const rows: Array<Array<string | number>> = [[spec.folds, spec.pairsPerFold]];
  for (const p of spec.pairs) {
    if (p.same && p.a.name !== p.b.name) throw new Error(`writeLfwPairs: matched pair of two people (${p.a.name}, ${p.b.name})`);
    rows.push(p.same ? [p.a.name, p.a.index, p.b.index] : [p.a.name, p.a.index, p.b.name, p.b.index]);
  }
  writeFieldLines(path, rows, '\t');
}
