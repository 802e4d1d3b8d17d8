import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { softwareRenderer, type AdapterIdentity } from '../harness/engine/webgpu/adapter-kind.js';
import { autoPassesOver, chooseWebGpu } from '../harness/engine/webgpu/engine-candidate.js';
import type { AdapterSummary } from '../harness/engine/webgpu/protocol.js';
import { platformBackendLoadable } from '../harness/engine/webgpu/vulkan-loader.js';
import { initEngine } from '../harness/engine/backend-choice.js';
import { UserError } from '../harness/core/errors.js';
import { RELU_GRAD } from '../harness/engine/fused-ops/relu.js';
import { webgpuTest } from './helpers/webgpu.js';

/** Adapters as they describe themselves: this machine's Mesa llvmpipe, and what other drivers report. */
const llvmpipe: AdapterIdentity = {
  vendor: '',
  architecture: '',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
  isFallbackAdapter: false,
};
const lavapipe: AdapterIdentity = { vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: 'Mesa 22.3.6' };
const swiftShader: AdapterIdentity = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)' };
const warp: AdapterIdentity = { vendor: 'microsoft', architecture: '', device: '', description: 'Microsoft Basic Render Driver' };
const nvidia: AdapterIdentity = { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3090' };
const intel: AdapterIdentity = { vendor: 'intel', architecture: 'gen-12lp', device: '', description: 'Mesa Intel(R) UHD Graphics 770 (ADL-S GT1)' };
const amd: AdapterIdentity = { vendor: 'amd', architecture: 'rdna-2', device: '', description: 'AMD Radeon RX 6800 (RADV NAVI21)' };

const summary = (id: AdapterIdentity): AdapterSummary => {
  const why = softwareRenderer(id);
  return { ...id, dawnBackend: 'platform', featureLevel: 'core', software: why !== null, softwareReason: why };
};

test('software renderers are told from GPUs by what the adapter says about itself', (t) => {
  t.is(softwareRenderer(llvmpipe), 'the CPU renderer llvmpipe');
  t.is(softwareRenderer(lavapipe), 'the CPU renderer llvmpipe');
  t.is(softwareRenderer(swiftShader), 'the CPU renderer SwiftShader');
  t.is(softwareRenderer(warp), 'the CPU renderer Basic Render Driver');
  t.is(softwareRenderer({ ...nvidia, isFallbackAdapter: true }), 'a fallback adapter');
  // "Mesa" alone is a driver stack for real GPUs too (Intel's iris, AMD's RADV): not a software renderer.
  for (const gpu of [nvidia, intel, amd]) t.is(softwareRenderer(gpu), null, gpu.description);
});

test('auto passes over a software adapter and takes a GPU', (t) => {
  t.regex(autoPassesOver(summary(llvmpipe)) ?? '', /llvmpipe.* is the CPU renderer llvmpipe; auto never prefers it to a CPU backend/);
  t.truthy(autoPassesOver(summary(swiftShader)));
  for (const gpu of [nvidia, intel, amd]) t.is(autoPassesOver(summary(gpu)), null);
});

test.serial('auto never picks a software adapter', async (t) => {
  const info = await initEngine('auto');
  if (info.backend === 'webgpu') t.false(info.adapter!.software, info.reason);
  else t.regex(info.reason, /skipped webgpu: /, 'the reason says why the GPU path was not taken');
  await initEngine('cpu');
});

webgpuTest('a device that computes wrong numbers is refused before any run, naming what differs', async (t) => {
  // A real device with WebGPU's default compatibility limits: tfjs's 256-wide reduction shaders fail validation
  // there and read back zeros without any exception (issue 17's measurement).
  const choice = await chooseWebGpu('webgpu', () => null, { backendName: 'webgpu-default-limits', deviceLimits: 'default' });
  t.false('adapter' in choice);
  const refusal = 'refusal' in choice ? choice.refusal : '';
  t.regex(refusal, /^backend 'webgpu' refused: the adapter .+ computes wrong numbers, so a run on it would silently go wrong: /);
  t.regex(refusal, /sum of 4099 values: /);
  t.false(tf.engine().registryFactory['webgpu-default-limits'] !== undefined, 'the refused backend is unregistered');
  await initEngine('cpu');
});

webgpuTest('the kernel probe refuses webgpu for a model that needs a kernel it lacks, naming the kernel', async (t) => {
  // The fused ReLU gradient kernel exists only on ort-cpu.
  const probe = () => {
    tf.engine().runKernel(RELU_GRAD, { dy: tf.ones([2]), y: tf.ones([2]) });
  };
  const e = await t.throwsAsync(initEngine('webgpu', probe), { instanceOf: UserError });
  t.regex(e!.message, new RegExp(`^backend 'webgpu' cannot run this model: .*${RELU_GRAD}`));
  const info = await initEngine('webgpu');
  t.regex(info.reason, /^requested with --backend webgpu; on the (software adapter|GPU) /);
  t.is(tf.getBackend(), 'webgpu');
  await initEngine('cpu');
});

const noAdapterTest = platformBackendLoadable() ? test.skip : test.serial;
noAdapterTest(
  `--backend webgpu where Dawn finds no adapter fails with what was searched and what to install${platformBackendLoadable() ? ' (skipped: a Vulkan loader is present here, so a GPU may answer)' : ''}`,
  async (t) => {
    // Mesa's EGL on the X11 platform with no display: its OpenGL ES adapter cannot start either.
    const saved = { platform: process.env.EGL_PLATFORM, display: process.env.DISPLAY };
    process.env.EGL_PLATFORM = 'x11';
    delete process.env.DISPLAY;
    try {
      const choice = await chooseWebGpu('webgpu', () => null, { backendName: 'webgpu-no-display', deviceLimits: 'adapter' });
      const refusal = 'refusal' in choice ? choice.refusal : '';
      t.regex(refusal, /^backend 'webgpu' is not available: no WebGPU adapter found \(platform: no Vulkan loader .*; opengles: no adapter\)\. /);
      t.regex(refusal, /libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri/);
    } finally {
      for (const [key, value] of [['EGL_PLATFORM', saved.platform], ['DISPLAY', saved.display]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  },
);

webgpuTest('kernels that take a list of tensors (Concat, AddN, Pack) run through the proxy', async (t) => {
  await initEngine('webgpu');
  const [a, b, c] = [tf.tensor1d([1, 2]), tf.tensor1d([3, 4]), tf.tensor1d([5, 6])];
  t.deepEqual(tf.concat([a, b]).arraySync(), [1, 2, 3, 4]);
  t.deepEqual(tf.addN([a, b, c]).arraySync(), [9, 12]);
  t.deepEqual(tf.stack([a, c]).arraySync(), [
    [1, 2],
    [5, 6],
  ]);
  await initEngine('cpu');
});
