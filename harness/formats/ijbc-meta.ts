import { UserError } from '../core/errors.js';
import { expectFieldCount, intField, numberField, readFieldLines, readIntColumns, writeFieldLines } from './text-lines.js';

/**
 * IJB-C 1:1 meta files as insightface's IJB evaluation reads them (IJB-B uses the same layouts):
 * - meta/ijbc_face_tid_mid.txt: "image template_id media_id" per face image (images under loose_crop/);
 * - meta/ijbc_template_pair_label.txt: "template1 template2 label", label 1 = same subject;
 * - meta/ijbc_name_5pts_score.txt: "image x1 y1 … x5 y5 faceness_score" (left eye, right eye, nose,
 *   left and right mouth corners, in loose_crop pixel coordinates).
 */

export interface IjbcFace {
  image: string;
  template: number;
  media: number;
}

/** Template pairs as parallel columns: IJB-C has 15.7M of them. */
export interface IjbcTemplatePairs {
  t1: Int32Array;
  t2: Int32Array;
  /** 1 = same subject, 0 = different. */
  label: Uint8Array;
}

export type Point = [number, number];

export interface IjbcLandmarks {
  image: string;
  /** Five (x, y) points in the order of the arcface template. */
  points: [Point, Point, Point, Point, Point];
  /** Detector faceness score; insightface weights features by it. */
  score: number;
}

/** The meta file names of one IJB benchmark: IJB-B's start with ijbb_, IJB-C's with ijbc_. */
export function ijbMetaFiles(set: 'ijbb' | 'ijbc'): { faceTidMid: string; templatePairLabel: string; landmarks: string } {
  return { faceTidMid: `${set}_face_tid_mid.txt`, templatePairLabel: `${set}_template_pair_label.txt`, landmarks: `${set}_name_5pts_score.txt` };
}

export const IJBC_FACE_TID_MID = ijbMetaFiles('ijbc').faceTidMid;
export const IJBC_TEMPLATE_PAIR_LABEL = ijbMetaFiles('ijbc').templatePairLabel;
export const IJBC_NAME_5PTS_SCORE = ijbMetaFiles('ijbc').landmarks;

export function readIjbcFaceTidMid(path: string): IjbcFace[] {
  return readFieldLines(path, 'IJB-C face/template/media file').map((l) => {
    expectFieldCount(path, l, [3], '"image template_id media_id"');
    return { image: l.fields[0], template: intField(path, l, 1, 'template id'), media: intField(path, l, 2, 'media id') };
  });
}

export function writeIjbcFaceTidMid(path: string, faces: readonly IjbcFace[]): void {
  writeFieldLines(path, faces.map((f) => [f.image, f.template, f.media]));
}

export function readIjbcTemplatePairs(path: string): IjbcTemplatePairs {
  const [t1, t2, labels] = readIntColumns(path, 'IJB-C template pair file', ['template1', 'template2', 'label']);
  const label = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) {
      throw new UserError(`${path}: pair ${i + 1} (${t1[i]} ${t2[i]}) has label ${v}; expected 1 (same subject) or 0 (different)`);
    }
    label[i] = v;
  }
  return { t1, t2, label };
}

export function writeIjbcTemplatePairs(path: string, pairs: IjbcTemplatePairs): void {
  const rows: Array<[number, number, number]> = [];
  for (let i = 0; i < pairs.t1.length; i++) rows.push([pairs.t1[i], pairs.t2[i], pairs.label[i]]);
  writeFieldLines(path, rows);
}

export function readIjbcLandmarks(path: string): IjbcLandmarks[] {
  return readFieldLines(path, 'IJB-C landmark file').map((l) => {
    expectFieldCount(path, l, [12], '"image x1 y1 x2 y2 x3 y3 x4 y4 x5 y5 score" (12 fields)');
    const coordinate = (i: number) => numberField(path, l, 1 + i, i % 2 === 0 ? `x${i / 2 + 1}` : `y${(i + 1) / 2}`);
    const points = [0, 1, 2, 3, 4].map((p): Point => [coordinate(2 * p), coordinate(2 * p + 1)]);
    return { image: l.fields[0], points: points as IjbcLandmarks['points'], score: numberField(path, l, 11, 'score') };
  });
}

export function writeIjbcLandmarks(path: string, rows: readonly IjbcLandmarks[]): void {
  writeFieldLines(path, rows.map((r) => [r.image, ...r.points.flat(), r.score]));
}
