import { arcfaceTemplate } from '../align/arcface-template.js';
import { dlibChipTemplate } from '../align/dlib-template.js';
import type { Point } from '../align/similarity-transform.js';
import { UserError } from '../core/errors.js';

/** Where the five points land in an aligned crop, per recognition model family. */
export const FACE_TEMPLATES = ['dlib150', 'arcface112'] as const;
export type FaceTemplateName = (typeof FACE_TEMPLATES)[number];

export interface FaceTemplate {
  name: FaceTemplateName;
  /** Side of the square crop in pixels. */
  size: number;
  points: readonly Point[];
}

export function faceTemplate(name: string): FaceTemplate {
  switch (name) {
    case 'dlib150':
      return { name, size: 150, points: dlibChipTemplate(150, 0.25) };
    case 'arcface112':
      return { name, size: 112, points: arcfaceTemplate(112) };
    default:
      throw new UserError(`unknown face template "${name}"; expected one of ${FACE_TEMPLATES.join(', ')}`);
  }
}
