/**
 * npm run bench:kernels — GFLOP/s of the heavy training kernels on the ort-cpu backend (and, with --reference, on
 * tfjs's reference 'cpu' backend at batch 1), next to numpy's float32 GEMM on this machine. One JSON line per
 * measurement on stdout.
 *
 *   npx tsx bench/kernels.ts [--reference] [--quick]
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { ortCpuAvailable, registerOrtCpuBackend } from '../src/index.js';
import { KERNEL_CASES, measureKernel, referenceCase } from './kernel-cases.js';
import { numpyGemm } from './python-reference.js';

tf.env().set('PROD', true);

async function main(): Promise<void> {
  const options = new Command()
    .option('--reference', "also time tfjs's reference 'cpu' kernels (at batch 1)", false)
    .option('--quick', 'only the first case of each kernel', false)
    .parse()
    .opts<{ reference: boolean; quick: boolean }>();
  if (!ortCpuAvailable()) {
    console.log(JSON.stringify({ error: 'onnxruntime-node cannot be loaded on this machine; nothing to measure' }));
    process.exitCode = 1;
    return;
  }
  await registerOrtCpuBackend();
  const numpy = numpyGemm(1024, 512, 1024);
  console.log(JSON.stringify({ kernel: 'numpy GEMM', dims: [1024, 512, 1024], python: numpy.python, ...(numpy.result ?? { missing: numpy.missing }) }));
  const seen = new Set<string>();
  for (const c of KERNEL_CASES) {
    if (options.quick && seen.has(c.kernel)) continue;
    seen.add(c.kernel);
    console.log(JSON.stringify(await measureKernel(c, 'ort-cpu')));
    if (options.reference) console.log(JSON.stringify(await measureKernel(referenceCase(c), 'cpu')));
  }
}

await main();
