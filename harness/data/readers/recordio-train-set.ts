import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { startProgress } from '../../core/progress.js';
import { decodeImage, toNormalisedBatch, type ImageSpec } from '../../formats/image.js';
import { IndexedRecordFile } from '../../formats/recordio.js';
import { classLabel, readProperty, readRecLayout, unpackRecord } from '../../formats/insightface-rec.js';
import type { TrainSet } from './train-set.js';

/**
 * A TrainSet over an insightface RecordIO folder (train.rec + train.idx + property, as MS1M and Glint360K
 * ship). Labels come from the image records' own headers; when record 0 lists identity ranges, one header
 * per identity is read at open instead of one per image (MS1M has 5.8M images but 85k identities).
 */
export async function openRecordIOTrainSet(dir: string, spec: ImageSpec): Promise<TrainSet> {
  const recPath = join(dir, 'train.rec');
  const idxPath = join(dir, 'train.idx');
  for (const p of [recPath, idxPath]) {
    if (!existsSync(p)) throw new UserError(`RecordIO training set ${dir}: ${basename(p)} not found (expected train.rec, train.idx and property)`);
  }
  const rec = new IndexedRecordFile(recPath, idxPath);
  const labelOfKey = (key: number) => {
    const label = classLabel(unpackRecord(rec.read(key), `${recPath} record ${key}`).header);
    if (!Number.isInteger(label) || label < 0) throw new UserError(`${recPath}: record ${key} has label ${label}; expected a class index 0, 1, 2, ...`);
    return label;
  };

  const { imageKeys, identityRanges } = readRecLayout(rec);
  // -1 = not known yet: images outside every identity range (or all, without ranges) are read one by one.
  const labels = new Int32Array(imageKeys.length).fill(-1);
  for (const [first, end] of identityRanges) {
    if (first < 1 || end > imageKeys.length + 1 || first >= end) {
      throw new UserError(`${recPath}: identity range [${first}, ${end}) lies outside the images 1..${imageKeys.length}`);
    }
    labels.fill(labelOfKey(first), first - 1, end - 1);
  }
  const unknown = labels.reduce((n, l) => n + (l < 0 ? 1 : 0), 0);
  if (unknown > 0) {
    // One small read per image: only worth a progress bar on a real-sized set.
    const progress = startProgress(`reading labels of ${basename(dir)}`, unknown, unknown < 100_000 ? 'quiet' : 'auto');
    let done = 0;
    imageKeys.forEach((key, i) => {
      if (labels[i] >= 0) return;
      labels[i] = labelOfKey(key);
      if (++done % 10000 === 0) progress.update(done);
    });
    progress.update(done);
    progress.stop();
  }

  const propertyPath = join(dir, 'property');
  const numClasses = existsSync(propertyPath) ? readProperty(propertyPath).numClasses : labels.reduce((m, l) => Math.max(m, l + 1), 0);
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new UserError(`${recPath}: record ${imageKeys[i]} has label ${label}, outside 0..${numClasses - 1} (num_classes from ${propertyPath})`);
    }
  });

  const [height, width] = spec.size;
  const checkIndex = (index: number) => {
    if (!(index >= 0 && index < imageKeys.length)) throw new RangeError(`image index ${index} outside 0..${imageKeys.length - 1}`);
  };
  return {
    name: basename(dir),
    numClasses,
    size: imageKeys.length,
    shape: [height, width, spec.channels] as const,
    labelOf(index: number): number {
      checkIndex(index);
      return labels[index];
    },
    async read(indices: readonly number[]): Promise<Float32Array> {
      const decoded = await Promise.all(
        indices.map((index) => {
          checkIndex(index);
          const key = imageKeys[index];
          const what = `${recPath} record ${key}`;
          const { header, image } = unpackRecord(rec.read(key), what);
          if (classLabel(header) !== labels[index]) {
            throw new UserError(`${what}: label ${classLabel(header)} disagrees with its identity range (label ${labels[index]})`);
          }
          return decodeImage(image, { ...spec, label: what });
        }),
      );
      return toNormalisedBatch(decoded, height * width * spec.channels);
    },
  };
}
