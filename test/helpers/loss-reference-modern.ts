/**
 * The newer losses written out again in plain float64 JavaScript from their papers and their authors' code (the
 * file each line follows is named), independent of the plugins and of tfjs. Where the authors take θ = acos(cos)
 * and cos(θ + m), so does this file (the plugins use cos θ·cos m − sin θ·sin m); where they detach a value, the
 * reference takes it as an input, so that finite differences see it as a constant too.
 */
import { cosines, meanCrossEntropy, type Matrix, type ReferenceInput } from './loss-reference.js';

export interface Reference {
  logits: Matrix;
  /** The whole loss: the mean cross-entropy, plus any added term. */
  loss: number;
}

const norm = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));
const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Every logit s·cos θ_j, the target's replaced by s·target(cos θ_y, i). */
function withTarget(cos: Matrix, labels: number[], s: number, target: (c: number, i: number) => number, other = (c: number, _i: number) => c): Matrix {
  return cos.map((row, i) => row.map((c, j) => s * (j === labels[i] ? target(c, i) : other(c, i))));
}

const ce = (logits: Matrix, labels: number[]): Reference => ({ logits, loss: meanCrossEntropy(logits, labels) });

/** insightface arcface_mxnet train.py, margin_softmax: t = acos(cos θ_y)·m1 + m2, target cos(t) − m3. */
export function combinedMargin(inp: ReferenceInput, s: number, m1: number, m2: number, m3: number): Reference {
  return ce(withTarget(cosines(inp.x, inp.W), inp.labels, s, (c) => Math.cos(Math.acos(c) * m1 + m2) - m3), inp.labels);
}

/** ArcFace's target as HuangYG123/CurricularFace head/metrics.py (and insightface) write it, with its fallback. */
function arcTarget(c: number, m: number): number {
  return c > Math.cos(Math.PI - m) ? Math.cos(Math.acos(c) + m) : c - Math.sin(Math.PI - m) * m;
}

/** CurricularFace's t after one training step: t ← mean(cos θ_y)·α + (1 − α)·t (head/metrics.py, α = 0.01). */
export function curricularNextT(inp: ReferenceInput, tPrev: number, alpha = 0.01): number {
  const cos = cosines(inp.x, inp.W);
  const meanTarget = cos.reduce((a, row, i) => a + row[inp.labels[i]!]!, 0) / cos.length;
  return meanTarget * alpha + (1 - alpha) * tPrev;
}

/**
 * CurricularFace's logits with t already updated (it is detached): targets as ArcFace, and a non-target with
 * cos θ_j > cos(θ_y + m) (the plain cos(θ_y + m), not the fallback) becomes cos θ_j·(t + cos θ_j).
 */
export function curricularFace(inp: ReferenceInput, t: number, s = 64, m = 0.5): Reference & { hard: number; easy: number } {
  const cos = cosines(inp.x, inp.W);
  let hard = 0;
  let easy = 0;
  const logits = withTarget(cos, inp.labels, s, (c) => arcTarget(c, m), (c, i) => {
    const cosThetaM = Math.cos(Math.acos(cos[i]![inp.labels[i]!]!) + m);
    if (c > cosThetaM) return hard++, c * (t + c);
    return easy++, c;
  });
  return { ...ce(logits, inp.labels), hard, easy };
}

/**
 * Sub-center ArcFace (pytorch-metric-learning SubCenterArcFaceLoss; insightface subcenter_arcface): the cosine to
 * each of the D×C·K weight columns, viewed as C×K per sample (class j's sub-centres are columns j·K + k), the
 * max over k, then ArcFace with the fallback where θ > π − m.
 */
export function subCenterArcFace(inp: ReferenceInput, k: number, s = 64, m = 0.5): Reference {
  const all = cosines(inp.x, inp.W);
  const cos = all.map((row) => Array.from({ length: row.length / k }, (_, j) => Math.max(...row.slice(j * k, j * k + k))));
  return ce(withTarget(cos, inp.labels, s, (c) => arcTarget(c, m)), inp.labels);
}

export interface MagFaceSettings {
  s: number;
  la: number;
  ua: number;
  lm: number;
  um: number;
  lambdaG: number;
  easyMargin: boolean;
}
export const MAGFACE_DEFAULTS: MagFaceSettings = { s: 64, la: 10, ua: 110, lm: 0.45, um: 0.8, lambdaG: 35, easyMargin: true };

/**
 * MagFace (IrvingMeng/MagFace models/magface.py and run/trainer.py): a = clamp(‖x‖, l_a, u_a),
 * m(a) = (u_m − l_m)/(u_a − l_a)·(a − l_a) + l_m, target cos(θ_y + m(a)) where cos θ_y > 0 (easy margin) else
 * cos θ_y; without the easy margin, where cos θ_y > cos(π − m) else cos θ_y − sin(π − m)·m. Loss: CE + λ_g·mean(a/u_a² + 1/a).
 */
export function magFace(inp: ReferenceInput, o: MagFaceSettings = MAGFACE_DEFAULTS): Reference & { regulariser: number } {
  const a = inp.x.map((xi) => clip(norm(xi), o.la, o.ua));
  const margin = a.map((ai) => ((o.um - o.lm) / (o.ua - o.la)) * (ai - o.la) + o.lm);
  const target = (c: number, i: number) => {
    const m = margin[i]!;
    const cosThetaM = Math.cos(Math.acos(c) + m);
    if (o.easyMargin) return c > 0 ? cosThetaM : c;
    return c > Math.cos(Math.PI - m) ? cosThetaM : c - Math.sin(Math.PI - m) * m;
  };
  const logits = withTarget(cosines(inp.x, inp.W), inp.labels, o.s, target);
  const regulariser = a.reduce((acc, ai) => acc + ai / (o.ua * o.ua) + 1 / ai, 0) / a.length;
  return { logits, loss: meanCrossEntropy(logits, inp.labels) + o.lambdaG * regulariser, regulariser };
}

/** AdaFace's running statistics after one step (mk-minchul/AdaFace head.py): norms clipped to [0.001, 100], std unbiased. */
export function adaFaceNextStats(inp: ReferenceInput, prev: { mean: number; std: number }, tAlpha = 0.01): { mean: number; std: number } {
  const norms = inp.x.map((xi) => clip(norm(xi), 0.001, 100));
  const n = norms.length;
  const mean = norms.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(norms.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean: mean * tAlpha + (1 - tAlpha) * prev.mean, std: std * tAlpha + (1 - tAlpha) * prev.std };
}

/** AdaFace's ẑ per sample, from the (detached) norms and the already-updated statistics. */
export function adaFaceScaler(inp: ReferenceInput, stats: { mean: number; std: number }, h = 0.333): number[] {
  const eps = 1e-3;
  return inp.x.map((xi) => clip((h * (clip(norm(xi), 0.001, 100) - stats.mean)) / (stats.std + eps), -1, 1));
}

/**
 * AdaFace's logits for given ẑ (head.py): every cosine clamped to [−1 + ε, 1 − ε], θ = acos, the target's
 * θ − m·ẑ clipped to [ε, π − ε], then cos(·) − (m + m·ẑ); ε = 10⁻³.
 */
export function adaFace(inp: ReferenceInput, zHat: number[], s = 64, m = 0.4): Reference {
  const eps = 1e-3;
  const cos = cosines(inp.x, inp.W).map((row) => row.map((c) => clip(c, -1 + eps, 1 - eps)));
  const target = (c: number, i: number) => Math.cos(clip(Math.acos(c) - m * zHat[i]!, eps, Math.PI - eps)) - (m + m * zHat[i]!);
  return ce(withTarget(cos, inp.labels, s, target), inp.labels);
}

/** fdbtrs/ElasticFace utils/losses.py with the drawn margins given: ElasticArcFace cos(acos(cos θ_y) + m_i), ElasticCosFace cos θ_y − m_i. */
export function elasticFace(inp: ReferenceInput, variant: 'arc' | 'cos', margins: number[], s = 64): Reference {
  const target = variant === 'arc' ? (c: number, i: number) => Math.cos(Math.acos(c) + margins[i]!) : (c: number, i: number) => c - margins[i]!;
  return ce(withTarget(cosines(inp.x, inp.W), inp.labels, s, target), inp.labels);
}
