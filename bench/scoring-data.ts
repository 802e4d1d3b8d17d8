import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../harness/core/atomic-write.js';
import { npyHeaderBytes } from '../harness/formats/npy.js';
import { writeAll } from '../harness/core/file-io.js';
import { makeDir } from '../harness/core/output-path.js';

/**
 * Synthetic inputs of the protocols' full-scale shapes for bench:scoring, written once into a cache folder
 * in the protocols' own file formats. Identities are random centres plus per-image noise, so the metrics
 * are neither 0 nor 1; distractors are random directions.
 */

/** xorshift32 in [−1, 1): fast enough to fill gigabytes; quality beyond "unstructured" is not needed. */
function uniformSource(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2147483648 - 1;
  };
}

/** Streams a [rows × dim] float32 .npy whose row r is `fill(r, out)`, a chunk of rows at a time. */
function writeNpyRows(path: string, rows: number, dim: number, fill: (row: number, out: Float32Array) => void): void {
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, npyHeaderBytes([rows, dim], 'float32'));
    const chunkRows = 8192;
    const chunk = new Float32Array(chunkRows * dim);
    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const n = Math.min(chunkRows, rows - r0);
      for (let r = 0; r < n; r++) fill(r0 + r, chunk.subarray(r * dim, (r + 1) * dim));
      writeAll(fd, new Uint8Array(chunk.buffer, 0, n * dim * 4));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Writes text produced in pieces, without holding a 300 MB string. */
function writeLines(path: string, count: number, line: (i: number) => string): void {
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    let buffer: string[] = [];
    for (let i = 0; i < count; i++) {
      buffer.push(line(i));
      if (buffer.length === 65536) {
        writeSync(fd, buffer.join(''));
        buffer = [];
      }
    }
    if (buffer.length) writeSync(fd, buffer.join(''));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function identityFeatures(identities: number, dim: number, spread: number, seed: number): { centre: (id: number) => Float32Array; noise: () => number } {
  const rand = uniformSource(seed);
  const centres = Array.from({ length: identities }, () => Float32Array.from({ length: dim }, () => rand()));
  return { centre: (id) => centres[id], noise: () => spread * rand() };
}

export interface MegafaceBenchFiles {
  probes: string;
  probeList: string;
  distractors: string;
  listDir: string;
  sizes: number[];
}

/** 3,530 probes of 80 identities and `distractorCount` distractors, lists for sizes 10 … distractorCount (nested). */
export function megafaceBenchFiles(dir: string, distractorCount: number, dim = 512): MegafaceBenchFiles {
  const root = join(dir, `megaface-${distractorCount}-${dim}`);
  const files: MegafaceBenchFiles = {
    probes: join(root, 'facescrub.npy'),
    probeList: join(root, 'facescrub_features_list.json'),
    distractors: join(root, 'megaface.npy'),
    listDir: root,
    sizes: [10, 100, 1000, 10000, 100000, 1000000].filter((s) => s <= distractorCount),
  };
  if (files.sizes[files.sizes.length - 1] !== distractorCount) files.sizes.push(distractorCount);
  if (existsSync(join(root, 'complete'))) return files;
  makeDir(root, 'bench data folder');
  const probeCount = 3530;
  const identities = 80;
  const ids = Array.from({ length: probeCount }, (_, i) => Math.floor((i * identities) / probeCount));
  const paths = ids.map((id, i) => `person${id}/person${id}_${i}.png`);
  const gen = identityFeatures(identities, dim, 1.6, 7);
  writeNpyRows(files.probes, probeCount, dim, (row, out) => {
    const c = gen.centre(ids[row]);
    for (let d = 0; d < dim; d++) out[d] = c[d] + gen.noise();
  });
  writeFileAtomic(join(root, 'facescrub.keys.txt'), paths.map((p) => p + '\n').join(''));
  writeFileAtomic(files.probeList, JSON.stringify({ path: paths, id: ids.map((id) => `person${id}`) }));
  const keys = Array.from({ length: distractorCount }, (_, i) => `${i % 1000}/${Math.floor(i / 1000)}@N00/${i}_0.jpg`);
  const rand = uniformSource(11);
  writeNpyRows(files.distractors, distractorCount, dim, (_row, out) => {
    for (let d = 0; d < dim; d++) out[d] = rand();
  });
  writeLines(join(root, 'megaface.keys.txt'), distractorCount, (i) => keys[i] + '\n');
  for (const size of files.sizes) {
    writeFileAtomic(join(root, `megaface_features_list.json_${size}_1`), JSON.stringify({ path: keys.slice(0, size) }));
  }
  writeFileAtomic(join(root, 'complete'), '');
  return files;
}

export interface IjbcBenchFiles {
  features: string;
  meta: string;
}

/**
 * IJB-C's shapes: 469,375 images in 23,124 templates of 3,531 subjects, 15,658,489 template pairs of which
 * 19,557 genuine; each template 1–4 media.
 */
export function ijbcBenchFiles(dir: string, dim = 512): IjbcBenchFiles {
  const root = join(dir, `ijbc-${dim}`);
  const files: IjbcBenchFiles = { features: join(root, 'ijbc.npy'), meta: join(root, 'meta') };
  if (existsSync(join(root, 'complete'))) return files;
  makeDir(files.meta, 'bench data folder');
  const images = 469375;
  const templates = 23124;
  const subjects = 3531;
  const pairs = 15658489;
  const genuine = 19557;
  const rand = uniformSource(3);
  const pick = (n: number) => Math.min(n - 1, Math.floor(((rand() + 1) / 2) * n));
  const subjectOf = (t: number) => t % subjects;
  const templateOf = (i: number) => Math.floor((i * templates) / images);
  const mediaOf = (i: number) => templateOf(i) * 4 + (i % 4 === 3 ? 1 : i % 7 === 0 ? 2 : 0);
  const gen = identityFeatures(subjects, dim, 7, 5);
  writeNpyRows(files.features, images, dim, (row, out) => {
    const c = gen.centre(subjectOf(templateOf(row)));
    for (let d = 0; d < dim; d++) out[d] = c[d] + gen.noise();
  });
  writeLines(join(root, 'ijbc.keys.txt'), images, (i) => `${i + 1}.jpg\n`);
  writeLines(join(files.meta, 'ijbc_face_tid_mid.txt'), images, (i) => `${i + 1}.jpg ${templateOf(i) + 1} ${mediaOf(i) + 1}\n`);
  writeLines(join(files.meta, 'ijbc_name_5pts_score.txt'), images, (i) => `${i + 1}.jpg 38.3 51.7 73.5 51.5 56.0 71.7 41.5 92.4 70.7 92.2 ${(0.5 + (rand() + 1) / 4).toFixed(6)}\n`);
  writeLines(join(files.meta, 'ijbc_template_pair_label.txt'), pairs, (k) => {
    if (k < genuine) {
      const t = pick(templates - subjects);
      return `${t + 1} ${t + subjects + 1} 1\n`; // t and t + subjects share a subject
    }
    const a = pick(templates);
    let b = pick(templates);
    if (subjectOf(a) === subjectOf(b)) b = (b + 1) % templates;
    return `${a + 1} ${b + 1} 0\n`;
  });
  writeFileAtomic(join(root, 'complete'), '');
  return files;
}
