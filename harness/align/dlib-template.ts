import type { Point } from './similarity-transform.js';

/**
 * dlib's mean face shape (dlib/image_transforms/interpolation.h, get_face_chip_details): landmarks 17–67 of
 * the 68-point iBUG scheme in a unit square. Index i here is landmark i + 17.
 */
const MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127,
  0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647,
  0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159,
  0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805,
  0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733,
  0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
  0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];

/** dlib's mean shape position of a 68-point landmark (17 ≤ index ≤ 67), in the unit square. */
export function dlibMeanLandmark(index: number): Point {
  if (index < 17 || index > 67) throw new Error(`dlibMeanLandmark: landmark ${index} is outside 17–67`);
  return [MEAN_FACE_X[index - 17]!, MEAN_FACE_Y[index - 17]!];
}

function mean(indices: readonly number[]): Point {
  const pts = indices.map(dlibMeanLandmark);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

/**
 * The five points (image-left eye centre, image-right eye centre, nose tip, left and right mouth corners, the
 * order of the arcface template) of dlib's face chip: the mean shape's eye centres (landmarks 36–41, 42–47),
 * nose tip (30) and mouth corners (48, 54), padded as get_face_chip_details pads — (padding + p)/(1 + 2·padding)
 * — and scaled to a size × size chip. dlib_face_recognition_resnet_model_v1 was trained on 150 px chips with
 * padding 0.25.
 */
export function dlibChipTemplate(size = 150, padding = 0.25): Point[] {
  const unit = [mean([36, 37, 38, 39, 40, 41]), mean([42, 43, 44, 45, 46, 47]), dlibMeanLandmark(30), dlibMeanLandmark(48), dlibMeanLandmark(54)];
  return unit.map(([x, y]): Point => [((padding + x) / (1 + 2 * padding)) * size, ((padding + y) / (1 + 2 * padding)) * size]);
}
