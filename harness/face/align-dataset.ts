import { copyFileSync, existsSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '../align/warp.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-write.js';
import type { ResolvedDataset } from '../data/registry/registry.js';
import { UserError } from '../core/errors.js';
import { decodeImageNative } from '../formats/image.js';
import { lfwImageKeys, type LfwImageSelection } from '../data/readers/lfw-image-keys.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import { appendRecord, readRecords, recordsFile, type AlignRecord } from './align-records.js';
import { DETECTOR_NETS, detectionAttempts, type DetectorName } from './detectors.js';
import { alignedCrop, centreCrop } from './face-crop.js';
import type { FaceTemplate } from './face-template.js';
import { loadFaceApi, type FaceApi } from './faceapi-nets.js';
import { locateFace } from './locate-face.js';
import { readJsonFile } from '../core/read-file.js';
import { makeDir } from '../core/output-path.js';

export interface AlignOptions {
  template: FaceTemplate;
  detector: DetectorName;
  /** Align only every count-th image starting at index (0-based), so several processes can share the work. */
  shard?: { index: number; count: number };
  /** The images pairs.txt names (default), or every image of the dataset. */
  images?: LfwImageSelection;
  progress?: ProgressMode;
}

/** What align.json says once every image of the dataset has been aligned. */
export interface AlignSummary {
  dataset: string;
  template: string;
  detector: DetectorName;
  /** Which images were aligned: those the pairs name, or all. */
  selection: LfwImageSelection;
  images: number;
  /** Faces found per detector (the chosen one first, then the rescue detector). */
  detected: Record<string, number>;
  fallbacks: number;
  /** Keys of the images that were centre-cropped because no detector found a face. */
  fallbackKeys: string[];
}

export interface AlignResult {
  out: string;
  /** Images aligned by this call (the rest came from the cache or belong to other shards). */
  aligned: number;
  /** Null while other shards are still missing images. */
  summary: AlignSummary | null;
}

interface AlignSettings {
  dataset: string;
  template: string;
  detector: DetectorName;
}

/**
 * Aligns the images an LFW-style protocol dataset needs (or, with `images: 'all'`, every image of it) and writes them as a dataset of the same layout
 * under `out` (images folder and pairs file at the same relative paths), so `--data-root` pointed above `out`
 * makes every command read the aligned images unchanged. Cached: images with a record are skipped.
 */
export async function alignDataset(ds: ResolvedDataset, out: string, opts: AlignOptions): Promise<AlignResult> {
  if (ds.entry.format !== 'lfw-pairs') throw new UserError(`dataset "${ds.entry.name}" is a ${ds.entry.role} set of format ${ds.entry.format}: flb align handles LFW-style image datasets (format lfw-pairs)`);
  const imagesDir = ds.paths.images!;
  const pairsFile = ds.paths.pairs!;
  const selection = opts.images ?? 'pairs';
  const keys = lfwImageKeys({ images: imagesDir, pairs: pairsFile }, selection);
  const outImages = join(out, relative(ds.root, imagesDir));
  const settings: AlignSettings = { dataset: ds.entry.name, template: opts.template.name, detector: opts.detector };
  claimOutput(out, settings);
  const outPairs = join(out, relative(ds.root, pairsFile));
  if (!existsSync(outPairs)) {
    makeDir(dirname(outPairs), 'aligned dataset folder (--out)');
    copyFileSync(pairsFile, outPairs);
  }

  const shard = opts.shard ?? { index: 0, count: 1 };
  const done = readRecords(out);
  const todo = keys.filter((key, i) => i % shard.count === shard.index && !(done.has(key) && existsSync(join(outImages, key))));
  const log = recordsFile(out, shard);
  let aligned = 0;
  if (todo.length > 0) {
    const attempts = detectionAttempts(opts.detector);
    const api = await loadFaceApi([...attempts.map((a) => DETECTOR_NETS[a.detector]), 'faceLandmark68Net']);
    const bar = startProgress(`align ${ds.entry.name}`, todo.length, opts.progress ?? 'auto');
    let fallbacks = readRecordsCount(done, 'fallback');
    try {
      for (const key of todo) {
        const record = await alignOne(api, join(imagesDir, key), join(outImages, key), key, opts.template, attempts);
        appendRecord(log, record);
        if (record.source === 'fallback') fallbacks++;
        bar.update(++aligned, `fallbacks ${fallbacks}`);
      }
    } finally {
      bar.stop();
    }
  }
  return { out, aligned, summary: summarise(out, keys, settings, selection) };
}

async function alignOne(api: FaceApi, from: string, to: string, key: string, template: FaceTemplate, attempts: ReturnType<typeof detectionAttempts>): Promise<AlignRecord> {
  const image = await decodeImageNative(from, 3);
  const face = await locateFace(api, image, attempts);
  const crop = face ? alignedCrop(image, face.points, template) : centreCrop(image, template.size);
  writeFileAtomic(to, await encodeLike(to, crop));
  if (!face) return { key, source: 'fallback' };
  const round = (v: number) => Math.round(v * 100) / 100;
  return { key, source: face.detector, score: Math.round(face.box.score * 1000) / 1000, points: face.points.map(([x, y]) => [round(x), round(y)]) };
}

/** Encodes in the format the key's extension names (JPEG at quality 100 without chroma subsampling: near lossless). */
async function encodeLike(path: string, image: RawImage): Promise<Uint8Array> {
  const raw = sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: image.channels as 3 } });
  const ext = extname(path).toLowerCase();
  const encoded = ext === '.png' ? raw.png() : raw.jpeg({ quality: 100, chromaSubsampling: '4:4:4' });
  return encoded.toBuffer();
}

function readRecordsCount(records: Map<string, AlignRecord>, source: AlignRecord['source']): number {
  let n = 0;
  for (const r of records.values()) if (r.source === source) n++;
  return n;
}

/** One output folder holds one alignment: refuse to mix templates or detectors in it. */
function claimOutput(out: string, settings: AlignSettings): void {
  const file = join(out, 'align-settings.json');
  if (existsSync(file)) {
    const previous = readJsonFile(file, 'alignment settings') as AlignSettings;
    if (previous.dataset !== settings.dataset || previous.template !== settings.template || previous.detector !== settings.detector) {
      throw new UserError(
        `${file}: ${out} holds ${previous.dataset} aligned with template ${previous.template} and detector ${previous.detector}; ` +
          `expected ${settings.dataset} with ${settings.template} and ${settings.detector} (choose another --out)`,
      );
    }
    return;
  }
  makeDir(out, 'aligned dataset folder (--out)');
  writeJsonAtomic(file, settings);
}

/** Writes align.json once every key has a record (whichever shard finishes last does it). */
function summarise(out: string, keys: readonly string[], settings: AlignSettings, selection: LfwImageSelection): AlignSummary | null {
  const records = readRecords(out);
  if (keys.some((k) => !records.has(k))) return null;
  const detected: Record<string, number> = {};
  const fallbackKeys: string[] = [];
  for (const key of keys) {
    const { source } = records.get(key)!;
    if (source === 'fallback') fallbackKeys.push(key);
    else detected[source] = (detected[source] ?? 0) + 1;
  }
  const summary: AlignSummary = { ...settings, selection, images: keys.length, detected, fallbacks: fallbackKeys.length, fallbackKeys };
  writeJsonAtomic(join(out, 'align.json'), summary);
  return summary;
}

/** The aligned copy of a dataset as the registry would resolve it: the same files, under `out`. */
export function alignedDataset(ds: ResolvedDataset, out: string): ResolvedDataset {
  const paths = Object.fromEntries(Object.entries(ds.paths).map(([key, path]) => [key, join(out, relative(ds.root, path))]));
  return { ...ds, root: out, paths };
}
