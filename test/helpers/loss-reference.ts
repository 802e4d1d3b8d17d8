/**
 * The seven losses written out again from DESIGN.md's formulas in plain float64 JavaScript, independent of
 * the plugins and of tfjs, so tests can check the plugins' logits, losses, gradients and scale updates.
 */
export type Matrix = number[][];

export interface ReferenceInput {
  x: Matrix; // N×D
  W: Matrix; // D×C
  labels: number[];
  step?: number;
}

const norm = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));
const column = (W: Matrix, j: number) => W.map((row) => row[j]!);
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

export function cosines(x: Matrix, W: Matrix): Matrix {
  const C = W[0]!.length;
  return x.map((xi) => Array.from({ length: C }, (_, j) => dot(xi, column(W, j)) / (norm(xi) * norm(column(W, j)))));
}

export function meanCrossEntropy(logits: Matrix, labels: number[]): number {
  let total = 0;
  logits.forEach((row, i) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0));
    total += lse - row[labels[i]!]!;
  });
  return total / logits.length;
}

type LogitFn = (inp: ReferenceInput) => Matrix;

const replaceTarget = (cos: Matrix, labels: number[], f: (c: number, i: number) => number, scale: (i: number) => number): Matrix =>
  cos.map((row, i) => row.map((c, j) => scale(i) * (j === labels[i] ? f(c, i) : c)));

export const referenceLogits = {
  softmax: (): LogitFn => ({ x, W }) => x.map((xi) => W[0]!.map((_, j) => dot(xi, column(W, j)))),
  l2Softmax: (alpha: number): LogitFn => ({ x, W }) =>
    x.map((xi) => W[0]!.map((_, j) => (alpha * dot(xi, column(W, j))) / norm(xi))),
  cosface: (s: number, m: number): LogitFn => ({ x, W, labels }) => replaceTarget(cosines(x, W), labels, (c) => c - m, () => s),
  arcface: (s: number, m: number): LogitFn => ({ x, W, labels }) =>
    replaceTarget(
      cosines(x, W),
      labels,
      (c) => {
        const theta = Math.acos(c);
        return theta + m > Math.PI ? c - m * Math.sin(m) : Math.cos(theta + m);
      },
      () => s,
    ),
  scaled: (s: number): LogitFn => ({ x, W }) => cosines(x, W).map((row) => row.map((c) => s * c)),
  sphereface: (m: number, lambda: number): LogitFn => ({ x, W, labels }) =>
    replaceTarget(
      cosines(x, W),
      labels,
      (c) => c + (sphereFacePsi(Math.acos(c), m) - c) / (1 + lambda),
      (i) => norm(x[i]!),
    ),
};

/** ψ(θ) = (−1)^k cos(mθ) − 2k, k = ⌊mθ/π⌋. */
export function sphereFacePsi(theta: number, m: number): number {
  const k = Math.floor((m * theta) / Math.PI);
  return (k % 2 === 0 ? 1 : -1) * Math.cos(m * theta) - 2 * k;
}

export function sphereFaceLambda(step: number, base = 1000, gamma = 0.12, power = 1, lambdaMin = 5): number {
  return Math.max(lambdaMin, base * Math.pow(1 + gamma * step, -power));
}

/** Dynamic AdaCos's new scale from the previous one, computed directly (float64 has the range for it). */
export function adacosNextScale(x: Matrix, W: Matrix, labels: number[], sPrev: number): number {
  const cos = cosines(x, W);
  let b = 0;
  cos.forEach((row, i) => row.forEach((c, j) => j !== labels[i] && (b += Math.exp(sPrev * c))));
  const bAvg = b / x.length;
  const thetas = cos.map((row, i) => Math.acos(row[labels[i]!]!)).sort((a, b2) => a - b2);
  const n = thetas.length;
  const med = n % 2 ? thetas[(n - 1) / 2]! : (thetas[n / 2 - 1]! + thetas[n / 2]!) / 2;
  return Math.log(bAvg) / Math.cos(Math.min(Math.PI / 4, med));
}

/** Central finite differences of the mean cross-entropy of `logits` w.r.t. x and W. */
export function finiteDifferenceGradients(logits: LogitFn, inp: ReferenceInput, h = 1e-6): { gx: Matrix; gW: Matrix } {
  return finiteDifferenceGradientsOf((i) => meanCrossEntropy(logits(i), i.labels), inp, h);
}

/** Central finite differences of any loss w.r.t. x and W (for losses with a term besides the cross-entropy). */
export function finiteDifferenceGradientsOf(loss: (inp: ReferenceInput) => number, inp: ReferenceInput, h = 1e-6): { gx: Matrix; gW: Matrix } {
  const perturb = (m: Matrix, r: number, c: number, d: number) => m.map((row, i) => row.map((v, j) => (i === r && j === c ? v + d : v)));
  const gx = inp.x.map((row, r) =>
    row.map((_, c) => (loss({ ...inp, x: perturb(inp.x, r, c, h) }) - loss({ ...inp, x: perturb(inp.x, r, c, -h) })) / (2 * h)),
  );
  const gW = inp.W.map((row, r) =>
    row.map((_, c) => (loss({ ...inp, W: perturb(inp.W, r, c, h) }) - loss({ ...inp, W: perturb(inp.W, r, c, -h) })) / (2 * h)),
  );
  return { gx, gW };
}
