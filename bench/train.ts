/**
 * npm run bench:train — time of one training step (forward, backward, SGD update) of our backbones with an
 * ArcFace head, next to PyTorch on CPU for the same architecture, batch, input and head (issue 6). Prints one
 * JSON line per case and backend: {"case","backend","oursMsPerStep","torchMsPerStep","ratio"}; then, from one
 * profiled step, each heavy kernel's GFLOP/s, and numpy's GEMM GFLOP/s for scale. Without PyTorch
 * (Debian: apt-get install python3-torch) it says so and leaves torchMsPerStep and ratio null. Per step, both
 * sides report the median of the same number of timed steps after the same warm-up, taken in alternating rounds.
 *
 * `--backend webgpu` times the WebGPU path (on whatever adapter Dawn finds; on a software renderer such as Mesa's
 * llvmpipe that checks the path more than it measures a GPU), without the per-kernel profile: its kernels only
 * queue GPU work, so their times say nothing.
 *
 *   npx tsx bench/train.ts [--cases convnet,iresnet18] [--backend(s) ort-cpu,webgpu] [--steps 5] [--rounds 2] [--warmup 5] [--warmup-seconds 20]
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { ortCpuAvailable, ortIntraOpThreads, registerOrtCpuBackend } from '@facelossbench/tfjs-backend-ort-cpu';
import { createBackbone, findBackbonePlugin } from '../harness/plugins/backbones/registry.js';
import { createLossHead, findLossPlugin } from '../harness/plugins/losses/registry.js';
import { initEngine, type EngineInfo } from '../harness/engine/backend-choice.js';
import { lossAndGradients, trainableVariables } from '../harness/training/train-step.js';
import { MomentumSgd } from '../harness/training/sgd.js';
import { numpyGemm, runPythonJson } from '../packages/tfjs-backend-ort-cpu/bench/python-reference.js';
import { profileStep } from './train-step-profile.js';

tf.env().set('PROD', true);

interface TrainCase {
  name: string;
  backbone: string;
  params: Record<string, number>;
  inputShape: [number, number, number];
  batch: number;
}

/** The two cases of issue 6. */
const CASES: readonly TrainCase[] = [
  { name: 'convnet', backbone: 'convnet', params: {}, inputShape: [32, 32, 1], batch: 128 },
  { name: 'iresnet18', backbone: 'iresnet', params: { depth: 18 }, inputShape: [112, 112, 3], batch: 32 },
];

interface Settings {
  steps: number;
  /** Warm-up: at least this many untimed steps, and at least warmupSeconds of them. */
  warmup: number;
  warmupSeconds: number;
  classes: number;
  embeddingDim: number;
  lr: number;
}

interface TorchResult {
  msPerStep: number;
  stepsMs: number[];
  torch: string;
  threads: number;
}

const TORCH_SCRIPT = readFileSync(fileURLToPath(new URL('./torch_train_step.py', import.meta.url)), 'utf8');

/** One PyTorch process: warm-up, then s.steps timed steps. Null times when PyTorch is absent. */
function torchSteps(c: TrainCase, s: Settings): { times: number[] | null; note: string } {
  const config = {
    backbone: c.backbone,
    params: c.params,
    inputShape: c.inputShape,
    embeddingDim: s.embeddingDim,
    numClasses: s.classes,
    batch: c.batch,
    threads: ortIntraOpThreads(),
    lr: s.lr,
    warmup: s.warmup,
    warmupSeconds: s.warmupSeconds,
    steps: s.steps,
  };
  const candidates = [process.env.FLB_TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  const r = runPythonJson<TorchResult>('torch', candidates, TORCH_SCRIPT, [JSON.stringify(config)]);
  if (!r.result) return { times: null, note: `PyTorch not measured: ${r.missing}` };
  return { times: r.result.stepsMs, note: `torch ${r.result.torch} on ${r.python}, ${r.result.threads} threads` };
}

/** Builds model, head and optimizer on the active backend; returns one training step and a disposer. */
async function ourTrainer(c: TrainCase, s: Settings): Promise<{ step: (i: number) => number; dispose: () => void }> {
  const backbone = await findBackbonePlugin(c.backbone);
  const { model } = createBackbone(backbone.plugin, c.params, { inputShape: c.inputShape, embeddingDim: s.embeddingDim, seed: 1 });
  const arcface = await findLossPlugin('arcface');
  const { head } = createLossHead(arcface.plugin, {}, { numClasses: s.classes, embeddingDim: s.embeddingDim, seed: 1 });
  const variables = trainableVariables(model, head);
  const optimizer = new MomentumSgd(variables, 0.9, 5e-4);
  const images = tf.randomNormal([c.batch, ...c.inputShape], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = tf.tensor1d(Array.from({ length: c.batch }, (_, i) => i % s.classes), 'int32');
  return {
    step(i) {
      const r = lossAndGradients(model, head, variables, images, labels, i);
      optimizer.apply(r.grads, s.lr);
      tf.dispose(r.grads);
      return r.loss;
    },
    dispose() {
      optimizer.dispose();
      head.dispose?.();
      model.dispose();
      tf.dispose([images, labels]);
    },
  };
}

/**
 * Both sides report the median of their timed steps: on a shared machine a burst of load in one step moves a
 * mean by tens of percent.
 */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Our trainer on `backend`, warmed up once; then timed in rounds between PyTorch's. */
async function ourTimer(c: TrainCase, s: Settings, backend: string) {
  await tf.setBackend(backend);
  const trainer = await ourTrainer(c, s);
  const warmupStart = performance.now();
  let done = 0;
  while (done < s.warmup || performance.now() - warmupStart < s.warmupSeconds * 1000) trainer.step(done++);
  return {
    timeSteps(n: number): number[] {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        trainer.step(done++);
        times.push(performance.now() - t);
      }
      return times;
    },
    profile: () => profileStep(() => void trainer.step(done++)),
    dispose: () => trainer.dispose(),
  };
}

async function main(): Promise<void> {
  const o = new Command()
    .option('--cases <names>', `comma-separated, of ${CASES.map((c) => c.name).join(', ')}`, CASES.map((c) => c.name).join(','))
    .option('--backends <names>', "tfjs backends to time (the reference 'cpu' takes minutes per step)", 'ort-cpu')
    .option('--backend <name>', 'one backend to time (instead of --backends)')
    .option('--steps <n>', 'timed steps per case and round (after warm-up), the same on both sides', '5')
    // The host drifts over minutes; alternating the sides (PyTorch, ours, PyTorch, ours) exposes both to it.
    .option('--rounds <n>', 'alternating rounds of PyTorch and our steps; medians over all rounds', '2')
    .option('--warmup <n>', 'at least this many untimed steps first, on both sides', '5')
    // Our small steps keep getting faster for a dozen steps (V8 tiering up the JS kernels, the allocator and GC
    // settling); a time floor warms both sides up to their steady state without costing the big case more.
    .option('--warmup-seconds <s>', 'and at least this many seconds of untimed steps, on both sides', '20')
    .option('--classes <n>', 'classes of the ArcFace head', '1000')
    .option('--no-torch', 'skip PyTorch')
    .option('--no-profile', 'skip the per-kernel profile')
    .parse()
    .opts<{
      cases: string; backends: string; backend?: string; steps: string; rounds: string; warmup: string; warmupSeconds: string; classes: string;
      torch: boolean; profile: boolean;
    }>();
  const settings: Settings = {
    steps: Number(o.steps),
    warmup: Number(o.warmup),
    warmupSeconds: Number(o.warmupSeconds),
    classes: Number(o.classes),
    embeddingDim: 512,
    lr: 0.01,
  };
  const backends = (o.backend ?? o.backends).split(',');
  if (backends.includes('ort-cpu')) {
    if (!ortCpuAvailable()) throw new Error('onnxruntime-node cannot be loaded on this machine: no ort-cpu backend to time');
    await registerOrtCpuBackend();
  }
  // The GPU path starts its device, and checks its numbers, once; its line says which adapter it ran on.
  let webgpu: EngineInfo | undefined;
  if (backends.includes('webgpu')) webgpu = await initEngine('webgpu');
  const numpy = numpyGemm(1024, 512, 1024);
  console.log(JSON.stringify({ kernel: 'numpy GEMM', dims: [1024, 512, 1024], python: numpy.python, ...(numpy.result ?? { missing: numpy.missing }) }));
  for (const name of o.cases.split(',')) {
    const c = CASES.find((x) => x.name === name);
    if (!c) throw new Error(`unknown case '${name}'; cases: ${CASES.map((x) => x.name).join(', ')}`);
    for (const backend of backends) {
      const ours = await ourTimer(c, settings, backend);
      const oursTimes: number[] = [];
      let torchTimes: number[] | null = o.torch ? [] : null;
      let note = 'PyTorch skipped (--no-torch)';
      for (let round = 0; round < Number(o.rounds); round++) {
        if (torchTimes) {
          const torch = torchSteps(c, settings);
          note = torch.note;
          torchTimes = torch.times ? [...torchTimes, ...torch.times] : null;
        }
        oursTimes.push(...ours.timeSteps(settings.steps));
      }
      const oursMs = median(oursTimes);
      const torchMs = torchTimes ? median(torchTimes) : null;
      console.log(
        JSON.stringify({
          case: c.name,
          backend,
          oursMsPerStep: Math.round(oursMs),
          torchMsPerStep: torchMs === null ? null : Math.round(torchMs),
          ratio: torchMs === null ? null : Number((oursMs / torchMs).toFixed(2)),
          batch: c.batch,
          input: c.inputShape,
          steps: settings.steps,
          rounds: Number(o.rounds),
          oursStepsMs: oursTimes.map(Math.round),
          torchStepsMs: torchTimes?.map(Math.round) ?? null,
          note,
          ...(backend === 'webgpu' ? { engine: webgpu!.reason } : {}),
        }),
      );
      const kernels = o.profile && backend !== 'webgpu' ? await ours.profile() : undefined;
      for (const k of kernels?.kernels ?? []) console.log(JSON.stringify({ case: c.name, backend, ...k }));
      ours.dispose();
    }
  }
}

await main();
