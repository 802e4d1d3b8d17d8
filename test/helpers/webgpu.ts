import test, { type ExecutionContext } from 'ava';
import { adapterName, startWebGpu } from '../../harness/engine/webgpu/index.js';

/**
 * The 'webgpu' backend for tests, wherever Dawn finds an adapter (here: Mesa's llvmpipe through OpenGL ES).
 * Where it finds none, each webgpu test is listed as skipped with the reason in its title, so a run without a
 * GPU path says so instead of passing; with FLB_REQUIRE_WEBGPU=1 (CI, which installs Mesa) it fails instead.
 */

const session = await startWebGpu();

export const WEBGPU: { ready: true; adapter: string } | { ready: false; reason: string } =
  'error' in session ? { ready: false, reason: session.error } : { ready: true, adapter: adapterName(session.adapter) };

/** A serial test (the active backend is global) that runs on webgpu, or says why it cannot. */
export function webgpuTest(title: string, impl: (t: ExecutionContext) => Promise<void>): void {
  if (WEBGPU.ready) test.serial(`${title} (webgpu)`, impl);
  else if (process.env.FLB_REQUIRE_WEBGPU === '1') test.serial(`${title} (webgpu)`, (t) => t.fail(`no webgpu backend: ${WEBGPU.reason}`));
  else test.skip(`${title} (webgpu skipped: ${WEBGPU.reason})`, impl);
}
