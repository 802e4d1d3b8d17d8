import { writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import sharp from 'sharp';
import { encodePng } from './png.js';
import { renderFaceSample, type FivePoints, type SynthFaceConfig } from './faces.js';
import { makeDir } from '../../core/output-path.js';

/** One image to render: where it goes (relative to the dataset folder) and which face it shows. */
export interface ImageJob {
  path: string;
  identity: number;
  imageIndex: number;
}

export interface RenderBatch {
  faces: SynthFaceConfig;
  /** Folder the job paths are relative to. */
  root: string;
  jobs: ImageJob[];
}

/** What the meta files of a protocol need to know about a written image. */
export interface RenderedImage {
  landmarks: FivePoints;
  faceness: number;
}

/**
 * Renders and encodes a batch of images: lossless PNG, or JPEG as the real protocol sets ship (by
 * extension). Runs in a piscina worker, so the pure-JS rasterisation of one batch overlaps the others';
 * batches rather than single images keep the message-passing overhead small.
 */
export default async function renderBatch(batch: RenderBatch): Promise<RenderedImage[]> {
  const { faces, root, jobs } = batch;
  const made = new Set<string>();
  const results: RenderedImage[] = [];
  const writes: Promise<unknown>[] = [];
  for (const job of jobs) {
    const sample = renderFaceSample(faces, job.identity, job.imageIndex);
    const file = join(root, job.path);
    const dir = dirname(file);
    if (!made.has(dir)) {
      makeDir(dir, 'generated dataset folder');
      made.add(dir);
    }
    if (extname(file).toLowerCase() === '.png') {
      writeFileSync(file, encodePng(sample.pixels, faces.size, faces.size, faces.channels));
    } else {
      let image = sharp(sample.pixels, { raw: { width: faces.size, height: faces.size, channels: faces.channels } });
      // without this sharp writes one-channel input as sRGB, tripling the files of grey datasets
      if (faces.channels === 1) image = image.toColourspace('b-w');
      // fixed encoder settings, so a recipe always gives the same bytes on one machine
      writes.push(image.jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toFile(file));
    }
    results.push({ landmarks: sample.landmarks, faceness: sample.faceness });
  }
  await Promise.all(writes);
  return results;
}
